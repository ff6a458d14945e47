from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "tthc.metrics"
    verbose_name = "Thống kê"
