"""The dossier state machine (DOMAIN §4): every allowed (status, action) -> new status.

Anything not in `TRANSITIONS` is refused. Who may perform an action is in `PERMISSIONS`: the
policy action and which of the dossier's agencies it is checked on (`receiving`: the agency of
the reception point / one-stop desk; `current`: the agency now responsible for processing).
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy

from tthc.dossiers.models import Dossier, Status
from tthc.org.policy import Action as Policy
from tthc.org.policy import ActionRules


class Action(StrEnum):
    # Creation (no previous status; not in the table): online submission, counter reception.
    SUBMIT = "submit"
    RECEIVE = "receive"
    # Transitions.
    ACCEPT = "accept"
    REFUSE = "refuse"
    # Online dossiers before acceptance: ask for completion, and its answer (clock not started).
    REQUEST_COMPLETION = "request_completion"
    SUBMIT_COMPLETION = "submit_completion"
    START = "start"
    REQUEST_SUPPLEMENT = "request_supplement"
    COMPLETE_SUPPLEMENT = "complete_supplement"
    REQUEST_PAYMENT = "request_payment"
    CONFIRM_PAYMENT = "confirm_payment"
    WITHDRAW = "withdraw"
    STOP = "stop"
    RESOLVE = "resolve"
    RETURN_RESULT = "return_result"
    TRANSFER = "transfer"
    APOLOGISE = "apologise"
    # Inside status 4: the leader assigns a specialist; a step of the internal process is
    # completed or returned to the previous one.
    ASSIGN = "assign"
    COMPLETE_STEP = "complete_step"
    RETURN_STEP = "return_step"
    # System event: a calendar change moved the deadline (status unchanged).
    DEADLINE_CHANGED = "deadline_changed"
    # System event: the applicant's personal data was erased at the end of the retention
    # period (status unchanged; `tthc.dossiers.retention`).
    PERSONAL_DATA_ERASED = "personal_data_erased"


ACTION_LABELS: dict[Action, str] = {
    Action.SUBMIT: gettext_lazy("Nộp hồ sơ trực tuyến"),
    Action.RECEIVE: gettext_lazy("Tiếp nhận hồ sơ"),
    Action.ACCEPT: gettext_lazy("Tiếp nhận hồ sơ"),
    Action.REFUSE: gettext_lazy("Từ chối tiếp nhận"),
    Action.REQUEST_COMPLETION: gettext_lazy("Yêu cầu hoàn thiện hồ sơ trước khi tiếp nhận"),
    Action.SUBMIT_COMPLETION: gettext_lazy("Đã hoàn thiện hồ sơ (trước khi tiếp nhận)"),
    Action.START: gettext_lazy("Chuyển xử lý"),
    Action.REQUEST_SUPPLEMENT: gettext_lazy("Yêu cầu bổ sung hồ sơ"),
    Action.COMPLETE_SUPPLEMENT: gettext_lazy("Đã bổ sung hồ sơ"),
    Action.REQUEST_PAYMENT: gettext_lazy("Yêu cầu thực hiện nghĩa vụ tài chính"),
    Action.CONFIRM_PAYMENT: gettext_lazy("Đã thực hiện nghĩa vụ tài chính"),
    Action.WITHDRAW: gettext_lazy("Rút hồ sơ"),
    Action.STOP: gettext_lazy("Dừng xử lý"),
    Action.RESOLVE: gettext_lazy("Có kết quả giải quyết"),
    Action.RETURN_RESULT: gettext_lazy("Trả kết quả"),
    Action.TRANSFER: gettext_lazy("Chuyển cơ quan xử lý (liên thông)"),
    Action.APOLOGISE: gettext_lazy("Xin lỗi và hẹn lại ngày trả kết quả"),
    Action.ASSIGN: gettext_lazy("Giao chuyên viên xử lý"),
    Action.COMPLETE_STEP: gettext_lazy("Hoàn thành bước xử lý"),
    Action.RETURN_STEP: gettext_lazy("Trả lại bước trước"),
    Action.DEADLINE_CHANGED: gettext_lazy("Điều chỉnh hạn theo lịch làm việc"),
    Action.PERSONAL_DATA_ERASED: gettext_lazy("Xóa dữ liệu cá nhân hết thời hạn lưu trữ"),
}

S = Status
_BEFORE_RESULT = (S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT)

TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (S.SUBMITTED, Action.ACCEPT): S.RECEIVED,
    (S.SUBMITTED, Action.REFUSE): S.NOT_RECEIVED,
    (S.SUBMITTED, Action.WITHDRAW): S.WITHDRAWN,
    (S.SUBMITTED, Action.REQUEST_COMPLETION): S.SUBMITTED,
    (S.SUBMITTED, Action.SUBMIT_COMPLETION): S.SUBMITTED,
    (S.RECEIVED, Action.START): S.PROCESSING,
    (S.RECEIVED, Action.REQUEST_SUPPLEMENT): S.SUPPLEMENT_REQUESTED,
    (S.RECEIVED, Action.TRANSFER): S.RECEIVED,
    (S.PROCESSING, Action.REQUEST_SUPPLEMENT): S.SUPPLEMENT_REQUESTED,
    (S.SUPPLEMENT_REQUESTED, Action.COMPLETE_SUPPLEMENT): S.PROCESSING,
    (S.PROCESSING, Action.REQUEST_PAYMENT): S.AWAITING_PAYMENT,
    (S.AWAITING_PAYMENT, Action.CONFIRM_PAYMENT): S.PROCESSING,
    (S.PROCESSING, Action.TRANSFER): S.PROCESSING,
    (S.PROCESSING, Action.RESOLVE): S.RESOLVED,
    (S.RESOLVED, Action.RETURN_RESULT): S.RETURNED,
    (S.PROCESSING, Action.ASSIGN): S.PROCESSING,
    (S.PROCESSING, Action.COMPLETE_STEP): S.PROCESSING,
    (S.PROCESSING, Action.RETURN_STEP): S.PROCESSING,
    **{(status, Action.WITHDRAW): S.WITHDRAWN for status in _BEFORE_RESULT},
    **{(status, Action.STOP): S.STOPPED for status in _BEFORE_RESULT},
    **{(status, Action.APOLOGISE): status for status in _BEFORE_RESULT},
}

# Actions staff perform on an existing dossier (the ones the table is about).
STAFF_ACTIONS = tuple(
    a
    for a in Action
    if a
    not in (
        Action.SUBMIT,
        Action.RECEIVE,
        Action.DEADLINE_CHANGED,
        Action.PERSONAL_DATA_ERASED,
    )
)

RECEIVING = "receiving"
CURRENT = "current"

# Any one of the (policy action, agency) pairs suffices.
PERMISSIONS: dict[Action, tuple[tuple[Policy, str], ...]] = {
    Action.ACCEPT: ((Policy.DOSSIER_RECEIVE, RECEIVING),),
    Action.REFUSE: ((Policy.DOSSIER_RECEIVE, RECEIVING),),
    Action.REQUEST_COMPLETION: ((Policy.DOSSIER_RECEIVE, RECEIVING),),
    # The applicant uploads online (verified, see services.supplement_online) or the desk
    # records what arrived by other means.
    Action.SUBMIT_COMPLETION: ((Policy.DOSSIER_RECEIVE, RECEIVING),),
    Action.START: ((Policy.DOSSIER_PROCESS, CURRENT),),
    Action.REQUEST_SUPPLEMENT: ((Policy.DOSSIER_PROCESS, CURRENT),),
    # The applicant brings the missing documents to the desk, or the specialist records them.
    Action.COMPLETE_SUPPLEMENT: (
        (Policy.DOSSIER_RECEIVE, RECEIVING),
        (Policy.DOSSIER_PROCESS, CURRENT),
    ),
    Action.REQUEST_PAYMENT: ((Policy.DOSSIER_PROCESS, CURRENT),),
    Action.CONFIRM_PAYMENT: (
        (Policy.DOSSIER_RECEIVE, RECEIVING),
        (Policy.DOSSIER_PROCESS, CURRENT),
    ),
    Action.WITHDRAW: ((Policy.DOSSIER_RECEIVE, RECEIVING), (Policy.DOSSIER_PROCESS, CURRENT)),
    Action.STOP: ((Policy.DOSSIER_PROCESS, CURRENT),),
    Action.RESOLVE: ((Policy.DOSSIER_PROCESS, CURRENT),),
    # Results are handed back at the one-stop desk.
    Action.RETURN_RESULT: (
        (Policy.DOSSIER_RECEIVE, RECEIVING),
        (Policy.DOSSIER_PROCESS, CURRENT),
    ),
    Action.TRANSFER: ((Policy.DOSSIER_PROCESS, CURRENT),),
    Action.APOLOGISE: ((Policy.DOSSIER_PROCESS, CURRENT),),
    Action.ASSIGN: ((Policy.DOSSIER_ASSIGN, CURRENT),),
    Action.COMPLETE_STEP: ((Policy.DOSSIER_PROCESS, CURRENT),),
    Action.RETURN_STEP: ((Policy.DOSSIER_PROCESS, CURRENT),),
}

# `PERMISSIONS` checked on the dossier's agencies (`ACTION_RULES.allows/check`).
ACTION_RULES: ActionRules[Dossier] = ActionRules(
    PERMISSIONS,
    agency={
        RECEIVING: lambda dossier: dossier.receiving_agency,
        CURRENT: lambda dossier: dossier.current_agency,
    },
)


def target(status: int, action: Action) -> Status | None:
    """The new status, or None when the table does not allow `action` from `status`."""
    return TRANSITIONS.get((Status(status), action))


def allowed_actions(status: int) -> list[Action]:
    return [action for (s, action) in TRANSITIONS if s == status]
