from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "tthc.catalog"
    verbose_name = "Cơ sở dữ liệu thủ tục hành chính"

    def ready(self):
        from tthc.catalog import search

        search.connect_signals()
