from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "tthc.org"
    verbose_name = "Tổ chức"
