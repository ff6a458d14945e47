"""`tthc db_worker`: django-tasks-db's worker, made to outlive a database restart.

The library's worker exits on the first `OperationalError` that is not SQLite's "database is
locked" (PostgreSQL restarting, the connection cut), and a task whose run met the outage is left
failed or "running" for good. This one logs the outage, drops the broken connections, waits with
a growing pause (1 s doubling up to 30 s) until the database answers, runs the recovery hooks of
`settings.TTHC_WORKER_RECOVERY` (notifications left undone are queued again) and goes on. The
hooks also run when the worker starts, for what a killed worker left behind. Options are the
library's (`--batch`, `--interval`, `--queue-name`, …).
"""

from __future__ import annotations

import contextlib
import logging
import time

from django.conf import settings
from django.db import connections
from django.utils.module_loading import import_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands import db_worker as base

from tthc.core.outage import DATABASE_ERRORS

logger = logging.getLogger("tthc.worker")

FIRST_PAUSE = 1.0
LONGEST_PAUSE = 30.0


def _close_connections() -> None:
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(*DATABASE_ERRORS):  # already broken: closing is all we want
            connection.close()


class ResilientWorker(base.Worker):
    sleep = staticmethod(time.sleep)

    def run(self) -> None:
        recovered = False
        while self.running:
            try:
                if not recovered:
                    self.recover()
                    recovered = True
                return super().run()
            except DATABASE_ERRORS as exc:
                if not self.running:
                    return None
                logger.warning(
                    "Mất kết nối cơ sở dữ liệu (%s: %s); tiến trình nền chờ kết nối lại.",
                    type(exc).__name__,
                    str(exc).strip()[:200],
                )
                self.wait_for_database()
                recovered = False
        return None

    def run_task(self, db_task_result) -> None:
        super().run_task(db_task_result)
        if db_task_result.status == TaskResultStatus.FAILED and any(
            db_task_result.exception_class_path.endswith(f".{kind.__name__}")
            for kind in DATABASE_ERRORS
        ):
            # The task met the outage but its failure was recorded: its work is queued again.
            self.recover()

    def wait_for_database(self) -> None:
        pause = FIRST_PAUSE
        while self.running:
            _close_connections()
            self.sleep(pause)
            try:
                connections["default"].ensure_connection()
            except DATABASE_ERRORS:
                pause = min(pause * 2, LONGEST_PAUSE)
                continue
            logger.warning("Đã kết nối lại cơ sở dữ liệu; tiến trình nền chạy tiếp.")
            return

    def recover(self) -> None:
        for path in getattr(settings, "TTHC_WORKER_RECOVERY", []):
            try:
                import_string(path)()
            except DATABASE_ERRORS:
                raise  # the database went away again: the run loop waits for it
            except Exception:
                logger.exception("Bước phục hồi %s thất bại", path)


class Command(base.Command):
    help = (
        "Tiến trình chạy tác vụ nền (django-tasks-db), chạy tiếp sau khi cơ sở dữ liệu khởi "
        "động lại."
    )

    def handle(self, **options) -> None:
        # The library's handle() builds `Worker` from its module: ours in its place for this run.
        library_worker = base.Worker
        base.Worker = ResilientWorker
        try:
            super().handle(**options)
        finally:
            base.Worker = library_worker
