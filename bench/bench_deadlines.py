"""Deadline computations per second for each unit, with and without pauses.

Run: .venv/bin/python bench/bench_deadlines.py [--seconds 1.0]
Receipts cycle through a year of moments (weekends, evenings, Tết included) so the
figures include holiday skipping and explanation building, not one cached path.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from tthc.workdays.engine import Pause, Unit, WorkingCalendar, compute_deadline

CASES = [
    ("working_days 15", Unit.WORKING_DAYS, 15),
    ("working_days 5", Unit.WORKING_DAYS, 5),
    ("days 30", Unit.DAYS, 30),
    ("months 1", Unit.MONTHS, 1),
    ("hours 8", Unit.HOURS, 8),
    ("same_day", Unit.SAME_DAY, 1),
]


def receipts(count: int = 1000) -> list[datetime]:
    """Moments spread over 2024, every 8h47m so times of day and weekdays vary."""
    first = datetime(2024, 1, 1, 6, 0)
    return [first + timedelta(minutes=527 * i) for i in range(count)]


def rate(calendar: WorkingCalendar, unit: Unit, amount: int, with_pauses: bool, seconds: float):
    moments = receipts()
    pauses = [
        (Pause(m + timedelta(days=1), m + timedelta(days=5)),) if with_pauses else ()
        for m in moments
    ]
    done = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for moment, pause in zip(moments, pauses, strict=True):
            compute_deadline(moment, amount, unit, calendar, pauses=pause)
        done += len(moments)
    return done / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement")
    args = parser.parse_args()

    calendar = WorkingCalendar()
    for year in (2024, 2025):  # load the package data before timing
        calendar.is_working_day(datetime(year, 1, 1).date())

    print(f"{'case':<18}{'no pause /s':>14}{'1 pause /s':>14}")
    for label, unit, amount in CASES:
        plain = rate(calendar, unit, amount, False, args.seconds)
        paused = rate(calendar, unit, amount, True, args.seconds)
        print(f"{label:<18}{plain:>14,.0f}{paused:>14,.0f}")


if __name__ == "__main__":
    main()
