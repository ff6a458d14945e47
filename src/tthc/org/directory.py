"""The province's agencies, desks and who serves them, as each process keeps them.

Every signed-in page asks which agencies lie below the user's (the dossiers they see), and
every intake which desks are staffed: walked in the database that is a query per level of the
tree. The organisation changes a few times a month, so each process reads it whole (three
queries) and keeps it until the revision "org" moves (`tthc.core.revisions`, watched in
`OrgConfig.ready`: agencies, desks, memberships, accounts — not a login's `last_login`).

The kept instances are shared by every request of the process: read them, never change them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tthc.core import revisions
from tthc.org.models import Agency, Membership, ReceptionPoint, Role

REVISION = "org"


@dataclass(frozen=True)
class Directory:
    agencies: dict[int, Agency]
    children: dict[int, tuple[int, ...]]
    points: dict[int, ReceptionPoint]  # every desk, its agency attached
    staffed: frozenset[int]  # agencies where an active account may receive dossiers

    def ancestors_and_self(self, agency_id: int) -> set[int]:
        found: set[int] = set()
        node = self.agencies.get(agency_id)
        while node is not None and node.pk not in found:
            found.add(node.pk)
            node = self.agencies.get(node.parent_id)
        return found

    def with_descendants(self, ids) -> set[int]:
        found, frontier = set(ids), list(ids)
        while frontier:
            for child in self.children.get(frontier.pop(), ()):
                if child not in found:
                    found.add(child)
                    frontier.append(child)
        return found

    def active_points(self) -> list[ReceptionPoint]:
        """The active desks of active agencies."""
        return [p for p in self.points.values() if p.is_active and p.agency.is_active]


def _build() -> Directory:
    agencies = {a.pk: a for a in Agency.objects.order_by()}
    children: dict[int, list[int]] = {}
    for agency in agencies.values():
        if agency.parent_id is not None:
            children.setdefault(agency.parent_id, []).append(agency.pk)
            agency.parent = agencies.get(agency.parent_id)
    points = {}
    for point in ReceptionPoint.objects.order_by("name", "pk"):
        point.agency = agencies[point.agency_id]
        points[point.pk] = point
    held = Membership.objects.filter(role=Role.RECEPTION_OFFICER, user__is_active=True).values_list(
        "agency_id", flat=True
    )
    tree = Directory(agencies, {k: tuple(v) for k, v in children.items()}, points, frozenset())
    # A reception role held at an agency serves the desks of the agencies below it too.
    return replace(tree, staffed=frozenset(tree.with_descendants(set(held))))


DIRECTORY = revisions.Derived(REVISION, _build)


def current() -> Directory:
    return DIRECTORY.get()
