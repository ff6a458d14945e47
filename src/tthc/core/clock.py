"""The clock: enqueues the periodic tasks of `settings.TTHC_PERIODIC_TASKS` at their intervals.

One clock process per installation (`tthc clock`, started by `make run` beside the worker); the
tasks themselves run in the worker, so a slow one never delays the others. Every periodic task is
idempotent: running it twice, or late after a restart, changes nothing more than running it once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("tthc.clock")


@dataclass
class PeriodicTask:
    interval: float
    path: str
    next_run: float = 0.0

    def enqueue(self) -> None:
        import_string(self.path).enqueue()


def periodic_tasks() -> list[PeriodicTask]:
    return [PeriodicTask(float(interval), path) for interval, path in settings.TTHC_PERIODIC_TASKS]


def tick(tasks: list[PeriodicTask], now: float) -> list[str]:
    """Enqueue every task that is due at `now`; return their paths. A task that fails to be
    enqueued is logged and tried again at its next interval, never stopping the others."""
    enqueued = []
    for task in tasks:
        if now < task.next_run:
            continue
        task.next_run = now + task.interval
        try:
            task.enqueue()
        except Exception:
            logger.exception("Không đưa được tác vụ định kỳ %s vào hàng đợi", task.path)
            continue
        enqueued.append(task.path)
    return enqueued


def run_forever(
    *, sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic
) -> None:
    tasks = periodic_tasks()
    while True:
        for path in tick(tasks, clock()):
            logger.info("Đã đưa vào hàng đợi: %s", path)
        sleep(max(1.0, min(t.next_run for t in tasks) - clock()))
