"""Every write of the plans app: keyword-only, validated, one transaction.

The control office (PLAN_MANAGE) drafts a plan, adds its contents and tasks, and issues it;
agencies then report on the tasks they lead or support (PLAN_REPORT, checked on the agency the
report is made for). Reports are append-only; the task keeps a copy of the latest percentage
(`recompute_progress` rebuilds it from the reports).

Double submit: a report carries the form's `submission_key` (unique per task); the same key
again, or an identical report (same task, agency, reporter, period, percent and text) within
`DUPLICATE_WINDOW`, returns the report already stored instead of adding one. The task row is
locked for the check, so two concurrent submits are serialised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tthc.core import uploads
from tthc.core.errors import Conflict, PermissionDenied, ValidationError
from tthc.core.models import User
from tthc.org.models import Agency
from tthc.org.policy import DENIED_MESSAGES, Action, can, require

from .models import (
    CommunicationPlan,
    ContentKind,
    EvidenceFile,
    EvidenceLink,
    PeriodKind,
    PlanContent,
    PlanStatus,
    PlanTask,
    TaskReport,
)

EVIDENCE_FOLDER = "ke-hoach/minh-chung"
DUPLICATE_WINDOW = timedelta(seconds=30)
MAX_LINKS = 10
MAX_FILES = 5
MAX_TEXT = 10_000
YEAR_RANGE = (2000, 2100)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_URL = URLValidator(schemes=["http", "https"])
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_PATH = re.compile(r"^/(?![/\\])[^\s\\<>\"']*$")


def _user(user):
    return user if user is not None and user.is_authenticated else None


def _text(value, *, field: str, label: str, max_length: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(_("%(label)s phải là văn bản.") % {"label": label}, field=field)
    value = _CONTROL.sub("", value).strip()
    if required and not value:
        raise ValidationError(_("Nhập %(label)s.") % {"label": label.lower()}, field=field)
    if len(value) > max_length:
        raise ValidationError(
            _("%(label)s dài quá %(count)s ký tự.")
            % {"label": label, "count": f"{max_length:,}".replace(",", ".")},
            field=field,
        )
    return value


def _date(value, *, field: str, label: str, required: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            raise ValidationError(_("Nhập %(label)s.") % {"label": label.lower()}, field=field)
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for parse in (date.fromisoformat, lambda t: datetime.strptime(t, "%d/%m/%Y").date()):
            try:
                return parse(text)
            except ValueError:
                continue
    raise ValidationError(
        _("%(label)s không hợp lệ (dạng ngày/tháng/năm).") % {"label": label}, field=field
    )


def _int(value, *, field: str, label: str, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise ValidationError(_("%(label)s phải là số nguyên.") % {"label": label}, field=field)
    if isinstance(value, int):
        number = value
    else:
        # ASCII digits only: `int()` would also take "1_0" (10) or Arabic-Indic digits.
        text = str(value if value is not None else "").strip()
        if not _INTEGER.match(text):
            raise ValidationError(_("%(label)s phải là số nguyên.") % {"label": label}, field=field)
        number = int(text) if len(text) <= 12 else high + 1  # huge: out of range below
    if not low <= number <= high:
        raise ValidationError(
            _("%(label)s phải từ %(low)s đến %(high)s.")
            % {"label": label, "low": low, "high": high},
            field=field,
        )
    return number


# ----------------------------------------------------------------------------------- plans


@dataclass
class PlanInput:
    year: int | str
    title: str
    decision_number: str = ""
    decision_date: date | str | None = None
    issuing_body: str = ""
    objectives: str = ""
    requirements: str = ""


def _plan_fields(data: PlanInput) -> dict:
    year = _int(data.year, field="year", label=_("Năm"), low=YEAR_RANGE[0], high=YEAR_RANGE[1])
    decision_date = _date(
        data.decision_date, field="decision_date", label=_("Ngày ban hành"), required=False
    )
    if decision_date and abs(decision_date.year - year) > 1:
        raise ValidationError(
            _("Ngày ban hành phải thuộc năm của kế hoạch hoặc năm liền trước."),
            field="decision_date",
        )
    return {
        "year": year,
        "title": _text(
            data.title, field="title", label=_("Tên kế hoạch"), max_length=500, required=True
        ),
        "decision_number": _text(
            data.decision_number, field="decision_number", label=_("Số hiệu"), max_length=80
        ),
        "decision_date": decision_date,
        "issuing_body": _text(
            data.issuing_body, field="issuing_body", label=_("Cơ quan ban hành"), max_length=300
        ),
        "objectives": _text(
            data.objectives, field="objectives", label=_("Mục đích"), max_length=MAX_TEXT
        ),
        "requirements": _text(
            data.requirements, field="requirements", label=_("Yêu cầu"), max_length=MAX_TEXT
        ),
    }


def create_plan(
    *, user: User, data: PlanInput, with_default_contents: bool = True
) -> CommunicationPlan:
    """A draft plan; by default with the four contents of DOMAIN §10 as its headings."""
    require(user, Action.PLAN_MANAGE)
    fields = _plan_fields(data)
    with transaction.atomic():
        plan = CommunicationPlan.objects.create(created_by=_user(user), **fields)
        if with_default_contents:
            for position, kind in enumerate(
                [
                    ContentKind.INTERNAL,
                    ContentKind.CITIZENS,
                    ContentKind.SIMPLIFICATION,
                    ContentKind.FEEDBACK,
                ],
                start=1,
            ):
                PlanContent.objects.create(
                    plan=plan, kind=kind, title=kind.label, position=position
                )
    return plan


def update_plan(*, user: User, plan: CommunicationPlan, data: PlanInput) -> CommunicationPlan:
    require(user, Action.PLAN_MANAGE)
    fields = _plan_fields(data)
    with transaction.atomic():
        current = CommunicationPlan.objects.select_for_update().get(pk=plan.pk)
        for key, value in fields.items():
            setattr(current, key, value)
        current.save()
    return current


def issue_plan(*, user: User, plan: CommunicationPlan) -> CommunicationPlan:
    """Issue a draft: its tasks become visible to the agencies, which may then report."""
    require(user, Action.PLAN_MANAGE)
    with transaction.atomic():
        current = CommunicationPlan.objects.select_for_update().get(pk=plan.pk)
        if current.status == PlanStatus.ISSUED:
            raise Conflict(_("Kế hoạch đã được ban hành."), code="already_issued")
        if not current.decision_number:
            raise ValidationError(
                _("Nhập số hiệu văn bản ban hành kế hoạch trước khi ban hành."),
                field="decision_number",
            )
        if not current.decision_date:
            raise ValidationError(
                _("Nhập ngày ban hành kế hoạch trước khi ban hành."), field="decision_date"
            )
        if not current.tasks.exists():
            raise ValidationError(_("Kế hoạch phải có ít nhất một nhiệm vụ."), field="tasks")
        current.status = PlanStatus.ISSUED
        current.issued_at = timezone.now()
        current.save()
    return current


def add_content(
    *, user: User, plan: CommunicationPlan, title: str, kind: str = ContentKind.OTHER
) -> PlanContent:
    require(user, Action.PLAN_MANAGE)
    if kind not in ContentKind.values:
        raise ValidationError(_("Loại nội dung không hợp lệ."), field="kind")
    title = _text(title, field="title", label=_("Tên nội dung"), max_length=500, required=True)
    with transaction.atomic():
        CommunicationPlan.objects.select_for_update().get(pk=plan.pk)
        last = plan.contents.order_by("-position").values_list("position", flat=True).first()
        return PlanContent.objects.create(
            plan=plan, kind=kind, title=title, position=(last or 0) + 1
        )


@dataclass
class TaskInput:
    title: str
    lead_agency: Agency | None
    due_on: date | str | None
    supporting_agencies: list[Agency] | tuple = ()
    description: str = ""
    expected_output: str = ""
    indicator: str = ""
    indicator_target: Decimal | str | None = None


def _task_fields(plan: CommunicationPlan, data: TaskInput) -> dict:
    if not isinstance(data.lead_agency, Agency):
        raise ValidationError(_("Chọn cơ quan chủ trì."), field="lead_agency")
    due_on = _date(data.due_on, field="due_on", label=_("Thời hạn hoàn thành"))
    if abs(due_on.year - plan.year) > 1:
        raise ValidationError(
            _("Thời hạn phải trong năm %(year)s (hoặc năm liền kề) của kế hoạch.")
            % {"year": plan.year},
            field="due_on",
        )
    target = data.indicator_target
    if target in ("", None):
        target = None
    else:
        try:
            target = Decimal(str(target).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            raise ValidationError(
                _("Chỉ tiêu (số) phải là một số."), field="indicator_target"
            ) from None
        if not target.is_finite() or target < 0 or target >= Decimal("1e10"):
            raise ValidationError(
                _("Chỉ tiêu (số) phải là số không âm, nhỏ hơn 10 tỷ."), field="indicator_target"
            )
        target = target.quantize(Decimal("0.01"))
    return {
        "title": _text(
            data.title, field="title", label=_("Tên nhiệm vụ"), max_length=500, required=True
        ),
        "description": _text(
            data.description, field="description", label=_("Nội dung"), max_length=MAX_TEXT
        ),
        "lead_agency": data.lead_agency,
        "due_on": due_on,
        "expected_output": _text(
            data.expected_output, field="expected_output", label=_("Sản phẩm"), max_length=500
        ),
        "indicator": _text(data.indicator, field="indicator", label=_("Chỉ tiêu"), max_length=500),
        "indicator_target": target,
    }


def _supporting(data: TaskInput) -> list[Agency]:
    agencies = list(data.supporting_agencies or ())
    if any(not isinstance(a, Agency) for a in agencies):
        raise ValidationError(_("Cơ quan phối hợp không hợp lệ."), field="supporting_agencies")
    return [a for a in agencies if a.pk != data.lead_agency.pk]


def add_task(*, user: User, content: PlanContent, data: TaskInput) -> PlanTask:
    require(user, Action.PLAN_MANAGE)
    plan = content.plan
    fields = _task_fields(plan, data)
    supporting = _supporting(data)
    with transaction.atomic():
        CommunicationPlan.objects.select_for_update().get(pk=plan.pk)
        last = content.tasks.order_by("-position").values_list("position", flat=True).first()
        task = PlanTask.objects.create(
            plan=plan, content=content, position=(last or 0) + 1, **fields
        )
        task.supporting_agencies.set(supporting)
    return task


def update_task(*, user: User, task: PlanTask, data: TaskInput) -> PlanTask:
    """Change a task (a new due date re-arms its reminders)."""
    require(user, Action.PLAN_MANAGE)
    fields = _task_fields(task.plan, data)
    supporting = _supporting(data)
    with transaction.atomic():
        current = PlanTask.objects.select_for_update().get(pk=task.pk)
        for key, value in fields.items():
            setattr(current, key, value)
        current.save()
        current.supporting_agencies.set(supporting)
    return current


# --------------------------------------------------------------------------------- reports


@dataclass
class LinkInput:
    url: str
    title: str = ""


def _period_bounds(
    kind: str, year: int, start: date | str | None, end: date | str | None
) -> tuple[date, date]:
    if kind not in PeriodKind.values:
        raise ValidationError(_("Chọn kỳ báo cáo."), field="period_kind")
    fixed = {
        PeriodKind.Q1: ((1, 1), (3, 31)),
        PeriodKind.Q2: ((4, 1), (6, 30)),
        PeriodKind.Q3: ((7, 1), (9, 30)),
        PeriodKind.Q4: ((10, 1), (12, 31)),
        PeriodKind.H1: ((1, 1), (6, 30)),
        PeriodKind.M9: ((1, 1), (9, 30)),
        PeriodKind.YEAR: ((1, 1), (12, 31)),
    }
    if kind in fixed:
        (m1, d1), (m2, d2) = fixed[kind]
        return date(year, m1, d1), date(year, m2, d2)
    first = _date(start, field="period_start", label=_("Ngày bắt đầu kỳ báo cáo"))
    last = _date(end, field="period_end", label=_("Ngày kết thúc kỳ báo cáo"))
    if last < first:
        raise ValidationError(
            _("Ngày kết thúc kỳ báo cáo phải sau ngày bắt đầu."), field="period_end"
        )
    if first.year < year - 1 or last.year > year + 1:
        raise ValidationError(
            _("Kỳ báo cáo phải nằm trong năm %(year)s của kế hoạch (hoặc năm liền kề).")
            % {"year": year},
            field="period_start",
        )
    return first, last


def _clean_link(link: LinkInput, index: int) -> tuple[str, str]:
    field = f"link_{index}"
    url = _text(link.url, field=field, label=_("Địa chỉ liên kết"), max_length=500)
    title = _text(link.title, field=field, label=_("Tiêu đề liên kết"), max_length=300)
    if not url:
        raise ValidationError(_("Nhập địa chỉ của bài viết minh chứng."), field=field)
    if url.startswith("/"):
        ok = bool(_PATH.match(url))
    else:
        try:
            _URL(url)
            ok = True
        except DjangoValidationError:
            ok = False
    if not ok:
        raise ValidationError(
            _(
                "Liên kết “%(url)s” không hợp lệ: chỉ nhận địa chỉ http://, https:// hoặc đường "
                "dẫn trong cổng bắt đầu bằng “/” (ví dụ /tin-tuc/bai-viet/)."
            )
            % {"url": url[:80]},
            field=field,
        )
    return url, title or url


def _reporting_agency(user, task: PlanTask, agency: Agency | None) -> Agency:
    assigned = {task.lead_agency_id: task.lead_agency}
    assigned.update({a.pk: a for a in task.supporting_agencies.all()})
    if agency is not None:
        if agency.pk not in assigned:
            raise PermissionDenied(
                _(
                    "%(agency)s không chủ trì hoặc phối hợp thực hiện nhiệm vụ này nên không "
                    "báo cáo được."
                )
                % {"agency": agency.name}
            )
        if not can(user, Action.PLAN_REPORT, agency):
            raise PermissionDenied(DENIED_MESSAGES[Action.PLAN_REPORT])
        return agency
    for candidate in assigned.values():
        if can(user, Action.PLAN_REPORT, candidate):
            return candidate
    raise PermissionDenied(DENIED_MESSAGES[Action.PLAN_REPORT])


def submit_report(
    *,
    user: User,
    task: PlanTask,
    percent: int | str,
    text: str,
    period_kind: str,
    period_start: date | str | None = None,
    period_end: date | str | None = None,
    agency: Agency | None = None,
    decrease_reason: str = "",
    links: list[LinkInput] | tuple = (),
    files: list[UploadedFile] | tuple = (),
    submission_key: str = "",
    reported_at: datetime | None = None,
) -> TaskReport:
    """Record an agency's progress report on `task` (see the module's docstring).
    `reported_at` (default: now) dates a report made earlier, as the demo's history does."""
    if not task.plan.is_issued:
        raise Conflict(
            _("Kế hoạch chưa được ban hành: chưa báo cáo được nhiệm vụ."), code="plan_not_issued"
        )
    agency = _reporting_agency(user, task, agency)
    percent = _int(percent, field="percent", label=_("Tỷ lệ hoàn thành (%)"), low=0, high=100)
    text = _text(
        text, field="text", label=_("Kết quả thực hiện"), max_length=MAX_TEXT, required=True
    )
    decrease_reason = _text(
        decrease_reason, field="decrease_reason", label=_("Lý do điều chỉnh giảm"), max_length=1000
    )
    start, end = _period_bounds(period_kind, task.plan.year, period_start, period_end)
    links = list(links or ())
    if len(links) > MAX_LINKS:
        raise ValidationError(
            _("Tối đa %(count)s liên kết minh chứng.") % {"count": MAX_LINKS}, field="links"
        )
    cleaned_links = [_clean_link(link, n) for n, link in enumerate(links)]
    files = [f for f in (files or ()) if f]
    if len(files) > MAX_FILES:
        raise ValidationError(
            _("Tối đa %(count)s tệp minh chứng mỗi lần báo cáo.") % {"count": MAX_FILES},
            field="files",
        )
    checked = [uploads.check(f, field="files") for f in files]
    key = _text(submission_key, field="submission_key", label=_("Mã gửi"), max_length=64)
    now = reported_at or timezone.now()
    stored: list[str] = []
    try:
        with transaction.atomic():
            current = PlanTask.objects.select_for_update().get(pk=task.pk)
            existing = _duplicate(current, key, agency, user, percent, text, period_kind, start)
            if existing is not None:
                return existing
            if percent < current.percent_done and not decrease_reason:
                raise ValidationError(
                    _(
                        "Tỷ lệ hoàn thành giảm từ %(before)s%% xuống %(after)s%%: nhập lý do điều "
                        "chỉnh giảm."
                    )
                    % {"before": current.percent_done, "after": percent},
                    field="decrease_reason",
                )
            report = TaskReport.objects.create(
                task=current,
                agency=agency,
                period_kind=period_kind,
                period_start=start,
                period_end=end,
                text=text,
                percent=percent,
                decrease_reason=decrease_reason,
                reported_by=_user(user),
                reported_at=now,
                submission_key=key,
            )
            for url, title in cleaned_links:
                EvidenceLink.objects.create(report=report, url=url, title=title)
            for upload in checked:
                name = uploads.store(EVIDENCE_FOLDER, upload)
                stored.append(name)
                evidence = EvidenceFile(report=report, name=upload.display_name, size=upload.size)
                evidence.file.name = name
                evidence.save()
            _progress(current)
    except IntegrityError:
        uploads.discard(stored)
        existing = TaskReport.objects.filter(task=task, submission_key=key).first() if key else None
        if existing is None:
            raise
        return existing
    except BaseException:
        uploads.discard(stored)
        raise
    return report


def _duplicate(task, key, agency, user, percent, text, period_kind, start) -> TaskReport | None:
    if key:
        existing = TaskReport.objects.filter(task=task, submission_key=key).first()
        if existing is not None:
            return existing
    return (
        TaskReport.objects.filter(
            task=task,
            agency=agency,
            reported_by=_user(user),
            percent=percent,
            text=text,
            period_kind=period_kind,
            period_start=start,
            reported_at__gte=timezone.now() - DUPLICATE_WINDOW,
        )
        .order_by("-reported_at")
        .first()
    )


def _progress(task: PlanTask) -> None:
    """Copy the latest report's percentage onto the task (done on the day it reached 100 %)."""
    latest = task.reports.order_by("-reported_at", "-id").first()
    task.percent_done = latest.percent if latest else 0
    task.last_reported_at = latest.reported_at if latest else None
    if task.percent_done >= 100:
        if task.done_on is None:
            task.done_on = timezone.localtime(latest.reported_at).date()
    else:
        task.done_on = None
    task.save(update_fields=["percent_done", "done_on", "last_reported_at", "updated_at"])


def recompute_progress(*, task: PlanTask) -> PlanTask:
    """Rebuild the task's copy of its latest report (after a data repair)."""
    with transaction.atomic():
        current = PlanTask.objects.select_for_update().get(pk=task.pk)
        current.done_on = None
        _progress(current)
    return current
