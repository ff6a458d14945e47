from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "tthc.workdays"
    verbose_name = "Lịch làm việc và thời hạn"

    def ready(self) -> None:
        from tthc.core import revisions
        from tthc.workdays.models import CalendarOverride
        from tthc.workdays.selectors import REVISION

        revisions.watch(REVISION, CalendarOverride)
