"""The drill-down of one index 766 figure, as the staff page, its Excel export and the API
show it: the items `index.items` selects (the same selector as the figure), optionally only
the counted or the not counted ones, each as a plain row with its reason.

No personal data: a dossier row names the dossier by its code, the procedure and the resolving
agency; the applicant's columns are not even read from the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from tthc.metrics import index
from tthc.metrics.models import DossierFact

# What `index.dossier_reason` and a row read of a fact and its relations.
FACT_FIELDS = (
    "dossier__code",
    "procedure__code",
    "procedure__name",
    "resolving_agency__name",
    "channel",
    "received_at",
    "finished_at",
    "outcome",
    "base_due_at",
    "due_at",
    "supplement_requests",
    "first_request_at",
    "first_completed_at",
    "second_request_at",
    "processing_days",
    "late_days",
    "paid_online",
    "resolved",
    "electronic_result",
    "documents",
    "documents_digitised",
    "satisfied",
)
EXPORT_CHUNK = 2000


@dataclass(frozen=True)
class Row:
    kind: str  # dossier / procedure / feedback
    key: str  # dossier code / procedure code / feedback code
    title: str
    agency: str
    counted: bool
    reason: str
    deductions: int | None = None  # 5.3 and 5.4: the terms the item is subtracted for


@dataclass(frozen=True)
class Totals:
    """What the list adds up to: the figure's numerator and denominator, from the list."""

    items: int
    counted: int
    numerator: int
    denominator: int


def selection(scope: index.Scope, code: str, counted: bool | None = None):
    """The items of `code` (a queryset of facts, or a list of `index.Item`), filtered."""
    rows = index.items(scope, code)
    if isinstance(rows, QuerySet):
        rows = rows.only(*FACT_FIELDS)
        return rows if counted is None else rows.filter(counted=counted)
    return rows if counted is None else [i for i in rows if i.counted is counted]


def as_row(item, code: str, period: index.Period) -> Row:
    if isinstance(item, DossierFact):
        deductions = item.deductions if code == "5.4" else None
        return Row(
            "dossier",
            item.dossier.code,
            item.procedure.name,
            item.resolving_agency.name,
            bool(item.counted),
            index.dossier_reason(item, code, period),
            deductions,
        )
    return Row(
        item.kind,
        item.key,
        item.title,
        item.agency,
        item.counted,
        item.reason,
        item.extra.get("deductions"),
    )


def rows(scope: index.Scope, code: str, selected) -> list[Row]:
    """A page (or any slice) of `selection(...)` as rows."""
    return [as_row(item, code, scope.period) for item in selected]


def every_row(scope: index.Scope, code: str, counted: bool | None = None) -> Iterator[Row]:
    """Every row, read in chunks (a million dossiers do not sit in memory at once)."""
    selected = selection(scope, code, counted)
    if isinstance(selected, QuerySet):
        selected = selected.iterator(chunk_size=EXPORT_CHUNK)
    for item in selected:
        yield as_row(item, code, scope.period)


def totals(scope: index.Scope, code: str) -> Totals:
    """The figure as the whole list gives it (one aggregate query for dossier indicators):
    for 2.2 the sum of the working days, for 5.3 and 5.4 the items less every deduction,
    otherwise the counted items."""
    selected = selection(scope, code)
    if isinstance(selected, QuerySet):
        # Names distinct from the annotations (an aggregate named `counted` would replace the
        # annotation it filters on).
        aggregates = {"n_items": Count("pk"), "n_counted": Count("pk", filter=Q(counted=True))}
        if code == "2.2":
            aggregates["n_days"] = Sum("processing_days")
        if code == "5.4":
            aggregates["n_deductions"] = Sum("deductions")
        row = selected.order_by().aggregate(**aggregates)
        n_items, n_counted = row["n_items"], row["n_counted"]
        if code == "2.2":
            numerator = row["n_days"] or 0
        elif code == "5.4":
            numerator = max(0, n_items - (row["n_deductions"] or 0))
        else:
            numerator = n_counted
        return Totals(n_items, n_counted, numerator, n_items)
    numerator, denominator = index.listed_figure(code, selected)
    return Totals(len(selected), sum(1 for i in selected if i.counted), numerator, denominator)


def figure(scope: index.Scope, code: str) -> index.Figure:
    """The figure of one indicator, as `index.compute` gives it, without computing the rest."""
    indicator = index.BY_CODE[code]
    if indicator.kind == "none":
        return index.Figure(None, None, None, None, available=False)
    if indicator.kind == "dossier":
        return indicator.score(*index.dossier_figures(scope)[code])
    return indicator.score(*index.listed_figure(code, index.ITEM_BUILDERS[code](scope)))
