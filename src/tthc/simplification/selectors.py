"""Reads of the simplification app: lists, follow-up figures and savings totals."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from .calculator import rate_pct
from .models import ComplianceCost, ProposalItem, ProposalStatus, SimplificationProposal

DONE = (ProposalStatus.IMPLEMENTED, ProposalStatus.VERIFIED)
APPROVED_OR_LATER = (ProposalStatus.APPROVED, *DONE)


def proposals(*, status: str = "") -> QuerySet[SimplificationProposal]:
    queryset = SimplificationProposal.objects.select_related("responsible_agency")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-id")


def proposal_detail(code: str) -> SimplificationProposal | None:
    return (
        SimplificationProposal.objects.select_related("responsible_agency")
        .prefetch_related(
            "items__procedure", "items__implemented_version", "sources", "events__user"
        )
        .filter(code=code)
        .first()
    )


def costs() -> QuerySet[ComplianceCost]:
    return ComplianceCost.objects.select_related("procedure").order_by("procedure__code", "channel")


def public_items() -> QuerySet[ProposalItem]:
    """Approved (and later) simplifications, for the public page and the plan report."""
    return (
        ProposalItem.objects.filter(proposal__status__in=APPROVED_OR_LATER)
        .select_related("proposal", "procedure", "procedure__field", "proposal__responsible_agency")
        .order_by("-proposal__approved_on", "proposal__code", "procedure__code")
    )


def overdue(today: date | None = None) -> QuerySet[SimplificationProposal]:
    today = today or timezone.localdate()
    return proposals().filter(due_on__lt=today).exclude(status__in=DONE).order_by("due_on")


def implementation_rate() -> Decimal | None:
    """Implemented (or verified) proposals over approved-or-later ones, in per cent."""
    approved = SimplificationProposal.objects.filter(status__in=APPROVED_OR_LATER).count()
    done = SimplificationProposal.objects.filter(status__in=DONE).count()
    return rate_pct(done, approved)


def _key(item: ProposalItem, by: str) -> str:
    if by == "agency":
        agency = item.proposal.responsible_agency
        return agency.name if agency else "(chưa giao cơ quan)"
    if by == "field":
        return item.procedure.field.name if item.procedure.field else "(chưa có lĩnh vực)"
    if by == "year":
        day = item.proposal.approved_on or item.proposal.decision_date
        return str(day.year) if day else "(chưa phê duyệt)"
    raise ValueError(by)


def savings_by(by: str, items=None) -> list[dict]:
    """Per-year savings of approved-or-later proposals grouped by `agency`, `field` or `year`;
    each row adds up its items, so every grouping totals the same (`savings_total`)."""
    items = list(public_items()) if items is None else items
    rows: dict[str, dict] = defaultdict(
        lambda: {"items": 0, "before_per_year_vnd": 0, "after_per_year_vnd": 0}
    )
    for item in items:
        row = rows[_key(item, by)]
        row["items"] += 1
        row["before_per_year_vnd"] += item.before_per_year_vnd
        row["after_per_year_vnd"] += item.after_per_year_vnd
    out = []
    for key in sorted(rows):
        row = rows[key]
        saving = row["before_per_year_vnd"] - row["after_per_year_vnd"]
        out.append(
            {
                "key": key,
                **row,
                "saving_per_year_vnd": saving,
                "saving_rate_pct": rate_pct(saving, row["before_per_year_vnd"]),
            }
        )
    return out


def savings_total(items=None) -> dict:
    items = list(public_items()) if items is None else items
    before = sum(i.before_per_year_vnd for i in items)
    after = sum(i.after_per_year_vnd for i in items)
    return {
        "items": len(items),
        "before_per_year_vnd": before,
        "after_per_year_vnd": after,
        "saving_per_year_vnd": before - after,
        "saving_rate_pct": rate_pct(before - after, before),
    }


def figures(today: date | None = None) -> dict:
    items = list(public_items())
    return {
        "overdue": list(overdue(today)),
        "implementation_rate_pct": implementation_rate(),
        "by_status": {
            s.value: SimplificationProposal.objects.filter(status=s).count() for s in ProposalStatus
        },
        "total": savings_total(items),
        "by_year": savings_by("year", items),
        "by_agency": savings_by("agency", items),
        "by_field": savings_by("field", items),
    }
