"""The proposal state machine: every allowed (action) -> (from statuses, to status, policy)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

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
    label: str


TRANSITIONS: dict[Move, Transition] = {
    Move.SUBMIT: Transition((S.DRAFT,), S.SUBMITTED, Policy.SIMPLIFICATION_EDIT, "Trình phê duyệt"),
    Move.RETURN: Transition(
        (S.SUBMITTED,), S.DRAFT, Policy.SIMPLIFICATION_APPROVE, "Trả lại để hoàn thiện"
    ),
    Move.APPROVE: Transition(
        (S.SUBMITTED,), S.APPROVED, Policy.SIMPLIFICATION_APPROVE, "Ghi nhận quyết định phê duyệt"
    ),
    Move.IMPLEMENT: Transition(
        (S.APPROVED,), S.IMPLEMENTED, Policy.SIMPLIFICATION_APPROVE, "Thực thi trên danh mục"
    ),
    Move.VERIFY: Transition(
        (S.IMPLEMENTED,), S.VERIFIED, Policy.SIMPLIFICATION_APPROVE, "Kiểm tra kết quả thực thi"
    ),
}

LABELS = {
    Move.CREATE: "Lập phương án",
    Move.UPDATE: "Sửa phương án",
    **{move: t.label for move, t in TRANSITIONS.items()},
}


def allowed(status: str) -> list[Move]:
    return [move for move, t in TRANSITIONS.items() if status in t.sources]
