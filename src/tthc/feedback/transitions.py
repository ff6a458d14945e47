"""The feedback state machine (DOMAIN §6): every allowed (status, action) -> new status.

Anything not in `TRANSITIONS` is refused. `PERMISSIONS` names the policy action checked on the
agency now responsible for the feedback.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from tthc.feedback.models import Feedback, Status
from tthc.org.policy import Action as Policy
from tthc.org.policy import ActionRules


class Action(StrEnum):
    # Creation (not in the table): public form, officer entry, API / Open311.
    SUBMIT = "submit"
    ENTER = "enter"
    # Transitions.
    RECEIVE = "receive"
    REFUSE = "refuse"
    REQUEST_SUPPLEMENT = "request_supplement"
    COMPLETE_SUPPLEMENT = "complete_supplement"
    START = "start"
    TRANSFER = "transfer"
    RETURN = "return"
    DRAFT_ANSWER = "draft_answer"
    REJECT_DRAFT = "reject_draft"
    APPROVE = "approve"
    PUBLISH = "publish"
    # Recorded without a status change.
    PROPOSE_SIMPLIFICATION = "propose_simplification"
    DEADLINE_CHANGED = "deadline_changed"
    MARK_REPEAT = "mark_repeat"
    ATTACHMENT_PUBLIC = "attachment_public"
    PERSONAL_DATA_ERASED = "personal_data_erased"


ACTION_LABELS: dict[Action, str] = {
    Action.SUBMIT: _("Gửi phản ánh, kiến nghị"),
    Action.ENTER: _("Cán bộ nhập phản ánh, kiến nghị"),
    Action.RECEIVE: _("Tiếp nhận"),
    Action.REFUSE: _("Từ chối tiếp nhận"),
    Action.REQUEST_SUPPLEMENT: _("Yêu cầu bổ sung thông tin"),
    Action.COMPLETE_SUPPLEMENT: _("Đã bổ sung thông tin"),
    Action.START: _("Giao xử lý"),
    Action.TRANSFER: _("Chuyển cơ quan có thẩm quyền"),
    Action.RETURN: _("Trả lại cơ quan đã chuyển"),
    Action.DRAFT_ANSWER: _("Dự thảo câu trả lời"),
    Action.REJECT_DRAFT: _("Yêu cầu sửa dự thảo"),
    Action.APPROVE: _("Duyệt câu trả lời"),
    Action.PUBLISH: _("Công khai câu trả lời"),
    Action.PROPOSE_SIMPLIFICATION: _("Chuyển thành đề xuất đơn giản hóa"),
    Action.DEADLINE_CHANGED: _("Điều chỉnh hạn theo lịch làm việc"),
    Action.MARK_REPEAT: _("Đánh dấu phản ánh lại"),
    Action.ATTACHMENT_PUBLIC: _("Công khai / không công khai tệp đính kèm"),
    Action.PERSONAL_DATA_ERASED: _("Xóa dữ liệu cá nhân hết thời hạn lưu trữ"),
}

# Recorded without a status change; never shown to the sender as a step.
NO_STATUS_CHANGE = (
    Action.PROPOSE_SIMPLIFICATION,
    Action.DEADLINE_CHANGED,
    Action.MARK_REPEAT,
    Action.ATTACHMENT_PUBLIC,
    Action.PERSONAL_DATA_ERASED,
)

S = Status

TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (S.WAITING, Action.RECEIVE): S.RECEIVED,
    (S.WAITING, Action.REFUSE): S.REFUSED,
    (S.WAITING, Action.REQUEST_SUPPLEMENT): S.SUPPLEMENT_REQUESTED,
    (S.WAITING, Action.TRANSFER): S.WAITING,
    (S.WAITING, Action.RETURN): S.WAITING,
    (S.RECEIVED, Action.REQUEST_SUPPLEMENT): S.SUPPLEMENT_REQUESTED,
    (S.RECEIVED, Action.START): S.PROCESSING,
    (S.RECEIVED, Action.TRANSFER): S.RECEIVED,
    (S.RECEIVED, Action.RETURN): S.RECEIVED,
    (S.SUPPLEMENT_REQUESTED, Action.COMPLETE_SUPPLEMENT): S.RECEIVED,
    (S.PROCESSING, Action.REQUEST_SUPPLEMENT): S.SUPPLEMENT_REQUESTED,
    (S.PROCESSING, Action.TRANSFER): S.RECEIVED,
    (S.PROCESSING, Action.RETURN): S.RECEIVED,
    (S.PROCESSING, Action.DRAFT_ANSWER): S.DRAFTED,
    (S.DRAFTED, Action.REJECT_DRAFT): S.PROCESSING,
    (S.DRAFTED, Action.APPROVE): S.APPROVED,
    (S.APPROVED, Action.PUBLISH): S.PUBLISHED,
}

STAFF_ACTIONS = tuple(
    a for a in Action if a not in (Action.SUBMIT, Action.ENTER, *NO_STATUS_CHANGE)
)

PERMISSIONS: dict[Action, Policy] = {
    Action.RECEIVE: Policy.FEEDBACK_RECEIVE,
    Action.REFUSE: Policy.FEEDBACK_RECEIVE,
    Action.REQUEST_SUPPLEMENT: Policy.FEEDBACK_PROCESS,
    Action.COMPLETE_SUPPLEMENT: Policy.FEEDBACK_PROCESS,
    Action.START: Policy.FEEDBACK_PROCESS,
    Action.TRANSFER: Policy.FEEDBACK_PROCESS,
    Action.RETURN: Policy.FEEDBACK_PROCESS,
    Action.DRAFT_ANSWER: Policy.FEEDBACK_PROCESS,
    Action.REJECT_DRAFT: Policy.FEEDBACK_APPROVE,
    Action.APPROVE: Policy.FEEDBACK_APPROVE,
    Action.PUBLISH: Policy.FEEDBACK_APPROVE,
    Action.PROPOSE_SIMPLIFICATION: Policy.FEEDBACK_PROCESS,
    Action.MARK_REPEAT: Policy.FEEDBACK_PROCESS,
    Action.ATTACHMENT_PUBLIC: Policy.FEEDBACK_APPROVE,
}

# `PERMISSIONS` checked on the feedback's agency (`ACTION_RULES.allows/check`).
ACTION_RULES: ActionRules[Feedback] = ActionRules(
    PERMISSIONS, agency=lambda feedback: feedback.agency
)


def target(status: str, action: Action) -> Status | None:
    """The new status, or None when the table does not allow `action` from `status`."""
    return TRANSITIONS.get((Status(status), action))


def allowed_actions(status: str) -> list[Action]:
    return [action for (s, action) in TRANSITIONS if s == status]
