"""Writes on feedback. Every function is keyword-only, validates, runs in one transaction,
checks the transition table (`transitions.TRANSITIONS`) and the permissions (through
`tthc.org.policy`), and appends a `FeedbackEvent`; status and limits are stored as values derived
from the events.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tthc.catalog.models import Procedure
from tthc.core import dispatch, lookupcode
from tthc.core.contact import clean_email, clean_phone
from tthc.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from tthc.core.events import append_event
from tthc.core.handoffs import SIMPLIFY_FEEDBACK, handoff
from tthc.core.text import ascii_digits, fold, normalize_space
from tthc.feedback import abuse, deadlines, notifications, selectors
from tthc.feedback.models import (
    AccessLog,
    Attachment,
    Category,
    Channel,
    Feedback,
    FeedbackEvent,
    Limit,
    Status,
    Vote,
)
from tthc.feedback.transitions import ACTION_LABELS, ACTION_RULES, Action, target
from tthc.org.models import Agency, AgencyKind
from tthc.org.policy import Action as Policy
from tthc.org.policy import require
from tthc.org.selectors import agency_by_reference
from tthc.workdays.engine import Deadline, to_local

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser

TITLE_MIN, TITLE_MAX = 5, 250
CONTENT_MAX = 10_000
NOTE_MAX = 4000
ANSWER_MAX = 20_000
MAX_FILES = 5
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_TOTAL_BYTES = 10 * 1024 * 1024
ALLOWED_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".odt", ".txt"}
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_DOSSIER_CODE = re.compile(r"^[\w.\-]{4,64}$")

# Which limit an action meets (DOMAIN §6).
MEETS: dict[Action, tuple[Limit, ...]] = {
    Action.RECEIVE: (Limit.REFUSE,),
    Action.REFUSE: (Limit.REFUSE,),
    Action.REQUEST_SUPPLEMENT: (Limit.REFUSE, Limit.SUPPLEMENT),
    Action.APPROVE: (Limit.HANDLE,),
    Action.PUBLISH: (Limit.PUBLISH,),
}


@dataclass(frozen=True)
class FeedbackInput:
    category: str
    title: str
    content: str
    sender_name: str
    sender_address: str
    sender_phone: str = ""
    sender_email: str = ""
    procedure_code: str = ""
    dossier_code: str = ""
    agency: Agency | None = None
    repeat_of_code: str = ""


# --------------------------------------------------------------------------- intake


def default_agency() -> Agency:
    """Where feedback goes when the sender names no agency: `TTHC_FEEDBACK_AGENCY` (a code),
    else the province's office (the PAKN desk of the People's Committee)."""
    code = getattr(settings, "TTHC_FEEDBACK_AGENCY", "")
    agencies = Agency.objects.filter(is_active=True)
    agency = None
    if code:
        agency = agencies.filter(code=code).first()
    if agency is None:
        agency = (
            agencies.filter(kind=AgencyKind.OFFICE).order_by("unit__level", "pk").first()
            or agencies.order_by("pk").first()
        )
    if agency is None:
        raise ValidationError(_("Chưa có cơ quan tiếp nhận phản ánh, kiến nghị."), field="agency")
    return agency


def _clean(data: FeedbackInput) -> dict:
    if data.category not in Category.values:
        raise ValidationError(_("Cần chọn loại phản ánh, kiến nghị."), field="category")
    title = normalize_space(data.title)
    if len(title) < TITLE_MIN:
        raise ValidationError(_("Cần nhập tiêu đề (ít nhất 5 ký tự)."), field="title")
    if len(title) > TITLE_MAX:
        raise ValidationError(_("Tiêu đề tối đa %(n)s ký tự.") % {"n": TITLE_MAX}, field="title")
    content = (data.content or "").strip()
    if not content:
        raise ValidationError(_("Cần nhập nội dung phản ánh, kiến nghị."), field="content")
    if len(content) > CONTENT_MAX:
        raise ValidationError(
            _("Nội dung tối đa %(n)s ký tự; phần dài hơn xin gửi kèm tệp.")
            % {"n": f"{CONTENT_MAX:,}".replace(",", ".")},
            field="content",
        )
    name = normalize_space(data.sender_name)
    if not name:
        raise ValidationError(_("Cần nhập họ và tên người gửi."), field="sender_name")
    if len(name) > 200:
        raise ValidationError(_("Họ và tên tối đa 200 ký tự."), field="sender_name")
    address = normalize_space(data.sender_address)
    if not address:
        raise ValidationError(_("Cần nhập địa chỉ người gửi."), field="sender_address")
    if len(address) > 300:
        raise ValidationError(_("Địa chỉ tối đa 300 ký tự."), field="sender_address")
    phone = clean_phone(data.sender_phone, field="sender_phone")
    email = clean_email(data.sender_email, field="sender_email")
    if not phone and not email:
        raise ValidationError(
            _("Cần ít nhất số điện thoại hoặc thư điện tử để nhận câu trả lời."),
            field="sender_phone",
        )
    procedure = None
    if (code := (data.procedure_code or "").strip()) != "":
        procedure = Procedure.objects.filter(code=code[:40]).first()
        if procedure is None:
            raise ValidationError(
                _("Không tìm thấy thủ tục có mã “%(code)s”.") % {"code": code[:40]},
                field="procedure_code",
            )
    dossier_code = (data.dossier_code or "").strip()
    if dossier_code and not _DOSSIER_CODE.match(dossier_code):
        raise ValidationError(_("Mã hồ sơ không hợp lệ."), field="dossier_code")
    repeat_of = None
    if (repeat := (data.repeat_of_code or "").strip().upper()) != "":
        repeat_of = Feedback.objects.filter(code=repeat[:32], status=Status.PUBLISHED).first()
        if repeat_of is None:
            raise ValidationError(
                _("Không tìm thấy câu trả lời đã công khai có mã này."), field="repeat_of_code"
            )
    agency = data.agency
    if agency is not None and not agency.is_active:
        raise ValidationError(_("Cơ quan này đã ngừng hoạt động."), field="agency")
    return {
        "category": data.category,
        "title": title,
        "content": content,
        "sender_name": name,
        "sender_address": address,
        "sender_phone": phone,
        "sender_email": email,
        "procedure": procedure,
        "dossier_code": dossier_code,
        "repeat_of": repeat_of,
        "agency": agency or default_agency(),
    }


def _check_files(files: Sequence) -> None:
    if len(files) > MAX_FILES:
        raise ValidationError(
            _("Đính kèm tối đa %(n)s tệp.") % {"n": MAX_FILES}, field="attachments"
        )
    total = 0
    for upload in files:
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in ALLOWED_EXTENSIONS:
            raise ValidationError(
                _(
                    "Tệp “%(name)s” không đúng định dạng cho phép "
                    "(PDF, ảnh JPG/PNG, Word, ODT, TXT)."
                )
                % {"name": (upload.name or "")[:80]},
                field="attachments",
            )
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(
                _("Tệp “%(name)s” lớn hơn 5 MB.") % {"name": upload.name[:80]}, field="attachments"
            )
        total += upload.size
    if total > MAX_TOTAL_BYTES:
        raise ValidationError(_("Tổng dung lượng tệp đính kèm tối đa 10 MB."), field="attachments")


def _new_code(now: datetime) -> str:
    suffix = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
    return f"PA-{to_local(now):%y%m%d}-{suffix}"


def _create(
    *, fields: dict, files: Sequence, channel: str, user: User | None, action: Action
) -> Feedback:
    now = timezone.now()
    with transaction.atomic():
        for attempt in range(5):
            try:
                with transaction.atomic():
                    feedback = Feedback(
                        code=_new_code(now),
                        lookup_secret=lookupcode.new_code(),
                        channel=channel,
                        submitted_at=now,
                        clock_start_at=now,
                        status=Status.WAITING,
                        created_by=user if user is not None and user.is_authenticated else None,
                        **fields,
                    )
                    feedback.search_folded = search_text(feedback=feedback)
                    deadlines.restart_clock(feedback, now)
                    feedback.save()
                break
            except IntegrityError:
                if attempt == 4:
                    raise Conflict(_("Không cấp được mã phản ánh, vui lòng thử lại.")) from None
        for upload in files:
            Attachment.objects.create(
                feedback=feedback, name=upload.name[:255], file=upload, size=upload.size
            )
        append_event(
            FeedbackEvent,
            feedback,
            action=action,
            user=user,
            at=now,
            from_status="",
            to_status=Status.WAITING,
            data={"code": feedback.code, "channel": channel},
            agency_id=feedback.agency_id,
        )
        # The acknowledgement: the code and the lookup secret, to the sender's e-mail / phone.
        notifications.schedule(feedback, "submitted")
    return feedback


def submit(
    *,
    data: FeedbackInput,
    attachments: Sequence = (),
    channel: str = Channel.ONLINE,
    ip: str | None = None,
    honeypot: str = "",
) -> Feedback:
    """A citizen's or business's submission (public form, API, Open311): validated, then
    counted against the per-address and per-phone limits (`abuse.check`)."""
    if channel not in (Channel.ONLINE, Channel.API):
        raise ValidationError(_("Hình thức gửi không hợp lệ."), field="channel")
    if (honeypot or "").strip():
        raise ValidationError(
            _("Không gửi được: ô “Để trống ô này” phải để trống (ô dùng để chặn thư rác tự động)."),
            code="honeypot",
        )
    fields = _clean(data)
    _check_files(attachments)
    abuse.check(ip=ip, phone=fields["sender_phone"])
    return _create(
        fields=fields, files=attachments, channel=channel, user=None, action=Action.SUBMIT
    )


def enter(
    *,
    user: User | None,
    data: FeedbackInput,
    channel: str,
    attachments: Sequence = (),
    note: str = "",
) -> Feedback:
    """An officer records feedback received by phone, letter or at the counter."""
    if channel not in (Channel.PHONE, Channel.LETTER, Channel.COUNTER):
        raise ValidationError(_("Hình thức tiếp nhận không hợp lệ."), field="channel")
    fields = _clean(data)
    require(user, Policy.FEEDBACK_RECEIVE, fields["agency"])
    _check_files(attachments)
    return _create(
        fields=fields, files=attachments, channel=channel, user=user, action=Action.ENTER
    )


def search_text(*, feedback: Feedback) -> str:
    """What the archive and the staff list search (`search_folded`): title, content and answer,
    folded (`tthc.core.text.fold`)."""
    return fold(f"{feedback.title} {feedback.content} {feedback.answer}")


# --------------------------------------------------------------------------- transitions


def _note(note: str | None, *, required: str | None = None, limit: int = NOTE_MAX) -> str:
    note = (note or "").strip()
    if required and not note:
        raise ValidationError(required, field="note")
    if len(note) > limit:
        raise ValidationError(
            _("Nội dung quá dài (tối đa %(n)s ký tự).") % {"n": limit}, field="note"
        )
    return note


def _meet_limits(feedback: Feedback, action: Action, now: datetime) -> list[dict]:
    met = []
    for limit in MEETS.get(action, ()):
        if not deadlines.is_active(feedback, limit):
            continue
        due = deadlines.due_of(feedback, limit)
        late = due is not None and now > due
        if late and limit.value not in feedback.late_limits:
            feedback.late_limits = [*feedback.late_limits, limit.value]
        met.append({"limit": limit.value, "due": due.isoformat() if due else None, "late": late})
    return met


def _transition(
    *,
    user: User | None,
    feedback: Feedback,
    action: Action,
    note: str = "",
    data: dict | None = None,
    before: Callable[[Feedback], None] | None = None,
    after: Callable[[Feedback, datetime], None] | None = None,
    by_sender: bool = False,
) -> Feedback:
    """`by_sender`: the sender acts (already verified by the caller), no staff permission."""
    with transaction.atomic():
        current = (
            Feedback.objects.select_for_update(of=("self",))
            .select_related("agency")
            .filter(pk=feedback.pk)
            .first()
        )
        if current is None:
            raise NotFound(_("Không tìm thấy phản ánh, kiến nghị."))
        if not by_sender:
            ACTION_RULES.check(user, current, action)
        new_status = target(current.status, action)
        if new_status is None:
            raise Conflict(
                _("Không thể thực hiện “%(action)s” với phản ánh đang ở trạng thái “%(status)s”.")
                % {"action": ACTION_LABELS[action], "status": Status(current.status).label},
                code="invalid_transition",
            )
        now = timezone.now()
        if before is not None:
            before(current)
        met = _meet_limits(current, action, now)
        old_status = current.status
        current.status = new_status
        if after is not None:
            after(current, now)
        event_data = dict(data or {})
        if met:
            event_data["limits"] = met
        append_event(
            FeedbackEvent,
            current,
            action=action,
            user=user,
            at=now,
            from_status=old_status,
            to_status=new_status,
            note=note,
            data=event_data,
            agency_id=current.agency_id,
        )
        current.save()
    return current


def receive(*, user: User | None, feedback: Feedback, note: str = "") -> Feedback:
    return _transition(user=user, feedback=feedback, action=Action.RECEIVE, note=_note(note))


def refuse(*, user: User | None, feedback: Feedback, reason: str) -> Feedback:
    """Not accepted (not about an administrative regulation or conduct, anonymous, already
    answered…): the reason is sent to the sender."""
    reason = _note(reason, required=_("Cần ghi rõ lý do không tiếp nhận."))
    result = _transition(user=user, feedback=feedback, action=Action.REFUSE, note=reason)
    notifications.schedule(result, "refused")
    return result


def request_supplement(*, user: User | None, feedback: Feedback, note: str) -> Feedback:
    note = _note(note, required=_("Cần ghi rõ thông tin cần bổ sung."))

    def first(fb: Feedback, now: datetime) -> None:
        if fb.first_supplement_at is None:
            fb.first_supplement_at = now

    def check_limit(fb: Feedback) -> None:
        due = fb.supplement_due_at
        if fb.first_supplement_at is None and due is not None and timezone.now() > due:
            raise Conflict(
                _(
                    "Đã quá thời hạn 5 ngày làm việc để yêu cầu bổ sung thông tin; "
                    "cơ quan phải xử lý với thông tin đã có."
                ),
                code="limit_passed",
            )

    result = _transition(
        user=user,
        feedback=feedback,
        action=Action.REQUEST_SUPPLEMENT,
        note=note,
        before=check_limit,
        after=first,
    )
    notifications.schedule(result, "supplement")
    return result


def complete_supplement(
    *,
    user: User | None = None,
    feedback: Feedback,
    note: str = "",
    attachments: Sequence = (),
    verify: str | None = None,
) -> Feedback:
    """The requested information arrived: recorded by an officer (`user`), or sent online by the
    sender from the lookup page (`user` None, `verify`: the feedback's lookup secret or the
    e-mail address given at submission, `selectors.verifies`; the text is then required). Attachments have the same
    checks as a submission. Back to "received", as the transition table says."""
    by_sender = user is None
    if by_sender:
        if not verify or not selectors.verifies(feedback, verify):
            raise PermissionDenied(_("Thông tin xác minh không đúng."))
        note = _note(note, required=_("Cần nhập thông tin bổ sung."))
    else:
        note = _note(note)
    _check_files(attachments)

    def store_files(fb: Feedback, now: datetime) -> None:
        for upload in attachments:
            Attachment.objects.create(
                feedback=fb, name=upload.name[:255], file=upload, size=upload.size, supplement=True
            )

    return _transition(
        user=user,
        feedback=feedback,
        action=Action.COMPLETE_SUPPLEMENT,
        note=note,
        data={"by_sender": by_sender, "files": [u.name[:255] for u in attachments]},
        after=store_files,
        by_sender=by_sender,
    )


def start(*, user: User | None, feedback: Feedback, note: str = "") -> Feedback:
    return _transition(user=user, feedback=feedback, action=Action.START, note=_note(note))


def transfer(
    *, user: User | None, feedback: Feedback, to_agency: Agency | None, note: str
) -> Feedback:
    """To the agency competent for the matter: every running limit restarts from now."""
    note = _note(note, required=_("Cần ghi rõ lý do chuyển."))
    if to_agency is None or not to_agency.is_active:
        raise ValidationError(_("Cần chọn cơ quan nhận đang hoạt động."), field="to_agency")
    if to_agency.pk == feedback.agency_id:
        raise ValidationError(_("Phản ánh đang ở cơ quan này."), field="to_agency")

    return _move(user=user, feedback=feedback, action=Action.TRANSFER, note=note, to=to_agency)


def return_back(*, user: User | None, feedback: Feedback, note: str) -> Feedback:
    """Back to the agency that transferred it here (not competent): limits restart there."""
    note = _note(note, required=_("Cần ghi rõ lý do trả lại."))
    last = (
        FeedbackEvent.objects.filter(feedback=feedback, action=Action.TRANSFER)
        .order_by("-at", "-id")
        .first()
    )
    if last is None or last.data.get("to") != feedback.agency_id:
        raise Conflict(
            _("Phản ánh này không do cơ quan khác chuyển đến nên không thể trả lại."),
            code="nothing_to_return",
        )
    back = Agency.objects.get(pk=last.data["from"])
    return _move(user=user, feedback=feedback, action=Action.RETURN, note=note, to=back)


def _move(
    *, user: User | None, feedback: Feedback, action: Action, note: str, to: Agency
) -> Feedback:
    """Hand the feedback to another agency (transfer or return): its limits restart there."""

    def move(fb: Feedback) -> None:
        fb.agency = to

    return _transition(
        user=user,
        feedback=feedback,
        action=action,
        note=note,
        data={"from": feedback.agency_id, "to": to.pk, "to_name": to.name},
        before=move,
        after=lambda fb, now: deadlines.restart_clock(fb, now),
    )


def draft_answer(*, user: User | None, feedback: Feedback, answer: str) -> Feedback:
    answer = _note(answer, required=_("Cần nhập nội dung trả lời."), limit=ANSWER_MAX)

    def write(fb: Feedback, now: datetime) -> None:
        fb.answer = answer
        fb.search_folded = search_text(feedback=fb)

    return _transition(
        user=user,
        feedback=feedback,
        action=Action.DRAFT_ANSWER,
        note="",
        after=write,
        data={"answer": answer},
    )


def reject_draft(*, user: User | None, feedback: Feedback, note: str) -> Feedback:
    note = _note(note, required=_("Cần ghi rõ nội dung cần sửa."))
    return _transition(user=user, feedback=feedback, action=Action.REJECT_DRAFT, note=note)


def approve(*, user: User | None, feedback: Feedback, note: str = "") -> Feedback:
    """The answer is ready: the handling limit is met, the 2-day publishing limit starts."""

    def ready(fb: Feedback, now: datetime) -> None:
        fb.ready_at = now
        deadlines.store(fb, Limit.PUBLISH, deadlines.compute(fb, Limit.PUBLISH))

    return _transition(
        user=user, feedback=feedback, action=Action.APPROVE, note=_note(note), after=ready
    )


def publish(*, user: User | None, feedback: Feedback) -> Feedback:
    def out(fb: Feedback, now: datetime) -> None:
        fb.published_at = now

    result = _transition(user=user, feedback=feedback, action=Action.PUBLISH, after=out)
    notifications.schedule(result, "published")
    return result


# --------------------------------------------------------------------------- votes


def vote(*, feedback: Feedback, value: int, cookie_key: str, client_key: str) -> Vote:
    """One like or dislike per visitor on a published answer."""
    if value not in (Vote.LIKE, Vote.DISLIKE):
        raise ValidationError(_("Bình chọn không hợp lệ."), field="value")
    if feedback.status != Status.PUBLISHED:
        raise NotFound(_("Không tìm thấy câu trả lời đã công khai."))
    if not cookie_key or not client_key:
        raise ValidationError(_("Không xác định được người bình chọn."), field="value")
    try:
        with transaction.atomic():
            return Vote.objects.create(
                feedback=feedback, value=value, cookie_key=cookie_key, client_key=client_key
            )
    except IntegrityError:
        raise Conflict(_("Bạn đã bình chọn cho câu trả lời này."), code="already_voted") from None


# --------------------------------------------------------------------------- simplification


def propose_simplification(*, user: User | None, feedback: Feedback, note: str = "") -> object:
    """Turn a feedback about a regulation into a simplification proposal, through the handler a
    `simplification` app registers (`tthc.core.handoffs.SIMPLIFY_FEEDBACK`)."""
    handler = handoff(SIMPLIFY_FEEDBACK)
    if handler is None:
        raise Conflict(_("Chức năng đề xuất đơn giản hóa chưa được cài đặt."), code="not_available")
    if feedback.category != Category.REGULATION:
        raise ValidationError(
            _("Chỉ phản ánh về quy định hành chính mới chuyển thành đề xuất đơn giản hóa được."),
            field="category",
        )
    ACTION_RULES.check(user, feedback, Action.PROPOSE_SIMPLIFICATION)
    note = _note(note)
    with transaction.atomic():
        reference = handler(feedback=feedback, user=user, note=note)
        append_event(
            FeedbackEvent,
            feedback,
            action=Action.PROPOSE_SIMPLIFICATION,
            user=user,
            at=timezone.now(),
            from_status=feedback.status,
            to_status=feedback.status,
            note=note,
            data={"proposal": str(reference)[:200]},
            agency_id=feedback.agency_id,
        )
    return reference


# --------------------------------------------------------------------------- repeats, attachments


def mark_repeat(
    *, user: User | None, feedback: Feedback, repeat_of_code: str, note: str = ""
) -> Feedback:
    """An officer marks `feedback` as a repeat of an earlier one (same sender or same matter),
    or clears the mark with an empty code. The earlier one must exist, be another item
    submitted before this one, and not lead back to this one (no cycle). Feeds the
    "repeated complaints" term of the satisfaction rate (`selectors.figures`)."""
    ACTION_RULES.check(user, feedback, Action.MARK_REPEAT)
    note = _note(note)
    code = (repeat_of_code or "").strip().upper()[:32]
    with transaction.atomic():
        current = Feedback.objects.select_for_update().get(pk=feedback.pk)
        earlier = None
        if code:
            earlier = Feedback.objects.filter(code=code).first()
            if earlier is None:
                raise ValidationError(
                    _("Không tìm thấy phản ánh, kiến nghị có mã “%(code)s”.") % {"code": code},
                    field="repeat_of_code",
                )
            if earlier.pk == current.pk:
                raise ValidationError(
                    _("Phản ánh không thể là phản ánh lại của chính nó."), field="repeat_of_code"
                )
            if (earlier.submitted_at, earlier.pk) > (current.submitted_at, current.pk):
                raise ValidationError(
                    _("Chỉ đánh dấu được là phản ánh lại của một phản ánh gửi trước."),
                    field="repeat_of_code",
                )
            seen, step = {current.pk}, earlier
            while step is not None:
                if step.pk in seen:
                    raise ValidationError(
                        _("Không thể đánh dấu: sẽ tạo vòng phản ánh lại."), field="repeat_of_code"
                    )
                seen.add(step.pk)
                step = step.repeat_of
        old = current.repeat_of.code if current.repeat_of_id else ""
        current.repeat_of = earlier
        current.save(update_fields=["repeat_of"])
        append_event(
            FeedbackEvent,
            current,
            action=Action.MARK_REPEAT,
            user=user,
            at=timezone.now(),
            from_status=current.status,
            to_status=current.status,
            note=note,
            data={"old": old, "new": earlier.code if earlier else ""},
            agency_id=current.agency_id,
        )
    return current


def set_attachment_public(*, user: User | None, attachment: Attachment, public: bool) -> Attachment:
    """Whether an attachment is downloadable by the public once the answer is published
    (default: not). Decided by whoever approves and publishes the answer."""
    feedback = attachment.feedback
    ACTION_RULES.check(user, feedback, Action.ATTACHMENT_PUBLIC)
    with transaction.atomic():
        attachment.public = bool(public)
        attachment.save(update_fields=["public"])
        append_event(
            FeedbackEvent,
            feedback,
            action=Action.ATTACHMENT_PUBLIC,
            user=user,
            at=timezone.now(),
            from_status=feedback.status,
            to_status=feedback.status,
            data={
                "attachment": attachment.pk,
                "name": attachment.name,
                "public": attachment.public,
            },
            agency_id=feedback.agency_id,
        )
    return attachment


# --------------------------------------------------------------------------- one dispatcher

# A field as it comes from a page or the API (text, an id, a code...) -> the service's value.
Parse = Callable[[Feedback, object], object]


def _text(feedback: Feedback, value: object) -> str:
    return "" if value is None else str(value)


def _flag(feedback: Feedback, value: object) -> bool:
    return value is True or str(value).strip().lower() in {"1", "true", "on"}


def _agency(feedback: Feedback, value: object) -> Agency | None:
    """None when there is no such agency: the service then says an active one must be chosen."""
    return agency_by_reference(value)


def _attachment(feedback: Feedback, value: object) -> Attachment:
    """One of this feedback's attachments, given as itself or its id."""
    text = str(value.pk if isinstance(value, Attachment) else value or "").strip()
    found = None
    if ascii_digits(text) and len(text) < 10:
        found = feedback.attachments.filter(pk=int(text)).first()
    if found is None:
        raise NotFound(_("Không tìm thấy tệp."), field="attachment")
    return found


@dataclass(frozen=True)
class Step:
    """How `perform` calls the service of one action: `fields` maps each field it accepts to
    (the service's parameter, the parser of the value); `subject` is the parameter that
    receives the feedback (None: the service works on what a field names)."""

    service: Callable[..., object]
    fields: Mapping[str, tuple[str, Parse]]
    subject: str | None = "feedback"


NOTE = ("note", _text)

STEPS: dict[Action, Step] = {
    Action.RECEIVE: Step(receive, {"note": NOTE}),
    Action.REFUSE: Step(refuse, {"note": ("reason", _text)}),
    Action.REQUEST_SUPPLEMENT: Step(request_supplement, {"note": NOTE}),
    Action.COMPLETE_SUPPLEMENT: Step(complete_supplement, {"note": NOTE}),
    Action.START: Step(start, {"note": NOTE}),
    Action.TRANSFER: Step(transfer, {"to_agency": ("to_agency", _agency), "note": NOTE}),
    Action.RETURN: Step(return_back, {"note": NOTE}),
    Action.DRAFT_ANSWER: Step(draft_answer, {"answer": ("answer", _text)}),
    Action.REJECT_DRAFT: Step(reject_draft, {"note": NOTE}),
    Action.APPROVE: Step(approve, {"note": NOTE}),
    Action.PUBLISH: Step(publish, {}),
    Action.PROPOSE_SIMPLIFICATION: Step(propose_simplification, {"note": NOTE}),
    Action.MARK_REPEAT: Step(
        mark_repeat, {"repeat_of_code": ("repeat_of_code", _text), "note": NOTE}
    ),
    Action.ATTACHMENT_PUBLIC: Step(
        set_attachment_public,
        {"attachment": ("attachment", _attachment), "public": ("public", _flag)},
        subject=None,
    ),
}


def perform(
    *, action: Action | str, user: User | None, obj: Feedback, **fields: object
) -> Feedback:
    """The one entry of a staff action on `obj` (the staff pages call it): the service of
    `action` (`STEPS`) with the fields it takes, parsed here — agencies by id or code,
    attachments by id among the feedback's own, flags from "1"/"true"/"on", text as given (the
    service checks it). A field missing is empty; a field the action does not take is refused.
    Returns the feedback as the action left it."""
    try:
        action = Action(action)
        step = STEPS[action]
    except (ValueError, KeyError):
        raise dispatch.unknown_action() from None
    dispatch.refuse_unknown_fields(fields, step.fields, label=ACTION_LABELS[action])
    values = {param: parse(obj, fields.get(name)) for name, (param, parse) in step.fields.items()}
    if step.subject is not None:
        values[step.subject] = obj
    result = step.service(user=user, **values)
    return result if isinstance(result, Feedback) else obj


# --------------------------------------------------------------------------- personal data

ERASED = "[đã xóa]"
DEFAULT_RETENTION_DAYS = 5 * 365


def log_access(*, user: User | None, feedback: Feedback, what: str) -> None:
    """A staff read of the sender's personal data (DOMAIN §11)."""
    if user is not None and user.is_authenticated:
        AccessLog.objects.create(user=user, feedback=feedback, what=what[:200])


def retention_cutoff(*, now: datetime | None = None) -> datetime:
    days = int(getattr(settings, "TTHC_FEEDBACK_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))
    return (now or timezone.now()) - timedelta(days=days)


ERASE_BATCH_SIZE = 500


def _erase_batch(pks: list[int], *, now: datetime, cutoff: datetime) -> list[str]:
    with transaction.atomic():
        # Locked, then re-read: a concurrent run may have erased some already.
        rows = list(
            selectors.expired(cutoff=cutoff)
            .select_for_update()
            .filter(pk__in=pks)
            .order_by("pk")
            .values_list("pk", "code", "status", "agency_id")
        )
        if not rows:
            return []
        ids = [row[0] for row in rows]
        Feedback.objects.filter(pk__in=ids).update(
            sender_name=ERASED,
            sender_address=ERASED,
            sender_phone="",
            sender_email="",
            personal_data_erased_at=now,
        )
        removed: dict[int, int] = {}
        for attachment in Attachment.objects.filter(feedback_id__in=ids, public=False):
            removed[attachment.feedback_id] = removed.get(attachment.feedback_id, 0) + 1
            attachment.file.delete(save=False)
            attachment.delete()
        FeedbackEvent.objects.bulk_create(
            FeedbackEvent(
                feedback_id=pk,
                at=now,
                actor=None,
                action=Action.PERSONAL_DATA_ERASED,
                from_status=status,
                to_status=status,
                agency_id=agency,
                note="",
                data={"cutoff": cutoff.isoformat(), "attachments_removed": removed.get(pk, 0)},
            )
            for pk, _code, status, agency in rows
        )
    return [row[1] for row in rows]


def erase_expired(
    *, now: datetime | None = None, dry_run: bool = False, batch_size: int = ERASE_BATCH_SIZE
) -> list[str]:
    """Erase the sender's personal data of items closed (refused or published) before the
    retention cutoff (`TTHC_FEEDBACK_RETENTION_DAYS`, default 5 years): name and address become
    `ERASED`, phone and e-mail empty, and the sender's non-public attachments are deleted; the
    item, its category, agency, dates and published answer stay, and a `personal_data_erased`
    event is appended. In batches of `batch_size` (selected by primary key, one transaction
    each), so a large backlog never loads at once; idempotent. Returns the codes erased (with
    `dry_run`: that would be, nothing written)."""
    now = now or timezone.now()
    cutoff = retention_cutoff(now=now)
    candidates = selectors.expired(cutoff=cutoff).order_by("pk")
    if dry_run:
        return list(candidates.values_list("code", flat=True))
    codes: list[str] = []
    last = 0
    while True:
        pks = list(candidates.filter(pk__gt=last).values_list("pk", flat=True)[:batch_size])
        if not pks:
            return codes
        codes += _erase_batch(pks, now=now, cutoff=cutoff)
        last = pks[-1]


# --------------------------------------------------------------------------- deadline registry


def store_recomputed(*, limit: Limit) -> Callable[[Feedback, Deadline], bool]:
    """The registry's `store_due` for one limit: writes only while that limit still runs, and
    appends a `deadline_changed` event."""

    def store(feedback: Feedback, deadline: Deadline) -> bool:
        with transaction.atomic():
            current = Feedback.objects.select_for_update().filter(pk=feedback.pk).first()
            if current is None or not deadlines.is_active(current, limit):
                return False
            old = deadlines.due_of(current, limit)
            deadlines.store(current, limit, deadline)
            current.save(update_fields=[deadlines.FIELDS[limit], "due_explanations"])
            append_event(
                FeedbackEvent,
                current,
                action=Action.DEADLINE_CHANGED,
                user=None,
                at=timezone.now(),
                from_status=current.status,
                to_status=current.status,
                data={
                    "limit": limit.value,
                    "old": old.isoformat() if old else None,
                    "new": deadline.due_at.isoformat(),
                },
                agency_id=current.agency_id,
            )
        return True

    return store
