from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "tthc.workdays"
    verbose_name = "Lịch làm việc và thời hạn"
