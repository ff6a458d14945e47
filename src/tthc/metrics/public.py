"""What the public pages of the index 766 read (`/chi-so-phuc-vu/`, `/danh-sach-tre-han/`).

The ranking needs the index of every agency for a period. `index.compute` per agency costs
about twenty queries each (the procedure and feedback indicators list their rows), so
`table(period)` computes them all at once instead, with a number of queries that does not
grow with the agencies:

* the dossier figures of every resolving agency in one grouped query
  (`index.dossier_figures_by_agency`), added up over each agency's subtree;
* the province's lists of the procedure and feedback indicators built once by the index's
  own builders (`index.ITEM_BUILDERS`), then split by agency — a procedure belongs to the
  agencies it is linked to, a feedback to the agency it is about; whether an item counts
  does not depend on the scope for these (1.1, 1.2, 1.3, 3.1, 5.1–5.3);
* 3.2 and 3.5, whose items count by the scope's own dossiers, from one grouped query each
  over (agency, procedure).

A test checks that every agency's result equals `index.compute(Scope.of(period, agency))`.
The table is cached (`CACHE_SECONDS`; a month long past for longer), keyed by the period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from tthc.catalog.models import Procedure, ProcedureAgency
from tthc.catalog.models import Status as ProcedureStatus
from tthc.dossiers.models import Channel
from tthc.feedback.models import Feedback
from tthc.metrics import index
from tthc.metrics.models import DossierFact, Outcome
from tthc.org.models import Agency, AgencyKind, UnitLevel
from tthc.workdays.engine import to_local
from tthc.workdays.selectors import calendar_for

CACHE_SECONDS = 300
# A period that ended more than a month ago changes little (a late fact refresh at most).
CACHE_SECONDS_PAST = 6 * 3600
CACHE_VERSION = 1
SPLIT_BY_PROCEDURE = ("1.1", "1.2", "1.3", "3.1")
SPLIT_BY_FEEDBACK = ("5.1", "5.2", "5.3")
PERIOD_FREE = ("1.3", "3.1")  # the catalog now: the same lists for every period


# --------------------------------------------------------------------------- periods


def today() -> date:
    return to_local(timezone.now()).date()


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    period: index.Period


def _month_end(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _clip(start: date, end: date, now: date) -> index.Period:
    return index.Period(start, min(end, now))


def period_choices(now: date | None = None) -> dict[str, list[Choice]]:
    """The periods offered: this and last year (to date), their quarters and the last 24
    months, newest first."""
    now = now or today()
    years, quarters, months = [], [], []
    for year in (now.year, now.year - 1):
        if year == now.year:
            label = gettext("Năm %(year)s (đến nay)") % {"year": year}
        else:
            label = gettext("Năm %(year)s") % {"year": year}
        years.append(Choice(str(year), label, _clip(date(year, 1, 1), date(year, 12, 31), now)))
        for q in range(4, 0, -1):
            start = date(year, 3 * q - 2, 1)
            if start > now:
                continue
            period = _clip(start, _month_end(year, 3 * q), now)
            label = gettext("Quý %(quarter)s/%(year)s") % {"quarter": q, "year": year}
            quarters.append(Choice(f"{year}-q{q}", label, period))
    year, month = now.year, now.month
    for _ in range(24):
        period = _clip(date(year, month, 1), _month_end(year, month), now)
        label = gettext("Tháng %(month)s/%(year)s") % {"month": month, "year": year}
        months.append(Choice(f"{year}-{month:02d}", label, period))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return {gettext("Năm"): years, gettext("Quý"): quarters, gettext("Tháng"): months}


def parse_period(value: str | None, now: date | None = None) -> Choice:
    """The chosen period (`2025`, `2025-q3`, `2025-09`); anything else: this year to date."""
    choices = period_choices(now)
    flat = [c for group in choices.values() for c in group]
    return next((c for c in flat if c.value == value), flat[0])


def last_months(count: int = 12, now: date | None = None) -> list[Choice]:
    return list(reversed(period_choices(now)[gettext("Tháng")][:count]))


# --------------------------------------------------------------------------- the table


@dataclass
class Table:
    """The index of a period for the province and for every active agency."""

    period: index.Period
    province: index.IndexResult
    agencies: dict[int, index.IndexResult]


def _subtrees(agencies: list[Agency]) -> dict[int, frozenset[int]]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for a in agencies:
        children[a.parent_id].append(a.pk)
    result = {}
    for a in agencies:
        found, frontier = {a.pk}, [a.pk]
        while frontier:
            nxt = [c for f in frontier for c in children.get(f, ()) if c not in found]
            found.update(nxt)
            frontier = nxt
        result[a.pk] = frozenset(found)
    return result


def _ancestors(agencies: list[Agency]) -> dict[int, set[int]]:
    parent = {a.pk: a.parent_id for a in agencies}
    result = {}
    for pk in parent:
        found, node = set(), pk
        while node is not None and node not in found:
            found.add(node)
            node = parent.get(node)
        result[pk] = found
    return result


def _score(scope: index.Scope, figures: dict[str, tuple[int, int]]) -> index.IndexResult:
    """`index.assemble` with every figure given (no query)."""
    groups = []
    for code, name, max_points in index.GROUPS:
        results = []
        for indicator in (i for i in index.INDICATORS if i.group == code):
            if indicator.kind == "none":
                figure = index.Figure(None, None, None, None, available=False)
            else:
                figure = indicator.score(*figures[indicator.code])
            results.append(index.IndicatorResult(indicator, figure))
        groups.append(index.GroupResult(code, name, max_points, results))
    return index.IndexResult(scope, groups)


def static_items() -> dict[str, list[index.Item]]:
    """1.3 and 3.1 read the catalog as it is now, whatever the period: built once for all
    the periods of a page (and cached like them)."""
    key = f"metrics:public-index:v{CACHE_VERSION}:static"
    found = cache.get(key)
    if found is None:
        scope = index.Scope.of(index.Period(today(), today()))
        found = {code: index.ITEM_BUILDERS[code](scope) for code in PERIOD_FREE}
        cache.set(key, found, CACHE_SECONDS)
    return found


def _compute_table(period: index.Period) -> Table:
    every = list(Agency.objects.select_related("unit"))
    subtree = _subtrees(every)
    agencies = [a for a in every if a.is_active]
    by_agency = index.dossier_figures_by_agency(period)
    province_scope = index.Scope.of(period)
    listed = {
        code: build(province_scope)
        for code, build in index.ITEM_BUILDERS.items()
        if code not in PERIOD_FREE
    }
    listed.update(static_items())

    links: dict[str, set[int]] = defaultdict(set)
    for code, agency_id in ProcedureAgency.objects.exclude(
        procedure__status=ProcedureStatus.ABOLISHED
    ).values_list("procedure__code", "agency_id"):
        links[code].add(agency_id)
    feedback_agency = dict(
        Feedback.objects.filter(
            submitted_at__gte=period.low, submitted_at__lte=period.high
        ).values_list("code", "agency_id")
    )
    # 3.2: online dossiers by (agency, procedure); 3.5: dossiers with fees and those paid online.
    received = DossierFact.objects.filter(received_at__gte=period.low, received_at__lte=period.high)
    online = defaultdict(int)
    for agency_id, procedure_id, n in (
        received.filter(channel=Channel.ONLINE)
        .values_list("resolving_agency_id", "procedure_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        online[(agency_id, procedure_id)] = n
    fees = defaultdict(lambda: [0, 0])
    for row in (
        received.filter(financial_obligation=True)
        .values("resolving_agency_id", "procedure_id")
        .annotate(n=Count("pk"), paid=Count("pk", filter=Q(paid_online=True)))
        .order_by()
    ):
        cell = fees[(row["resolving_agency_id"], row["procedure_id"])]
        cell[0] += row["n"]
        cell[1] += row["paid"]
    online_procedures = list(
        Procedure.objects.exclude(status=ProcedureStatus.ABOLISHED)
        .filter(online_level__in=index.ONLINE)
        .values_list("pk", "code")
    )

    province_figures = index.add_figures(by_agency.values()) or {
        code: (0, 0) for code in index.DOSSIER_RULES
    }
    province_figures.setdefault("5.4", (0, 0))
    for code, rows in listed.items():
        province_figures[code] = index.listed_figure(code, rows)
    province = _score(province_scope, province_figures)

    # Each row goes to the agencies whose subtree holds it (its own agencies and their
    # ancestors): one pass over the rows, not one per agency.
    up = _ancestors(every)

    def owners(agency_ids: Iterable[int]) -> set[int]:
        return set().union(*(up.get(a, {a}) for a in agency_ids))

    dossier_parts: dict[int, list] = defaultdict(list)
    for agency_id, part in by_agency.items():
        for owner in up.get(agency_id, {agency_id}):
            dossier_parts[owner].append(part)
    rows_of: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for code in SPLIT_BY_PROCEDURE:
        for row in listed[code]:
            for owner in owners(links.get(row.key, ())):
                rows_of[owner][code].append(row)
    for code in SPLIT_BY_FEEDBACK:
        for row in listed[code]:
            agency_id = feedback_agency.get(row.key)
            for owner in owners([agency_id] if agency_id is not None else []):
                rows_of[owner][code].append(row)
    online_owners: dict[int, set[int]] = defaultdict(set)
    for (agency_id, procedure_id), n in online.items():
        if n:
            online_owners[procedure_id] |= up.get(agency_id, {agency_id})
    offered, used = defaultdict(int), defaultdict(int)
    for pk, code in online_procedures:
        for owner in owners(links.get(code, ())):
            offered[owner] += 1
            used[owner] += owner in online_owners[pk]
    charged: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for (agency_id, procedure_id), (n, paid) in fees.items():
        for owner in up.get(agency_id, {agency_id}):
            cell = charged[owner][procedure_id]
            cell[0] += n
            cell[1] += paid

    results = {}
    empty = {code: (0, 0) for code in [*index.DOSSIER_RULES, "5.4"]}
    for agency in agencies:
        scope = index.Scope(period, None, subtree[agency.pk])  # no model instance cached
        figures = index.add_figures([empty, *dossier_parts.get(agency.pk, [])])
        mine = rows_of.get(agency.pk, {})
        for code in (*SPLIT_BY_PROCEDURE, *SPLIT_BY_FEEDBACK):
            figures[code] = index.listed_figure(code, mine.get(code, []))
        figures["3.2"] = (used[agency.pk], offered[agency.pk])
        fee_rows = charged.get(agency.pk, {})
        figures["3.5"] = (sum(1 for _, paid in fee_rows.values() if paid > 0), len(fee_rows))
        results[agency.pk] = _score(scope, figures)
    return Table(period, province, results)


def _ttl(period: index.Period) -> int:
    return CACHE_SECONDS_PAST if period.end < today() - timedelta(days=31) else CACHE_SECONDS


def table(period: index.Period) -> Table:
    key = f"metrics:public-index:v{CACHE_VERSION}:{period.start}:{period.end}"
    found = cache.get(key)
    if found is None:
        found = _compute_table(period)
        cache.set(key, found, _ttl(period))
    return found


def totals(period: index.Period) -> dict[int | None, Decimal]:
    """Total points of the province (key None) and of every agency: the months of the
    chart over time, cached small (not the whole table)."""
    key = f"metrics:public-index-totals:v{CACHE_VERSION}:{period.start}:{period.end}"
    found = cache.get(key)
    if found is None:
        data = _compute_table(period)
        found = {None: data.province.total_points}
        found.update({pk: r.total_points for pk, r in data.agencies.items()})
        cache.set(key, found, _ttl(period))
    return found


# --------------------------------------------------------------------------- rankings


def ranked_kinds() -> dict[str, Q]:
    return {
        "departments": Q(unit__level=UnitLevel.PROVINCE, kind=AgencyKind.DEPARTMENT),
        "communes": Q(unit__level=UnitLevel.COMMUNE, kind=AgencyKind.PEOPLES_COMMITTEE),
    }


def ranked_agencies() -> dict[str, list[Agency]]:
    """The departments and the communes' people's committees (one query)."""
    rows = list(
        Agency.objects.filter(is_active=True)
        .filter(ranked_kinds()["departments"] | ranked_kinds()["communes"])
        .select_related("unit")
        .order_by("name")
    )
    return {
        "departments": [a for a in rows if a.unit.level == UnitLevel.PROVINCE],
        "communes": [a for a in rows if a.unit.level == UnitLevel.COMMUNE],
    }


@dataclass
class Rank:
    position: int
    agency: Agency
    result: index.IndexResult

    @property
    def total(self) -> str:
        return vn(self.result.total_points)

    @property
    def dossiers(self) -> int:
        return self.result.indicator("2.1").figure.denominator or 0


def ranking(data: Table, agencies: list[Agency]) -> list[Rank]:
    """By total points, highest first (ties share a position, then by name)."""
    rows = sorted(
        (a for a in agencies if a.pk in data.agencies),
        key=lambda a: (-data.agencies[a.pk].total_points, a.name),
    )
    ranks, position, previous = [], 0, None
    for n, agency in enumerate(rows, start=1):
        total = data.agencies[agency.pk].total_points
        if total != previous:
            position, previous = n, total
        ranks.append(Rank(position, agency, data.agencies[agency.pk]))
    return ranks


def public_agency(code: str) -> Agency | None:
    return Agency.objects.filter(code=code, is_active=True).select_related("unit").first()


# --------------------------------------------------------------------------- charts


def vn(value: Decimal | float | int | None, places: int = 2) -> str:
    """12.5 → '12,50' (Vietnamese decimal comma)."""
    if value is None:
        return ""
    return f"{Decimal(value):.{places}f}".replace(".", ",")


BAR_ROW = 30
BAR_LEFT = 44
BAR_WIDTH = 200
CHART_WIDTH = 320


def group_chart(group: index.GroupResult) -> dict:
    """Geometry of a group's bar chart: one bar per indicator that carries points."""
    bars = []
    for n, r in enumerate(r for r in group.indicators if r.indicator.max_points):
        share = float(r.figure.points or 0) / r.indicator.max_points if r.figure.available else 0.0
        y = 8 + n * BAR_ROW
        bars.append(
            {
                "code": r.indicator.code,
                "y": y,
                "text_y": y + 15,
                "width": round(BAR_WIDTH * share, 1),
                "available": r.figure.available,
                "label": (
                    f"{vn(r.figure.points)}/{r.indicator.max_points}"
                    if r.figure.available
                    else str(index.NO_DATA)
                ),
            }
        )
    return {
        "bars": bars,
        "height": 16 + len(bars) * BAR_ROW,
        "width": CHART_WIDTH,
        "left": BAR_LEFT,
        "track": BAR_WIDTH,
        "value_x": BAR_LEFT + BAR_WIDTH + 6,
        "none_x": BAR_LEFT + 8,
    }


TREND_HEIGHT = 150
TREND_TOP = 18
TREND_LEFT = 28
TREND_STEP = 28


def trend_chart(points: list[tuple[str, Decimal]]) -> dict:
    """Vertical bars of the total (out of 100) month by month, with the 0/50/100 grid."""
    plot = TREND_HEIGHT - TREND_TOP
    bars = []
    for n, (label, total) in enumerate(points):
        height = round(plot * float(total) / 100, 1)
        x = TREND_LEFT + n * TREND_STEP
        bars.append(
            {
                "x": x + 4,
                "mid": x + 14,
                "y": round(TREND_TOP + plot - height, 1),
                "height": height,
                "label": label,
                "value": vn(total, 0),
                "value_y": round(TREND_TOP + plot - height - 4, 1),
            }
        )
    grid = [
        {"y": round(TREND_TOP + plot * (1 - v / 100), 1), "label": str(v)} for v in (0, 50, 100)
    ]
    width = TREND_LEFT + TREND_STEP * max(1, len(points)) + 4
    return {
        "bars": bars,
        "grid": grid,
        "width": width,
        "height": TREND_HEIGHT + 20,
        "axis_y": TREND_HEIGHT + 14,
        "left": TREND_LEFT,
        "right": width,
    }


# --------------------------------------------------------------------------- late lists


def _scope_q(ids: frozenset[int] | None) -> Q:
    return Q() if ids is None else Q(resolving_agency_id__in=ids)


def agency_ids(agency: Agency | None) -> frozenset[int] | None:
    if agency is None:
        return None
    rows = list(Agency.objects.values_list("pk", "parent_id"))
    children: dict[int, list[int]] = defaultdict(list)
    for pk, parent in rows:
        children[parent].append(pk)
    found, frontier = {agency.pk}, [agency.pk]
    while frontier:
        frontier = [c for f in frontier for c in children.get(f, ()) if c not in found]
        found.update(frontier)
    return frozenset(found)


def _late_rows(condition: Q) -> QuerySet[DossierFact]:
    return (
        DossierFact.objects.filter(condition)
        .select_related("dossier", "procedure", "resolving_agency")
        .only(
            "dossier__code",
            "dossier__new_appointment_at",
            "procedure__code",
            "procedure__name",
            "resolving_agency__name",
            "resolving_agency__code",
            "received_at",
            "finished_at",
            "base_due_at",
            "due_at",
            "late_days",
            "supplement_requests",
            "first_request_at",
            "first_completed_at",
            "second_request_at",
            "apologised_at",
        )
    )


def resolved_late(period: index.Period, ids: frozenset[int] | None) -> QuerySet[DossierFact]:
    """Dossiers finished in the period after their deadline (the index's 'trễ hạn')."""
    return _late_rows(
        Q(
            finished_at__gte=period.low,
            finished_at__lte=period.high,
            received_at__isnull=False,
            outcome=Outcome.LATE,
        )
        & _scope_q(ids)
    ).order_by("-finished_at", "pk")


def overdue_q(now: datetime) -> Q:
    """Open now and past the deadline, as 2.1 reads a dossier at a period end: a dossier
    waiting on its only supplement request ends at the request; two requests are late."""
    waiting = Q(first_request_at__isnull=False, first_completed_at__isnull=True)
    completed = Q(first_completed_at__isnull=False)
    late = (
        Q(second_request_at__isnull=False)
        | (waiting & Q(first_request_at__gt=F("base_due_at")))
        | (~waiting & completed & Q(due_at__lt=now))
        | (~waiting & ~completed & Q(base_due_at__lt=now))
    )
    return Q(finished_at__isnull=True, received_at__isnull=False, base_due_at__isnull=False) & late


def overdue_now(ids: frozenset[int] | None, now: datetime | None = None):
    now = now or timezone.now()
    return _late_rows(overdue_q(now) & _scope_q(ids)).order_by("base_due_at", "pk")


def effective_due(fact: DossierFact) -> datetime | None:
    if fact.first_completed_at is not None:
        return fact.due_at
    return fact.base_due_at


def overdue_days(facts, now: datetime | None = None) -> None:
    """Set `days_over` (working days past the deadline, to today or to the pending request)
    and `due_shown` on each open fact: the province calendar, read once."""
    now = now or timezone.now()
    calendar = calendar_for(None)
    for fact in facts:
        due = effective_due(fact)
        fact.due_shown = due
        waiting = fact.first_request_at is not None and fact.first_completed_at is None
        until = fact.first_request_at if waiting and not fact.second_request_at else now
        if due is None or until <= due:
            fact.days_over = 0
            continue
        fact.days_over = max(
            1, calendar.working_days_between(to_local(due).date(), to_local(until).date())
        )
