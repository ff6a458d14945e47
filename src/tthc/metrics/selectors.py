"""Reads: the footer's four figures and the editors' report.

Every figure is the persisted database figure plus the live deltas not yet flushed, so the
numbers never jump when the flush runs. The database part of the footer is cached for a minute,
keyed by the live store's flush generation (bumped by each flush), so most pages cost no query
and none shows a flushed delta twice.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from tthc.core.models import User
from tthc.dossiers.routing import with_descendants
from tthc.metrics import visitors
from tthc.metrics.models import DailyPageViews, DailySearch, DailyVisits
from tthc.metrics.store import Live, StoreUnavailable, get_store
from tthc.org import policy
from tthc.org.models import Agency
from tthc.org.policy import Action

DB_CACHE_SECONDS = 60
MAX_RANGE_DAYS = 366


@dataclass(frozen=True)
class FooterStats:
    online: int | None  # None when the live store can't be reached
    today: int
    month: int
    total: int


def total_offset() -> int:
    """Visitors carried over from the old site (`TTHC_VISITS_TOTAL_OFFSET`)."""
    try:
        return max(0, int(getattr(settings, "TTHC_VISITS_TOTAL_OFFSET", 0) or 0))
    except (TypeError, ValueError):
        return 0


def _live(day: date | None = None, visitor: str | None = None) -> Live | None:
    try:
        return get_store().live(now=time.time(), day=day, visitor=visitor)
    except StoreUnavailable:
        return None


def _visitor(request, day: date) -> str | None:
    """The hash of the person viewing this page, if the page is one that counts them: the
    middleware records the visit only after the page is rendered, so without this the first
    visitor of the day would read "Hôm nay: 0" on the page that counts them."""
    if request is None or request.method != "GET" or visitors.excluded_path(request.path):
        return None
    if not visitors.countable_visitor(request):
        return None
    try:
        salt = get_store().salt(day)
    except StoreUnavailable:
        return None
    return visitors.visitor_hash(salt, visitors.client_ip(request), visitors.user_agent(request))


def _persisted(today: date, generation: int | str) -> dict:
    store_key = hashlib.sha256(get_store().key.encode()).hexdigest()[:12]
    key = f"metrics:visits:db:{store_key}:{today:%Y%m%d}:{generation}"
    figures = cache.get(key)
    if figures is None:
        figures = DailyVisits.objects.aggregate(
            total=Sum("visitors"),
            month=Sum("visitors", filter=Q(date__gte=today.replace(day=1), date__lte=today)),
            today=Sum("visitors", filter=Q(date=today)),
        )
        figures = {k: int(v or 0) for k, v in figures.items()}
        cache.set(key, figures, DB_CACHE_SECONDS)
    return figures


def footer_stats(request=None) -> FooterStats:
    """ "Đang truy cập", "Hôm nay", "Tháng hiện tại", "Tổng" (definitions: docs/metrics.md),
    including the visit of the person `request` comes from when it is about to be counted."""
    today = timezone.localdate()
    live = _live(today, _visitor(request, today))
    db = _persisted(today, live.generation if live else "offline")
    days = live.days if live else {}
    pending_today = days.get(today, [0, 0])[0]
    pending_month = sum(
        v for d, (v, _) in days.items() if d.year == today.year and d.month == today.month
    )
    pending_all = sum(v for v, _ in days.values())
    this_visit = int(live is not None and not live.visitor_seen_today)
    return FooterStats(
        online=live.online + int(not live.visitor_online) if live else None,
        today=db["today"] + pending_today + this_visit,
        month=db["month"] + pending_month + this_visit,
        total=total_offset() + db["total"] + pending_all + this_visit,
    )


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class DayRow:
    day: date
    visitors: int
    page_views: int
    visitors_pct: int  # bar length, % of the largest day in the range
    views_pct: int


@dataclass(frozen=True)
class Daily:
    start: date
    end: date
    rows: list[DayRow]
    visitors: int
    page_views: int


def default_range(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return today - timedelta(days=29), today


def clamp_range(start: date | None, end: date | None) -> tuple[date, date]:
    """A valid range: defaults for what is missing, start before end, at most a year."""
    default_start, default_end = default_range()
    # Far from date.min and date.max, so that the arithmetic below and in `daily` can't
    # overflow (`?den=0001-01-01` was a 500).
    low, high = date(1900, 1, 1), date(9000, 12, 31)
    start = min(max(start, low), high) if start else None
    end = min(max(end, low), high) if end else default_end
    start = start or end - (default_end - default_start)
    if start > end:
        start, end = end, start
    if (end - start).days >= MAX_RANGE_DAYS:
        start = end - timedelta(days=MAX_RANGE_DAYS - 1)
    return start, end


def daily(start: date, end: date) -> Daily:
    """Visitors and page views for every day of the range (live deltas included), oldest first."""
    figures = {
        row["date"]: [row["visitors"], row["page_views"]]
        for row in DailyVisits.objects.filter(date__gte=start, date__lte=end).values(
            "date", "visitors", "page_views"
        )
    }
    live = _live()
    for day, (visitor_count, views) in (live.days if live else {}).items():
        if start <= day <= end:
            counts = figures.setdefault(day, [0, 0])
            counts[0] += visitor_count
            counts[1] += views
    values = [
        (start + timedelta(days=i), *figures.get(start + timedelta(days=i), [0, 0]))
        for i in range((end - start).days + 1)
    ]
    top_visitors = max([v for _, v, _ in values] + [1])
    top_views = max([pv for _, _, pv in values] + [1])
    rows = [
        DayRow(day, v, pv, round(100 * v / top_visitors), round(100 * pv / top_views))
        for day, v, pv in values
    ]
    return Daily(
        start=start,
        end=end,
        rows=rows,
        visitors=sum(r.visitors for r in rows),
        page_views=sum(r.page_views for r in rows),
    )


def top_pages(start: date, end: date) -> QuerySet:
    """Pages by views over the range (flushed figures): rows of {path, views}."""
    return (
        DailyPageViews.objects.filter(date__gte=start, date__lte=end)
        .values("path")
        .annotate(total=Sum("views"))
        .order_by("-total", "path")
    )


def top_searches(start: date, end: date) -> QuerySet:
    """Search queries by count over the range (flushed figures): {query, total, zero}."""
    return (
        DailySearch.objects.filter(date__gte=start, date__lte=end)
        .values("query")
        .annotate(total=Sum("searches"), zero=Sum("zero_results"))
        .order_by("-total", "query")
    )


def zero_result_searches(start: date, end: date) -> QuerySet:
    """Queries that found nothing, most frequent first: {query, zero, total}."""
    return (
        DailySearch.objects.filter(date__gte=start, date__lte=end, zero_results__gt=0)
        .values("query")
        .annotate(zero=Sum("zero_results"), total=Sum("searches"))
        .order_by("-zero", "query")
    )


def choosable_agencies(user: User, action: Action) -> tuple[bool, list[Agency]]:
    """Whether `user` may see the whole province for `action` (the index, report 06), and the
    agencies they may choose: every active agency, or those where they hold the grant (first)
    and those below them."""
    granted = policy.granted_agencies(user, action)
    rows = Agency.objects.filter(is_active=True).select_related("unit")
    if granted is None:
        return True, list(rows.order_by("unit__level", "name"))
    rows = rows.filter(pk__in=with_descendants(set(granted)))
    return False, sorted(rows, key=lambda a: (a.pk not in granted, a.unit.level, a.name))
