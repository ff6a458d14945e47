"""The dossier's deadline from its procedure version and events, with the workdays engine.

* Processing time: the procedure version's entry for the dossier's channel (the in-person entry
  when the channel has none of its own). Units map one to one to the engine; the catalog unit
  "none" (the text named no unit) counts as working days, the usual unit of procedures. An
  amount of 0 means "within the day" (`same_day`, cut-off from settings).
* Calendar: the resolving agency's (statutory + province + agency overrides); office hours from
  settings.
* Pauses: every supplement request until its completion (rebuilt from the events). While a
  request is open, the stored deadline counts the pause as ending when it started (the clock is
  stopped; the date moves when the supplement arrives), marked provisional in the explanation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from tthc.core.errors import ValidationError
from tthc.dossiers.models import Channel, Dossier, DossierEvent
from tthc.dossiers.transitions import Action
from tthc.workdays.engine import (
    Deadline,
    OfficeHours,
    Pause,
    Unit,
    WorkdaysError,
    WorkingCalendar,
    compute_deadline,
)
from tthc.workdays.selectors import calendar_for, office_hours

CHANNEL_KINDS = {
    Channel.IN_PERSON: "in_person",
    Channel.ONLINE: "online",
    Channel.POSTAL: "postal",
}

UNITS = {
    "working_days": Unit.WORKING_DAYS,
    "days": Unit.DAYS,
    "months": Unit.MONTHS,
    "hours": Unit.HOURS,
    # "none": the catalog text gave no unit; procedures count in working days by default.
    "none": Unit.WORKING_DAYS,
}


def processing_time(data: dict, channel: int) -> tuple[Decimal, Unit]:
    """(amount, engine unit) of a procedure version's `data` for `channel`."""
    entries = data.get("channels") or []
    wanted = CHANNEL_KINDS[Channel(channel)]
    entry = next((e for e in entries if e.get("channel") == wanted), None)
    if entry is None:
        entry = next((e for e in entries if e.get("channel") == "in_person"), None)
    time = (entry or {}).get("processing_time") or {}
    amount = time.get("amount")
    if amount is None:
        raise ValidationError(
            "Thủ tục chưa có thời hạn giải quyết bằng số cho hình thức nộp này; "
            "cần cập nhật danh mục thủ tục trước khi tiếp nhận.",
            field="procedure",
        )
    amount = Decimal(str(amount))
    if amount == 0:
        return Decimal(0), Unit.SAME_DAY
    return amount, UNITS.get(time.get("unit") or "none", Unit.WORKING_DAYS)


def pauses_from_events(events: Iterable[DossierEvent], until: datetime | None = None) -> list:
    """Supplement pauses in order; an open one ends at `until` (None: stays open)."""
    pauses: list[Pause] = []
    start = None
    for event in sorted(events, key=lambda e: (e.at, e.pk or 0)):
        if event.action == Action.REQUEST_SUPPLEMENT and start is None:
            start = event.at
        elif event.action == Action.COMPLETE_SUPPLEMENT and start is not None:
            pauses.append(Pause(start, event.at))
            start = None
    if start is not None:
        pauses.append(Pause(start, until))
    return pauses


def _amount(value: Decimal) -> int | Fraction:
    exact = Fraction(value)  # the engine takes real numbers; Decimal is not one
    return int(exact) if exact.denominator == 1 else exact


def procedure_office_hours(dossier: Dossier) -> OfficeHours:
    """The province's office hours, with the times the procedure version overrides."""
    version = dossier.procedure.versions.filter(number=dossier.procedure_version).first()
    override = (version.data.get("office_hours") if version else None) or {}
    return office_hours(**{k: v for k, v in override.items() if v})


def compute(
    dossier: Dossier,
    events: Iterable[DossierEvent] | None = None,
    calendar: WorkingCalendar | None = None,
) -> Deadline:
    """The deadline of an accepted dossier, from its stored time and its events."""
    if dossier.received_at is None or dossier.time_amount is None:
        raise ValidationError(_("Hồ sơ chưa được tiếp nhận nên chưa có hạn giải quyết."))
    events = list(dossier.events.all() if events is None else events)
    pauses = pauses_from_events(events)
    as_of = None
    if pauses and pauses[-1].end is None:
        as_of = pauses[-1].start  # the clock is stopped; see the module docstring
    return compute_with(dossier, pauses, calendar=calendar, as_of=as_of)


def compute_with(
    dossier: Dossier,
    pauses: list[Pause],
    *,
    calendar: WorkingCalendar | None = None,
    as_of: datetime | None = None,
    amount: int | Fraction | None = None,
) -> Deadline:
    """The deadline of `dossier` with these pauses (engine errors become ValidationError);
    `amount` replaces the legal amount (a step's share of it)."""
    try:
        hours = procedure_office_hours(dossier)
        calendar = calendar or calendar_for(dossier.resolving_agency_id, hours=hours)
        return compute_deadline(
            dossier.received_at,
            _amount(dossier.time_amount) if amount is None else amount,
            dossier.time_unit,
            calendar,
            pauses=pauses,
            as_of=as_of,
            office_hours=hours,
        )
    except WorkdaysError as exc:
        raise ValidationError(exc.message, field=exc.field) from exc


def share_amount(amount: Decimal, unit: str, percent: int) -> int | Fraction:
    """`percent` of a legal amount, in what the engine accepts for the unit: whole days or
    months rounded up (a step never gets less than its share), whole minutes for hours."""
    exact = Fraction(amount) * percent / 100
    if unit == Unit.HOURS:
        minutes = math.ceil(exact * 60)
        return Fraction(minutes, 60) if minutes % 60 else minutes // 60
    return math.ceil(exact)


def step_due(dossier: Dossier, cumulative_percent: int) -> datetime | None:
    """The planned end of a step: the share of the legal time up to and including the step,
    counted from the acceptance with the same calendar and supplement pauses as the dossier's
    deadline. The last step (100 %) ends at the legal deadline."""
    if dossier.received_at is None or dossier.time_amount is None:
        return None
    if cumulative_percent >= 100 or dossier.time_unit == Unit.SAME_DAY:
        return dossier.due_at
    events = list(dossier.events.all())
    pauses = pauses_from_events(events)
    as_of = pauses[-1].start if pauses and pauses[-1].end is None else None
    amount = share_amount(dossier.time_amount, dossier.time_unit, cumulative_percent)
    return compute_with(dossier, pauses, as_of=as_of, amount=amount).due_at
