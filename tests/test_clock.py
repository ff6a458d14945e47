"""The clock enqueues each periodic task at its interval; one failing task never stops the rest."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.module_loading import import_string
from django_tasks.base import Task

from tthc.core import clock


class Recorder:
    def __init__(self, fail: bool = False):
        self.calls = 0
        self.fail = fail

    def enqueue(self):
        self.calls += 1
        if self.fail:
            raise ConnectionError("hàng đợi không phản hồi")


@pytest.fixture
def two_tasks(monkeypatch):
    fast, slow = Recorder(), Recorder()
    monkeypatch.setattr(
        clock.PeriodicTask,
        "enqueue",
        lambda self: {"fast": fast, "slow": slow}[self.path].enqueue(),
    )
    return [clock.PeriodicTask(60, "fast"), clock.PeriodicTask(3600, "slow")], fast, slow


def test_each_task_runs_at_start_then_at_its_own_interval(two_tasks):
    tasks, fast, slow = two_tasks
    assert clock.tick(tasks, 1000.0) == ["fast", "slow"]
    assert clock.tick(tasks, 1030.0) == []
    assert clock.tick(tasks, 1060.0) == ["fast"]
    for minute in range(2, 61):
        clock.tick(tasks, 1000.0 + 60 * minute)
    assert (fast.calls, slow.calls) == (61, 2)


def test_a_task_that_cannot_be_enqueued_does_not_stop_the_others(two_tasks, caplog):
    tasks, fast, slow = two_tasks
    fast.fail = True
    assert clock.tick(tasks, 0.0) == ["slow"]
    assert "fast" in caplog.text
    # Tried again at its next interval, not in a tight loop.
    assert clock.tick(tasks, 1.0) == []
    assert (fast.calls, slow.calls) == (1, 1)


def test_every_configured_periodic_task_is_a_real_task():
    assert settings.TTHC_PERIODIC_TASKS
    for interval, path in settings.TTHC_PERIODIC_TASKS:
        assert interval >= 60, path
        assert isinstance(import_string(path), Task), path


@pytest.mark.django_db
def test_clock_once_enqueues_every_periodic_task(capsys):
    call_command("clock", "--once")
    out = capsys.readouterr().out
    for _, path in settings.TTHC_PERIODIC_TASKS:
        assert f"Đã đưa vào hàng đợi: {path}" in out


@pytest.mark.django_db
def test_finished_task_results_are_pruned_after_their_days_and_waiting_tasks_never(settings):
    """The database queue keeps a row per task run; without pruning the table grows for ever
    (the clock alone queues three tasks a minute)."""
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult, get_date_max

    from tthc.core.tasks import prune_task_results

    settings.TTHC_TASK_RESULTS_KEEP_DAYS = 7
    settings.TTHC_FAILED_TASK_RESULTS_KEEP_DAYS = 30
    now = timezone.now()

    def row(name, status, days_ago):
        return DBTaskResult(
            task_path=f"tests.{name}",
            args_kwargs={"args": [], "kwargs": {}},
            status=status,
            enqueued_at=now - timedelta(days=days_ago),
            run_after=get_date_max(),
            finished_at=(
                now - timedelta(days=days_ago) if status in ("SUCCESSFUL", "FAILED") else None
            ),
            backend_name="default",
        )

    DBTaskResult.objects.bulk_create(
        [
            row("old_success", "SUCCESSFUL", 8),
            row("recent_success", "SUCCESSFUL", 6),
            row("old_failure", "FAILED", 31),
            row("recent_failure", "FAILED", 8),
            row("waiting_long", "READY", 60),
            row("running_long", "RUNNING", 60),
        ]
    )
    assert prune_task_results.call() == 2
    left = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert left == {
        "tests.recent_success",
        "tests.recent_failure",
        "tests.waiting_long",
        "tests.running_long",
    }
