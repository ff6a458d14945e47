"""Writes: calendar overrides. Each is keyword-only, validated, one transaction, logged as an
``OverrideEvent``, and after commit queues the recompute of every open registered deadline."""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tthc.core.errors import Conflict, ValidationError
from tthc.core.models import User
from tthc.org.models import Agency
from tthc.org.policy import Action, require
from tthc.workdays.engine import FIRST_YEAR, LAST_YEAR, WEEKDAY_NAMES, WorkingCalendar
from tthc.workdays.models import CalendarOverride, OverrideEvent
from tthc.workdays.selectors import office_hours, overrides_for
from tthc.workdays.tasks import recompute_deadlines_task

logger = logging.getLogger(__name__)

NAME_MAX = 200
REFERENCE_MAX = 200


def _fmt(day: date) -> str:
    return f"{day:%d/%m/%Y} ({WEEKDAY_NAMES[day.weekday()]})"


def _scope_label(agency: Agency | None) -> str:
    return _("toàn tỉnh") if agency is None else str(agency)


def describe_override(*, override: CalendarOverride) -> str:
    kind = "ngày làm việc" if override.is_working else "ngày nghỉ"
    text = f"{kind} {override.date:%d/%m/%Y} “{override.name}”"
    if override.reference:
        text += f" ({override.reference})"
    return f"{text}, phạm vi {_scope_label(override.agency)}"


def _snapshot(override: CalendarOverride) -> dict:
    return {
        "date": override.date.isoformat(),
        "is_working": override.is_working,
        "name": override.name,
        "reference": override.reference,
        "agency": override.agency.code if override.agency_id else None,
    }


def _clean(
    *, day: date, is_working: bool, name: str, reference: str
) -> tuple[date, bool, str, str]:
    if isinstance(day, datetime) or not isinstance(day, date):
        raise ValidationError(_("Ngày điều chỉnh không hợp lệ."), field="date")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(
            _("Ngày điều chỉnh phải trong các năm %(first)s–%(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            field="date",
        )
    if not isinstance(is_working, bool):
        raise ValidationError(_("Cần chọn ngày làm việc hoặc ngày nghỉ."), field="is_working")
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Cần nhập tên hoặc lý do của ngày điều chỉnh."), field="name")
    if len(name) > NAME_MAX:
        raise ValidationError(
            _("Tên quá dài (tối đa %(count)s ký tự).") % {"count": NAME_MAX}, field="name"
        )
    reference = (reference or "").strip()
    if len(reference) > REFERENCE_MAX:
        raise ValidationError(
            _("Số quyết định quá dài (tối đa %(count)s ký tự).") % {"count": REFERENCE_MAX},
            field="reference",
        )
    return day, is_working, name, reference


def _refuse_if_redundant(day: date, is_working: bool, agency: Agency | None) -> None:
    """An override must change something: compared with the statutory calendar for a
    province-wide row, with the province's calendar for an agency's row."""
    base = WorkingCalendar(overrides_for(None) if agency is not None else (), office_hours())
    if base.is_working_day(day) != is_working:
        return
    where = "" if agency is None else _(" theo lịch toàn tỉnh")
    if is_working:
        raise ValidationError(
            _(
                "Ngày %(day)s đã là ngày làm việc%(where)s; không cần điều chỉnh thành ngày làm việc."
            )
            % {"day": _fmt(day), "where": where},
            field="is_working",
        )
    reason = base.reason(day)
    if reason is None or reason == WEEKDAY_NAMES[day.weekday()]:
        reason = _("nghỉ cuối tuần")
    raise ValidationError(
        _(
            "Ngày %(day)s đã là ngày nghỉ%(where)s (%(reason)s); không cần điều chỉnh thành "
            "ngày nghỉ."
        )
        % {"day": _fmt(day), "where": where, "reason": reason},
        field="is_working",
    )


def _refuse_duplicate(day: date, agency: Agency | None, exclude_pk: int | None = None) -> None:
    existing = CalendarOverride.objects.filter(date=day, agency=agency).exclude(pk=exclude_pk)
    other = existing.first()
    if other is not None:
        raise _duplicate_error(day, agency, other.name)


def _duplicate_error(day: date, agency: Agency | None, name: str | None = None) -> Conflict:
    what = f": “{name}”" if name else ""
    return Conflict(
        _(
            "Ngày %(day)s đã có điều chỉnh trong phạm vi %(scope)s%(what)s. Hãy sửa hoặc xóa "
            "điều chỉnh đó thay vì thêm mới."
        )
        % {"day": f"{day:%d/%m/%Y}", "scope": _scope_label(agency), "what": what},
        field="date",
    )


def _queue_recompute(override_id: int | None, reason: str) -> None:
    def enqueue() -> None:
        recompute_deadlines_task.enqueue(override_id, reason)

    # robust: the override is committed; a failing queue must not turn the answer into an
    # error. It is logged, and `tthc workdays recompute` runs the same work by hand.
    transaction.on_commit(enqueue, robust=True)


def add_override(
    *,
    user: User,
    date: date,
    is_working: bool,
    name: str,
    reference: str = "",
    agency: Agency | None = None,
) -> CalendarOverride:
    """Make ``date`` a working day or a day off for the province (``agency=None``) or one
    agency. Refused when it changes nothing or the date already has a row in that scope."""
    require(user, Action.CALENDAR_MANAGE, agency)
    day, is_working, name, reference = _clean(
        day=date, is_working=is_working, name=name, reference=reference
    )
    with transaction.atomic():
        _refuse_redundant_and_duplicate(day, is_working, agency)
        try:
            with transaction.atomic():
                override = CalendarOverride.objects.create(
                    date=day,
                    is_working=is_working,
                    name=name,
                    reference=reference,
                    agency=agency,
                    created_by=user,
                )
        except IntegrityError:  # a concurrent request took the date
            raise _duplicate_error(day, agency) from None
        OverrideEvent.objects.create(
            kind=OverrideEvent.Kind.ADDED,
            override=override,
            date=day,
            agency=agency,
            after=_snapshot(override),
            user=user,
        )
        _queue_recompute(override.pk, f"Thêm {describe_override(override=override)}")
    return override


def _refuse_redundant_and_duplicate(
    day: date, is_working: bool, agency: Agency | None, exclude_pk: int | None = None
) -> None:
    _refuse_duplicate(day, agency, exclude_pk)
    _refuse_if_redundant(day, is_working, agency)


def change_override(
    *,
    user: User,
    override: CalendarOverride,
    date: date,
    is_working: bool,
    name: str,
    reference: str = "",
    agency: Agency | None = None,
) -> CalendarOverride:
    """Change every field of an override; the user must be allowed in both the old and the
    new scope."""
    require(user, Action.CALENDAR_MANAGE, override.agency)
    require(user, Action.CALENDAR_MANAGE, agency)
    day, is_working, name, reference = _clean(
        day=date, is_working=is_working, name=name, reference=reference
    )
    with transaction.atomic():
        current = (
            CalendarOverride.objects.select_for_update(of=("self",))
            .select_related("agency")
            .filter(pk=override.pk)
            .first()
        )
        if current is None:
            raise Conflict(_("Ngày điều chỉnh này vừa bị xóa."), field="date")
        before = _snapshot(current)
        _refuse_redundant_and_duplicate(day, is_working, agency, exclude_pk=current.pk)
        current.date, current.is_working, current.name = day, is_working, name
        current.reference, current.agency = reference, agency
        try:
            with transaction.atomic():
                current.save()
        except IntegrityError:
            raise _duplicate_error(day, agency) from None
        after = _snapshot(current)
        if after == before:
            return current
        OverrideEvent.objects.create(
            kind=OverrideEvent.Kind.CHANGED,
            override=current,
            date=day,
            agency=agency,
            before=before,
            after=after,
            user=user,
        )
        _queue_recompute(
            current.pk, f"Sửa điều chỉnh lịch thành {describe_override(override=current)}"
        )
    return current


def remove_override(*, user: User, override: CalendarOverride) -> None:
    """Delete an override; deadlines it moved are recomputed (and logged) without it."""
    require(user, Action.CALENDAR_MANAGE, override.agency)
    with transaction.atomic():
        current = (
            CalendarOverride.objects.select_for_update(of=("self",))
            .select_related("agency")
            .filter(pk=override.pk)
            .first()
        )
        if current is None:
            return  # already gone: the result the user asked for
        reason = f"Xóa {describe_override(override=current)}"
        OverrideEvent.objects.create(
            kind=OverrideEvent.Kind.REMOVED,
            override=None,
            date=current.date,
            agency=current.agency,
            before=_snapshot(current),
            user=user,
        )
        current.delete()
        _queue_recompute(None, reason)
