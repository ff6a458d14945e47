"""`tthc db_worker` outlives a database restart (issue 13): the library's worker exits on the first
`OperationalError`; ours waits for the database, runs the recovery hooks (notifications left
undone are queued again) and goes on. SQLite and PostgreSQL."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django_tasks_db.models import DBTaskResult

from tthc.core.management.commands import db_worker

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
RAN: list[str] = []


def record(what: str) -> None:
    RAN.append(what)


def recovery_hook() -> None:
    RAN.append("recovered")


@pytest.fixture(autouse=True)
def _queue(settings):
    settings.TASKS = DATABASE_QUEUE
    settings.TTHC_WORKER_RECOVERY = ["tests.test_db_worker.recovery_hook"]
    RAN.clear()


def worker(**overrides) -> db_worker.ResilientWorker:
    options = {
        "queue_names": ["default"],
        "interval": 0,
        "batch": True,
        "backend_name": "default",
        "startup_delay": False,
        "max_tasks": None,
        "worker_id": "test-worker",
        "excluded_queue_names": [],
    }
    options.update(overrides)
    found = db_worker.ResilientWorker(**options)
    found.sleep = lambda seconds: RAN.append(f"slept {seconds:g}")
    return found


def outage_then(real):
    """`DBTaskResult.objects.ready` failing twice as while PostgreSQL restarts, then working."""
    calls = {"n": 0}

    def ready(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] <= 2:
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    return ready


def test_the_library_worker_dies_on_an_outage():
    """What we guard against (if the library learns to survive, ours may go)."""
    from django_tasks_db.management.commands.db_worker import Worker

    library = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="library",
        excluded_queue_names=[],
    )
    real = DBTaskResult.objects.ready
    with (
        mock.patch.object(DBTaskResult.objects, "ready", side_effect=outage_then(real)),
        pytest.raises(OperationalError),
    ):
        library.run()


def test_our_worker_waits_for_the_database_and_runs_the_queued_task():
    from tests.test_db_worker import record_task

    record_task.enqueue("after the outage")
    one = worker()
    real = DBTaskResult.objects.ready
    with mock.patch.object(DBTaskResult.objects, "ready", side_effect=outage_then(real)):
        one.run()  # batch: returns once the queue is empty
    assert RAN == [
        "recovered",  # at start: what a killed worker left
        "slept 1",
        "recovered",
        "slept 1",
        "recovered",
        "after the outage",
    ]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_the_pause_grows_while_the_database_stays_down():
    one = worker()
    attempts = {"n": 0}
    real_ensure = db_worker.connections["default"].ensure_connection

    def ensure():
        attempts["n"] += 1
        if attempts["n"] <= 6:
            raise OperationalError("connection refused")
        return real_ensure()

    with mock.patch.object(db_worker.connections["default"], "ensure_connection", ensure):
        one.wait_for_database()
    assert [r for r in RAN if r.startswith("slept")] == [
        "slept 1",
        "slept 2",
        "slept 4",
        "slept 8",
        "slept 16",
        "slept 30",
        "slept 30",
    ]


def test_a_task_failed_by_the_outage_triggers_the_recovery():
    from tests.test_db_worker import failing_task

    failing_task.enqueue()
    worker().run()
    assert RAN == ["recovered", "recovered"]
    assert DBTaskResult.objects.get().status == "FAILED"


def test_the_command_is_ours():
    from tests.test_db_worker import record_task

    record_task.enqueue("by the command")
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
    assert RAN == ["recovered", "by the command"]
    from django.core.management import get_commands

    assert get_commands()["db_worker"] == "tthc.core"


from django_tasks import task  # noqa: E402


@task()
def record_task(what: str) -> None:
    record(what)


@task()
def failing_task() -> None:
    raise OperationalError("terminating connection due to administrator command")


def test_the_queue_table_is_vacuumed_and_analysed_early_on_postgresql():
    """Every task row is written three times; with the default thresholds the claim's index
    fills with dead entries and the planner keeps the statistics of a nearly empty table."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("autovacuum is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = 'django_tasks_database_dbtaskresult'"
        )
        options = set(cursor.fetchone()[0] or [])
    assert "autovacuum_analyze_scale_factor=0.02" in options
    assert "autovacuum_vacuum_scale_factor=0.02" in options
