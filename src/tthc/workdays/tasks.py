"""Background work: recompute open deadlines after a calendar change."""

from __future__ import annotations

from django_tasks import task

from tthc.workdays.models import CalendarOverride
from tthc.workdays.registry import recompute_open_deadlines


@task()
def recompute_deadlines_task(override_id: int | None, reason: str) -> dict:
    """Recompute every registered open deadline; ``override_id`` links the log rows to the
    override that caused the change (None after a removal, or if it is gone meanwhile).

    Runs against the calendar as it is when the task runs, so two changes queued close together
    still leave every deadline right, whatever order they run in.
    """
    override = (
        CalendarOverride.objects.filter(pk=override_id).first() if override_id is not None else None
    )
    return recompute_open_deadlines(reason, override=override).as_dict()
