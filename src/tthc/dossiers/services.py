"""Writes on dossiers. Every function is keyword-only, validates, runs in one transaction,
checks the transition table (`transitions.TRANSITIONS`) and the permissions
(`transitions.PERMISSIONS` through `tthc.org.policy`), and appends a `DossierEvent`. Status and
deadline are then stored as values derived from the events.

`perform` is the one entry of the staff actions: the staff page and the staff API turn their
input into keyword fields and call it; it normalises the fields the same way for both and calls
the action's service.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tthc.catalog.models import Procedure, ProcedureVersion
from tthc.catalog.models import Status as ProcedureStatus
from tthc.core import dispatch, lookupcode, ratelimit, uploads
from tthc.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from tthc.core.events import append_event
from tthc.core.models import User
from tthc.core.text import normalize_space
from tthc.core.uploads import CheckedUpload
from tthc.dossiers import codes, deadlines, notifications, routing, selectors
from tthc.dossiers.models import (
    OPEN_STATUSES,
    AccessLog,
    Applicant,
    Channel,
    DocumentForm,
    Dossier,
    DossierAgency,
    DossierDocument,
    DossierEvent,
    EventAttachment,
    Involvement,
    SatisfactionRating,
    Status,
    SubmissionKey,
)
from tthc.dossiers.personal import (
    ApplicantInput,
    clean_applicant,
    verifies,
)
from tthc.dossiers.transitions import (
    ACTION_LABELS,
    ACTION_RULES,
    STAFF_ACTIONS,
    Action,
    target,
)
from tthc.org.models import Agency, Membership, ReceptionPoint, Role
from tthc.org.policy import DENIED_MESSAGES, ancestors_and_self, require
from tthc.org.policy import Action as Policy
from tthc.workdays.engine import VN_TZ, Deadline, to_local

CODE_ATTEMPTS = 5
NOTE_MAX = 4000
DOCUMENTS_FOLDER = "dossiers/documents"
ATTACHMENTS_FOLDER = "dossiers/events"


@dataclass(frozen=True)
class DocumentInput:
    """One checklist line: `name` must be a required document of the procedure version."""

    name: str
    form: str = DocumentForm.ORIGINAL
    quantity: int = 1
    # A file already checked by `tthc.core.uploads.check` (scan or online upload).
    upload: CheckedUpload | None = None


# --------------------------------------------------------------------------- intake


def _procedure_version(procedure: Procedure) -> ProcedureVersion:
    version = procedure.current_version
    if version is None or procedure.status == ProcedureStatus.ABOLISHED:
        raise ValidationError(
            _("Thủ tục này không còn được áp dụng, không tiếp nhận hồ sơ."), field="procedure"
        )
    return version


def _clean_documents(version_data: dict, documents: Sequence[DocumentInput]) -> list[dict]:
    required = {normalize_space(d["name"]): d for d in version_data.get("documents") or []}
    lines, seen = [], set()
    for document in documents:
        name = normalize_space(document.name)
        if name not in required:
            raise ValidationError(
                _("Giấy tờ “%(name)s” không có trong thành phần hồ sơ của thủ tục.")
                % {"name": name[:120]},
                field="documents",
            )
        if name in seen:
            raise ValidationError(
                _("Giấy tờ “%(name)s” bị ghi hai lần.") % {"name": name[:120]}, field="documents"
            )
        if document.form not in DocumentForm.values:
            raise ValidationError(_("Hình thức giấy tờ không hợp lệ."), field="documents")
        if not 1 <= int(document.quantity) <= 99:
            raise ValidationError(_("Số lượng giấy tờ phải từ 1 đến 99."), field="documents")
        seen.add(name)
        lines.append(
            {
                "name": name,
                "form": document.form,
                "quantity": int(document.quantity),
                "upload": document.upload,
            }
        )
    if not lines:
        raise ValidationError(_("Hồ sơ phải có ít nhất một giấy tờ."), field="documents")
    return lines


def _check_resolving_agency(procedure: Procedure, resolving: Agency, receiving: Agency) -> None:
    if not resolving.is_active:
        raise ValidationError(_("Cơ quan giải quyết đã ngừng hoạt động."), field="resolving_agency")
    if not routing.accepts(receiving, procedure, resolving):
        raise ValidationError(
            _(
                "Thủ tục này không thuộc danh mục tiếp nhận không phụ thuộc địa giới hành chính: "
                "chỉ tiếp nhận tại trung tâm phục vụ hành chính công hoặc bộ phận một cửa của "
                "cơ quan giải quyết."
            ),
            field="resolving_agency",
        )


def _create(
    *,
    procedure: Procedure,
    channel: int,
    reception_point: ReceptionPoint | None,
    receiving_agency: Agency,
    resolving_agency: Agency,
    applicant: ApplicantInput,
    documents: Sequence[DocumentInput],
    fee_due: int,
    status: Status,
    action: Action,
    user: User | None,
    note: str,
    then: Callable[[Dossier], None] | None = None,
) -> Dossier:
    if channel not in Channel.values:
        raise ValidationError(_("Hình thức nộp hồ sơ không hợp lệ."), field="channel")
    if isinstance(fee_due, bool) or not isinstance(fee_due, int) or fee_due < 0:
        raise ValidationError(_("Phí, lệ phí phải là số tiền (đồng) không âm."), field="fee_due")
    now = timezone.now()
    version = _procedure_version(procedure)
    applicant_fields = clean_applicant(applicant, today=timezone.localdate())
    lines = _clean_documents(version.data, documents)
    _check_resolving_agency(procedure, resolving_agency, receiving_agency)
    amount, unit = deadlines.processing_time(version.data, channel)
    note = _note(note)
    day = to_local(now).date()
    stored: list[str] = []
    try:
        return _create_rows(
            procedure=procedure,
            version=version,
            channel=channel,
            reception_point=reception_point,
            receiving_agency=receiving_agency,
            resolving_agency=resolving_agency,
            applicant_fields=applicant_fields,
            lines=lines,
            fee_due=fee_due,
            status=status,
            action=action,
            user=user,
            note=note,
            now=now,
            day=day,
            amount=amount,
            unit=unit,
            stored=stored,
            then=then,
        )
    except BaseException:
        uploads.discard(stored)  # the rows rolled back: no orphan files either
        raise


def _create_rows(
    *,
    procedure,
    version,
    channel,
    reception_point,
    receiving_agency,
    resolving_agency,
    applicant_fields,
    lines,
    fee_due,
    status,
    action,
    user,
    note,
    now,
    day,
    amount,
    unit,
    stored: list[str],
    then: Callable[[Dossier], None] | None,
) -> Dossier:
    documents = []
    for i, line in enumerate(lines, start=1):  # the files before the transaction
        upload = line.pop("upload")
        row = DossierDocument(position=i, **line)
        if upload is not None:
            name = uploads.store(DOCUMENTS_FOLDER, upload)
            stored.append(name)
            row.file.name = name
            row.file_name = upload.display_name
        documents.append(row)
    dossier = Dossier(
        procedure=procedure,
        procedure_version=version.number,
        channel=channel,
        reception_point=reception_point,
        receiving_agency=receiving_agency,
        resolving_agency=resolving_agency,
        current_agency=(resolving_agency if status == Status.RECEIVED else receiving_agency),
        lookup_secret=lookupcode.new_code(),
        fee_due=fee_due,
        submitted_at=now,
        time_amount=amount,
        time_unit=unit.value,
        status=status,
    )
    if status == Status.RECEIVED:
        _start_clock(dossier, now, events=())  # a new dossier: no pause yet
    # The number taken in a statement of its own, committed at once outside a transaction: a
    # desk's intakes never wait for one another's (DOMAIN: codes are gap-tolerant, and a failed
    # intake leaves a gap). Inside a caller's transaction it is held until that one ends.
    dossier.code = codes.next_code(agency=receiving_agency, day=day)
    with transaction.atomic():
        dossier.applicant = Applicant.objects.create(**applicant_fields)
        _insert_with_code(dossier, agency=receiving_agency, day=day)
        for row in documents:
            row.dossier = dossier
        DossierDocument.objects.bulk_create(documents)
        DossierAgency.objects.bulk_create(
            [
                DossierAgency(dossier=dossier, agency=receiving_agency, role=Involvement.RECEIVING),
                DossierAgency(dossier=dossier, agency=resolving_agency, role=Involvement.RESOLVING),
            ]
        )
        event = append_event(
            DossierEvent,
            dossier,
            action=action,
            user=user,
            at=now,
            note=note,
            data={"code": dossier.code},
            from_status=None,
            to_status=status,
            agency_id=dossier.current_agency_id,
        )
        notifications.schedule(event)
        if then is not None:
            then(dossier)
    return dossier


def _insert_with_code(dossier: Dossier, *, agency: Agency, day: date) -> None:
    """Insert the dossier with the code it was given; if that code is taken already (the
    counter behind codes made elsewhere, e.g. imported), move the counter past them and take
    the next one. The dossier is inserted once, with its final code: an insert and a later
    update of the code would write every index of the table twice."""
    for attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                dossier.save(force_insert=True)
            return
        except IntegrityError:
            dossier.pk = None
            if attempt == CODE_ATTEMPTS - 1:
                raise Conflict(_("Không cấp được mã hồ sơ, vui lòng thử lại.")) from None
            codes.resync_counter(agency=agency, day=day)
            dossier.code = codes.next_code(agency=agency, day=day)


def submit_online(
    *,
    procedure: Procedure,
    receiving_agency: Agency,
    resolving_agency: Agency,
    applicant: ApplicantInput,
    documents: Sequence[DocumentInput],
    fee_due: int = 0,
    reception_point: ReceptionPoint | None = None,
    then: Callable[[Dossier], None] | None = None,
) -> Dossier:
    """A citizen's online submission (channel 2): status 1, code issued, clock not started
    until an officer accepts it. `reception_point`, when given, is the one-stop desk that will
    check it (its agency is then the receiving agency). `then(dossier)` runs last in the
    dossier's transaction (`submit_once` links its claim there)."""
    if reception_point is not None:
        if not reception_point.is_active:
            raise ValidationError(_("Điểm tiếp nhận đã ngừng hoạt động."), field="reception_point")
        receiving_agency = reception_point.agency
    return _create(
        procedure=procedure,
        channel=Channel.ONLINE,
        reception_point=reception_point,
        receiving_agency=receiving_agency,
        resolving_agency=resolving_agency,
        applicant=applicant,
        documents=documents,
        fee_due=fee_due,
        status=Status.SUBMITTED,
        action=Action.SUBMIT,
        user=None,
        note="",
        then=then,
    )


def receive(
    *,
    user: User,
    procedure: Procedure,
    reception_point: ReceptionPoint,
    resolving_agency: Agency,
    applicant: ApplicantInput,
    documents: Sequence[DocumentInput],
    fee_due: int = 0,
    channel: int = Channel.IN_PERSON,
    note: str = "",
) -> Dossier:
    """Reception at the desk (channel 1) or of a postal dossier (channel 3): checked and
    accepted at once, status 2, code and appointment issued."""
    if channel == Channel.ONLINE:
        raise ValidationError(
            _("Hồ sơ trực tuyến do người dân nộp qua cổng dịch vụ công."), field="channel"
        )
    require(user, Policy.DOSSIER_RECEIVE, reception_point.agency)
    if not reception_point.is_active:
        raise ValidationError(_("Điểm tiếp nhận đã ngừng hoạt động."), field="reception_point")
    return _create(
        procedure=procedure,
        channel=channel,
        reception_point=reception_point,
        receiving_agency=reception_point.agency,
        resolving_agency=resolving_agency,
        applicant=applicant,
        documents=documents,
        fee_due=fee_due,
        status=Status.RECEIVED,
        action=Action.RECEIVE,
        user=user,
        note=note,
    )


# --------------------------------------------------------------------------- transitions


def _note(note: str | None, *, required: str | None = None) -> str:
    note = (note or "").strip()
    if required and not note:
        raise ValidationError(required, field="note")
    if len(note) > NOTE_MAX:
        raise ValidationError(
            _("Nội dung quá dài (tối đa %(max)s ký tự).") % {"max": NOTE_MAX}, field="note"
        )
    return note


def check_permission(*, user: User | None, dossier: Dossier, action: Action) -> None:
    """Raise PermissionDenied unless one of the action's grants holds on the dossier's
    receiving or currently responsible agency (`transitions.ACTION_RULES`), and, for the actions
    that end an internal step, the actor holds the role the step names."""
    ACTION_RULES.check(user, dossier, action)
    if action in STEP_ACTIONS:
        _check_step(user, dossier, action)


# Completing a step, sending it back or resolving (the end of the last step) is done by whom
# the process definition names: a leader's step (e.g. approving the result) by the agency's
# leader; a specialist's step by a specialist or a leader of the agency.
STEP_ACTIONS = (Action.COMPLETE_STEP, Action.RESOLVE)
_STEP_ROLES = {
    Role.SPECIALIST: (Role.SPECIALIST, Role.AGENCY_LEADER),
    Role.AGENCY_LEADER: (Role.AGENCY_LEADER,),
}


def _check_step(user: User, dossier: Dossier, action: Action) -> None:
    if user.is_superuser:
        return
    steps = selectors.process_definition(dossier.procedure_id, dossier.resolving_agency_id)
    number = max(1, min(dossier.current_step, len(steps)))
    step = steps[number - 1]
    if action == Action.RESOLVE and number < len(steps):
        raise PermissionDenied(
            _(
                "Hồ sơ đang ở bước %(number)s/%(total)s “%(name)s”: chỉ cập nhật kết quả ở "
                "bước cuối của quy trình."
            )
            % {"number": number, "total": len(steps), "name": step.name},
            code="step_not_last",
        )
    roles = _STEP_ROLES.get(step.role, (step.role,))
    agency = step.responsible_agency or dossier.current_agency
    if not Membership.objects.filter(
        user=user, agency__in=ancestors_and_self(agency), role__in=roles
    ).exists():
        raise PermissionDenied(
            _("Bước “%(name)s” do %(role)s của %(agency)s thực hiện.")
            % {
                "name": step.name,
                "role": str(Role(step.role).label).lower(),
                "agency": agency.name,
            },
            code="step_role",
        )


def _store_deadline(dossier: Dossier, *, events=None) -> None:
    deadline = deadlines.compute(dossier, events=events)
    dossier.due_at = deadline.due_at
    dossier.due_explanation = deadline.explanation


def _hand_over(dossier: Dossier) -> None:
    """On acceptance the resolving agency becomes responsible."""
    dossier.current_agency = dossier.resolving_agency


def _start_clock(dossier: Dossier, now: datetime, *, events=None) -> None:
    dossier.received_at = now
    _store_deadline(dossier, events=events)


def _transition(
    *,
    user: User | None,
    dossier: Dossier,
    action: Action,
    note: str = "",
    data: dict | None = None,
    before: Callable[[Dossier], None] | None = None,
    after: Callable[[Dossier, datetime], None] | None = None,
    attachments: Sequence[CheckedUpload] = (),
    as_applicant: bool = False,
) -> Dossier:
    stored: list[str] = []
    try:
        return _transition_rows(
            user=user,
            dossier=dossier,
            action=action,
            note=note,
            data=data,
            before=before,
            after=after,
            attachments=attachments,
            as_applicant=as_applicant,
            stored=stored,
        )
    except BaseException:
        uploads.discard(stored)
        raise


def _transition_rows(
    *, user, dossier, action, note, data, before, after, attachments, as_applicant, stored
) -> Dossier:
    with transaction.atomic():
        current = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("current_agency", "receiving_agency", "resolving_agency")
            .filter(pk=dossier.pk)
            .first()
        )
        if current is None:
            raise NotFound(_("Không tìm thấy hồ sơ."))
        if not as_applicant:  # the applicant was verified by the caller
            check_permission(user=user, dossier=current, action=action)
        new_status = target(current.status, action)
        if new_status is None:
            raise Conflict(
                _("Không thể thực hiện “%(action)s” với hồ sơ đang ở trạng thái “%(status)s”.")
                % {"action": ACTION_LABELS[action], "status": Status(current.status).label},
                code="invalid_transition",
            )
        if before is not None:
            before(current)
        now = timezone.now()
        old_status = current.status
        current.status = new_status
        event = append_event(
            DossierEvent,
            current,
            action=action,
            user=None if as_applicant else user,
            at=now,
            note=note,
            data=dict(data or {}, by_applicant=True) if as_applicant else data,
            from_status=old_status,
            to_status=new_status,
            agency_id=current.current_agency_id,
        )
        for upload in attachments:
            name = uploads.store(ATTACHMENTS_FOLDER, upload)
            stored.append(name)
            attachment = EventAttachment(event=event, name=upload.display_name)
            attachment.file.name = name
            attachment.save()
        if after is not None:
            after(current, now)
        current.save()
        notifications.schedule(event)
    return current


def accept(*, user: User, dossier: Dossier, note: str = "") -> Dossier:
    """An officer accepts an online submission: the clock starts now (DOMAIN §5)."""
    return _transition(
        user=user,
        dossier=dossier,
        action=Action.ACCEPT,
        note=_note(note),
        before=_hand_over,
        after=_start_clock,
    )


def request_completion(
    *, user: User, dossier: Dossier, reason: str, missing: Sequence[str] = ()
) -> Dossier:
    """Before accepting an online dossier, the desk asks the applicant to complete it (the
    clock has not started; the dossier stays “new”)."""
    reason = _note(reason, required=_("Cần ghi rõ nội dung yêu cầu hoàn thiện hồ sơ."))
    missing = [normalize_space(m)[:500] for m in missing if normalize_space(m)]
    return _transition(
        user=user,
        dossier=dossier,
        action=Action.REQUEST_COMPLETION,
        note=reason,
        data={"missing": missing},
    )


def submit_completion(
    *, user: User, dossier: Dossier, note: str = "", files: Sequence[CheckedUpload] = ()
) -> Dossier:
    """The completion asked for arrived (recorded by the desk)."""
    return _transition(
        user=user,
        dossier=dossier,
        action=Action.SUBMIT_COMPLETION,
        note=_note(note),
        attachments=files,
    )


def refuse(*, user: User, dossier: Dossier, reason: str) -> Dossier:
    reason = _note(reason, required=_("Cần ghi rõ lý do từ chối tiếp nhận."))
    return _transition(user=user, dossier=dossier, action=Action.REFUSE, note=reason)


def start_processing(*, user: User, dossier: Dossier, note: str = "") -> Dossier:
    return _transition(user=user, dossier=dossier, action=Action.START, note=_note(note))


def request_supplement(
    *, user: User, dossier: Dossier, reason: str, missing: Sequence[str] = ()
) -> Dossier:
    """Ask for missing or corrected documents: the clock stops until they arrive."""
    reason = _note(reason, required=_("Cần ghi rõ nội dung yêu cầu bổ sung, hoàn thiện hồ sơ."))
    missing = [normalize_space(m)[:500] for m in missing if normalize_space(m)]
    return _transition(
        user=user,
        dossier=dossier,
        action=Action.REQUEST_SUPPLEMENT,
        note=reason,
        data={"missing": missing},
        after=lambda d, now: _store_deadline(d),
    )


def complete_supplement(
    *, user: User, dossier: Dossier, note: str = "", files: Sequence[CheckedUpload] = ()
) -> Dossier:
    """The documents asked for arrived: the clock runs again and the deadline moves by the
    working days of the pause."""
    return _transition(
        user=user,
        dossier=dossier,
        action=Action.COMPLETE_SUPPLEMENT,
        note=_note(note),
        after=lambda d, now: _store_deadline(d),
        attachments=files,
    )


def supplement_online(
    *, dossier: Dossier, verify: str, files: Sequence[CheckedUpload], note: str = ""
) -> Dossier:
    """The applicant, verified by the dossier's lookup secret, uploads the
    documents a supplement request asked for: the request is completed and the clock runs
    again. The files are added to the dossier's history; earlier files stay."""
    if not verifies(dossier, verify):
        raise PermissionDenied(_("Mã xác minh không đúng."), code="verify_failed")
    if not files:
        raise ValidationError(_("Cần tải lên ít nhất một tệp bổ sung."), field="files")
    request = selectors.open_request(dossier)
    if request is None:
        raise Conflict(_("Hồ sơ không có yêu cầu bổ sung nào đang chờ."), code="no_request")
    if request.action == Action.REQUEST_COMPLETION:
        return _transition(
            user=None,
            dossier=dossier,
            action=Action.SUBMIT_COMPLETION,
            note=_note(note) or _("Người nộp hoàn thiện hồ sơ trực tuyến."),
            attachments=files,
            as_applicant=True,
        )
    return _transition(
        user=None,
        dossier=dossier,
        action=Action.COMPLETE_SUPPLEMENT,
        note=_note(note) or _("Người nộp bổ sung hồ sơ trực tuyến."),
        after=lambda d, now: _store_deadline(d),
        attachments=files,
        as_applicant=True,
    )


def rate(*, dossier: Dossier, verify: str, satisfied: bool, comment: str = "") -> None:
    """The verified applicant rates the service once, after the result was returned."""
    if not verifies(dossier, verify):
        raise PermissionDenied(_("Mã xác minh không đúng."), code="verify_failed")
    if dossier.status != Status.RETURNED:
        raise Conflict(_("Chỉ đánh giá được sau khi đã nhận kết quả."), code="not_returned")
    comment = _note(comment)
    if not satisfied and not comment:
        raise ValidationError(
            _("Vui lòng cho biết lý do chưa hài lòng để cơ quan khắc phục."), field="comment"
        )
    try:
        with transaction.atomic():
            SatisfactionRating.objects.create(
                dossier=dossier, satisfied=satisfied, comment=comment, at=timezone.now()
            )
    except IntegrityError:
        raise Conflict(_("Hồ sơ này đã được đánh giá."), code="already_rated") from None


def request_payment(*, user: User, dossier: Dossier, amount: int, note: str = "") -> Dossier:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationError(_("Số tiền phải là số nguyên dương (đồng)."), field="amount")
    return _transition(
        user=user,
        dossier=dossier,
        action=Action.REQUEST_PAYMENT,
        note=_note(note),
        data={"amount_vnd": amount},
    )


def confirm_payment(
    *, user: User, dossier: Dossier, note: str = "", online: bool = False
) -> Dossier:
    """The fees were paid: `online` when through an online payment service (the national
    portal's payment platform, a bank's app), which index 766 sub-indicator 3.6 counts; stored
    in the event's data as `{"online": true/false}`."""
    return _transition(
        user=user,
        dossier=dossier,
        action=Action.CONFIRM_PAYMENT,
        note=_note(note),
        data={"online": bool(online)},
    )


def withdraw(*, user: User, dossier: Dossier, reason: str) -> Dossier:
    reason = _note(reason, required=_("Cần ghi rõ lý do rút hồ sơ (theo đơn của người nộp)."))
    return _transition(user=user, dossier=dossier, action=Action.WITHDRAW, note=reason)


def stop(*, user: User, dossier: Dossier, reason: str) -> Dossier:
    reason = _note(reason, required=_("Cần ghi rõ lý do dừng xử lý hồ sơ."))
    return _transition(user=user, dossier=dossier, action=Action.STOP, note=reason)


def resolve(
    *,
    user: User,
    dossier: Dossier,
    note: str = "",
    result_code: str = "",
    files: Sequence[CheckedUpload] = (),
    electronic: bool = False,
) -> Dossier:
    """The result is ready: its files (checked uploads), the result code, and whether it is an
    electronic result (valid as the paper one)."""
    return _transition(
        user=user,
        dossier=dossier,
        action=Action.RESOLVE,
        note=_note(note),
        data={"result_code": normalize_space(result_code)[:100], "electronic": bool(electronic)},
        attachments=files,
    )


def return_result(
    *, user: User, dossier: Dossier, note: str = "", method: int | str | None = None
) -> Dossier:
    """Hand the result over, recording how (Channel codes: 1 in person, 2 online / electronic,
    3 public postal service); by default the way the dossier came in."""
    try:
        method = Channel(int(method)) if method not in (None, "") else Channel(dossier.channel)
    except (TypeError, ValueError):
        raise ValidationError(
            _("Hình thức trả kết quả không hợp lệ: trực tiếp, trực tuyến hoặc bưu chính."),
            field="method",
        ) from None
    return _transition(
        user=user,
        dossier=dossier,
        action=Action.RETURN_RESULT,
        note=_note(note),
        data={"method": int(method), "method_label": str(method.label)},
    )


def transfer(*, user: User, dossier: Dossier, to_agency: Agency, note: str = "") -> Dossier:
    """Inter-agency processing (liên thông): another agency becomes responsible; the status
    and the deadline stay."""
    if not to_agency.is_active:
        raise ValidationError(_("Cơ quan nhận đã ngừng hoạt động."), field="to_agency")

    def before(current: Dossier) -> None:
        if current.current_agency_id == to_agency.pk:
            raise ValidationError(
                _("Hồ sơ đang ở chính cơ quan này, không cần chuyển."), field="to_agency"
            )
        current.current_agency = to_agency  # the event records who is responsible after it
        current.assignee = None  # the new agency's leader assigns its own specialist
        DossierAgency.objects.get_or_create(
            dossier=current, agency=to_agency, role=Involvement.CONSULTED
        )

    return _transition(
        user=user,
        dossier=dossier,
        action=Action.TRANSFER,
        note=_note(note),
        data={"from_agency": dossier.current_agency.code, "to_agency": to_agency.code},
        before=before,
    )


def apologise(*, user: User, dossier: Dossier, new_appointment: datetime, reason: str) -> Dossier:
    """Apology letter with a new appointment (late, or about to be). The legal deadline is
    unchanged: the dossier still counts late against it."""
    reason = _note(reason, required=_("Cần ghi rõ lý do chậm trả kết quả."))
    new_appointment = to_local(new_appointment)

    def before(current: Dossier) -> None:
        if current.appointment_at is not None and new_appointment <= current.appointment_at:
            raise ValidationError(
                _("Ngày hẹn mới phải sau ngày hẹn hiện tại."), field="new_appointment"
            )

    def after(current: Dossier, now: datetime) -> None:
        current.new_appointment_at = new_appointment

    return _transition(
        user=user,
        dossier=dossier,
        action=Action.APOLOGISE,
        note=reason,
        data={"new_appointment": new_appointment.isoformat()},
        before=before,
        after=after,
    )


def assign(*, user: User, dossier: Dossier, assignee: User | None, note: str = "") -> Dossier:
    """The leader of the responsible agency hands the dossier to one of its specialists (shown
    in that specialist's “Của tôi” queue). The status stays."""
    if assignee is None:
        raise ValidationError(_("Vui lòng chọn chuyên viên được giao."), field="assignee")

    def before(current: Dossier) -> None:
        is_specialist = Membership.objects.filter(
            user=assignee, role=Role.SPECIALIST, agency=current.current_agency_id
        ).exists()
        if not is_specialist or not assignee.is_active:
            raise ValidationError(
                _("Người được giao phải là chuyên viên của cơ quan đang xử lý hồ sơ."),
                field="assignee",
            )
        if current.assignee_id == assignee.pk:
            raise ValidationError(
                _("Hồ sơ đã được giao cho chuyên viên này."), field="assignee", code="unchanged"
            )
        current.assignee = assignee

    return _transition(
        user=user,
        dossier=dossier,
        action=Action.ASSIGN,
        note=_note(note),
        data={
            "assignee": assignee.username,
            "assignee_name": assignee.get_full_name() or assignee.username,
        },
        before=before,
    )


def _step_count(dossier: Dossier) -> int:
    return len(selectors.process_definition(dossier.procedure_id, dossier.resolving_agency_id))


def complete_step(
    *, user: User, dossier: Dossier, note: str = "", files: Sequence[CheckedUpload] = ()
) -> Dossier:
    """The current internal step is done: the next step of the process definition starts.
    The last step ends with the result (`resolve`), not here."""
    moved: dict = {}

    def before(current: Dossier) -> None:
        total = _step_count(current)
        number = min(current.current_step, total)
        if number >= total:
            raise ValidationError(
                _("Đây là bước cuối của quy trình: cập nhật kết quả giải quyết."), field="step"
            )
        current.current_step = number + 1
        moved.update(from_step=number, to_step=number + 1)

    return _transition(
        user=user,
        dossier=dossier,
        action=Action.COMPLETE_STEP,
        note=_note(note),
        data=moved,
        before=before,
        attachments=files,
    )


def return_step(*, user: User, dossier: Dossier, reason: str) -> Dossier:
    """Send the dossier back to the previous internal step (status stays “processing”)."""
    reason = _note(reason, required=_("Cần ghi rõ lý do trả lại bước trước."))
    moved: dict = {}

    def before(current: Dossier) -> None:
        number = min(current.current_step, _step_count(current))
        if number <= 1:
            raise ValidationError(
                _("Hồ sơ đang ở bước đầu tiên của quy trình, không có bước trước để trả lại."),
                field="step",
            )
        current.current_step = number - 1
        moved.update(from_step=number, to_step=number - 1)

    return _transition(
        user=user,
        dossier=dossier,
        action=Action.RETURN_STEP,
        note=reason,
        data=moved,
        before=before,
    )


# --------------------------------------------------------------------------- one dispatcher


def _text(value: object, dossier: Dossier) -> str:
    return "" if value is None else str(value)


def _flag(value: object, dossier: Dossier) -> bool:
    """A checkbox or radio of the page ("1", "on", "0", absent) or a JSON boolean."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "on", "true")
    return bool(value)


def _lines(value: object, dossier: Dossier) -> list[str]:
    if isinstance(value, str):
        return value.splitlines()
    return [str(line) for line in value or ()]


def _files(value: object, dossier: Dossier) -> list[CheckedUpload]:
    """Uploaded files, each checked as every upload is (`tthc.core.uploads.check`)."""
    return [uploads.check(f, field="files") for f in value or () if f is not None]


def _amount(value: object, dossier: Dossier) -> int:
    """Integer VND, as typed on the page ("150000") or sent in the API's JSON (150000)."""
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            pass
    elif isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValidationError(_("Số tiền phải là số nguyên (đồng)."), field="amount")


def _to_agency(value: object, dossier: Dossier) -> Agency:
    agency = Agency.objects.filter(code=str(value)[:50]).first() if value else None
    if agency is None:
        raise ValidationError(_("Vui lòng chọn cơ quan nhận."), field="to_agency")
    return agency


def _assignee(value: object, dossier: Dossier) -> User | None:
    """A specialist of the responsible agency by username (None: the service asks for one)."""
    if not value:
        return None
    return selectors.specialists_of(dossier.current_agency_id).filter(username=str(value)).first()


def _moment(value: object, dossier: Dossier) -> datetime:
    """The new appointment: an ISO date-time (the page's `datetime-local`, "2025-02-10T17:00")
    or a datetime of the API; one without a time zone is Vietnamese time."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime):
        raise ValidationError(_("Ngày giờ hẹn mới không hợp lệ."), field="new_appointment")
    return value if value.tzinfo is not None else value.replace(tzinfo=VN_TZ)


def _method(value: object, dossier: Dossier) -> object:
    return None if value in (None, "") else value  # `return_result` parses and explains it


# A field of an action: the service's keyword it becomes, and how its raw value is normalised
# (a form's strings and the API's JSON values alike).
FIELDS: dict[str, tuple[str, Callable[[object, Dossier], object]]] = {
    "note": ("note", _text),
    "reason": ("reason", _text),
    "missing": ("missing", _lines),
    "files": ("files", _files),
    "amount": ("amount", _amount),
    "online": ("online", _flag),
    "to_agency": ("to_agency", _to_agency),
    "result_code": ("result_code", _text),
    "electronic": ("electronic", _flag),
    "return_method": ("method", _method),
    "new_appointment": ("new_appointment", _moment),
    "assignee": ("assignee", _assignee),
}

# Every staff action: its service and the fields it takes (in the order the staff page lays
# its form out).
ACTIONS: dict[Action, tuple[Callable[..., Dossier], tuple[str, ...]]] = {
    Action.ACCEPT: (accept, ("note",)),
    Action.REFUSE: (refuse, ("reason",)),
    Action.REQUEST_COMPLETION: (request_completion, ("reason", "missing")),
    Action.SUBMIT_COMPLETION: (submit_completion, ("note", "files")),
    Action.START: (start_processing, ("note",)),
    Action.REQUEST_SUPPLEMENT: (request_supplement, ("reason", "missing")),
    Action.COMPLETE_SUPPLEMENT: (complete_supplement, ("note", "files")),
    Action.REQUEST_PAYMENT: (request_payment, ("amount", "note")),
    Action.CONFIRM_PAYMENT: (confirm_payment, ("online", "note")),
    Action.TRANSFER: (transfer, ("to_agency", "note")),
    Action.RESOLVE: (resolve, ("result_code", "electronic", "files", "note")),
    Action.RETURN_RESULT: (return_result, ("return_method", "note")),
    Action.STOP: (stop, ("reason",)),
    Action.WITHDRAW: (withdraw, ("reason",)),
    Action.APOLOGISE: (apologise, ("new_appointment", "reason")),
    Action.ASSIGN: (assign, ("assignee", "note")),
    Action.COMPLETE_STEP: (complete_step, ("note", "files")),
    Action.RETURN_STEP: (return_step, ("reason",)),
}


def action_fields(*, action: Action) -> tuple[str, ...]:
    """The fields `perform` takes for `action` (empty for an action staff do not perform)."""
    entry = ACTIONS.get(action)
    return entry[1] if entry else ()


def perform(*, action: Action, user: User, obj: Dossier, **fields: object) -> Dossier:
    """Perform a staff action on `obj`: the one door of the staff page and the staff API.

    `fields` are the action's raw input (`ACTIONS`): the strings of the page's form or the
    values of the API's JSON, normalised here the same way for both — the amount as integer VND,
    the receiving agency by code, the assignee among the responsible agency's specialists, the
    new appointment made timezone-aware (Vietnamese time when it has none), the missing
    documents as a list, the files checked by `tthc.core.uploads.check`. A field the action does
    not take is refused; one left out counts as empty (the service then says what is missing)."""
    if action not in ACTIONS:
        raise dispatch.unknown_action()
    service, taken = ACTIONS[action]
    dispatch.refuse_unknown_fields(fields, taken, label=ACTION_LABELS[action])
    arguments = {}
    for name in taken:
        keyword, normalise = FIELDS[name]
        arguments[keyword] = normalise(fields.get(name), obj)
    return service(user=user, dossier=obj, **arguments)


def allowed_actions(*, user: User, dossier: Dossier) -> list[Action]:
    """The staff actions the transition table and the user's permissions allow now."""
    allowed = []
    for action in STAFF_ACTIONS:
        if target(dossier.status, action) is None:
            continue
        try:
            check_permission(user=user, dossier=dossier, action=action)
        except PermissionDenied:
            continue
        allowed.append(action)
    return allowed


# --------------------------------------------------------------------------- deadline source


def store_recomputed_deadline(*, dossier: Dossier, deadline: Deadline) -> bool:
    """Called by the workdays registry after a calendar change: store the new deadline if the
    dossier is still open, and append an event with old -> new."""
    old = dossier.due_at
    updated = Dossier.objects.filter(pk=dossier.pk, status__in=OPEN_STATUSES).update(
        due_at=deadline.due_at, due_explanation=deadline.explanation
    )
    if not updated:
        return False
    event = append_event(
        DossierEvent,
        dossier,
        action=Action.DEADLINE_CHANGED,
        user=None,
        note=_("Hạn giải quyết thay đổi do điều chỉnh lịch làm việc."),
        data={
            "old_due": to_local(old).isoformat() if old else None,
            "new_due": deadline.due_at.isoformat(),
        },
        from_status=dossier.status,
        to_status=dossier.status,
        agency_id=dossier.current_agency_id,
    )
    if dossier.new_appointment_at is None:  # the applicant's appointment moved: tell them
        notifications.schedule(event)
    return True


# --------------------------------------------------------------------------- personal data


def read_applicant(
    *, user: User, dossier: Dossier, what: str = "xem thông tin người nộp"
) -> Applicant:
    """A staff read of the applicant's personal data: allowed to staff of the dossier's
    agencies (and control officers), and logged (`what`: the access log's record, not a
    message)."""
    if not selectors.may_view(user, dossier):
        raise PermissionDenied(DENIED_MESSAGES[Policy.DOSSIER_VIEW])
    with transaction.atomic():
        AccessLog.objects.create(user=user, dossier=dossier, what=what[:200])
    return dossier.applicant


# --------------------------------------------------------------------------- online request


def submit_online_request(
    *,
    procedure_code: str,
    resolving_agency_code: str,
    reception_point_id: int | None,
    applicant: ApplicantInput,
    files: dict[str, object],
    then: Callable[[Dossier], None] | None = None,
) -> Dossier:
    """The public online submission (page and API): the procedure by code, the resolving
    agency among the procedure's, the desk among those allowed, one file per document
    (`file_1`, ... numbered as `selectors.required_documents`). Every file is checked before
    anything is written; one refused file refuses the whole submission."""
    offer = selectors.online_offer(procedure_code)
    if offer is None:
        raise NotFound(
            _("Thủ tục này không nhận hồ sơ trực tuyến hoặc không tồn tại."), field="procedure"
        )
    procedure = offer.procedure
    resolving = next((a for a in offer.resolving if a.code == resolving_agency_code), None)
    if resolving is None:
        raise ValidationError(
            _("Vui lòng chọn cơ quan giải quyết của thủ tục."), field="resolving_agency"
        )
    point = _online_desk(procedure, resolving, reception_point_id)
    # Applicant data first (cheap), then the files.
    clean_applicant(applicant, today=timezone.localdate())
    rows = offer.documents
    known = {row["field"] for row in rows}
    for field in files:
        if field not in known:
            raise ValidationError(_("Tệp không thuộc thành phần hồ sơ nào."), field=field)
    for row in rows:
        if not row["optional"] and not files.get(row["field"]):
            raise ValidationError(
                _("Cần tải lên “%(name)s”.") % {"name": row["label"][:120]},
                field=row["field"],
                code="upload_missing",
            )
    checked = uploads.check_all(files)
    documents = [
        DocumentInput(row["name"], form=DocumentForm.ELECTRONIC, upload=checked[row["field"]])
        for row in rows
        if row["field"] in checked
    ]
    return submit_online(
        procedure=procedure,
        receiving_agency=point.agency,
        resolving_agency=resolving,
        applicant=applicant,
        documents=documents,
        reception_point=point,
        fee_due=selectors.channel_fee(procedure.current_version.data, "online"),
        then=then,
    )


def _online_desk(
    procedure: Procedure, resolving: Agency, reception_point_id: int | None
) -> ReceptionPoint:
    """The desk the citizen chose among those the routing rule offers, else the rule's first."""
    offered = routing.desks(procedure, resolving)
    if not offered:
        raise ValidationError(
            _(
                "Hiện chưa có bộ phận một cửa nào tiếp nhận trực tuyến hồ sơ của %(agency)s. "
                "Vui lòng nộp trực tiếp hoặc chọn cơ quan giải quyết khác."
            )
            % {"agency": resolving.name},
            field="resolving_agency",
            code="no_desk",
        )
    if not reception_point_id:
        return offered[0]
    point = next((p for p in offered if p.pk == reception_point_id), None)
    if point is None:
        raise ValidationError(
            _(
                "Nơi tiếp nhận đã chọn không nhận hồ sơ của %(agency)s cho thủ tục này. "
                "Vui lòng chọn %(desk)s."
            )
            % {"agency": resolving.name, "desk": offered[0].name},
            field="reception_point",
        )
    return point


def check_submission_rate(*, ip: str) -> None:
    """Online submissions per address and hour (`TTHC_DOSSIER_SUBMISSIONS_PER_HOUR`, default
    20): a flood is refused with 429 and a Vietnamese message; stored dossiers are untouched."""
    limit = settings.TTHC_DOSSIER_SUBMISSIONS_PER_HOUR
    allowed, wait = ratelimit.hit("dossiers:submit", ip, limit=limit, window=3600)
    if not allowed:
        raise ratelimit.Throttled(
            _(
                "Địa chỉ mạng này đã gửi quá nhiều hồ sơ trực tuyến trong một giờ. Vui lòng thử "
                "lại sau khoảng %(minutes)s phút hoặc nộp tại bộ phận một cửa. "
                "Các hồ sơ đã gửi vẫn được giữ nguyên."
            )
            % {"minutes": max(1, (wait + 59) // 60)}
        )


def _in_progress() -> Conflict:
    return Conflict(
        _("Hồ sơ này đang được gửi. Vui lòng chờ giây lát rồi tra cứu bằng mã hồ sơ."),
        code="submission_in_progress",
    )


def _claim(key: str) -> tuple[SubmissionKey, bool]:
    """The key's claim and whether this call made it: one INSERT, committed at once, when the
    key is new (nearly always), else the row that holds it."""
    for _attempt in range(2):  # a claim released between the INSERT and the read: once more
        try:
            with transaction.atomic() if connection.in_atomic_block else nullcontext():
                return SubmissionKey.objects.create(key=key), True
        except IntegrityError:
            claim = SubmissionKey.objects.filter(key=key).first()
            if claim is not None:
                return claim, False
    raise _in_progress()


def submit_once(*, key: str, submit: Callable[..., Dossier]) -> Dossier:
    """Run an online submission at most once per `key` (a token in the form, or the API's
    `Idempotency-Key` header): `submit(then=…)` makes the dossier and calls `then(dossier)` in
    the dossier's transaction. The claim is committed before the submission, so a concurrent
    duplicate sees it; a failed submission releases it so the corrected form can be sent.

    A claim without a dossier older than `TTHC_SUBMISSION_CLAIM_SECONDS` was left by a process
    that died mid-submission: a retry takes it over with a conditional UPDATE on the claim's
    timestamp (of two retries at once, one wins). The dossier is linked to the claim in the
    dossier's own transaction, again only if the claim is still ours, so a slow process whose
    claim was taken over rolls its dossier back: one key, one dossier."""
    key = (key or "").strip()[:64]
    if not key:
        return submit(then=None)
    claim, created = _claim(key)
    if not created:
        if claim.dossier_id:
            return claim.dossier
        now = timezone.now()
        expiry = timedelta(seconds=settings.TTHC_SUBMISSION_CLAIM_SECONDS)
        taken = claim.created_at <= now - expiry and (
            SubmissionKey.objects.filter(
                pk=claim.pk, dossier__isnull=True, created_at=claim.created_at
            ).update(created_at=now)
            == 1
        )
        if not taken:
            raise _in_progress()
        claim.created_at = now
    ours = SubmissionKey.objects.filter(
        pk=claim.pk, dossier__isnull=True, created_at=claim.created_at
    )

    def link(dossier: Dossier) -> None:
        if ours.update(dossier=dossier) != 1:  # taken over meanwhile: the dossier rolls back
            raise _in_progress()

    try:
        dossier = submit(then=link)
    except BaseException:
        ours.delete()
        raise
    return dossier
