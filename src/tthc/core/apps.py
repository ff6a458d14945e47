from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tthc.core"
    verbose_name = "Dùng chung"

    def ready(self) -> None:
        from tthc.core import checks  # noqa: F401  (registers the deployment checks)
