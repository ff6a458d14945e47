"""Background work: every minute (`settings.TTHC_PERIODIC_TASKS`, enqueued by `tthc clock`,
run by the worker) the live visit counts are moved into the database."""

from __future__ import annotations

import logging

from django_tasks import task

from tthc.metrics import facts, services
from tthc.metrics.store import StoreUnavailable

logger = logging.getLogger(__name__)


@task()
def flush_visits() -> dict:
    """Move the pending visit counts into the database (idempotent; see services)."""
    try:
        return services.flush_visits().as_dict()
    except StoreUnavailable as exc:
        logger.warning(
            "Thống kê truy cập: chưa ghi được số liệu, Redis không truy cập được (%s)", exc
        )
        return {"error": "store_unavailable"}


@task()
def refresh_dossier_facts() -> dict:
    """Bring the index 766 facts up to date with the dossiers' new events (idempotent)."""
    return facts.refresh_changed().as_dict()
