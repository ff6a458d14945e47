"""Reads: the calendar with the database overrides, office hours from settings, deadlines.

Nothing is cached in process memory across requests (several web processes and workers run at
once, and an override added in one must count in all at once): :func:`calendar_for` reads the
overrides with one query each time. Callers that need many calendars in one go (the recompute
task) keep their own per-run dictionary.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from datetime import date, datetime, time

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from tthc.core import revisions
from tthc.core.errors import ValidationError
from tthc.org.models import Agency, Membership
from tthc.org.policy import AGENCY, RULES, Action, can
from tthc.workdays.engine import (
    FIRST_YEAR,
    LAST_YEAR,
    WEEKDAY_NAMES,
    CalendarError,
    DayException,
    Deadline,
    OfficeHours,
    OpenStatus,
    Override,
    Pause,
    Unit,
    WorkdaysError,
    WorkingCalendar,
    classify_open,
    compute_deadline,
)
from tthc.workdays.models import CalendarOverride, DeadlineChange

AgencyRef = Agency | int | None

REVISION = "workdays"  # tthc.core.revisions: raised after each change of an override


def _agency_id(agency: AgencyRef) -> int | None:
    if agency is None:
        return None
    if isinstance(agency, Agency):
        return agency.pk
    return int(agency)


# --------------------------------------------------------------------------- office hours


def office_hours(**overrides: time | str | None) -> OfficeHours:
    """Office hours from ``settings.TTHC_OFFICE_HOURS``; keyword arguments that are not None
    replace a field (a procedure's own hours or cut-off). Raises ``ValidationError``."""
    values = dict(settings.TTHC_OFFICE_HOURS)
    values.update({key: value for key, value in overrides.items() if value is not None})
    try:
        return OfficeHours(**values)
    except CalendarError as exc:
        raise ValidationError(exc.message, field=exc.field) from exc
    except TypeError as exc:  # an unknown field name is a programming error
        raise ValueError(str(exc)) from exc


# --------------------------------------------------------------------------- calendar


def overrides_for(agency: AgencyRef = None) -> list[Override]:
    """Engine overrides in force for ``agency``: the province's, replaced by the agency's own
    on the same date. One query."""
    agency_id = _agency_id(agency)
    scope = Q(agency__isnull=True)
    if agency_id is not None:
        scope |= Q(agency_id=agency_id)
    by_date: dict[date, Override] = {}
    rows = CalendarOverride.objects.filter(scope).order_by("date", "agency_id")
    for row in rows.values_list("date", "is_working", "name", "reference", "agency_id"):
        day, is_working, name, reference, row_agency = row
        if day in by_date and row_agency is None:
            continue  # the agency's own row wins
        by_date[day] = Override(day, is_working, name, reference)
    return list(by_date.values())


def _build_calendar(agency_id: int | None, hours: OfficeHours) -> WorkingCalendar:
    return WorkingCalendar(overrides_for(agency_id), hours)


# Calendars change a few times a year; building one (its overrides, then each year's days on
# first use) costs more than most pages' own work, so each process keeps them until an
# override changes (`revisions.watch` in WorkdaysConfig.ready). WorkingCalendar is immutable.
CALENDARS = revisions.Derived(REVISION, _build_calendar)


def _agencies_with_overrides() -> frozenset[int]:
    return frozenset(
        CalendarOverride.objects.filter(agency__isnull=False)
        .values_list("agency_id", flat=True)
        .distinct()
    )


_OWN_CALENDARS = revisions.Derived(REVISION, _agencies_with_overrides)


def agencies_with_own_calendar() -> frozenset[int]:
    """The agencies with overrides of their own; every other agency has the province's
    calendar (`calendar_for(None)`)."""
    return _OWN_CALENDARS.get()


def calendar_for(agency: AgencyRef = None, *, hours: OfficeHours | None = None) -> WorkingCalendar:
    """The working calendar of ``agency`` (``None``: the whole province), office hours from
    settings unless ``hours`` is given."""
    return CALENDARS.get(_agency_id(agency), hours or office_hours())


def statutory_calendar(*, hours: OfficeHours | None = None) -> WorkingCalendar:
    """The calendar without any database override (the package's data only)."""
    return WorkingCalendar((), hours or office_hours())


def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            f"Năm {year} nằm ngoài phạm vi lịch làm việc hỗ trợ ({FIRST_YEAR}–{LAST_YEAR}).",
            field="year",
        )
    return year


def year_exceptions(year: int, agency: AgencyRef = None) -> list[DayException]:
    """Non-working weekdays and working weekend days of ``year``, overrides included."""
    check_year(year)
    return calendar_for(agency).year_exceptions(year)


def year_exceptions_as_dicts(year: int, agency: AgencyRef = None) -> list[dict]:
    return [
        {
            "date": day.date,
            "is_working": day.is_working,
            "name": day.name,
            "weekday": WEEKDAY_NAMES[day.date.weekday()],
        }
        for day in year_exceptions(year, agency)
    ]


def agency_by_code(code: str | None, *, field: str = "agency") -> Agency | None:
    """The agency with this code, None for an empty code; ``ValidationError`` if unknown."""
    if not code:
        return None
    agency = Agency.objects.filter(code=code.strip()).first()
    if agency is None:
        raise ValidationError(f"Không tìm thấy cơ quan có mã '{code[:60]}'.", field=field)
    return agency


# --------------------------------------------------------------------------- deadlines


def due_date(
    *,
    start: datetime,
    amount: numbers.Real,
    unit: Unit | str,
    pauses: Sequence[Pause] = (),
    as_of: datetime | None = None,
    cutoff: time | str | None = None,
    hours: dict[str, time | str | None] | None = None,
    agency: AgencyRef = None,
) -> Deadline:
    """A deadline computed with the database calendar of ``agency`` and the settings' office
    hours (``hours`` / ``cutoff`` replace them, e.g. a procedure's own). Engine errors become
    ``ValidationError`` with the engine's Vietnamese message and field."""
    office = office_hours(**{**(hours or {}), "cutoff": cutoff or (hours or {}).get("cutoff")})
    try:
        return compute_deadline(
            start, amount, unit, calendar_for(agency, hours=office), pauses=pauses, as_of=as_of
        )
    except WorkdaysError as exc:
        raise ValidationError(exc.message, field=parameter_name(exc.field)) from exc


def parameter_name(engine_field: str | None) -> str | None:
    """The engine's field name as the CLI / API parameter: received_at -> start,
    pauses[0] -> pause[0]."""
    if engine_field == "received_at":
        return "start"
    if engine_field and engine_field.startswith("pauses["):
        return "pause" + engine_field.removeprefix("pauses")
    return engine_field


def deadline_as_dict(deadline: Deadline) -> dict:
    return {
        "due": deadline.due_at,
        "received_at": deadline.received_at,
        "effective_start": deadline.effective_start,
        "is_final": deadline.is_final,
        "paused_working_days": deadline.paused_working_days,
        "unit": deadline.unit.value,
        "explanation": deadline.explanation,
        "steps": [
            {"kind": step.kind.value, "date": step.date, "text": step.text}
            for step in deadline.steps
        ],
    }


def open_status(
    due_at: datetime,
    *,
    now: datetime | None = None,
    agency: AgencyRef = None,
    calendar: WorkingCalendar | None = None,
) -> OpenStatus:
    """within_time / due_soon / overdue for an open item, with the margin from
    ``settings.TTHC_DUE_SOON_WORKING_DAYS``."""
    return classify_open(
        now or timezone.now(),
        due_at,
        calendar or calendar_for(agency),
        settings.TTHC_DUE_SOON_WORKING_DAYS,
    )


# --------------------------------------------------------------------------- staff screen


def manageable_scope(user) -> tuple[bool, QuerySet[Agency]]:
    """(may manage province-wide overrides, agencies whose overrides the user may manage).

    Follows ``tthc.org.policy.RULES``: a province grant gives every active agency; an
    agency-scoped grant gives the agencies where the role is held and those below them.
    """
    action = Action.CALENDAR_MANAGE
    if can(user, action, None):
        return True, Agency.objects.filter(is_active=True).order_by("name")
    if user is None or not user.is_authenticated or not user.is_active:
        return False, Agency.objects.none()
    roles = [grant.role for grant in RULES[action] if grant.scope == AGENCY]
    frontier = set(
        Membership.objects.filter(user=user, role__in=roles).values_list("agency_id", flat=True)
    )
    ids: set[int] = set()
    while frontier:
        ids |= frontier
        frontier = (
            set(Agency.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        )
    return False, Agency.objects.filter(pk__in=ids, is_active=True).order_by("name")


def override(pk: int) -> CalendarOverride | None:
    return CalendarOverride.objects.select_related("agency").filter(pk=pk).first()


def override_list(*, year: int | None = None, recent_changes: int = 10) -> QuerySet:
    """Overrides (of ``year``) with their agency, the number of deadlines each moved and the
    latest ``recent_changes`` of them as ``recent_changes``. A fixed number of queries."""
    queryset = CalendarOverride.objects.select_related("agency", "created_by").annotate(
        change_count=Count("deadline_changes")
    )
    if year is not None:
        queryset = queryset.filter(date__year=year)
    return queryset.order_by("date", "agency__name").prefetch_related(
        Prefetch(
            "deadline_changes",
            queryset=DeadlineChange.objects.order_by("-created_at", "-id")[:recent_changes],
            to_attr="recent_changes",
        )
    )


def recent_deadline_changes(limit: int = 20) -> QuerySet:
    return DeadlineChange.objects.select_related("override").order_by("-created_at", "-id")[:limit]


def changes_of_record(source: str, object_id: str) -> QuerySet:
    return DeadlineChange.objects.filter(source=source, object_id=str(object_id)).order_by(
        "created_at", "id"
    )
