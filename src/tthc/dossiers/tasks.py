"""Background work of dossiers: the applicant's notifications."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import default_task_backend, task

from tthc.dossiers import notifications, pending
from tthc.dossiers.models import Notification


@task()
def notify_event_task(event_id: int) -> list[int]:
    """Create the event's notifications and send them, one after the other; one that fails
    is retried by its own task, later."""
    event = notifications.event_to_notify(event_id)
    if event is None:
        return []
    ids = notifications.prepare(event)
    for notification_id in ids:
        _deliver_or_retry(notification_id, event=event)
    return ids


@task()
def deliver_notification_task(notification_id: int) -> None:
    _deliver_or_retry(notification_id)


def _deliver_or_retry(notification_id: int, *, event=None) -> None:
    if not notifications.deliver(notification_id, event=event):
        return
    # Failed, attempts left: try again later (at once on a backend that cannot defer, e.g.
    # the immediate backend of the tests; the attempts are bounded either way).
    attempts = Notification.objects.filter(pk=notification_id).values_list("attempts", flat=True)
    delay = notifications.retry_delay(attempts[0] if attempts else 1)
    if default_task_backend.supports_defer:
        deliver_notification_task.using(run_after=timezone.now() + delay).enqueue(notification_id)
    else:
        deliver_notification_task.enqueue(notification_id)


@task()
def discard_stale_uploads_task() -> int:
    """Remove the files kept for online forms that were abandoned (see `pending`)."""
    return pending.discard_stale()


@task()
def resume_notifications_task() -> int:
    """Periodic (the clock): notifications a killed worker or an outage left undone."""
    return notifications.resume(older_than=notifications.RESUME_GRACE)
