"""Working-day calendar and deadline engine, against the real 2024-2026 schedules.

Calendar facts used below (civil-servant schedule):
2024  Tết: Thu 08/02 - Wed 14/02 off (weekdays 8, 9, 12, 13, 14); Giỗ Tổ Thu 18/04;
      Mon 29/04 off (swapped), Tue 30/04, Wed 01/05 off, Sat 04/05 worked; Mon 02/09, Tue 03/09.
2025  Tết: Mon 27/01 - Fri 31/01; Giỗ Tổ Mon 07/04; Sat 26/04 worked; Wed 30/04, Thu 01/05,
      Fri 02/05 (swapped) off; Mon 01/09, Tue 02/09.
2026  Tết: Mon 16/02 - Fri 20/02; Giỗ Tổ Sun 26/04 -> Mon 27/04 off; Thu 30/04, Fri 01/05.
Every expected deadline is worked out by hand in the comment next to it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tthc.workdays.engine import (
    VN_TZ,
    CalendarError,
    DayException,
    DeadlineError,
    OfficeHours,
    Override,
    Pause,
    StepKind,
    Unit,
    WorkdaysError,
    WorkingCalendar,
    add_months,
    classify_finish,
    classify_open,
    compute_deadline,
)

CAL = WorkingCalendar()


def at(y: int, m: int, d: int, hh: int = 17, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


def due(received: datetime, amount, unit, calendar: WorkingCalendar = CAL, **kw) -> datetime:
    return compute_deadline(received, amount, unit, calendar, **kw).due_at


# --------------------------------------------------------------------------- calendar

OFFICIAL_DAYS_OFF = [
    # 2024
    date(2024, 1, 1),
    *(date(2024, 2, d) for d in (8, 9, 12, 13, 14)),
    date(2024, 4, 18),
    date(2024, 4, 29),
    date(2024, 4, 30),
    date(2024, 5, 1),
    date(2024, 9, 2),
    date(2024, 9, 3),
    # 2025
    date(2025, 1, 1),
    *(date(2025, 1, d) for d in range(27, 32)),
    date(2025, 4, 7),
    date(2025, 4, 30),
    date(2025, 5, 1),
    date(2025, 5, 2),
    date(2025, 9, 1),
    date(2025, 9, 2),
    # 2026
    date(2026, 1, 1),
    *(date(2026, 2, d) for d in range(16, 21)),
    date(2026, 4, 27),
    date(2026, 4, 30),
    date(2026, 5, 1),
]
OFFICIAL_SATURDAYS_WORKED = [date(2024, 5, 4), date(2025, 4, 26)]
ORDINARY_WORKDAYS = [
    date(2024, 2, 7),  # Wed before Tết
    date(2024, 2, 15),  # Thu after Tết
    date(2024, 5, 2),
    date(2024, 9, 4),
    date(2025, 2, 3),
    date(2025, 4, 29),  # Tue between the worked Saturday and 30/4
    date(2025, 9, 3),
    date(2026, 2, 23),
    date(2026, 4, 28),
]


@pytest.mark.parametrize("day", OFFICIAL_DAYS_OFF, ids=str)
def test_official_days_off(day):
    assert not CAL.is_working_day(day)
    assert CAL.reason(day)


@pytest.mark.parametrize("day", OFFICIAL_SATURDAYS_WORKED, ids=str)
def test_official_saturdays_worked(day):
    assert day.weekday() == 5
    assert CAL.is_working_day(day)
    assert CAL.reason(day).startswith("Làm bù")


@pytest.mark.parametrize("day", ORDINARY_WORKDAYS, ids=str)
def test_ordinary_workdays(day):
    assert CAL.is_working_day(day)
    assert CAL.reason(day) is None


def test_reasons():
    assert CAL.reason(date(2024, 2, 10)) == "Tết Nguyên Đán"  # Saturday and Tết: the holiday wins
    assert CAL.reason(date(2024, 4, 14)) == "Chủ nhật"
    assert CAL.reason(date(2024, 4, 13)) == "Thứ Bảy"
    assert "Giỗ Tổ" in CAL.reason(date(2026, 4, 27))
    assert CAL.reason(date(2024, 5, 4)) == "Làm bù cho ngày nghỉ 29/04/2024"
    assert CAL.reason(date(2025, 4, 26)) == "Làm bù cho ngày nghỉ 02/05/2025"


def test_year_exceptions_2024():
    exceptions = CAL.year_exceptions(2024)
    assert exceptions == sorted(exceptions)
    off = [e.date for e in exceptions if not e.is_working]
    on = [e.date for e in exceptions if e.is_working]
    assert off == [d for d in OFFICIAL_DAYS_OFF if d.year == 2024]  # weekday holidays only
    assert on == [date(2024, 5, 4)]
    assert DayException(date(2024, 4, 18), False, "Ngày Giỗ Tổ Hùng Vương") in exceptions


def test_year_exceptions_2026_sunday_holiday_is_not_listed():
    days = [e.date for e in CAL.year_exceptions(2026)]
    assert date(2026, 4, 26) not in days  # a Sunday anyway
    assert date(2026, 4, 27) in days


def test_calendar_navigation():
    assert CAL.next_working_day(date(2024, 2, 7)) == date(2024, 2, 15)
    assert CAL.next_working_day(date(2024, 5, 3)) == date(2024, 5, 4)  # worked Saturday
    assert CAL.working_day_on_or_after(date(2024, 2, 15)) == date(2024, 2, 15)
    assert CAL.working_day_on_or_after(date(2024, 2, 10)) == date(2024, 2, 15)
    assert CAL.add_working_days(date(2024, 2, 7), 5) == date(2024, 2, 21)
    assert CAL.add_working_days(date(2024, 2, 7), 0) == date(2024, 2, 7)
    # d with 07/02 < d <= 21/02: 15, 16, 19, 20, 21
    assert CAL.working_days_between(date(2024, 2, 7), date(2024, 2, 21)) == 5
    assert CAL.working_days_between(date(2024, 2, 21), date(2024, 2, 7)) == -5
    assert CAL.working_days_between(date(2024, 2, 7), date(2024, 2, 7)) == 0
    # a datetime stands for its local date: 17:30 UTC on 09/02 is 00:30 on 10/02 in Hanoi
    assert not CAL.is_working_day(datetime(2024, 2, 9, 17, 30, tzinfo=UTC))
    assert CAL.is_working_day(datetime(2024, 2, 15, 9, 0))


# --------------------------------------------------------------------------- overrides

LOCAL_DAY_OFF = Override(
    date(2024, 4, 16), False, "Nghỉ phục vụ bầu cử", "Quyết định số 123/QĐ-UBND"
)
LOCAL_SATURDAY = Override(date(2024, 4, 13), True, "Làm việc tiếp dân", "Quyết định số 45/QĐ-UBND")
LOCAL = WorkingCalendar([LOCAL_DAY_OFF, LOCAL_SATURDAY])


def test_override_makes_weekday_off():
    assert not LOCAL.is_working_day(date(2024, 4, 16))
    assert "ngày nghỉ theo Quyết định số 123/QĐ-UBND" in LOCAL.reason(date(2024, 4, 16))
    # Mon 15/04 + 2 wd: 16 off (override), 17 (1), 18 off (Giỗ Tổ), 19 (2)
    deadline = compute_deadline(at(2024, 4, 15, 9), 2, "working_days", LOCAL)
    assert deadline.due_at == at(2024, 4, 19)
    assert any(
        "Bỏ qua 16/04/2024 (Thứ Ba): Nghỉ phục vụ bầu cử" in line for line in deadline.explanation
    )
    # without the override: 16 (1), 17 (2)
    assert due(at(2024, 4, 15, 9), 2, "working_days") == at(2024, 4, 17)


def test_override_makes_saturday_working():
    assert LOCAL.is_working_day(date(2024, 4, 13))
    assert "Quyết định số 45/QĐ-UBND" in LOCAL.reason(date(2024, 4, 13))
    # Fri 12/04 + 1 wd -> Sat 13/04 (worked by decision)
    assert due(at(2024, 4, 12, 9), 1, "working_days", LOCAL) == at(2024, 4, 13)
    assert due(at(2024, 4, 12, 9), 1, "working_days") == at(2024, 4, 15)


def test_override_beats_package():
    calendar = WorkingCalendar([Override(date(2024, 4, 18), True, "Trực giải quyết hồ sơ")])
    assert calendar.is_working_day(date(2024, 4, 18))
    assert calendar.reason(date(2024, 4, 18)).startswith("Trực giải quyết hồ sơ (ngày làm việc")
    assert date(2024, 4, 18) not in [e.date for e in calendar.year_exceptions(2024)]


def test_year_exceptions_include_overrides():
    exceptions = {e.date: e for e in LOCAL.year_exceptions(2024)}
    assert not exceptions[date(2024, 4, 16)].is_working
    assert exceptions[date(2024, 4, 13)].is_working


def test_overrides_do_not_leak_between_calendars():
    assert CAL.is_working_day(date(2024, 4, 16))
    assert not CAL.is_working_day(date(2024, 4, 13))


# --------------------------------------------------------------------------- working_days


@pytest.mark.parametrize(
    ("received", "amount", "expected"),
    [
        # Wed 07/02/2024: 8-14 Tết, 15 (1), 16 (2), 19 (3), 20 (4), 21 (5)
        (at(2024, 2, 7, 10), 5, at(2024, 2, 21)),
        # Sat 10/02/2024 (Tết) -> starts Thu 15/02 07:30: 16 (1), 19 (2), 20 (3)
        (at(2024, 2, 10, 9), 3, at(2024, 2, 20)),
        # Wed 17/04/2024: 18 Giỗ Tổ, 19 (1), 22 (2)
        (at(2024, 4, 17, 9), 2, at(2024, 4, 22)),
        # Fri 26/04/2024: 27-28 weekend, 29/04 swapped, 30/04, 01/05 off, 2 (1), 3 (2), Sat 4 (3)
        (at(2024, 4, 26, 14), 3, at(2024, 5, 4)),
        # Sat 04/05/2024 is worked, so it is the receipt day: next working day Mon 06/05
        (at(2024, 5, 4, 10), 1, at(2024, 5, 6)),
        # Fri 30/08/2024: 31, 1 weekend, 2-3/9 off, Wed 04/09 (1)
        (at(2024, 8, 30, 16), 1, at(2024, 9, 4)),
        # Fri 24/01/2025: 25-26 weekend, 27-31 Tết, 1-2/2 weekend, Mon 03/02 (1)
        (at(2025, 1, 24, 10), 1, at(2025, 2, 3)),
        # Fri 25/04/2025: Sat 26/04 worked (1)
        (at(2025, 4, 25, 10), 1, at(2025, 4, 26)),
        # Fri 25/04/2025: 26 (1), 27 Sun, Mon 28 (2)
        (at(2025, 4, 25, 10), 2, at(2025, 4, 28)),
        # Tue 29/04/2025: 30/4, 1/5, 2/5 (swapped) off, 3-4 weekend, Mon 05/05 (1)
        (at(2025, 4, 29, 10), 1, at(2025, 5, 5)),
        # Fri 29/08/2025: 30-31 weekend, 1-2/9 off, Wed 03/09 (1)
        (at(2025, 8, 29, 10), 1, at(2025, 9, 3)),
        # Fri 13/02/2026: 14-15 weekend, 16-20 Tết, 21-22 weekend, Mon 23/02 (1)
        (at(2026, 2, 13, 10), 1, at(2026, 2, 23)),
        # Fri 24/04/2026: 25 Sat, 26 Sun (Giỗ Tổ), 27 Mon off in lieu, Tue 28 (1)
        (at(2026, 4, 24, 10), 1, at(2026, 4, 28)),
        # Fri 24/04/2026: 28 (1), 29 (2), 30/4 + 1/5 off, 2-3 weekend, Mon 04/05 (3)
        (at(2026, 4, 24, 10), 3, at(2026, 5, 4)),
        # 0 working days: the end of the receipt day
        (at(2024, 4, 15, 9), 0, at(2024, 4, 15)),
    ],
)
def test_working_days(received, amount, expected):
    assert due(received, amount, Unit.WORKING_DAYS) == expected


def test_receipt_after_closing_counts_from_next_working_day():
    # Mon 15/04/2024 16:59 is in office hours: Tue 16 (1)
    assert due(at(2024, 4, 15, 16, 59), 1, "working_days") == at(2024, 4, 16)
    # 17:00 sharp is closed: received Tue 16 07:30, Wed 17 (1)
    deadline = compute_deadline(at(2024, 4, 15, 17, 0), 1, "working_days", CAL)
    assert deadline.effective_start == at(2024, 4, 16, 7, 30)
    assert deadline.due_at == at(2024, 4, 17)


def test_receipt_on_weekend_and_before_opening():
    # Sun 14/04/2024 -> Mon 15/04 07:30; 1 wd -> Tue 16
    deadline = compute_deadline(at(2024, 4, 14, 10), 1, "working_days", CAL)
    assert deadline.effective_start == at(2024, 4, 15, 7, 30)
    assert deadline.due_at == at(2024, 4, 16)
    # Mon 15/04 06:00 -> same day 07:30
    assert compute_deadline(at(2024, 4, 15, 6), 1, "working_days", CAL).effective_start == at(
        2024, 4, 15, 7, 30
    )


def test_explanation_for_tet():
    deadline = compute_deadline(at(2024, 2, 7, 10), 5, "working_days", CAL)
    lines = deadline.explanation
    assert lines[0] == "Tiếp nhận hồ sơ lúc 10 giờ 00 phút, ngày 07/02/2024 (Thứ Tư)"
    assert "Bỏ qua 10/02/2024 (Thứ Bảy): Tết Nguyên Đán" in lines
    assert "Bỏ qua 08/02/2024 (Thứ Năm): 29 Tết" in lines
    assert "Bỏ qua 17/02/2024 (Thứ Bảy): nghỉ cuối tuần" in lines
    assert "Ngày làm việc thứ 3: 19/02/2024 (Thứ Hai)" in lines
    assert lines[-1] == "Hạn giải quyết: 17 giờ 00 phút, ngày 21 tháng 02 năm 2024"
    skipped = [s.date for s in deadline.steps if s.kind is StepKind.SKIP]
    assert skipped == [date(2024, 2, d) for d in (8, 9, 10, 11, 12, 13, 14, 17, 18)]


def test_explanation_for_receipt_on_holiday():
    lines = compute_deadline(at(2024, 2, 10, 9), 3, "working_days", CAL).explanation
    assert (
        "Tiếp nhận vào ngày nghỉ (Tết Nguyên Đán): coi như tiếp nhận lúc 07 giờ 30 phút, "
        "ngày 15/02/2024 (Thứ Năm)"
    ) in lines


# --------------------------------------------------------------------------- days and months


@pytest.mark.parametrize(
    ("received", "amount", "expected"),
    [
        # Mon 01/04/2024 + 10 days = Thu 11/04, a working day
        (at(2024, 4, 1, 9), 10, at(2024, 4, 11)),
        # Mon 08/04/2024 + 10 days = Thu 18/04 Giỗ Tổ -> Fri 19/04
        (at(2024, 4, 8, 9), 10, at(2024, 4, 19)),
        # Fri 19/04/2024 + 10 days = Mon 29/04 (swapped day off), 30/4, 1/5 off -> Thu 02/05
        (at(2024, 4, 19, 10), 10, at(2024, 5, 2)),
        # Wed 03/01/2024 + 4 days = Sun 07/01 -> Mon 08/01
        (at(2024, 1, 3, 10), 4, at(2024, 1, 8)),
        # Wed 24/04/2024 + 10 days = Sat 04/05, worked: no roll
        (at(2024, 4, 24, 10), 10, at(2024, 5, 4)),
        # Sat 13/04/2024 -> received Mon 15/04; + 3 days = Thu 18/04 Giỗ Tổ -> Fri 19/04
        (at(2024, 4, 13, 10), 3, at(2024, 4, 19)),
    ],
)
def test_calendar_days(received, amount, expected):
    assert due(received, amount, Unit.DAYS) == expected


def test_days_explains_the_roll():
    lines = compute_deadline(at(2024, 4, 8, 9), 10, "days", CAL).explanation
    assert "Bỏ qua 18/04/2024 (Thứ Năm): Ngày Giỗ Tổ Hùng Vương" in lines
    assert any(line.startswith("Ngày cuối của thời hạn là ngày nghỉ") for line in lines)


def test_add_months_clamps_to_month_end():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)  # leap year
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 3, 31), 1) == date(2024, 4, 30)
    assert add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2024, 12, 15), 1) == date(2025, 1, 15)


@pytest.mark.parametrize(
    ("received", "amount", "calendar", "expected"),
    [
        # Wed 31/01/2024 + 1 month = Thu 29/02/2024 (leap), a working day
        (at(2024, 1, 31, 9), 1, CAL, at(2024, 2, 29)),
        # Fri 31/01/2025 is Tết: received Mon 03/02/2025; + 1 month = Mon 03/03/2025
        (at(2025, 1, 31, 9), 1, CAL, at(2025, 3, 3)),
        # Same day with 31/01/2025 made a working day: + 1 month = Fri 28/02/2025
        (
            at(2025, 1, 31, 9),
            1,
            WorkingCalendar([Override(date(2025, 1, 31), True, "Trực Tết")]),
            at(2025, 2, 28),
        ),
        # Mon 31/03/2025 + 1 month = Wed 30/04 off, 1/5, 2/5 off, 3-4 weekend -> Mon 05/05
        (at(2025, 3, 31, 9), 1, CAL, at(2025, 5, 5)),
        # Thu 29/02/2024 + 12 months = Fri 28/02/2025
        (at(2024, 2, 29, 9), 12, CAL, at(2025, 2, 28)),
        # Fri 31/10/2025 + 4 months = Sat 28/02/2026 -> Mon 02/03/2026
        (at(2025, 10, 31, 9), 4, CAL, at(2026, 3, 2)),
    ],
)
def test_months(received, amount, calendar, expected):
    assert due(received, amount, Unit.MONTHS, calendar) == expected


def test_months_explains_missing_day():
    lines = compute_deadline(at(2024, 1, 31, 9), 1, "months", CAL).explanation
    assert any("tháng 02/2024 không có ngày 31" in line for line in lines)


# --------------------------------------------------------------------------- hours


@pytest.mark.parametrize(
    ("received", "amount", "expected"),
    [
        # Mon 15/04/2024 10:30: 10:30-11:30 (1 h), lunch, 13:30-14:30 (1 h)
        (at(2024, 4, 15, 10, 30), 2, at(2024, 4, 15, 14, 30)),
        # Fri 12/04/2024 16:00: 16:00-17:00 (1 h), weekend, Mon 15/04 07:30-09:30 (2 h)
        (at(2024, 4, 12, 16), 3, at(2024, 4, 15, 9, 30)),
        # received in the lunch break, 12:00: counting starts 13:30
        (at(2024, 4, 15, 12), 1, at(2024, 4, 15, 14, 30)),
        # 1.5 h from 10:45: 10:45-11:30 (45 min), 13:30-14:15 (45 min)
        (at(2024, 4, 15, 10, 45), 1.5, at(2024, 4, 15, 14, 15)),
        # 08:30 + 3 h ends exactly at 11:30, not after lunch
        (at(2024, 4, 15, 8, 30), 3, at(2024, 4, 15, 11, 30)),
        # 13:30 + 3.5 h ends exactly at 17:00, same day
        (at(2024, 4, 15, 13, 30), Fraction(7, 2), at(2024, 4, 15, 17, 0)),
        # a full day is 4 h + 3.5 h = 7.5 h: 8 h from Mon 07:30 -> Tue 08:00
        (at(2024, 4, 15, 7, 30), 8, at(2024, 4, 16, 8, 0)),
        # Wed 07/02/2024 16:30: 30 min, Tết 8-14, Thu 15/02 07:30-08:00
        (at(2024, 2, 7, 16, 30), 1, at(2024, 2, 15, 8, 0)),
        # Fri 03/05/2024 16:00: 1 h, then Sat 04/05 (worked) 07:30-08:30
        (at(2024, 5, 3, 16), 2, at(2024, 5, 4, 8, 30)),
        # Sat 13/04/2024 -> Mon 07:30, 0.25 h = 15 min
        (at(2024, 4, 13, 10), 0.25, at(2024, 4, 15, 7, 45)),
        # 0 hours: the effective start
        (at(2024, 4, 15, 12), 0, at(2024, 4, 15, 13, 30)),
    ],
)
def test_hours(received, amount, expected):
    assert due(received, amount, Unit.HOURS) == expected


def test_hours_explain_lunch_and_skipped_days():
    lines = compute_deadline(at(2024, 4, 12, 12), 4, "hours", CAL).explanation
    # Fri 12/04 12:00 -> 13:30; 13:30-17:00 (3.5 h), weekend, Mon 15/04 07:30-08:00
    assert "Trong giờ nghỉ trưa: tính từ 13 giờ 30 phút, ngày 12/04/2024 (Thứ Sáu)" in lines
    assert "12/04/2024: 13 giờ 30 phút đến 17 giờ 00 phút" in lines
    assert "Bỏ qua 13/04/2024 (Thứ Bảy): nghỉ cuối tuần" in lines
    assert lines[-1] == "Hạn giải quyết: 08 giờ 00 phút, ngày 15 tháng 04 năm 2024"


def test_hours_keep_seconds():
    received = datetime(2024, 4, 15, 9, 10, 37, tzinfo=VN_TZ)
    assert due(received, 1, "hours") == received + timedelta(hours=1)


# --------------------------------------------------------------------------- same_day


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (at(2024, 4, 15, 14, 59), at(2024, 4, 15)),  # before the 15:00 cut-off
        (at(2024, 4, 15, 15, 0), at(2024, 4, 16)),  # at the cut-off: next working day
        (at(2024, 4, 12, 15, 30), at(2024, 4, 15)),  # Fri after cut-off -> Mon
        (at(2024, 4, 12, 17, 30), at(2024, 4, 15)),  # Fri after closing -> Mon 07:30 -> Mon
        (at(2024, 4, 13, 10), at(2024, 4, 15)),  # Saturday -> Mon
        (at(2024, 4, 15, 6, 0), at(2024, 4, 15)),  # before opening: same day
        (at(2024, 4, 15, 12, 0), at(2024, 4, 15)),  # lunch: counts from 13:30 < 15:00
        (at(2024, 5, 4, 10), at(2024, 5, 4)),  # worked Saturday
        (at(2024, 4, 26, 15, 30), at(2024, 5, 2)),  # Fri after cut-off, 29/4-1/5 off
    ],
)
def test_same_day(received, expected):
    assert due(received, 1, Unit.SAME_DAY) == expected


def test_same_day_cutoff_and_hours_are_settings():
    late_cutoff = OfficeHours(cutoff=time(16, 0))
    assert due(at(2024, 4, 15, 15, 30), 1, "same_day", office_hours=late_cutoff) == at(2024, 4, 15)
    short_day = OfficeHours(afternoon_end=time(16, 30), cutoff=time(14, 0))
    # closing 16:30; 14:30 is after the cut-off -> Tue 16/04 16:30
    assert due(at(2024, 4, 15, 14, 30), 1, "same_day", office_hours=short_day) == at(
        2024, 4, 16, 16, 30
    )
    # calendar-level office hours are the default for every call
    calendar = WorkingCalendar(office_hours=short_day)
    assert due(at(2024, 4, 15, 9), 1, "working_days", calendar) == at(2024, 4, 16, 16, 30)


# --------------------------------------------------------------------------- pauses


def test_pause_across_tet():
    # Mon 05/02/2024 + 5 wd: 6 (1), 7 (2), Tết, 15 (3), 16 (4), 19 (5) -> base Mon 19/02.
    # Pause Wed 07/02 -> Fri 16/02: working days in (07/02, 16/02] = 15, 16 -> 2;
    # 19/02 + 2 wd = Wed 21/02.
    deadline = compute_deadline(
        at(2024, 2, 5, 9),
        5,
        "working_days",
        CAL,
        pauses=[Pause(at(2024, 2, 7, 10), at(2024, 2, 16, 10))],
    )
    assert deadline.due_at == at(2024, 2, 21)
    assert deadline.paused_working_days == 2
    assert deadline.is_final
    pause_lines = [s.text for s in deadline.steps if s.kind is StepKind.PAUSE]
    assert len(pause_lines) == 1
    assert "cộng thêm 2 ngày làm việc" in pause_lines[0]
    assert "Ngày cộng thêm thứ 1: 20/02/2024 (Thứ Ba)" in deadline.explanation
    assert deadline.explanation[-1] == "Hạn giải quyết: 17 giờ 00 phút, ngày 21 tháng 02 năm 2024"


def test_two_pauses_around_hung_kings_day():
    # Mon 01/04/2024 + 10 wd: 2,3,4,5,8,9,10,11,12,15 -> base Mon 15/04.
    # Pause A 02/04 -> 04/04: (2, 4] = 3, 4 -> 2.  Pause B 10/04 -> 17/04: 11, 12, 15, 16, 17 -> 5.
    # 15/04 + 7 wd: 16, 17, (18 Giỗ Tổ), 19, 22, 23, 24, 25 -> Thu 25/04.
    pauses = [
        Pause(at(2024, 4, 10, 8), at(2024, 4, 17, 16)),  # given out of order on purpose
        Pause(at(2024, 4, 2, 9), at(2024, 4, 4, 9)),
    ]
    deadline = compute_deadline(at(2024, 4, 1, 8), 10, "working_days", CAL, pauses=pauses)
    assert deadline.due_at == at(2024, 4, 25)
    assert deadline.paused_working_days == 7


def test_pause_within_one_day_adds_nothing():
    deadline = compute_deadline(
        at(2024, 4, 1, 8),
        2,
        "working_days",
        CAL,
        pauses=[Pause(at(2024, 4, 2, 8), at(2024, 4, 2, 16))],
    )
    assert deadline.due_at == at(2024, 4, 3)
    assert deadline.paused_working_days == 0


def test_pause_after_the_deadline_does_not_extend_it():
    # Mon 01/04/2024 + 1 wd = Tue 02/04 17:00; the pause starts on 03/04: already late.
    deadline = compute_deadline(
        at(2024, 4, 1, 8),
        1,
        "working_days",
        CAL,
        pauses=[Pause(at(2024, 4, 3, 9), at(2024, 4, 5, 9))],
    )
    assert deadline.due_at == at(2024, 4, 2)
    assert deadline.paused_working_days == 0
    assert any("không gia hạn" in line for line in deadline.explanation)


def test_pause_on_hours_shifts_by_whole_working_days():
    # Fri 26/04/2024 16:00 + 4 h: 16:00-17:00, then Thu 02/05 07:30-10:30 -> base 02/05 10:30.
    # Pause 26/04 16:30 -> 02/05 08:00: working days in (26/04, 02/05] = 02/05 -> 1;
    # the deadline moves one working day, keeping its time: Fri 03/05 10:30.
    deadline = compute_deadline(
        at(2024, 4, 26, 16),
        4,
        "hours",
        CAL,
        pauses=[Pause(at(2024, 4, 26, 16, 30), at(2024, 5, 2, 8))],
    )
    assert deadline.due_at == at(2024, 5, 3, 10, 30)


def test_pause_on_calendar_days():
    # Mon 01/04/2024 + 10 days = Thu 11/04. Pause 03/04 -> 08/04: 4, 5, 8 -> 3 wd.
    # 11/04 + 3 wd: 12, 15, 16 -> Tue 16/04.
    deadline = compute_deadline(
        at(2024, 4, 1, 9), 10, "days", CAL, pauses=[Pause(at(2024, 4, 3, 9), at(2024, 4, 8, 9))]
    )
    assert deadline.due_at == at(2024, 4, 16)


def test_open_pause_is_provisional_as_of():
    received = at(2024, 2, 5, 9)
    pauses = [Pause(at(2024, 2, 7, 10))]
    # counted as if it ended 16/02: same as test_pause_across_tet
    deadline = compute_deadline(
        received, 5, "working_days", CAL, pauses=pauses, as_of=at(2024, 2, 16, 12)
    )
    assert deadline.due_at == at(2024, 2, 21)
    assert not deadline.is_final
    assert any("tạm tính" in line.lower() for line in deadline.explanation)
    # a day later, one more working day is added
    later = compute_deadline(
        received, 5, "working_days", CAL, pauses=pauses, as_of=at(2024, 2, 19, 8)
    )
    assert later.due_at == at(2024, 2, 22)


# --------------------------------------------------------------------------- time zones


def test_timezones():
    # 01:00 UTC = 08:00 in Hanoi
    deadline = compute_deadline(datetime(2024, 4, 15, 1, 0, tzinfo=UTC), 1, "working_days", CAL)
    assert deadline.received_at == at(2024, 4, 15, 8, 0)
    assert deadline.due_at == at(2024, 4, 16)
    assert deadline.due_at.tzinfo == VN_TZ
    # 10:30 UTC = 17:30 local: after closing
    assert due(datetime(2024, 4, 15, 10, 30, tzinfo=UTC), 1, "working_days") == at(2024, 4, 17)
    # naive = local
    assert due(datetime(2024, 4, 15, 8, 0), 1, "working_days") == at(2024, 4, 16)


# --------------------------------------------------------------------------- classification


def test_classify_finish():
    deadline = at(2024, 2, 21)
    assert classify_finish(at(2024, 2, 20, 16), deadline) == "early"
    assert classify_finish(at(2024, 2, 21, 8), deadline) == "on_time"
    assert classify_finish(at(2024, 2, 21, 17, 0), deadline) == "on_time"
    assert classify_finish(at(2024, 2, 21, 17, 1), deadline) == "late"
    assert classify_finish(at(2024, 2, 22, 8), deadline) == "late"
    # 09:30 UTC = 16:30 local; 10:30 UTC = 17:30 local
    assert classify_finish(datetime(2024, 2, 21, 9, 30, tzinfo=UTC), deadline) == "on_time"
    assert classify_finish(datetime(2024, 2, 21, 10, 30, tzinfo=UTC), deadline) == "late"


def test_classify_open():
    deadline = at(2024, 2, 21)  # Wed
    # Fri 16/02: working days in (16, 21] = 19, 20, 21 -> 3 > 1
    assert classify_open(at(2024, 2, 16, 10), deadline, CAL) == "within_time"
    assert classify_open(at(2024, 2, 16, 10), deadline, CAL, margin_working_days=3) == "due_soon"
    # Tue 20/02: 1 working day left
    assert classify_open(at(2024, 2, 20, 9), deadline, CAL) == "due_soon"
    assert classify_open(at(2024, 2, 20, 9), deadline, CAL, margin_working_days=0) == "within_time"
    assert classify_open(at(2024, 2, 21, 16), deadline, CAL) == "due_soon"
    assert classify_open(at(2024, 2, 21, 17, 0), deadline, CAL) == "due_soon"
    assert classify_open(at(2024, 2, 21, 17, 1), deadline, CAL) == "overdue"
    # Thu 08/02, before Tết; deadline Thu 15/02 = first working day after Tết
    assert classify_open(at(2024, 2, 8, 9), at(2024, 2, 15), CAL) == "due_soon"


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"unit": "weeks"}, "unit"),
        ({"amount": -1}, "amount"),
        ({"amount": 1.5}, "amount"),
        ({"amount": True}, "amount"),
        ({"amount": "5"}, "amount"),
        ({"amount": float("nan")}, "amount"),
        ({"amount": 10**9}, "amount"),
        ({"amount": 0.01, "unit": "hours"}, "amount"),  # 0.6 minute
        ({"amount": 2, "unit": "same_day"}, "amount"),
        ({"received_at": date(2024, 4, 15)}, "received_at"),
        ({"received_at": datetime(2200, 1, 1)}, "received_at"),
        ({"pauses": [Pause(at(2024, 4, 3), at(2024, 4, 2))]}, "pauses[0]"),
        ({"pauses": [Pause(at(2024, 3, 1), at(2024, 4, 2))]}, "pauses[0]"),  # before receipt
        (
            {
                "pauses": [
                    Pause(at(2024, 4, 2, 9), at(2024, 4, 5, 9)),
                    Pause(at(2024, 4, 4, 9), at(2024, 4, 8, 9)),
                ]
            },
            "pauses[1]",
        ),
        (  # an open pause must be the last one
            {
                "pauses": [Pause(at(2024, 4, 2, 9)), Pause(at(2024, 4, 4, 9), at(2024, 4, 5))],
                "as_of": at(2024, 4, 10),
            },
            "pauses[1]",
        ),
        ({"pauses": [Pause(at(2024, 4, 2, 9))]}, "as_of"),
        ({"pauses": [Pause(at(2024, 4, 2, 9))], "as_of": at(2024, 4, 1, 10)}, "as_of"),
        ({"office_hours": "07:30-17:00"}, "office_hours"),
        ({"pauses": [(at(2024, 4, 2), at(2024, 4, 3))]}, "pauses[0]"),
        ({"pauses": [Pause(date(2024, 4, 2), None)]}, "pauses[0].start"),
    ],
)
def test_validation_errors(kwargs, field):
    call = {"received_at": at(2024, 4, 1, 9), "amount": 3, "unit": "working_days", **kwargs}
    with pytest.raises(DeadlineError) as caught:
        compute_deadline(calendar=CAL, **call)
    assert caught.value.field == field
    assert caught.value.message == str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_valid_edge_amounts():
    assert due(at(2024, 4, 15, 9), 2.0, "working_days") == at(2024, 4, 17)  # integral float
    assert due(at(2024, 4, 15, 9), 1, "hours") == at(2024, 4, 15, 10)
    # touching pauses are not overlapping
    compute_deadline(
        at(2024, 4, 1, 9),
        3,
        "working_days",
        CAL,
        pauses=[Pause(at(2024, 4, 2), at(2024, 4, 3)), Pause(at(2024, 4, 3), at(2024, 4, 4))],
    )


def test_error_messages_are_vietnamese():
    with pytest.raises(DeadlineError, match="Đơn vị thời hạn không hợp lệ"):
        compute_deadline(at(2024, 4, 1, 9), 3, "weeks", CAL)
    with pytest.raises(DeadlineError, match="số nguyên"):
        compute_deadline(at(2024, 4, 1, 9), 1.5, "working_days", CAL)
    with pytest.raises(DeadlineError, match="chồng lấn"):
        compute_deadline(
            at(2024, 4, 1, 9),
            3,
            "working_days",
            CAL,
            pauses=[
                Pause(at(2024, 4, 2, 9), at(2024, 4, 5, 9)),
                Pause(at(2024, 4, 4, 9), at(2024, 4, 8, 9)),
            ],
        )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"morning_end": time(14, 0)},  # morning ends after the afternoon starts
        {"morning_start": time(12, 0)},  # starts after it ends
        {"afternoon_end": time(13, 0)},
        {"cutoff": time(17, 30)},  # after closing
        {"cutoff": time(7, 0)},  # before opening
        {"cutoff": "3pm"},
        {"morning_start": time(7, 30, tzinfo=UTC)},
    ],
)
def test_office_hours_validation(kwargs):
    with pytest.raises(CalendarError):
        OfficeHours(**kwargs)


def test_office_hours_accept_strings():
    hours = OfficeHours("07:00", "11:00", "13:00", "16:30", "15:30")
    assert (hours.opening, hours.closing, hours.cutoff) == (time(7), time(16, 30), time(15, 30))
    assert OfficeHours(morning_end="13:30", afternoon_start="13:30")  # no lunch break is fine


def test_calendar_validation():
    with pytest.raises(CalendarError):
        WorkingCalendar(
            [Override(date(2024, 4, 16), False, "A"), Override(date(2024, 4, 16), True, "B")]
        )
    with pytest.raises(CalendarError):
        Override(datetime(2024, 4, 16, 8), False, "A")
    with pytest.raises(CalendarError):
        Override(date(2024, 4, 16), False, "  ")
    with pytest.raises(CalendarError):
        CAL.is_working_day(date(2300, 1, 1))
    with pytest.raises(DeadlineError):
        classify_open(at(2024, 4, 1), at(2024, 4, 2), CAL, margin_working_days=-1)
    assert issubclass(CalendarError, WorkdaysError)


# --------------------------------------------------------------------------- properties

DAY_UNITS = [Unit.WORKING_DAYS, Unit.DAYS, Unit.MONTHS, Unit.SAME_DAY]
PROPERTY_SETTINGS = hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

receipts = st.datetimes(min_value=datetime(2023, 6, 1), max_value=datetime(2026, 6, 30))
units = st.sampled_from(list(Unit))


def amounts_for(unit: Unit) -> st.SearchStrategy:
    if unit is Unit.SAME_DAY:
        return st.sampled_from([0, 1])
    if unit is Unit.MONTHS:
        return st.integers(0, 6)
    if unit is Unit.HOURS:
        return st.integers(0, 240).map(lambda quarters: Fraction(quarters, 4))
    return st.integers(0, 40)


@st.composite
def requests(draw):
    unit = draw(units)
    return draw(receipts), draw(amounts_for(unit)), unit


@st.composite
def pauses_after(draw, received: datetime):
    start = received + timedelta(minutes=draw(st.integers(0, 60 * 24 * 40)))
    end = start + timedelta(minutes=draw(st.integers(0, 60 * 24 * 20)))
    return Pause(start, end)


@PROPERTY_SETTINGS
@given(requests())
def test_deadline_is_on_a_working_day_and_not_before_receipt(request):
    received, amount, unit = request
    deadline = compute_deadline(received, amount, unit, CAL)
    assert CAL.is_working_day(deadline.due_at.date())
    assert deadline.due_at >= deadline.effective_start >= deadline.received_at
    assert deadline.due_at.tzinfo == VN_TZ
    if unit in DAY_UNITS:
        assert deadline.due_at.time() == time(17, 0)
    else:
        assert time(7, 30) <= deadline.due_at.time() <= time(17, 0)
    assert deadline.explanation[-1].startswith("Hạn giải quyết: ")


@PROPERTY_SETTINGS
@given(receipts, st.integers(0, 40))
def test_working_days_count_matches_calendar(received, amount):
    deadline = compute_deadline(received, amount, Unit.WORKING_DAYS, CAL)
    start_day = deadline.effective_start.date()
    assert CAL.working_days_between(start_day, deadline.due_at.date()) == amount


@PROPERTY_SETTINGS
@given(requests(), st.integers(-5, 60))
def test_a_non_working_override_never_makes_a_deadline_earlier(request, offset):
    received, amount, unit = request
    day_off = received.date() + timedelta(days=offset)
    calendar = WorkingCalendar([Override(day_off, False, "Nghỉ theo quyết định địa phương")])
    assert due(received, amount, unit, calendar) >= due(received, amount, unit)


@PROPERTY_SETTINGS
@given(st.data())
def test_a_pause_never_shortens_a_deadline(data):
    received, amount, unit = data.draw(requests())
    pause = data.draw(pauses_after(received))
    with_pause = compute_deadline(received, amount, unit, CAL, pauses=[pause])
    assert with_pause.due_at >= due(received, amount, unit)
    assert CAL.is_working_day(with_pause.due_at.date())


@PROPERTY_SETTINGS
@given(st.data())
def test_more_amount_never_gives_an_earlier_deadline(data):
    unit = data.draw(st.sampled_from([u for u in Unit if u is not Unit.SAME_DAY]))
    received = data.draw(receipts)
    small, large = sorted((data.draw(amounts_for(unit)), data.draw(amounts_for(unit))))
    pauses = data.draw(st.lists(pauses_after(received), max_size=1))
    assert due(received, small, unit, pauses=pauses) <= due(received, large, unit, pauses=pauses)
