"""Which one-stop desk receives a dossier: one rule for the online form, the API, the counter
and postal intake (Decree 118/2025/NĐ-CP; `docs/decisions/0008-routing-and-visibility.md`).

1. A boundary-free procedure (tiếp nhận không phụ thuộc địa giới hành chính) is received at any
   desk of the province; the citizen chooses, the desks of the resolving agency's own unit come
   first.
2. Otherwise the desk belongs to the public administration service centre of the resolving
   agency's administrative unit (a commune-level procedure: the commune's centre; a
   province-level one: the province's centre and its branches), or to the resolving agency
   itself (a department's own one-stop desk), or to an agency above it. The centre comes first,
   unless the catalog's reception address names the resolving agency, whose own desk then
   comes first.
3. Online, only a staffed desk is offered: one where some active account holds the reception
   role (at the desk's agency or above it, as `tthc.org.policy` grants it). A dossier never
   waits at a desk nobody serves.
"""

from __future__ import annotations

from collections.abc import Set

from django.db.models import QuerySet

from tthc.core.text import fold
from tthc.org import directory
from tthc.org.models import Agency, AgencyKind, ReceptionPoint
from tthc.org.policy import Action as Policy
from tthc.org.policy import ancestors_and_self, granted_agencies


def _names_agency(reception_address: str, agency: Agency) -> bool:
    text = fold(reception_address or "")
    names = [fold(n) for n in (agency.short_name, agency.name) if n]
    return bool(text) and any(name in text for name in names)


def _preference(resolving: Agency | None, point: ReceptionPoint, ancestry, own_first) -> tuple:
    """Sort key of a desk: lower is offered first."""
    agency = point.agency
    if resolving is None:
        return (9, point.name)
    is_centre = agency.kind == AgencyKind.SERVICE_CENTRE and agency.unit_id == resolving.unit_id
    if agency.pk == resolving.pk:
        rank = 0 if own_first else 1
    elif is_centre:
        rank = 1 if own_first else 0
    elif agency.pk in ancestry:
        rank = 2
    elif agency.unit_id == resolving.unit_id:
        rank = 3
    else:
        rank = 4
    return (rank, point.name)


def _reception_address(procedure) -> str:
    version = getattr(procedure, "current_version", None)
    return ((version.data if version else {}) or {}).get("reception_address", "")


def accepts(desk_agency: Agency, procedure, resolving: Agency, *, ancestry=None) -> bool:
    """True when a desk of `desk_agency` may receive `procedure`'s dossiers for `resolving`."""
    if procedure.boundary_free:
        return True
    if desk_agency.pk in (ancestry if ancestry is not None else ancestors_and_self(resolving)):
        return True
    return (
        desk_agency.kind == AgencyKind.SERVICE_CENTRE
        and resolving.unit_id is not None
        and desk_agency.unit_id == resolving.unit_id
    )


def staffed_agency_ids() -> set[int]:
    """Agencies where some active account may receive dossiers (a reception role held there
    or at an agency above)."""
    return set(directory.current().staffed)


def with_descendants(ids: set[int]) -> set[int]:
    return directory.current().with_descendants(ids)


def staff_agencies(user) -> set[int] | None:
    """Agencies whose dossiers the user sees (roles of DOSSIER_VIEW held there, and the
    agencies below); None means every agency (province-wide grant, superuser)."""
    ids = granted_agencies(user, Policy.DOSSIER_VIEW)
    if ids is None:
        return None
    return with_descendants(ids) if ids else set()


def active_points() -> QuerySet[ReceptionPoint]:
    """The active desks of active agencies, with their agency."""
    return ReceptionPoint.objects.filter(is_active=True, agency__is_active=True).select_related(
        "agency"
    )


def desks(procedure, resolving: Agency | None, *, staffed_only: bool = True) -> list:
    """The desks that receive `procedure`'s dossiers for `resolving`, in the order they are
    offered (the first is the default)."""
    known = directory.current()
    staffed = known.staffed if staffed_only else None
    return rank_desks(procedure, resolving, known.active_points(), staffed)


def desks_by_agency(procedure, agencies) -> dict[int, list]:
    """`desks` for each of `agencies` (agency id -> desks), in a fixed number of queries."""
    known = directory.current()
    points, staffed = known.active_points(), known.staffed
    return {a.pk: rank_desks(procedure, a, points, staffed) for a in agencies}


def rank_desks(procedure, resolving, points, staffed: Set[int] | None) -> list:
    """Of `points` (already read), those that receive `procedure`'s dossiers for `resolving`,
    in the order they are offered; only the staffed agencies' when `staffed` is given."""
    if staffed is not None:
        points = [p for p in points if p.agency_id in staffed]
    if resolving is None and not procedure.boundary_free:
        return []
    ancestry = ancestors_and_self(resolving) if resolving is not None else set()
    own_first = resolving is not None and _names_agency(_reception_address(procedure), resolving)
    points = [p for p in points if accepts(p.agency, procedure, resolving, ancestry=ancestry)]
    return sorted(points, key=lambda p: _preference(resolving, p, ancestry, own_first))


def default_desk(procedure, resolving: Agency) -> ReceptionPoint | None:
    found = desks(procedure, resolving)
    return found[0] if found else None


def unserved_desks() -> list[ReceptionPoint]:
    """Active desks that no active account serves: dossiers could not be received there."""
    staffed = staffed_agency_ids()
    return [
        p for p in active_points().order_by("agency__name", "name") if p.agency_id not in staffed
    ]
