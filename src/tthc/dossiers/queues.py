"""The staff queues at province scale (decision 0011): one page of a tab in keyset order and the
counts of every tab in one query, whatever the number of dossiers.

A staff member who sees some agencies (`routing.staff_agencies`) reads `DossierAgency` rows,
which carry a copy of their dossier's status, deadline and submission time (kept by the
database, `queue_triggers`): a tab of one agency is one range of an index
(`dossier_agency_running`, `dossier_agency_done`, `dossier_agency_queue`) read in the tab's
order and stopped after the page; several agencies are read one range each (`UNION ALL`), each
stopped after the page, then merged — a dossier seen through two of them (a ward's committee
and its centre) is shown once. Province-wide users read the dossiers' own partial indexes.

`selectors.queue(user, tab)` stays the definition of a tab (a queryset with every row);
`page()` returns the same rows in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from django.conf import settings
from django.db import connection
from django.utils import timezone

from tthc.dossiers.models import DONE_STATUSES, OPEN_STATUSES, RUNNING_STATUSES, Dossier, Status
from tthc.dossiers.routing import staff_agencies
from tthc.org import directory
from tthc.org.models import Agency
from tthc.workdays.engine import VN_TZ, to_local
from tthc.workdays.selectors import calendar_for

# The tab “Đã trả, kết thúc” holds every finished dossier: its count is exact up to this and
# shown as “1000+” above (an exact count of hundreds of thousands of rows costs more than the
# whole page, and nobody works from it).
DONE_COUNT_CAP = 1000
# A dossier is rarely seen through more than three of a user's agencies (receiving, resolving,
# consulted): the capped count reads at most this many rows per counted dossier.
_ROWS_PER_DOSSIER = 3

# What the page, the API row and the time left read: plain values (no model instances: 25 rows
# on every request), the procedure and the assignee joined. The agencies come from the
# process's directory: joining them too made planning the query cost more than running it
# (2.6 ms against 0.2 ms on PostgreSQL).
ITEM_COLUMNS = (
    "pk",
    "code",
    "channel",
    "status",
    "submitted_at",
    "received_at",
    "due_at",
    "new_appointment_at",
    "resolving_agency_id",
    "receiving_agency_id",
    "current_agency_id",
    "procedure__code",
    "procedure__name",
    "assignee__username",
)


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One dossier of a queue page, as the page and the API show it."""

    pk: int
    code: str
    channel: int
    status: int
    submitted_at: datetime
    received_at: datetime | None
    due_at: datetime | None
    new_appointment_at: datetime | None
    resolving_agency_id: int
    receiving_agency: Agency  # the directory's instance: read only
    current_agency: Agency
    procedure_code: str
    procedure_name: str
    assignee: str | None  # the username

    @property
    def appointment_at(self) -> datetime | None:
        return self.new_appointment_at or self.due_at

    @classmethod
    def of(cls, dossier: Dossier) -> QueueItem:
        """The same line for a dossier already read (a detail page)."""
        assignee = dossier.assignee
        return cls(
            dossier.pk,
            dossier.code,
            dossier.channel,
            dossier.status,
            dossier.submitted_at,
            dossier.received_at,
            dossier.due_at,
            dossier.new_appointment_at,
            dossier.resolving_agency_id,
            dossier.receiving_agency,
            dossier.current_agency,
            dossier.procedure.code,
            dossier.procedure.name,
            assignee.username if assignee is not None else None,
        )


def items(ids: list[int]) -> list[QueueItem]:
    """The page's dossiers, in the order of `ids`."""
    read = Dossier.objects.filter(pk__in=ids).order_by().values_list(*ITEM_COLUMNS)
    found = {row[0]: row for row in read}  # put in the order of `ids` here: no ORDER BY
    rows = [found[pk] for pk in ids if pk in found]
    agencies = directory.current().agencies
    missing = {pk for row in rows for pk in (row[9], row[10]) if pk not in agencies}
    if missing:  # made by this very transaction, or committed since the directory was read
        agencies = {**agencies, **Agency.objects.in_bulk(missing)}
    return [QueueItem(*row[:9], agencies[row[9]], agencies[row[10]], *row[11:]) for row in rows]


@dataclass(frozen=True)
class Tab:
    statuses: tuple[int, ...]
    key: str  # due_at / submitted_at, then the dossier's id
    descending: bool = False
    window: str = ""  # "soon": now <= due_at <= the due-soon limit; "late": due_at < now
    mine: bool = False  # assigned to the user


TABS: dict[str, Tab] = {
    "moi": Tab((Status.SUBMITTED,), "submitted_at"),
    "dang-xu-ly": Tab(RUNNING_STATUSES, "due_at"),
    "sap-den-han": Tab(RUNNING_STATUSES, "due_at", window="soon"),
    "qua-han": Tab(RUNNING_STATUSES, "due_at", window="late"),
    "bo-sung": Tab((Status.SUPPLEMENT_REQUESTED,), "due_at"),
    "cho-tra": Tab((Status.RESOLVED,), "due_at"),
    "da-xong": Tab(DONE_STATUSES, "submitted_at", descending=True),
    "cua-toi": Tab(OPEN_STATUSES, "due_at", mine=True),
}


# --------------------------------------------------------------------------- cursors


def encode_cursor(dossier: QueueItem | Dossier, tab: str) -> str:
    """`<microseconds since 1970 UTC>.<id>` of a row's sort key: the page after (or before) it."""
    moment = getattr(dossier, TABS[tab].key)
    if moment is None:
        return f"n.{dossier.pk}"
    micros = round(moment.timestamp() * 1_000_000)
    return f"{micros}.{dossier.pk}"


def decode_cursor(text: str | None) -> tuple[datetime, int] | None:
    """The (key, id) of a cursor; None when absent or unreadable (then: the first page)."""
    if not text or len(text) > 40:
        return None
    micros, _, pk = text.partition(".")
    try:
        moment = datetime.fromtimestamp(int(micros) / 1_000_000, tz=UTC)
        number = int(pk)
    except (ValueError, OverflowError, OSError):
        return None
    if number < 1:
        return None
    return moment, number


# --------------------------------------------------------------------------- pages


@dataclass
class Page:
    rows: list[QueueItem]
    next_cursor: str | None = None  # the page after this one, if any
    previous_cursor: str | None = None  # the page before this one, if any
    first: bool = True  # this is the tab's first page
    extra: dict = field(default_factory=dict)


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def _tab_conditions(tab: Tab, *, now, soon_limit, prefix: str = "") -> tuple[list[str], list]:
    where = [f"{prefix}status IN ({_placeholders(tab.statuses)})"]
    params: list = [int(s) for s in tab.statuses]
    if tab.window == "soon":
        where.append(f"{prefix}due_at >= %s AND {prefix}due_at <= %s")
        params += [now, soon_limit]
    elif tab.window == "late":
        where.append(f"{prefix}due_at < %s")
        params.append(now)
    return where, params


def _branch(
    tab: Tab,
    *,
    table: str,
    id_column: str,
    extra_where: list[str],
    extra_params: list,
    cursor,
    backwards: bool,
    limit: int,
    now,
    soon_limit,
) -> tuple[str, list]:
    """One range in the tab's order: ids and keys after (or before) the cursor."""
    where, params = _tab_conditions(tab, now=now, soon_limit=soon_limit)
    where += extra_where
    params += extra_params
    descending = tab.descending != backwards
    if cursor is not None:
        where.append(f"({tab.key}, {id_column}) {'<' if descending else '>'} (%s, %s)")
        params += list(cursor)
    direction = "DESC" if descending else "ASC"
    # DISTINCT: one agency may hold two roles on a dossier (a department's own desk).
    sql = (
        f"SELECT DISTINCT {id_column} AS id, {tab.key} AS k FROM {table} "
        f"WHERE {' AND '.join(where)} "
        f"ORDER BY {tab.key} {direction}, {id_column} {direction} LIMIT %s"
    )
    return sql, [*params, limit]


def due_soon_limit(now: datetime | None = None) -> datetime:
    """The end of the N-th working day from today (N = TTHC_DUE_SOON_WORKING_DAYS)."""
    today = to_local(now or timezone.now()).date()
    calendar = calendar_for(None)
    day = calendar.add_working_days(today, settings.TTHC_DUE_SOON_WORKING_DAYS)
    return datetime.combine(day, time(23, 59, 59), tzinfo=VN_TZ)


def _ids(
    user, tab_name: str, agencies, *, cursor, backwards: bool, limit: int, offset: int, now
) -> list[int]:
    tab = TABS[tab_name]
    soon = due_soon_limit(now) if tab.window == "soon" else None
    descending = tab.descending != backwards
    direction = "DESC" if descending else "ASC"
    branch_limit = offset + limit
    if tab.mine or agencies is None:
        extra_where, extra_params = [], []
        if tab.mine:
            extra_where.append("assignee_id = %s")
            extra_params.append(user.pk)
            if agencies is not None:
                if not agencies:
                    return []
                extra_where.append(
                    "EXISTS (SELECT 1 FROM dossiers_dossieragency v WHERE v.dossier_id = "
                    f"dossiers_dossier.id AND v.agency_id IN ({_placeholders(agencies)}))"
                )
                extra_params += sorted(agencies)
        sql, params = _branch(
            tab,
            table="dossiers_dossier",
            id_column="id",
            extra_where=extra_where,
            extra_params=extra_params,
            cursor=cursor,
            backwards=backwards,
            limit=branch_limit,
            now=now,
            soon_limit=soon,
        )
        sql = f"SELECT id, k FROM ({sql}) q ORDER BY k {direction}, id {direction}"
    else:
        if not agencies:
            return []
        parts, params = [], []
        for number, agency in enumerate(sorted(agencies)):
            branch, branch_params = _branch(
                tab,
                table="dossiers_dossieragency",
                id_column="dossier_id",
                extra_where=["agency_id = %s"],
                extra_params=[agency],
                cursor=cursor,
                backwards=backwards,
                limit=branch_limit,
                now=now,
                soon_limit=soon,
            )
            parts.append(f"SELECT id, k FROM ({branch}) b{number}")
            params += branch_params
        sql = (
            f"SELECT DISTINCT id, k FROM ({' UNION ALL '.join(parts)}) u "
            f"ORDER BY k {direction}, id {direction}"
        )
    sql += " LIMIT %s OFFSET %s"
    params += [limit, offset]
    with connection.cursor() as db:
        db.execute(sql, _adapt(params))
        return [row[0] for row in db.fetchall()]


def _adapt(params: list) -> list:
    """Parameters as the ORM would store them (SQLite keeps naive UTC text)."""
    out = []
    for value in params:
        if isinstance(value, datetime):
            value = connection.ops.adapt_datetimefield_value(value)
        elif isinstance(value, Status):
            value = int(value)
        out.append(value)
    return out


def page(
    user,
    tab: str,
    *,
    size: int = 25,
    after: str | None = None,
    before: str | None = None,
    offset: int = 0,
    now: datetime | None = None,
    agencies=...,
) -> Page:
    """One page of a tab: `size` rows after the cursor `after`, before the cursor `before`, or
    from `offset` (the API's `page`; its cost grows with it, the cursors' does not). Two
    queries: the ids (index ranges), then those dossiers with what the page shows."""
    now = now or timezone.now()
    if agencies is ...:
        agencies = staff_agencies(user)
    backwards = before is not None and after is None
    cursor = decode_cursor(before if backwards else after)
    if cursor is None:
        backwards = False
    ids = _ids(
        user,
        tab,
        agencies,
        cursor=cursor,
        backwards=backwards,
        limit=size + 1,
        offset=0 if cursor is not None else max(0, offset),
        now=now,
    )
    more = len(ids) > size
    if backwards and not more:  # back at the start: the tab's first page, full
        return page(user, tab, size=size, now=now, agencies=agencies)
    ids = ids[:size]
    if backwards:
        ids.reverse()
    rows = items(ids)
    result = Page(rows=rows, first=cursor is None and offset <= 0)
    if backwards:
        result.first = False
        result.previous_cursor = encode_cursor(rows[0], tab) if rows else None
        result.next_cursor = encode_cursor(rows[-1], tab) if rows else None
    else:
        result.next_cursor = encode_cursor(rows[-1], tab) if more and rows else None
        if not result.first and rows:
            result.previous_cursor = encode_cursor(rows[0], tab)
    return result


# --------------------------------------------------------------------------- counts


def counts(user, *, now: datetime | None = None, agencies=...) -> dict[str, int]:
    """Every tab's count in one query: exact for the open tabs; for “da-xong” exact up to
    DONE_COUNT_CAP, DONE_COUNT_CAP + 1 meaning more (shown “1000+”)."""
    now = now or timezone.now()
    soon = due_soon_limit(now)
    if agencies is ...:  # `routing.staff_agencies(user)`, when the caller has not read it
        agencies = staff_agencies(user)
    if agencies is not None and not agencies:
        return dict.fromkeys(TABS, 0)
    running = _placeholders(RUNNING_STATUSES)
    done = _placeholders(DONE_STATUSES)
    open_queue = (Status.SUBMITTED, *RUNNING_STATUSES, Status.SUPPLEMENT_REQUESTED, Status.RESOLVED)
    sums = (
        f"SUM(CASE WHEN status = %s THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN status IN ({running}) THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN status IN ({running}) AND due_at >= %s AND due_at <= %s "
        "THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN status IN ({running}) AND due_at < %s THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN status = %s THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN status = %s THEN 1 ELSE 0 END)"
    )
    sum_params = [
        Status.SUBMITTED,
        *RUNNING_STATUSES,
        *RUNNING_STATUSES,
        now,
        soon,
        *RUNNING_STATUSES,
        now,
        Status.SUPPLEMENT_REQUESTED,
        Status.RESOLVED,
    ]
    mine_sql = (
        "SELECT COUNT(*) FROM dossiers_dossier m WHERE m.assignee_id = %s "
        f"AND m.status IN ({_placeholders(OPEN_STATUSES)})"
    )
    mine_params: list = [user.pk, *OPEN_STATUSES]
    if agencies is None:
        source = (
            f"(SELECT status, due_at FROM dossiers_dossier "
            f"WHERE status IN ({_placeholders(open_queue)})) t"
        )
        source_params = list(open_queue)
        done_sql = (
            "SELECT COUNT(*) FROM (SELECT 1 FROM dossiers_dossier "
            f"WHERE status IN ({done}) LIMIT %s) f"
        )
        done_params = [*DONE_STATUSES, DONE_COUNT_CAP + 1]
    else:
        ids = sorted(agencies)
        inside = _placeholders(ids)
        source = (
            "(SELECT DISTINCT dossier_id, status, due_at FROM dossiers_dossieragency "
            f"WHERE agency_id IN ({inside}) AND status IN ({_placeholders(open_queue)})) t"
        )
        source_params = [*ids, *open_queue]
        if len(ids) == 1:
            # One agency (most officers): its rows in the order of `dossier_agency_done`, where
            # the two roles of one dossier lie side by side; stopped at the cap, nothing sorted.
            done_sql = (
                "SELECT COUNT(*) FROM (SELECT DISTINCT submitted_at, dossier_id FROM "
                f"dossiers_dossieragency WHERE agency_id = %s AND status IN ({done}) "
                "ORDER BY submitted_at, dossier_id LIMIT %s) f"
            )
            done_params = [*ids, *DONE_STATUSES, DONE_COUNT_CAP + 1]
        else:
            done_sql = (
                "SELECT COUNT(DISTINCT dossier_id) FROM (SELECT dossier_id FROM "
                f"dossiers_dossieragency WHERE agency_id IN ({inside}) AND status IN ({done}) "
                "LIMIT %s) f"
            )
            done_params = [*ids, *DONE_STATUSES, (DONE_COUNT_CAP + 1) * _ROWS_PER_DOSSIER]
        mine_sql += (
            " AND EXISTS (SELECT 1 FROM dossiers_dossieragency v WHERE v.dossier_id = m.id "
            f"AND v.agency_id IN ({inside}))"
        )
        mine_params += ids
    sql = f"SELECT {sums}, ({done_sql}), ({mine_sql}) FROM {source}"
    params = [*sum_params, *done_params, *mine_params, *source_params]
    with connection.cursor() as db:
        db.execute(sql, _adapt(params))
        row = db.fetchone()
    moi, running_n, soon_n, late_n, supplement, resolved, done_n, mine_n = (
        int(v or 0) for v in row
    )
    return {
        "moi": moi,
        "dang-xu-ly": running_n,
        "sap-den-han": soon_n,
        "qua-han": late_n,
        "bo-sung": supplement,
        "cho-tra": resolved,
        "da-xong": min(done_n, DONE_COUNT_CAP + 1),
        "cua-toi": mine_n,
    }
