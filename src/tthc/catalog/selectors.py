"""Reads of the catalog. Lists cost a fixed number of queries whatever their length."""

from __future__ import annotations

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from tthc.catalog.models import (
    DecisionItem,
    Field,
    ImportJob,
    Procedure,
    ProcedureAgency,
    ProcedureVersion,
    PublicationDecision,
)
from tthc.catalog.search import SearchResults, search_key, search_procedures, suggest_similar
from tthc.core.text import fold
from tthc.org.models import Agency


def _listing() -> QuerySet[Procedure]:
    """Procedures with what list rows show (no content, no folded text)."""
    return Procedure.objects.select_related("field", "current_version").defer(
        "name_folded",
        "body_folded",
        "current_version__data",
        "current_version__source",
        "current_version__diff",
    )


def _filtered(
    queryset: QuerySet[Procedure],
    *,
    level: str = "",
    field: int | None = None,
    agency: str = "",
    online_level: str = "",
    status: str = "",
) -> QuerySet[Procedure]:
    if level in ("ministry", "province", "commune"):  # indexed flags of the usual levels
        queryset = queryset.filter(**{f"is_{level}_level": True})
    elif level:  # "other" has no flag: its name inside the JSON list
        queryset = queryset.filter(levels__icontains=f'"{level}"')
    if field:
        queryset = queryset.filter(field_id=field)
    if agency:  # a subquery, not a join: no duplicate rows, so no DISTINCT to sort around
        linked = ProcedureAgency.objects.filter(agency__code=agency).values("procedure_id")
        queryset = queryset.filter(pk__in=linked)
    if online_level:
        queryset = queryset.filter(online_level=online_level)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def procedure_list(
    *,
    q: str = "",
    level: str = "",
    field: int | None = None,
    agency: str = "",
    online_level: str = "",
    status: str = "",
) -> QuerySet[Procedure]:
    queryset = _filtered(
        _listing(),
        level=level,
        field=field,
        agency=agency,
        online_level=online_level,
        status=status,
    )
    if q:
        return search_procedures(queryset, q)
    return queryset.order_by("code")


def procedure_search(
    *,
    q: str,
    level: str = "",
    field: int | None = None,
    agency: str = "",
    online_level: str = "",
    status: str = "",
) -> SearchResults | QuerySet[Procedure]:
    """`procedure_list(q=…)` for the public search and the API: the same results in the same
    order, with the ranked ids cached per catalog revision (`search.SearchResults`). A query
    without words is the plain list."""
    filters = {
        "level": level,
        "field": field,
        "agency": agency,
        "online_level": online_level,
        "status": status,
    }
    if search_key(q) is None:
        return procedure_list(**filters)

    def rank() -> QuerySet[Procedure]:
        return _filtered(Procedure.objects.all(), **filters)

    return SearchResults(q, filters=tuple(filters.items()), rank=rank, fetch=_listing)


def procedures_with_details() -> QuerySet[Procedure]:
    """Procedures with everything `procedure_as_detail` reads, in a fixed number of queries."""
    return Procedure.objects.select_related("field", "current_version").prefetch_related(
        Prefetch(
            "agency_links",
            queryset=ProcedureAgency.objects.select_related("agency").order_by(
                "role", "agency__name"
            ),
        ),
        Prefetch(
            "versions",
            queryset=ProcedureVersion.objects.filter(decision__isnull=False)
            .select_related("decision")
            .only("id", "procedure_id", "decision"),
            to_attr="decided_versions",
        ),
        Prefetch(
            "decision_items",
            queryset=DecisionItem.objects.select_related("decision"),
        ),
    )


def procedure_detail(code: str) -> Procedure | None:
    return procedures_with_details().filter(code=code).first()


def procedure_decisions(procedure: Procedure) -> list[PublicationDecision]:
    """The decisions that published or changed a procedure, oldest first (uses prefetches)."""
    decisions = {v.decision.pk: v.decision for v in procedure.decided_versions}
    decisions.update({i.decision.pk: i.decision for i in procedure.decision_items.all()})
    return sorted(
        decisions.values(), key=lambda d: (d.signed_on is None, d.signed_on or 0, d.number)
    )


def procedure_suggestions(query: str) -> list[Procedure]:
    """Procedures whose names are close to a query that found nothing (the search page's
    "did you mean")."""
    return list(suggest_similar(procedure_list(), query))


def public_field(pk: int) -> Field | None:
    return Field.objects.filter(pk=pk).first()


def field_list() -> QuerySet[Field]:
    return Field.objects.annotate(procedure_count=Count("procedures")).order_by("name")


def agency_list(*, q: str = "") -> QuerySet[Agency]:
    queryset = Agency.objects.filter(is_active=True).select_related("unit", "parent")
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(code__icontains=q))
    return queryset.order_by("unit__level", "name")


def procedure_as_detail(procedure: Procedure) -> dict:
    """The API detail record of a procedure (also the JSON export's record)."""
    version = procedure.current_version
    data = dict(version.data)
    data.update(
        code=procedure.code,
        version=version.number,
        updated_at=timezone.localtime(version.created_at).replace(microsecond=0),
        agencies=[
            {"code": link.agency.code, "name": link.agency.name, "role": link.role}
            for link in procedure.agency_links.all()
        ],
        decisions=[
            {
                "number": d.number,
                "issuer": d.issuer,
                "signed_on": d.signed_on,
                "effective_on": d.effective_on,
            }
            for d in procedure_decisions(procedure)
        ],
    )
    return data


# --- Catalog management (views_manage) -------------------------------------------------------


def scheduled_procedure_ids(procedures: list[Procedure]) -> set[int]:
    """Which of `procedures` have a scheduled version not yet current (whatever its date)."""
    return set(
        ProcedureVersion.objects.filter(
            procedure__in=[p.pk for p in procedures],
            effective_from__isnull=False,
            number__gt=F("procedure__current_version__number"),
        ).values_list("procedure_id", flat=True)
    )


def managed_procedure(code: str) -> Procedure | None:
    """A procedure for the management screens, with its agency links."""
    return (
        Procedure.objects.select_related("current_version")
        .prefetch_related(
            Prefetch("agency_links", queryset=ProcedureAgency.objects.select_related("agency"))
        )
        .filter(code=code)
        .first()
    )


def latest_version(procedure: Procedure) -> ProcedureVersion | None:
    """The highest-numbered version, scheduled or not (what the edit form starts from)."""
    return procedure.versions.order_by("-number").first()


def procedure_versions(procedure: Procedure) -> list[ProcedureVersion]:
    """Every version of `procedure`, newest first, with its decision and author."""
    return list(procedure.versions.select_related("decision", "created_by").order_by("-number"))


def decision_list() -> QuerySet[PublicationDecision]:
    return PublicationDecision.objects.annotate(item_count=Count("items")).order_by(
        "-signed_on", "-id"
    )


def decision_detail(pk: int) -> PublicationDecision | None:
    """A decision with its items (`decision.items.all()`) and the versions saved under it
    (`decision.versions.all()`)."""
    return (
        PublicationDecision.objects.prefetch_related(
            Prefetch(
                "items", queryset=DecisionItem.objects.select_related("procedure", "replaces")
            ),
            Prefetch("versions", queryset=ProcedureVersion.objects.select_related("procedure")),
        )
        .filter(pk=pk)
        .first()
    )


def recent_import_jobs(limit: int = 10) -> list[ImportJob]:
    return list(ImportJob.objects.select_related("created_by")[:limit])


def import_job(pk: int) -> ImportJob | None:
    return ImportJob.objects.select_related("created_by").filter(pk=pk).first()


# --- Public portal (views_public) ------------------------------------------------------------


def public_agencies() -> QuerySet[Agency]:
    """Active agencies with the number of procedures they apply, province level first."""
    return (
        Agency.objects.filter(is_active=True)
        .select_related("unit")
        .annotate(procedure_count=Count("procedure_links__procedure", distinct=True))
        .order_by("unit__level", "name")
    )


def public_agency(code: str) -> Agency | None:
    return (
        Agency.objects.filter(code=code, is_active=True)
        .select_related("unit", "parent")
        .prefetch_related("reception_points")
        .first()
    )


def life_event_procedures(event) -> QuerySet[Procedure]:
    """The procedures of a life event (`tthc.catalog.life_events`): its fields, by folded name,
    or its keywords inside the folded name."""
    condition = Q(field__name_folded__in=[fold(name) for name in event.fields])
    for keyword in event.keywords:
        condition |= Q(name_folded__contains=fold(keyword))
    return procedure_list().filter(condition).exclude(status="abolished")
