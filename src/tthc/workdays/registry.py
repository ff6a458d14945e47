"""Registry of records that carry deadlines, so a calendar change can move them.

When an override is added, changed or removed, :func:`recompute_open_deadlines` (run by the
background task ``tthc.workdays.tasks.recompute_deadlines_task``) asks every registered source
for its open records, recomputes each deadline with the calendar of the record's agency, stores
it through the source when it moved and appends a :class:`~tthc.workdays.models.DeadlineChange`
(old -> new) for it.

How an app registers (in its ``AppConfig.ready()``)::

    from tthc.workdays.registry import DeadlineSource, register

    def _compute(dossier, calendar):
        return compute_deadline(
            dossier.received_at, dossier.amount, dossier.unit, calendar,
            pauses=dossier.pauses(), office_hours=dossier.office_hours(),
        )

    def _store(dossier, deadline):
        return bool(
            Dossier.objects.filter(pk=dossier.pk, status__in=OPEN_STATUSES).update(
                due_at=deadline.due_at, due_explanation=deadline.explanation
            )
        )

    register(DeadlineSource(
        label="dossiers.dossier",
        verbose_name="Hồ sơ",
        open_records=lambda: Dossier.objects.filter(status__in=OPEN_STATUSES),
        agency_of=lambda dossier: dossier.agency_id,
        current_due=lambda dossier: dossier.due_at,
        compute_due=_compute,
        store_due=_store,
        describe=lambda dossier: f"Hồ sơ {dossier.code}",
    ))

The registry assumes nothing about storage: records may be model instances (then the log names
their content type) or any objects, and storing is the source's own function. Each record is
recomputed and stored in its own transaction together with its log row, so a failure on one
record (logged, counted) leaves the others done. The task runs alongside the staff's own work,
so ``store_due`` should write only if the record is still open (filter on the status in the
``update``, as above). Sources are declarations made at import time,
the same in every process; they hold no state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from tthc.workdays.engine import Deadline, WorkingCalendar, to_local
from tthc.workdays.models import CalendarOverride, DeadlineChange
from tthc.workdays.selectors import calendar_for, office_hours

logger = logging.getLogger(__name__)


def _default_key(record: Any) -> str:
    return str(record.pk)


@dataclass(frozen=True)
class DeadlineSource:
    """What an app declares about one kind of record that carries a deadline.

    label           unique, e.g. ``"dossiers.dossier"``; stored in the log.
    open_records()  the records whose deadline may still move (a queryset or any iterable);
                    closed ones must not be returned.
    agency_of(r)    the agency (instance, id or None for the province calendar).
    current_due(r)  the stored deadline (aware datetime or None).
    compute_due(r, calendar)  the deadline with this calendar: a ``Deadline`` or a datetime.
    store_due(r, deadline)    persist it (receives what ``compute_due`` returned); return
                              ``False`` when nothing was stored (no log row is written then).
    describe(r)     a short human label for the log, e.g. "Hồ sơ 000.00.15.H26-240202-0001".
    key(r)          a stable identifier (default ``str(r.pk)``).
    """

    label: str
    open_records: Callable[[], Iterable[Any]]
    agency_of: Callable[[Any], Any]
    current_due: Callable[[Any], datetime | None]
    compute_due: Callable[[Any, WorkingCalendar], Deadline | datetime]
    store_due: Callable[[Any, Any], bool | None]
    describe: Callable[[Any], str] = str
    key: Callable[[Any], str] = _default_key
    verbose_name: str = ""


_sources: dict[str, DeadlineSource] = {}


def register(source: DeadlineSource) -> DeadlineSource:
    """Declare a source; registering the same source again is harmless, another source
    under a taken label is an error."""
    existing = _sources.get(source.label)
    if existing is not None and existing is not source:
        raise ValueError(f"Nguồn thời hạn '{source.label}' đã được đăng ký.")
    _sources[source.label] = source
    return source


def unregister(label: str) -> None:
    _sources.pop(label, None)


def sources() -> list[DeadlineSource]:
    return list(_sources.values())


@dataclass
class RecomputeReport:
    checked: int = 0
    changed: int = 0
    failed: int = 0
    by_source: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "checked": self.checked,
            "changed": self.changed,
            "failed": self.failed,
            "by_source": dict(self.by_source),
        }


def _due_of(result: Deadline | datetime) -> datetime:
    return result.due_at if isinstance(result, Deadline) else to_local(result)


def _agency_key(agency: Any) -> int | None:
    if agency is None:
        return None
    return agency.pk if isinstance(agency, models.Model) else int(agency)


def recompute_open_deadlines(
    reason: str, override: CalendarOverride | None = None
) -> RecomputeReport:
    """Recompute every open record of every source; see the module docstring."""
    hours = office_hours()
    calendars: dict[int | None, WorkingCalendar] = {}
    report = RecomputeReport()
    for source in sources():
        changed = 0
        for record in source.open_records():
            report.checked += 1
            try:
                agency_id = _agency_key(source.agency_of(record))
                if agency_id not in calendars:
                    calendars[agency_id] = calendar_for(agency_id, hours=hours)
                if _recompute_one(source, record, calendars[agency_id], reason, override):
                    changed += 1
            except Exception:
                report.failed += 1
                logger.exception(
                    "Không tính lại được thời hạn của %s %r", source.label, source.key(record)
                )
        report.changed += changed
        report.by_source[source.label] = changed
    return report


def _recompute_one(
    source: DeadlineSource,
    record: Any,
    calendar: WorkingCalendar,
    reason: str,
    override: CalendarOverride | None,
) -> bool:
    old = source.current_due(record)
    result = source.compute_due(record, calendar)
    new = _due_of(result)
    if old is not None and to_local(old) == new:
        return False
    with transaction.atomic():
        if source.store_due(record, result) is False:
            return False  # the source declined: e.g. the record was closed meanwhile
        DeadlineChange.objects.create(
            source=source.label,
            content_type=(
                ContentType.objects.get_for_model(record)
                if isinstance(record, models.Model)
                else None
            ),
            object_id=str(source.key(record))[:64],
            label=str(source.describe(record))[:300],
            old_due=old,
            new_due=new,
            reason=reason,
            override=override,
        )
    return True
