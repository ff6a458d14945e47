from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "tthc.plans"
    verbose_name = "Kế hoạch truyền thông"
