"""Notifications survive a killed web process, a killed worker and a database outage (issue 13,
found by `make fault`): the task is queued in the event's own transaction, and `resume()` queues
again what a dead worker left undone; nothing is ever sent twice by it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tthc.dossiers import notifications
from tthc.dossiers.models import DossierEvent, Notification, NotificationStatus

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
NOWHERE = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_the_notification_task_commits_with_the_submission(settings, submitted):
    """Queued after commit (`on_commit`), the task was lost when the web process died, or the
    database dropped, between the commit and the queueing: the dossier was stored and
    acknowledged on the retry, its applicant never told. Queued in the same transaction, the
    task is there as soon as the dossier is; here the commit callbacks never run, as when the
    process dies right after the commit."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_QUEUE
    dossier = submitted()
    event = dossier.events.get()
    queued = DBTaskResult.objects.filter(task_path="tthc.dossiers.tasks.notify_event_task")
    assert [task.args_kwargs["args"] for task in queued] == [[event.pk]]


def test_a_rolled_back_submission_queues_nothing(settings, submitted):
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_QUEUE
    with pytest.raises(RuntimeError), transaction.atomic():
        submitted()
        raise RuntimeError("rollback")
    assert not DBTaskResult.objects.exists()


def test_an_event_whose_task_was_lost_is_notified_once_on_resume(settings, submitted, mailoutbox):
    settings.TASKS = NOWHERE  # the task went nowhere: the worker was killed before it ran
    dossier = submitted()
    assert not Notification.objects.exists()
    settings.TASKS = IMMEDIATE
    assert notifications.resume() == 1
    assert [m.subject for m in mailoutbox] == [f"[{dossier.code}] Đã nhận hồ sơ nộp trực tuyến"]
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    notifications.resume()
    notifications.resume()
    assert len(mailoutbox) == 1


def test_a_row_left_pending_by_a_killed_worker_is_sent_once_on_resume(
    settings, submitted, mailoutbox
):
    """The worker created the rows, then was killed while sending: its transaction rolled
    back, the rows are pending with no attempt."""
    settings.TASKS = NOWHERE
    dossier = submitted()
    notifications.prepare(notifications.event_to_notify(dossier.events.get().pk))
    assert Notification.objects.filter(status=NotificationStatus.PENDING, attempts=0).count() == 2
    settings.TASKS = IMMEDIATE
    assert notifications.resume() == 2
    assert len(mailoutbox) == 1
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert notifications.resume() == 0
    assert len(mailoutbox) == 1


def test_a_failed_row_waits_for_its_retry_unless_the_retry_is_long_overdue(settings, submitted):
    settings.TASKS = NOWHERE
    dossier = submitted()
    notifications.prepare(notifications.event_to_notify(dossier.events.get().pk))
    Notification.objects.update(attempts=1, last_error="SMTP tạm lỗi")
    assert notifications.resume() == 0  # its retry is queued for 2 minutes later
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=13))
    assert notifications.resume() == 2  # 2 min backoff + 10 min grace are over: retry lost


def test_the_periodic_resume_leaves_recent_work_to_the_queue(settings, submitted):
    from tthc.dossiers.tasks import resume_notifications_task

    settings.TASKS = NOWHERE
    submitted()
    assert notifications.resume(older_than=notifications.RESUME_GRACE) == 0
    DossierEvent.objects.update(at=timezone.now() - timedelta(minutes=11))
    assert notifications.resume(older_than=notifications.RESUME_GRACE) == 1
    assert (
        600,
        "tthc.dossiers.tasks.resume_notifications_task",
    ) in settings.TTHC_PERIODIC_TASKS
    assert resume_notifications_task.func is not None


def test_events_older_than_the_window_are_left_alone(settings, submitted):
    settings.TASKS = NOWHERE
    submitted()
    DossierEvent.objects.update(at=timezone.now() - timedelta(days=8))
    assert notifications.resume() == 0
