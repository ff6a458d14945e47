"""Day totals of the dossier indicators (`DossierDay`): the materialised, additive half of
`tthc.metrics.index`.

Every column is one `Q` over `DossierFact`, anchored on the day the fact was received or
finished (local time). An indicator's figure for a period is the sum of its columns over the
period's days; only 2.1's dossiers still open at the period end are counted from the facts
(they are not additive). `index.DOSSIER_RULES`, which feeds the drill-down lists, is built from
the same `Q`s, so a day total and its list cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate

from tthc.metrics.models import DossierDay, DossierFact, Outcome
from tthc.workdays.engine import VN_TZ

ON_TIME = [Outcome.EARLY, Outcome.ON_TIME]
ONLINE = 2  # tthc.dossiers.models.Channel.ONLINE

# Which dossiers each indicator counts, apart from its day (received or finished that day).
RECEIVED = Q(received_at__isnull=False)
FINISHED = Q(received_at__isnull=False, finished_at__isnull=False)
BASE = {
    "3.3": RECEIVED,
    "3.6": RECEIVED & Q(financial_obligation=True),
    "4.2": RECEIVED & Q(documents__gt=0),
    "2.1": FINISHED & Q(base_due_at__isnull=False),
    "2.2": FINISHED & Q(resolved=True, processing_days__isnull=False),
    "4.1": FINISHED & Q(resolved=True),
    "5.4": FINISHED,
}
# Which of them count.
COUNTED = {
    "3.3": Q(channel=ONLINE),
    "3.6": Q(paid_online=True),
    "4.2": Q(documents_digitised=F("documents")) & (Q(resolved=False) | Q(electronic_result=True)),
    "2.1": Q(outcome__in=ON_TIME),
    "4.1": Q(electronic_result=True),
}
LATE = Q(outcome=Outcome.LATE)
DISLIKED = Q(satisfied=False)

# column: (anchor, filter). "processing_days" is a sum, every other column a count.
COLUMNS: dict[str, tuple[str, Q]] = {
    "received": ("received", BASE["3.3"]),
    "received_online": ("received", BASE["3.3"] & COUNTED["3.3"]),
    "obligations": ("received", BASE["3.6"]),
    "paid_online": ("received", BASE["3.6"] & COUNTED["3.6"]),
    "with_documents": ("received", BASE["4.2"]),
    "digitised": ("received", BASE["4.2"] & COUNTED["4.2"]),
    "finished": ("finished", BASE["5.4"]),
    "finished_late": ("finished", BASE["5.4"] & LATE),
    "finished_disliked": ("finished", BASE["5.4"] & DISLIKED),
    "finished_with_deadline": ("finished", BASE["2.1"]),
    "finished_on_time": ("finished", BASE["2.1"] & COUNTED["2.1"]),
    "resolved": ("finished", BASE["4.1"]),
    "resolved_electronic": ("finished", BASE["4.1"] & COUNTED["4.1"]),
    "resolved_timed": ("finished", BASE["2.2"]),
    "processing_days": ("finished", BASE["2.2"]),
}
ANCHORS = {"received": "received_at", "finished": "finished_at"}


def _grouped(anchor: str, days: set[date] | None):
    field = ANCHORS[anchor]
    rows = DossierFact.objects.filter(**{f"{field}__isnull": False})
    if days is not None:
        rows = rows.filter(**{f"{field}__date__in": sorted(days)})
    aggregates = {}
    for column, (where, condition) in COLUMNS.items():
        if where != anchor:
            continue
        if column == "processing_days":
            aggregates[f"c_{column}"] = Sum("processing_days", filter=condition, default=0)
        else:
            aggregates[f"c_{column}"] = Count("pk", filter=condition)
    return (
        rows.annotate(day=TruncDate(field, tzinfo=VN_TZ))
        .values("day", "resolving_agency_id")
        .annotate(**aggregates)
        .order_by()
    )


def rebuild(*, days: Iterable[date] | None = None) -> int:
    """Recompute the day totals of these days (None: every day); returns the rows written."""
    days = None if days is None else set(days)
    if days is not None and not days:
        return 0
    totals: dict[tuple[date, int], dict] = {}
    for anchor in ANCHORS:
        for row in _grouped(anchor, days):
            key = (row.pop("day"), row.pop("resolving_agency_id"))
            totals.setdefault(key, {}).update({k.removeprefix("c_"): v for k, v in row.items()})
    with transaction.atomic():
        stale = (
            DossierDay.objects.all() if days is None else DossierDay.objects.filter(day__in=days)
        )
        stale.delete()
        DossierDay.objects.bulk_create(
            [
                DossierDay(day=day, agency_id=agency, **values)
                for (day, agency), values in totals.items()
            ],
            batch_size=2000,
        )
    return len(totals)


def sums(low: date, high: date, agency_ids=None, *, by_agency: bool = False):
    """The columns summed over the days low..high (one row, or one per agency)."""
    rows = DossierDay.objects.filter(day__gte=low, day__lte=high)
    if agency_ids is not None:
        rows = rows.filter(agency_id__in=agency_ids)
    aggregates = {f"c_{column}": Sum(column, default=0) for column in COLUMNS}

    def plain(row: dict) -> dict:
        return {key.removeprefix("c_"): value for key, value in row.items()}

    if by_agency:
        return {
            row.pop("agency_id"): plain(row)
            for row in rows.values("agency_id").annotate(**aggregates).order_by()
        }
    return plain(rows.aggregate(**aggregates))
