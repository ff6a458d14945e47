from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "tthc.catalog"
    verbose_name = "Cơ sở dữ liệu thủ tục hành chính"
