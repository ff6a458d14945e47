"""Reads of the simplification app: who may open its screens and do what, lists, cost inputs,
follow-up figures and savings totals."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tthc.catalog.models import Procedure
from tthc.core.errors import PermissionDenied
from tthc.core.text import ascii_digits
from tthc.org.models import Agency
from tthc.org.policy import DENIED_MESSAGES, can, can_somewhere
from tthc.org.policy import Action as Policy

from . import defaults
from .calculator import rate_pct
from .models import ComplianceCost, ProposalItem, ProposalStatus, SimplificationProposal
from .transitions import TRANSITIONS, allowed

DONE = (ProposalStatus.IMPLEMENTED, ProposalStatus.VERIFIED)
APPROVED_OR_LATER = (ProposalStatus.APPROVED, *DONE)


# ------------------------------------------------------------------------------ access


def require_staff(user) -> None:
    """Entry to the staff screens: a simplification role somewhere (each proposal's moves are
    checked on its responsible agency)."""
    if not (
        can_somewhere(user, Policy.SIMPLIFICATION_EDIT)
        or can_somewhere(user, Policy.SIMPLIFICATION_APPROVE)
    ):
        raise PermissionDenied(DENIED_MESSAGES[Policy.SIMPLIFICATION_EDIT])


def may_create(user) -> bool:
    return can_somewhere(user, Policy.SIMPLIFICATION_EDIT)


def proposal_actions(user, proposal: SimplificationProposal) -> dict[str, Any]:
    """The moves the table allows from the proposal's status that `user` may make (the move's
    policy on the responsible agency), and whether `user` may edit it (a draft only)."""
    agency = proposal.responsible_agency
    return {
        "moves": [
            {"value": m.value, "label": TRANSITIONS[m].label}
            for m in allowed(proposal.status)
            if can(user, TRANSITIONS[m].policy, agency)
        ],
        "may_edit": proposal.status == ProposalStatus.DRAFT
        and can(user, Policy.SIMPLIFICATION_EDIT, agency),
    }


# ------------------------------------------------------------------------------ lists


def agencies() -> QuerySet[Agency]:
    return Agency.objects.order_by("name")


def agency_choice(value: str) -> Agency | None:
    """The agency of a form's choice (its id), or None."""
    return Agency.objects.filter(pk=value).first() if ascii_digits(value) else None


def catalog_procedure(code: str) -> Procedure | None:
    """A procedure of the catalog with a current version (what a proposal or a cost is about)."""
    found = (
        Procedure.objects.select_related("current_version")
        .filter(code=(code or "").strip())
        .first()
    )
    return found if found is not None and found.current_version_id is not None else None


def latest_data(procedure: Procedure) -> dict[str, Any]:
    """The content of the procedure's latest version (scheduled ones included)."""
    return procedure.versions.order_by("-number").first().data


def cost_inputs(procedure: Procedure, channel: str) -> dict[str, Any]:
    """The officer's saved inputs for (procedure, channel), else the defaults from the record."""
    saved = ComplianceCost.objects.filter(procedure=procedure, channel=channel).first()
    if saved is not None:
        return {
            "hourly_value_vnd": saved.hourly_value_vnd,
            "hourly_value_source": saved.hourly_value_source,
            "hourly_value_year": saved.hourly_value_year,
            "activities": saved.activities,
            "other_costs": saved.other_costs,
            "fees_vnd": saved.fees_vnd,
            "filings_per_subject_per_year": str(saved.filings_per_subject_per_year),
            "subjects_per_year": saved.subjects_per_year,
        }
    return defaults.cost_inputs(latest_data(procedure), channel)


def proposals(*, status: str = "") -> QuerySet[SimplificationProposal]:
    queryset = SimplificationProposal.objects.select_related("responsible_agency")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-id")


def proposal_detail(code: str) -> SimplificationProposal | None:
    return (
        SimplificationProposal.objects.select_related("responsible_agency")
        .prefetch_related(
            "items__procedure", "items__implemented_version", "sources", "events__actor"
        )
        .filter(code=code)
        .first()
    )


def costs() -> QuerySet[ComplianceCost]:
    return ComplianceCost.objects.select_related("procedure").order_by("procedure__code", "channel")


def public_items(*, status: str = "") -> QuerySet[ProposalItem]:
    """Approved (and later) simplifications, for the public page and the plan report; `status`
    narrows to one status."""
    queryset = ProposalItem.objects.filter(proposal__status__in=APPROVED_OR_LATER)
    if status:
        queryset = queryset.filter(proposal__status=status)
    return queryset.select_related(
        "proposal", "procedure", "procedure__field", "proposal__responsible_agency"
    ).order_by("-proposal__approved_on", "proposal__code", "procedure__code")


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
        return agency.name if agency else _("(chưa giao cơ quan)")
    if by == "field":
        return item.procedure.field.name if item.procedure.field else _("(chưa có lĩnh vực)")
    if by == "year":
        day = item.proposal.approved_on or item.proposal.decision_date
        return str(day.year) if day else _("(chưa phê duyệt)")
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
