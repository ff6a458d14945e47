"""Background work of the platform itself: the task queue's own finished results, which the
database queue keeps (one row per task run, three a minute from the clock alone, one per
notified event) and would keep for ever."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult


@task()
def prune_task_results() -> int:
    """Delete the finished task results older than `TTHC_TASK_RESULTS_KEEP_DAYS` (failed ones:
    `TTHC_FAILED_TASK_RESULTS_KEEP_DAYS`, kept longer to be looked into); ready and running
    tasks are never touched. Returns how many were deleted."""
    now = timezone.now()
    kept = timedelta(days=settings.TTHC_TASK_RESULTS_KEEP_DAYS)
    failed_kept = timedelta(days=settings.TTHC_FAILED_TASK_RESULTS_KEEP_DAYS)
    deleted, _ = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lt=now - kept)
        | Q(status=TaskResultStatus.FAILED, finished_at__lt=now - failed_kept)
    ).delete()
    return deleted
