"""Staff API of dossiers under /api/v1/staff/: queues, the full dossier (its personal data read
is logged as on the staff page), and the actions of the transition table.

Session authentication (`django_auth`): the staff member's browser session, CSRF checked on
unsafe methods. Permissions come from `tthc.org.policy` through the services, as on the pages.
Errors: `{"detail", "code", "field"}` (`tthc.core.api.ErrorOut`) with 400 (unreadable request),
401 (not signed in), 403 (policy, CSRF), 404, 409 (transition refused by the table), 422
(invalid input).
"""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth
from pydantic import BaseModel

from tthc.core.api import MAX_PAGE, MAX_PAGE_SIZE, STAFF_ERRORS, errors
from tthc.core.errors import NotFound, ValidationError
from tthc.dossiers import forms_pdf, queues, selectors, services
from tthc.dossiers.models import Channel, Dossier, Status
from tthc.dossiers.personal import applicant_view
from tthc.dossiers.queues import QueueItem
from tthc.dossiers.schemas import ApplicantOut
from tthc.dossiers.transitions import ACTION_LABELS, Action

# Included by the app's router (`tthc.dossiers.api`) under /staff/.
router = Router(tags=["Hồ sơ — cán bộ"], auth=django_auth)

# Reading personal data through the API is logged like the staff page.
READ_WHAT = "xem hồ sơ qua API cán bộ"


# The queue's answers are pydantic models, not ninja's Schema: they are built from dicts and
# need no attribute getter, which Schema puts around every item (0.31 ms of a 20-line answer,
# 0.03 ms without it).
class QueueRowOut(BaseModel):
    code: str
    procedure_code: str
    procedure_name: str
    channel: int
    status: int
    status_label: str
    receiving_agency: str
    current_agency: str
    submitted_at: datetime
    received_at: datetime | None
    due_at: datetime | None
    appointment_at: datetime | None
    assignee: str | None = None


class QueueFilters(Schema):
    tab: str = ""
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Trang, từ 1 (chi phí tăng theo trang)")
    page_size: int = Field(
        20, ge=1, le=MAX_PAGE_SIZE, description=f"Số dòng mỗi trang (tối đa {MAX_PAGE_SIZE})"
    )
    cursor: str | None = Field(
        None,
        max_length=40,
        description="`next` của trang trước: trang tiếp theo, chi phí không đổi (thay `page`)",
    )


class QueuePageOut(BaseModel):
    items: list[QueueRowOut]
    count: int = Field(
        description=(
            "Số hồ sơ của thẻ: chính xác với các thẻ đang xử lý; với `da-xong` chính xác đến "
            f"{queues.DONE_COUNT_CAP}, {queues.DONE_COUNT_CAP + 1} nghĩa là nhiều hơn"
        )
    )
    next: str | None = Field(
        description="Con trỏ của trang sau (tham số `cursor`); null ở trang cuối"
    )


def _row(item: QueueItem) -> dict:
    return {
        "code": item.code,
        "procedure_code": item.procedure_code,
        "procedure_name": item.procedure_name,
        "channel": item.channel,
        "status": item.status,
        "status_label": Status(item.status).label,
        "receiving_agency": item.receiving_agency.name,
        "current_agency": item.current_agency.name,
        "submitted_at": item.submitted_at,
        "received_at": item.received_at,
        "due_at": item.due_at,
        "appointment_at": item.appointment_at,
        "assignee": item.assignee,
    }


@router.get(
    "dossiers",
    response={200: QueuePageOut, **errors(*STAFF_ERRORS)},
    summary="Hàng đợi hồ sơ của cán bộ",
)
def staff_queue(request, filters: Query[QueueFilters]):
    """One tab of the staff queue (the tabs of the staff page: `moi`, `dang-xu-ly`,
    `sap-den-han`, `qua-han`, `bo-sung`, `cho-tra`, `da-xong`, `cua-toi`), restricted
    to the user's agencies, in the page's order. `page_size` rows (at most 100); the next page
    with `cursor` = the answer's `next` (constant cost, the way to walk a tab), or with `page`
    (from 1; each page further costs more). `count` is the tab's count as the staff page
    shows it: exact, except `da-xong`, exact up to 1000 (1001: more)."""
    view = selectors.queue_view(
        request.auth,
        tab=filters.tab,
        size=filters.page_size,
        after=filters.cursor,
        offset=0 if filters.cursor else (filters.page - 1) * filters.page_size,
    )
    return {
        "items": [_row(item) for item in view.page.rows],
        "count": view.counts[view.tab],
        "next": view.page.next_cursor,
    }


class AttachmentOut(Schema):
    id: int
    name: str


class EventOut(Schema):
    at: datetime
    action: str
    label: str
    from_status: int | None
    to_status: int
    agency: str
    unit: str
    actor: str
    note: str
    data: dict
    attachments: list[AttachmentOut]


class DocumentOut(Schema):
    position: int
    name: str
    form: str
    quantity: int
    file_name: str
    has_file: bool


class DossierOut(QueueRowOut):
    procedure_version: int
    channel_label: str
    resolving_agency: str
    reception_point: str
    fee_due: int
    due_explanation: list
    new_appointment_at: datetime | None
    classification: str | None
    open_status: str | None
    missing: list[str]
    applicant: ApplicantOut
    documents: list[DocumentOut]
    events: list[EventOut]
    allowed_actions: list[str]


def _event(event, dossier: Dossier) -> dict:
    try:
        label = str(ACTION_LABELS[Action(event.action)])
    except ValueError:
        label = event.action
    return {
        "at": event.at,
        "action": event.action,
        "label": label,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "agency": event.agency.code,
        "unit": forms_pdf.unit_of(event, dossier),
        "actor": forms_pdf.actor_of(event),
        "note": event.note,
        "data": event.data or {},
        "attachments": [{"id": a.pk, "name": a.name} for a in event.attachments.all()],
    }


def _dossier(code: str) -> Dossier:
    dossier = selectors.staff_dossier(code)
    if dossier is None:
        raise NotFound(_("Không tìm thấy hồ sơ có mã này."), field="code")
    return dossier


@router.get(
    "dossiers/{code}",
    response={200: DossierOut, **errors(*STAFF_ERRORS, 404)},
    summary="Chi tiết hồ sơ (cán bộ)",
)
def staff_dossier(request, code: str):
    """Everything the staff page shows: the applicant in full (the read is logged in the
    access log), documents, events, the actions the user may perform now."""
    dossier = _dossier(code)
    applicant = services.read_applicant(user=request.auth, dossier=dossier, what=READ_WHAT)
    return dict(
        _row(QueueItem.of(dossier)),
        procedure_version=dossier.procedure_version,
        channel_label=Channel(dossier.channel).label,
        resolving_agency=dossier.resolving_agency.name,
        reception_point=dossier.reception_point.name if dossier.reception_point else "",
        fee_due=dossier.fee_due,
        due_explanation=dossier.due_explanation or [],
        new_appointment_at=dossier.new_appointment_at,
        classification=selectors.classify(dossier),
        open_status=selectors.open_status_of(dossier),
        missing=selectors.missing_documents(dossier),
        applicant=applicant_view(applicant, full=True),
        documents=[
            {
                "position": d.position,
                "name": d.name,
                "form": d.form,
                "quantity": d.quantity,
                "file_name": d.file_name,
                "has_file": bool(d.file),
            }
            for d in dossier.documents.all()
        ],
        events=[_event(e, dossier) for e in dossier.events.all()],
        allowed_actions=[
            a.value for a in services.allowed_actions(user=request.auth, dossier=dossier)
        ],
    )


class ActionIn(Schema):
    """The fields an action uses (the others are ignored):
    `accept`, `start`, `submit_completion`, `complete_supplement`: `note`; `confirm_payment`:
    `online` (true when paid through an online payment service; default false), `note`;
    `return_result`: `return_method` (1 in person, 2 online, 3 postal; default: as received),
    `note`; `refuse`, `stop`, `withdraw`: `reason`;
    `request_completion`, `request_supplement`: `reason`, `missing`; `request_payment`:
    `amount`, `note`; `transfer`: `to_agency` (agency code), `note`; `resolve`: `result_code`,
    `electronic`, `note`; `apologise`: `new_appointment`, `reason`; `assign`: `assignee`
    (username of a specialist of the responsible agency), `note`; `complete_step`: `note`;
    `return_step`: `reason`. Files are attached on the
    staff page, not through this JSON API."""

    note: str = ""
    reason: str = ""
    missing: list[str] = []
    amount: int | None = None
    to_agency: str = ""
    result_code: str = ""
    electronic: bool = False
    new_appointment: datetime | None = None
    assignee: str = ""
    return_method: int | None = None
    online: bool = False


class ActionOut(Schema):
    code: str
    action: str
    label: str
    status: int
    status_label: str
    current_agency: str
    due_at: datetime | None
    appointment_at: datetime | None


@router.post(
    "dossiers/{code}/actions/{action}",
    response={200: ActionOut, **errors(*STAFF_ERRORS, 404, 409)},
    summary="Thực hiện thao tác trên hồ sơ",
)
def staff_action(request, code: str, action: str, payload: ActionIn):
    """One action of the transition table (see the body's description for its fields). 409
    `invalid_transition` when the table does not allow it from the current status, 403 when the
    user is not staff of the agency concerned, 422 with `field` for invalid input."""
    try:
        chosen = Action(action)
    except ValueError:
        chosen = None
    if chosen is None or not services.action_fields(action=chosen):
        raise ValidationError(_("Thao tác không hợp lệ."), field="action", code="unknown_action")
    # The fields this action takes (the body's others are ignored, as documented).
    fields = {
        name: getattr(payload, name)
        for name in services.action_fields(action=chosen)
        if name in ActionIn.model_fields
    }
    dossier = services.perform(action=chosen, user=request.auth, obj=_dossier(code), **fields)
    return {
        "code": dossier.code,
        "action": chosen.value,
        "label": str(ACTION_LABELS[chosen]),
        "status": dossier.status,
        "status_label": Status(dossier.status).label,
        "current_agency": dossier.current_agency.name,
        "due_at": dossier.due_at,
        "appointment_at": dossier.appointment_at,
    }
