from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "tthc.content"
    verbose_name = "Nội dung thông tin, tuyên truyền"
