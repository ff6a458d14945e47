"""The per-dossier facts of the index 766 and report 06, derived from the dossiers' events.

`refresh(ids=…)` recomputes the facts of some dossiers; `refresh_changed()` (the clock task,
every minute) those with an event since the last run. Both are idempotent: a fact is a
function of the dossier's events, documents and rating, so running twice changes nothing.
Statistics read only these rows (one indexed table), never the events, which keeps the
province index fast at a million dossiers (docs/decisions/0009-service-index.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone

from tthc.core.errors import ValidationError
from tthc.dossiers import deadlines, selectors
from tthc.dossiers.models import FINISHED_STATUSES, Dossier, DossierEvent, SatisfactionRating
from tthc.dossiers.transitions import Action
from tthc.metrics import daily
from tthc.metrics.models import DossierFact, FactCursor, Outcome
from tthc.workdays.engine import classify_finish, to_local
from tthc.workdays.selectors import calendar_for

BATCH = 500
CURSOR = "dossier_facts"
# Events are numbered before their transaction commits: one written by a transaction that
# commits after a later-numbered one would be skipped by a plain "greater than" cursor. Each run
# therefore also re-reads the dossiers with an event in this window before the cursor.
REREAD = timedelta(minutes=10)

UPDATE_FIELDS = [f.name for f in DossierFact._meta.concrete_fields if f.name not in ("dossier",)]


@dataclass(frozen=True)
class RefreshResult:
    dossiers: int
    last_event_id: int

    def as_dict(self) -> dict:
        return {"dossiers": self.dossiers, "last_event_id": self.last_event_id}


def _dossiers(ids: Iterable[int]):
    return (
        Dossier.objects.filter(pk__in=list(ids))
        .select_related("procedure", "rating")
        .prefetch_related(
            Prefetch("events", queryset=DossierEvent.objects.order_by("at", "pk")),
            "documents",
        )
    )


def _rating(dossier: Dossier) -> bool | None:
    try:
        return dossier.rating.satisfied
    except Dossier.rating.RelatedObjectDoesNotExist:
        return None


def derive(dossier: Dossier, *, calendars: dict | None = None) -> DossierFact:
    """The fact of one dossier (events, documents and rating prefetched), not saved."""
    calendars = {} if calendars is None else calendars
    events = list(dossier.events.all())
    requests = [e.at for e in events if e.action == Action.REQUEST_SUPPLEMENT]
    completions = [e.at for e in events if e.action == Action.COMPLETE_SUPPLEMENT]
    first_completed = next((at for at in completions if requests and at >= requests[0]), None)
    payments = [e for e in events if e.action == Action.CONFIRM_PAYMENT]
    resolutions = [e for e in events if e.action == Action.RESOLVE]
    apologies = [e.at for e in events if e.action == Action.APOLOGISE]
    documents = list(dossier.documents.all())

    finished = None
    finish_action = ""
    if dossier.status in FINISHED_STATUSES:
        finished = selectors.finished_at(dossier)
        if finished is not None and dossier.received_at and finished < dossier.received_at:
            finished = dossier.received_at  # a clock set back: never before the receipt
        finish_action = next(
            (a for a in selectors.FINISH_ORDER if any(e.action == a for e in events)), ""
        )

    fact = DossierFact(
        dossier=dossier,
        procedure_id=dossier.procedure_id,
        field_id=dossier.procedure.field_id,
        receiving_agency_id=dossier.receiving_agency_id,
        resolving_agency_id=dossier.resolving_agency_id,
        channel=dossier.channel,
        submitted_at=dossier.submitted_at,
        received_at=dossier.received_at,
        finished_at=finished,
        finish_action=str(finish_action),
        supplement_requests=len(requests),
        first_request_at=requests[0] if requests else None,
        first_completed_at=first_completed,
        second_request_at=requests[1] if len(requests) > 1 else None,
        financial_obligation=dossier.fee_due > 0
        or any(e.action == Action.REQUEST_PAYMENT for e in events),
        paid_online=any((e.data or {}).get("online") for e in payments),
        resolved=bool(resolutions),
        electronic_result=any((e.data or {}).get("electronic") for e in resolutions),
        documents=len(documents),
        documents_digitised=sum(1 for d in documents if d.file),
        satisfied=_rating(dossier),
        apologised_at=apologies[-1] if apologies else None,
        refreshed_at=timezone.now(),
    )
    if dossier.received_at is None or dossier.time_amount is None:
        return fact

    key = (dossier.resolving_agency_id, dossier.procedure_id, dossier.procedure_version)
    if key not in calendars:
        calendars[key] = calendar_for(
            dossier.resolving_agency_id, hours=deadlines.procedure_office_hours(dossier)
        )
    calendar = calendars[key]
    try:
        fact.base_due_at = deadlines.compute_with(dossier, [], calendar=calendar).due_at
        closed = [p for p in deadlines.pauses_from_events(events) if p.end is not None]
        fact.due_at = deadlines.compute_with(dossier, closed, calendar=calendar).due_at
        if finished is not None:
            pauses = deadlines.pauses_from_events(events, until=finished)
            deadline = deadlines.compute_with(dossier, pauses, calendar=calendar)
            fact.outcome = (
                Outcome.LATE if len(requests) > 1 else classify_finish(finished, deadline.due_at)
            )
            spent = calendar.working_days_between(
                to_local(dossier.received_at).date(), to_local(finished).date()
            )
            fact.processing_days = max(0, spent - deadline.paused_working_days)
            if finished > deadline.due_at:
                fact.late_days = max(
                    1,
                    calendar.working_days_between(
                        to_local(deadline.due_at).date(), to_local(finished).date()
                    ),
                )
    except ValidationError:
        pass  # a procedure without a numeric time: no deadline, counted as having none
    return fact


def _days(rows) -> set:
    """The local days the facts are anchored on (received, finished): their day totals."""
    return {to_local(moment).date() for pair in rows for moment in pair if moment is not None}


def refresh(*, ids: Iterable[int], rebuild_days: bool = True) -> int:
    """Recompute the facts of these dossiers and the day totals they touch (before and after);
    returns how many facts were written."""
    ids = list(ids)
    written = 0
    calendars: dict = {}
    days: set = set()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        if rebuild_days:
            days |= _days(
                DossierFact.objects.filter(dossier_id__in=chunk).values_list(
                    "received_at", "finished_at"
                )
            )
        facts = [derive(d, calendars=calendars) for d in _dossiers(chunk)]
        DossierFact.objects.bulk_create(
            facts,
            update_conflicts=True,
            unique_fields=["dossier"],
            update_fields=UPDATE_FIELDS,
        )
        days |= _days((f.received_at, f.finished_at) for f in facts)
        written += len(facts)
    if rebuild_days:
        daily.rebuild(days=days)
    return written


def refresh_all() -> int:
    ids = list(Dossier.objects.order_by("pk").values_list("pk", flat=True))
    written = refresh(ids=ids, rebuild_days=False)
    daily.rebuild()
    with transaction.atomic():
        cursor, _ = FactCursor.objects.select_for_update().get_or_create(name=CURSOR)
        cursor.last_event_id = DossierEvent.objects.aggregate(m=Max("pk"))["m"] or 0
        cursor.ran_at = timezone.now()
        cursor.save()
    return written


def refresh_changed() -> RefreshResult:
    """The facts of the dossiers with an event (or a rating) since the last run."""
    with transaction.atomic():
        cursor, _ = FactCursor.objects.select_for_update().get_or_create(name=CURSOR)
        since = cursor.ran_at
        now = timezone.now()
        newest = DossierEvent.objects.aggregate(m=Max("pk"))["m"] or 0
        changed = set(
            DossierEvent.objects.filter(pk__gt=cursor.last_event_id, pk__lte=newest).values_list(
                "dossier_id", flat=True
            )
        )
        if since is not None:
            changed |= set(
                DossierEvent.objects.filter(at__gte=since - REREAD).values_list(
                    "dossier_id", flat=True
                )
            )
            changed |= set(
                SatisfactionRating.objects.filter(at__gte=since - REREAD).values_list(
                    "dossier_id", flat=True
                )
            )
        written = refresh(ids=sorted(changed))
        cursor.last_event_id = newest
        cursor.ran_at = now
        cursor.save()
    return RefreshResult(dossiers=written, last_event_id=newest)
