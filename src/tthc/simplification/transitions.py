"""The proposal state machine: every allowed (action) -> (from statuses, to status, policy)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from tthc.org.policy import Action as Policy

from .models import ProposalStatus as S


class Move(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    SUBMIT = "submit"
    RETURN = "return"
    APPROVE = "approve"
    IMPLEMENT = "implement"
    VERIFY = "verify"


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    policy: Policy
    label: str  # lazy: translated when shown


TRANSITIONS: dict[Move, Transition] = {
    Move.SUBMIT: Transition(
        (S.DRAFT,), S.SUBMITTED, Policy.SIMPLIFICATION_EDIT, _("Trình phê duyệt")
    ),
    Move.RETURN: Transition(
        (S.SUBMITTED,), S.DRAFT, Policy.SIMPLIFICATION_APPROVE, _("Trả lại để hoàn thiện")
    ),
    Move.APPROVE: Transition(
        (S.SUBMITTED,),
        S.APPROVED,
        Policy.SIMPLIFICATION_APPROVE,
        _("Ghi nhận quyết định phê duyệt"),
    ),
    Move.IMPLEMENT: Transition(
        (S.APPROVED,), S.IMPLEMENTED, Policy.SIMPLIFICATION_APPROVE, _("Thực thi trên danh mục")
    ),
    Move.VERIFY: Transition(
        (S.IMPLEMENTED,), S.VERIFIED, Policy.SIMPLIFICATION_APPROVE, _("Kiểm tra kết quả thực thi")
    ),
}

LABELS = {
    Move.CREATE: _("Lập phương án"),
    Move.UPDATE: _("Sửa phương án"),
    **{move: t.label for move, t in TRANSITIONS.items()},
}


def allowed(status: str) -> list[Move]:
    return [move for move, t in TRANSITIONS.items() if status in t.sources]
