from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SimplificationConfig(AppConfig):
    name = "tthc.simplification"
    verbose_name = _("Đơn giản hóa thủ tục hành chính")

    def ready(self) -> None:
        from tthc.core.handoffs import SIMPLIFY_FEEDBACK, register_handoff

        from . import services

        register_handoff(SIMPLIFY_FEEDBACK, services.proposal_from_feedback)
