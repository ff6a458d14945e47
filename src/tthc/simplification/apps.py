from django.apps import AppConfig


class SimplificationConfig(AppConfig):
    name = "tthc.simplification"
    verbose_name = "Đơn giản hóa thủ tục hành chính"

    def ready(self) -> None:
        from tthc.feedback.extensions import register_simplification_handler

        from . import services

        register_simplification_handler(services.proposal_from_feedback)
