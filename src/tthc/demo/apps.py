from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Builds the demo province from data the project ships; depends on every other app."""

    name = "tthc.demo"
    verbose_name = "Dữ liệu mẫu"
