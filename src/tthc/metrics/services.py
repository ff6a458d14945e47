"""Writes: move the live store's pending counts into the database (`flush_visits`).

Run every minute by the clock (`tthc.metrics.tasks.flush_visits`), by hand with
`tthc flush-visits`, and, with the in-process memory store, by the web process itself.
Exact: the deltas are taken aside atomically under a batch id, added to the daily rows in one
transaction that also records the batch id, then dropped. Running it twice adds nothing; a batch
left behind by a crash is applied by the next run, once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tthc.metrics.models import DailyPageViews, DailySearch, DailyVisits, FlushBatch
from tthc.metrics.store import Batch, StoreUnavailable, VisitStore, get_store

logger = logging.getLogger(__name__)

CHUNK = 500
BATCH_RETENTION_DAYS = 10  # longer than the live store keeps a batch (7 days)


@dataclass
class FlushResult:
    batch: str = ""
    visitors: int = 0
    page_views: int = 0
    pages: int = 0
    searches: int = 0
    applied: bool = False
    busy: bool = False

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _apply_days(batch: Batch) -> None:
    existing = {
        row.date: row
        for row in DailyVisits.objects.select_for_update().filter(date__in=list(batch.days))
    }
    create = []
    for day, (visitors, views) in batch.days.items():
        row = existing.get(day)
        if row is None:
            create.append(DailyVisits(date=day, visitors=visitors, page_views=views))
        else:
            row.visitors += visitors
            row.page_views += views
    DailyVisits.objects.bulk_update(existing.values(), ["visitors", "page_views"])
    DailyVisits.objects.bulk_create(create)


def _apply_keyed(model, items: dict, key_field: str, apply) -> None:
    """Add `items` ((date, key) → delta) to `model`'s rows, creating the missing ones."""
    by_day: dict[date, list[str]] = {}
    for day, key in items:
        by_day.setdefault(day, []).append(key)
    for day, keys in by_day.items():
        for part in _chunks(keys):
            rows = model.objects.select_for_update().filter(date=day, **{f"{key_field}__in": part})
            existing = {getattr(row, key_field): row for row in rows}
            create, update = [], []
            for key in part:
                row = existing.get(key)
                if row is None:
                    row = model(date=day, **{key_field: key})
                    create.append(row)
                else:
                    update.append(row)
                apply(row, items[(day, key)])
            if update:
                fields = ["views"] if model is DailyPageViews else ["searches", "zero_results"]
                model.objects.bulk_update(update, fields)
            model.objects.bulk_create(create)


def _add_views(row: DailyPageViews, delta: int) -> None:
    row.views += delta


def _add_searches(row: DailySearch, delta: list[int]) -> None:
    row.searches += delta[0]
    row.zero_results += delta[1]


def apply_batch(*, batch: Batch) -> bool:
    """Add one drained batch to the database, once. False when it was already applied."""
    with transaction.atomic():
        _, created = FlushBatch.objects.get_or_create(id=batch.id)
        if not created:
            return False
        _apply_days(batch)
        _apply_keyed(DailyPageViews, batch.pages, "path", _add_views)
        _apply_keyed(DailySearch, batch.searches, "query", _add_searches)
    return True


def _prune(today: date) -> None:
    FlushBatch.objects.filter(
        flushed_at__lt=timezone.now() - timedelta(days=BATCH_RETENTION_DAYS)
    ).delete()
    keep = int(getattr(settings, "TTHC_VISITS_DETAIL_RETENTION_DAYS", 0) or 0)
    if keep > 0:
        cutoff = today - timedelta(days=keep)
        DailyPageViews.objects.filter(date__lt=cutoff).delete()
        DailySearch.objects.filter(date__lt=cutoff).delete()


def flush_visits(*, store: VisitStore | None = None) -> FlushResult:
    """Move the pending counts of the live store into the database.

    Raises `StoreUnavailable` when the live store can't be reached (nothing is lost: the
    counts stay there until the next run)."""
    store = store or get_store()
    with store.flush_lock() as acquired:
        if not acquired:
            return FlushResult(busy=True)
        batch = store.begin_drain()
        if batch is None:
            return FlushResult()
        applied = apply_batch(batch=batch)
        store.finish_drain(batch.id)
    _prune(timezone.localdate())
    return FlushResult(
        batch=batch.id,
        visitors=sum(v for v, _ in batch.days.values()),
        page_views=sum(pv for _, pv in batch.days.values()),
        pages=len(batch.pages),
        searches=sum(s for s, _ in batch.searches.values()),
        applied=applied,
    )


__all__ = ["FlushResult", "StoreUnavailable", "apply_batch", "flush_visits"]
