from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "tthc.metrics"
    verbose_name = "Thống kê"

    def ready(self) -> None:
        from tthc.catalog.signals import procedure_searched
        from tthc.core.signals import site_searched
        from tthc.metrics.recorder import on_site_searched

        # The apps below announce their searches (they must not import metrics).
        site_searched.connect(on_site_searched, dispatch_uid="tthc.metrics.site_searched")
        procedure_searched.connect(on_site_searched, dispatch_uid="tthc.metrics.procedure_searched")
