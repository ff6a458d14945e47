"""Background work of the catalog: imports started from the management screens, and
scheduled versions that take effect on their decision's date."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from tthc.catalog import imports, services


@task()
def run_import_job(job_id: int) -> dict:
    """Import the files of an `ImportJob`, recording progress and the per-record report."""
    job = imports.run_import_job(job_id=job_id)
    return {"status": job.status, "counts": job.counts}


@task()
def apply_due_versions_task() -> list[str]:
    """Make current the scheduled versions whose effective date has come. Enqueued by the clock
    every five minutes (`settings.TTHC_PERIODIC_TASKS`), so a decision taking effect today shows
    within minutes of midnight; one query when nothing is due."""
    applied = services.apply_due_versions(today=timezone.localdate())
    return [f"{v.procedure.code} v{v.number}" for v in applied]
