"""Public API of feedback: submit, the archive of published answers, the sender's lookup."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from tthc.core import lookupcode
from tthc.core.api import MAX_OFFSET, MAX_PAGE_SIZE, Id, errors
from tthc.core.errors import NotFound, PermissionDenied, ValidationError
from tthc.feedback import abuse, selectors, services
from tthc.feedback.models import Channel
from tthc.org.models import Agency
from tthc.org.policy import Action as Policy
from tthc.org.policy import can_somewhere

router = Router(tags=["Phản ánh, kiến nghị"])


class FeedbackIn(Schema):
    category: str
    title: str
    content: str
    sender_name: str
    sender_address: str
    sender_phone: str = ""
    sender_email: str = ""
    procedure_code: str = ""
    dossier_code: str = ""
    agency_code: str = ""
    repeat_of_code: str = ""
    website: str = ""  # honeypot: must stay empty


class SubmittedOut(Schema):
    code: str
    status: str
    handle_due_at: datetime | None
    lookup_secret: str = Field(
        description="Mã tra cứu bí mật (8 ký tự, `ABCD-EFGH`): người gửi nhập cùng mã phản ánh "
        "để tra cứu (`POST /lookup`, trang `/phan-anh/tra-cuu/`). Chỉ trả về ở đây và gửi trong "
        "thư, tin nhắn thông báo; không bao giờ có trong câu trả lời công khai."
    )


class PublishedOut(Schema):
    code: str
    title: str
    content: str
    answer: str
    category: str
    category_label: str
    agency: str
    procedure_code: str
    procedure_name: str
    submitted_at: datetime
    published_at: datetime | None
    likes: int
    dislikes: int


class LookupIn(Schema):
    code: str
    verify: str = Field(
        description="Mã tra cứu của phản ánh (8 ký tự, `ABCD-EFGH`; chữ hoa/thường, dấu gạch, "
        "khoảng trắng không tính), hoặc địa chỉ thư điện tử đầy đủ đã khai khi gửi. Số điện "
        "thoại (hay các số cuối) không được chấp nhận."
    )


class FeedbackStepOut(Schema):
    label: str
    at: datetime
    status_label: str


class LookupOut(Schema):
    code: str
    title: str
    status: str
    status_label: str
    agency: str
    submitted_at: datetime
    handle_due_at: datetime | None
    answer: str
    note: str
    steps: list[FeedbackStepOut]


@router.post(
    "/", response={201: SubmittedOut, **errors(404, 429)}, summary="Gửi phản ánh, kiến nghị"
)
def submit(request, payload: FeedbackIn):
    """Rate-limited per address and per phone: 429 `{"detail", "code": "throttled"}`. The
    answer carries the feedback's secret `lookup_secret`: give it to the sender (it is also
    sent to the sender's e-mail / phone), the lookup asks for it."""
    agency = None
    if payload.agency_code:
        agency = Agency.objects.filter(code=payload.agency_code.strip()).first()
        if agency is None:
            raise NotFound(_("Không tìm thấy cơ quan có mã này."), field="agency_code")
    data = payload.dict()
    data.pop("agency_code")
    honeypot = data.pop("website")
    feedback = services.submit(
        data=services.FeedbackInput(**data, agency=agency),
        channel=Channel.API,
        ip=abuse.client_ip(request),
        honeypot=honeypot,
    )
    return Status(
        201,
        {
            "code": feedback.code,
            "status": feedback.status,
            "handle_due_at": feedback.handle_due_at,
            "lookup_secret": lookupcode.display(feedback.lookup_secret),
        },
    )


@router.get(
    "/published",
    response={200: list[PublishedOut], **errors()},
    summary="Câu trả lời đã công khai",
)
def published(
    request,
    q: str = "",
    agency: Id | None = None,
    procedure: str = "",
    category: str = "",
    offset: Annotated[int, Field(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)] = 20,
):
    """`offset` from 0, `limit` 1 to 100 (default 20); out of range answers 422."""
    rows = selectors.archive(q=q[:200], agency=agency, procedure=procedure, category=category)
    return [selectors.public_view(f) for f in rows[offset : offset + limit]]


@router.get(
    "/published/{code}",
    response={200: PublishedOut, **errors(404)},
    summary="Một câu trả lời đã công khai",
)
def published_one(request, code: str):
    feedback = selectors.published(code)
    if feedback is None:
        raise NotFound(_("Không tìm thấy câu trả lời đã công khai."), field="code")
    return selectors.public_view(feedback)


@router.post(
    "/lookup", response={200: LookupOut, **errors(404)}, summary="Người gửi tra cứu theo mã"
)
def lookup(request, payload: LookupIn):
    """`verify`: the feedback's lookup secret (answer of `POST /`, the confirmation page, the
    acknowledgement and every e-mail / SMS to the sender), or the sender's whole e-mail
    address; never the phone or its last digits, which the masked view shows in part. After
    `TTHC_FEEDBACK_LOOKUP_VERIFY_ATTEMPTS` wrong tries for one code within
    `TTHC_FEEDBACK_LOOKUP_VERIFY_WINDOW_SECONDS` (5 in 15 minutes) every try answers 404
    `field: verify` until the window ends, the right secret too. Feedback whose sender's data
    was erased at the end of the retention period answers 404 `code: personal_data_erased`."""
    result = selectors.lookup(payload.code, payload.verify)
    if result is None:
        raise NotFound(_("Không tìm thấy phản ánh, kiến nghị có mã này."), field="code")
    if result.get("erased"):
        raise NotFound(
            _(
                "Dữ liệu cá nhân của người gửi đã được xóa theo thời hạn lưu trữ; câu trả lời đã "
                "công khai (nếu có) xem tại /published."
            ),
            code="personal_data_erased",
            field="code",
        )
    if not result["verified"]:
        raise NotFound(
            _("Thông tin xác minh không đúng hoặc đã nhập sai quá nhiều lần."), field="verify"
        )
    return result


class CountOut(Schema):
    key: str | int | None
    label: str
    count: int


class FiguresOut(Schema):
    start: date
    end: date
    agency: int | None
    total: int
    by_category: list[CountOut]
    by_status: list[CountOut]
    by_agency: list[CountOut]
    timeliness: dict[str, int]
    majority_dislike: int
    overdue: int
    repeated: int
    satisfaction: float | None


def _parse_date(value: str, field: str) -> date:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        raise ValidationError(
            _("Ngày không hợp lệ: dùng định dạng YYYY-MM-DD."), field=field
        ) from None


@router.get(
    "/figures", response={200: FiguresOut, **errors(403)}, summary="Số liệu phản ánh, kiến nghị"
)
def figures(request, start: str = "", end: str = "", agency: Id | None = None):
    """Counts by category, status, agency and timeliness, and DOMAIN §6's satisfaction rate,
    for items submitted from `start` to `end` (inclusive, YYYY-MM-DD). Needs the
    `feedback.report` permission (signed-in session): 403 otherwise; 422 for bad dates."""
    if not can_somewhere(request.user, Policy.FEEDBACK_REPORT):
        raise PermissionDenied(_("Bạn không có quyền xem số liệu phản ánh, kiến nghị."))
    first, last = _parse_date(start, "start"), _parse_date(end, "end")
    if first > last:
        raise ValidationError(_("Ngày bắt đầu phải trước ngày kết thúc."), field="start")
    result = selectors.figures(start=first, end=last, agency=agency)
    return {
        "start": result.start,
        "end": result.end,
        "agency": agency,
        "total": result.total,
        "by_category": [
            {"key": r["category"], "label": str(r["label"]), "count": r["count"]}
            for r in result.by_category
        ],
        "by_status": [
            {"key": r["status"], "label": str(r["label"]), "count": r["count"]}
            for r in result.by_status
        ],
        "by_agency": [
            {"key": r["agency_id"], "label": r["agency"], "count": r["count"]}
            for r in result.by_agency
        ],
        "timeliness": result.timeliness,
        "majority_dislike": result.majority_dislike,
        "overdue": result.overdue,
        "repeated": result.repeated,
        "satisfaction": result.satisfaction,
    }
