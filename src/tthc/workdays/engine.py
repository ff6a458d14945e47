"""Working-day calendar and legal-deadline engine (pure Python, no Django).

Calendar
    A day is a working day unless it is a Saturday/Sunday or a statutory holiday, with two
    layers of exceptions, strongest last:

    1. the ``holidays`` package, country VN (Labour Code 2019 art. 112 plus the yearly
       civil-servant schedule: swapped days off and the Saturdays worked in exchange);
    2. caller-supplied :class:`Override` rows (local decisions), which always win.

    Package data is loaded once per year and shared by every calendar; each calendar caches
    its merged view per year (under 1 ms a year), so build one calendar per set of
    overrides and reuse it. Supported years: 1995-2100 (the package's lunar data).
    The package (0.109) matches the official 2024-2026 schedules; tests pin them, so an
    upgrade that changes them fails loudly, and an override corrects a wrong year at once.

Receipt (Civil Code 2015 art. 147-148, office hours from :class:`OfficeHours`)
    Office hours are half-open intervals ``[start, end)``. A receipt outside them moves to
    the next moment the office is open: before opening -> opening of that day; during the
    lunch break -> start of the afternoon (matters for ``hours`` only); at or after closing
    or on a non-working day -> opening of the next working day. That moment is
    ``Deadline.effective_start``; its date is "the receipt day".

Units
    ``working_days`` N  closing time of the N-th working day after the receipt day.
    ``days`` N          the N-th calendar day after the receipt day, rolled forward to a
                        working day if needed; closing time.
    ``months`` N        the same day number N months later (clamped to the month's last
                        day), rolled forward like ``days``; closing time.
    ``hours`` N         N working hours counted inside office hours from the effective
                        start, across the lunch break and across days. Granularity: one
                        minute (1.5 or 0.25 are fine, 0.01 is rejected). A count that ends
                        exactly at a break or at closing ends there, not after the break.
    ``same_day``        closing time of the receipt day if the effective start is before
                        the cut-off, else closing time of the next working day. The amount
                        must be 0 or 1 (it carries no information).
    Day, month and hour amounts may be 0 (deadline = end of the receipt day, or the
    effective start for ``hours``); integer units accept integral values such as ``15.0``.
    Amounts are capped (see ``MAX_AMOUNT``) so a typo cannot make the engine loop for years.

Pauses (supplement requests)
    A pause from R to C extends the deadline by the number of working days d with
    R < d <= C (dates in Asia/Ho_Chi_Minh), keeping the deadline's time of day. Pauses are
    applied in chronological order; a pause that starts after the deadline as extended so
    far does not extend it (the clock had already run out), which keeps the rule equal to
    "stop the clock" and makes deadlines monotonic in the calendar. Pauses may touch but
    not overlap, and cannot start before the receipt.
    An open pause (``end=None``) is counted as if it ended at ``as_of`` (required then);
    the result has ``is_final=False`` and says so in its explanation.

Classification
    :func:`classify_finish`: "early" before the deadline's date, "on_time" on that date and
    not after the deadline, else "late". :func:`classify_open`: "overdue" after the
    deadline; "due_soon" when at most ``margin_working_days`` working days d with
    today < d <= due date remain (default 1: due today or on the next working day);
    else "within_time".

Explanation
    ``Deadline.steps`` lists, in order: the receipt, how it was moved, every skipped day with
    its reason, every counted day, every pause and what it added, and the deadline
    ("Hạn giải quyết: 17 giờ 00 phút, ngày 21 tháng 02 năm 2024"); ``explanation`` is their
    text.

Datetimes are timezone-aware in Asia/Ho_Chi_Minh: naive inputs are taken as local time,
aware inputs in other zones are converted. Validation errors raise :class:`DeadlineError`
or :class:`CalendarError` with a Vietnamese message and the offending field name.
"""

from __future__ import annotations

import calendar as _gregorian
import enum
import itertools
import numbers
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from functools import lru_cache
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

import holidays

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Years the ``holidays`` package has Vietnamese (lunar) data for.
FIRST_YEAR, LAST_YEAR = 1995, 2100

WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")

FinishStatus = Literal["early", "on_time", "late"]
OpenStatus = Literal["within_time", "due_soon", "overdue"]


# --------------------------------------------------------------------------- errors


class WorkdaysError(ValueError):
    """Base error: ``message`` is Vietnamese and user-facing, ``field`` names the input."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class CalendarError(WorkdaysError):
    """Invalid calendar configuration (office hours, overrides)."""


class DeadlineError(WorkdaysError):
    """Invalid deadline computation input (unit, amount, receipt, pauses, as_of)."""


# --------------------------------------------------------------------------- office hours


def _parse_time(value: time | str, field_name: str) -> time:
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise CalendarError(f"Giờ làm việc '{field_name}' không được kèm múi giờ.", field_name)
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CalendarError(
        f"Giờ làm việc '{field_name}' không hợp lệ: {value!r} (định dạng HH:MM).", field_name
    )


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """Office hours of one day; fields accept ``time`` or ``"HH:MM"``."""

    morning_start: time = time(7, 30)
    morning_end: time = time(11, 30)
    afternoon_start: time = time(13, 30)
    afternoon_end: time = time(17, 0)
    cutoff: time = time(15, 0)

    def __post_init__(self) -> None:
        for name in ("morning_start", "morning_end", "afternoon_start", "afternoon_end", "cutoff"):
            object.__setattr__(self, name, _parse_time(getattr(self, name), name))
        if not self.morning_start < self.morning_end <= self.afternoon_start < self.afternoon_end:
            raise CalendarError(
                "Giờ làm việc không hợp lệ: cần giờ bắt đầu sáng < giờ kết thúc sáng "
                "≤ giờ bắt đầu chiều < giờ kết thúc chiều.",
                "office_hours",
            )
        if not self.morning_start < self.cutoff <= self.afternoon_end:
            raise CalendarError(
                "Giờ chốt tiếp nhận trong ngày phải sau giờ bắt đầu làm việc và "
                "không muộn hơn giờ kết thúc làm việc.",
                "cutoff",
            )

    @property
    def opening(self) -> time:
        return self.morning_start

    @property
    def closing(self) -> time:
        return self.afternoon_end


DEFAULT_OFFICE_HOURS = OfficeHours()


# --------------------------------------------------------------------------- calendar


@dataclass(frozen=True, slots=True)
class Override:
    """A local decision: ``date`` is a working day or not, whatever the package says."""

    date: date
    is_working: bool
    name: str
    reference: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.date, datetime) or not isinstance(self.date, date):
            raise CalendarError(f"Ngày điều chỉnh không hợp lệ: {self.date!r}.", "overrides")
        if not isinstance(self.is_working, bool):
            raise CalendarError("is_working phải là True hoặc False.", "overrides")
        if not isinstance(self.name, str) or not self.name.strip():
            raise CalendarError(
                f"Ngày điều chỉnh {_fmt_date(self.date)} phải có tên (lý do).", "overrides"
            )

    @property
    def description(self) -> str:
        status = "ngày làm việc" if self.is_working else "ngày nghỉ"
        basis = f"theo {self.reference}" if self.reference else "theo quyết định của địa phương"
        return f"{self.name} ({status} {basis})"


class DayException(NamedTuple):
    """A non-working weekday or a working weekend day."""

    date: date
    is_working: bool
    name: str


class _Special(NamedTuple):
    is_working: bool
    reason: str


class _Day(NamedTuple):
    """Everything the engine needs about one date, precomputed once per calendar and year."""

    is_working: bool
    label: str  # "15/02/2024 (Thứ Năm)"
    reason: str | None  # WorkingCalendar.reason()
    off_reason: str | None  # reason shown when the day is skipped
    skip_step: Step | None


@dataclass(frozen=True, slots=True)
class _StatutoryYear:
    holidays: dict[date, str]
    weekend_workdays: dict[date, str]


@lru_cache(maxsize=256)
def _statutory_year(year: int) -> _StatutoryYear:
    """Package data for one year (holiday names in Vietnamese, Saturdays worked and why)."""
    # A swap decided in one year may move work to a weekend of the next (31/12/2018 off,
    # 05/01/2019 worked), so the neighbouring years are populated as well.
    source = holidays.country_holidays("VN", years=range(year - 1, year + 2), language="vi")
    names = {d: name for d, name in source.items() if d.year == year}
    worked = {}
    for workday in sorted(d for d in source.weekend_workdays if d.year == year):
        label = _fmt_date(workday)
        swapped = sorted(d for d, name in source.items() if label in name)
        worked[workday] = (
            f"Làm bù cho ngày nghỉ {', '.join(_fmt_date(d) for d in swapped)}"
            if swapped
            else "Làm bù theo lịch nghỉ lễ của cơ quan nhà nước"
        )
    return _StatutoryYear(names, worked)


class WorkingCalendar:
    """Working days = weekdays, minus statutory holidays, plus weekend workdays, with
    caller overrides on top. Immutable once built; safe to share."""

    def __init__(
        self,
        overrides: Iterable[Override] = (),
        office_hours: OfficeHours = DEFAULT_OFFICE_HOURS,
    ) -> None:
        if not isinstance(office_hours, OfficeHours):
            raise CalendarError("office_hours phải là OfficeHours.", "office_hours")
        by_date: dict[date, Override] = {}
        for override in overrides:
            previous = by_date.get(override.date)
            if previous is not None and previous.is_working != override.is_working:
                raise CalendarError(
                    f"Hai điều chỉnh mâu thuẫn cho ngày {_fmt_date(override.date)}: "
                    f"'{previous.name}' và '{override.name}'.",
                    "overrides",
                )
            by_date[override.date] = override
        self.office_hours = office_hours
        self.overrides: dict[date, Override] = by_date
        self._days: dict[date, _Day] = {}

    def _day(self, day: date) -> _Day:
        info = self._days.get(day)
        if info is None:
            if isinstance(day, datetime):  # a moment stands for its local date
                return self._day(to_local(day).date())
            self._load_year(day.year)
            info = self._days[day]
        return info

    def _load_year(self, year: int) -> None:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise CalendarError(
                f"Lịch làm việc chỉ hỗ trợ các năm {FIRST_YEAR}–{LAST_YEAR}, không có năm {year}.",
                "date",
            )
        statutory = _statutory_year(year)
        specials = {d: _Special(False, name) for d, name in statutory.holidays.items()}
        specials.update((d, _Special(True, why)) for d, why in statutory.weekend_workdays.items())
        specials.update(
            (d, _Special(o.is_working, o.description))
            for d, o in self.overrides.items()
            if d.year == year
        )
        for day in _days_of_year(year):
            self._days[day] = _describe_day(day, specials.get(day))

    def is_working_day(self, day: date) -> bool:
        return self._day(day).is_working

    def reason(self, day: date) -> str | None:
        """Why ``day`` is off, or why it is worked when that is unusual; None otherwise."""
        return self._day(day).reason

    def working_day_on_or_after(self, day: date) -> date:
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.working_day_on_or_after(day + _ONE_DAY)

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``day`` itself for 0)."""
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Number of working days d with start < d <= end (negative if end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += _ONE_DAY
            count += self.is_working_day(day)
        return count

    def year_exceptions(self, year: int) -> list[DayException]:
        """Non-working weekdays and working weekend days of ``year``, by date."""
        return [
            DayException(day, info.is_working, info.reason or "")
            for day in _days_of_year(year)
            if (info := self._day(day)).is_working != (day.weekday() < 5)
        ]


_ONE_DAY = timedelta(days=1)


def _days_of_year(year: int) -> Iterator[date]:
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += _ONE_DAY


def _describe_day(day: date, special: _Special | None) -> _Day:
    weekday = day.weekday()
    label = f"{day.day:02d}/{day.month:02d}/{day.year} ({WEEKDAY_NAMES[weekday]})"
    if special is not None:
        is_working, reason = special
        off_reason = None if is_working else reason
    elif weekday < 5:
        is_working, reason, off_reason = True, None, None
    else:
        is_working, reason, off_reason = False, WEEKDAY_NAMES[weekday], "nghỉ cuối tuần"
    skip_step = None if is_working else Step(StepKind.SKIP, day, f"Bỏ qua {label}: {off_reason}")
    return _Day(is_working, label, reason, off_reason, skip_step)


# --------------------------------------------------------------------------- deadline types


class Unit(enum.StrEnum):
    WORKING_DAYS = "working_days"
    DAYS = "days"
    MONTHS = "months"
    HOURS = "hours"
    SAME_DAY = "same_day"


UNIT_LABELS = {
    Unit.WORKING_DAYS: "ngày làm việc",
    Unit.DAYS: "ngày",
    Unit.MONTHS: "tháng",
    Unit.HOURS: "giờ làm việc",
    Unit.SAME_DAY: "trong ngày",
}

MAX_AMOUNT = {
    Unit.WORKING_DAYS: 2000,
    Unit.DAYS: 3660,
    Unit.MONTHS: 120,
    Unit.HOURS: 20000,
    Unit.SAME_DAY: 1,
}


@dataclass(frozen=True, slots=True)
class Pause:
    """A suspension of the clock (e.g. supplement request); ``end=None`` while open."""

    start: datetime
    end: datetime | None = None


class StepKind(enum.StrEnum):
    RECEIVED = "received"
    START = "start"
    SKIP = "skip"
    COUNT = "count"
    PAUSE = "pause"
    NOTE = "note"
    DUE = "due"


class Step(NamedTuple):
    """One line of a deadline's explanation; ``date`` is the day it is about, if any."""

    kind: StepKind
    date: date | None
    text: str


@dataclass(frozen=True, slots=True)
class Deadline:
    received_at: datetime
    effective_start: datetime
    due_at: datetime
    amount: int | Fraction
    unit: Unit
    paused_working_days: int = 0
    is_final: bool = True
    steps: tuple[Step, ...] = field(default=(), repr=False)

    @property
    def explanation(self) -> list[str]:
        return [step.text for step in self.steps]


# --------------------------------------------------------------------------- formatting


def _fmt_date(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _fmt_day(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year} ({WEEKDAY_NAMES[day.weekday()]})"


def _fmt_clock(moment: datetime | time) -> str:
    return f"{moment.hour:02d} giờ {moment.minute:02d} phút"


def _fmt_moment(moment: datetime) -> str:
    return f"{_fmt_clock(moment)}, ngày {_fmt_day(moment.date())}"


def _fmt_due(moment: datetime) -> str:
    return (
        f"Hạn giải quyết: {_fmt_clock(moment)}, ngày {moment.day:02d} "
        f"tháng {moment.month:02d} năm {moment.year}"
    )


def _fmt_amount(amount: int | Fraction) -> str:
    if isinstance(amount, int) or amount.denominator == 1:
        return str(int(amount))
    return f"{float(amount):g}".replace(".", ",")


# --------------------------------------------------------------------------- input validation


def to_local(value: datetime, field_name: str = "datetime") -> datetime:
    """Aware datetime in Asia/Ho_Chi_Minh; naive values are taken as local time."""
    if not isinstance(value, datetime):
        raise DeadlineError(f"'{field_name}' phải là ngày giờ, nhận được {value!r}.", field_name)
    if value.tzinfo is None:
        return value.replace(tzinfo=VN_TZ)
    return value.astimezone(VN_TZ)


def _parse_unit(unit: Unit | str) -> Unit:
    try:
        return Unit(unit)
    except ValueError:
        valid = ", ".join(u.value for u in Unit)
        raise DeadlineError(
            f"Đơn vị thời hạn không hợp lệ: {unit!r}. Giá trị hợp lệ: {valid}.", "unit"
        ) from None


def _parse_amount(amount: object, unit: Unit) -> int | Fraction:
    if isinstance(amount, bool) or not isinstance(amount, numbers.Real):
        raise DeadlineError(f"Thời hạn phải là một số, nhận được {amount!r}.", "amount")
    try:
        exact = Fraction(repr(amount)) if isinstance(amount, float) else Fraction(amount)
    except (ValueError, OverflowError):
        raise DeadlineError(f"Thời hạn không hợp lệ: {amount!r}.", "amount") from None
    if exact < 0:
        raise DeadlineError("Thời hạn không được là số âm.", "amount")
    if exact > MAX_AMOUNT[unit]:
        raise DeadlineError(
            f"Thời hạn quá lớn: tối đa {MAX_AMOUNT[unit]} {UNIT_LABELS[unit]}.", "amount"
        )
    if unit is Unit.HOURS:
        if (exact * 60).denominator != 1:
            raise DeadlineError(
                "Thời hạn tính theo giờ phải quy đổi được thành số phút nguyên "
                "(ví dụ 1,5 giờ hoặc 0,25 giờ).",
                "amount",
            )
        return int(exact) if exact.denominator == 1 else exact
    if exact.denominator != 1:
        raise DeadlineError(f"Thời hạn tính theo {UNIT_LABELS[unit]} phải là số nguyên.", "amount")
    return int(exact)


class _Interval(NamedTuple):
    index: int
    start: datetime
    end: datetime
    is_open: bool


def _parse_pauses(
    pauses: Sequence[Pause], received: datetime, as_of: datetime | None
) -> list[_Interval]:
    intervals = []
    for index, pause in enumerate(pauses):
        where = f"pauses[{index}]"
        label = f"Tạm dừng thứ {index + 1}"
        if not isinstance(pause, Pause):
            raise DeadlineError(f"{label} không hợp lệ: {pause!r}.", where)
        start = to_local(pause.start, f"{where}.start")
        if start < received:
            raise DeadlineError(f"{label} bắt đầu trước thời điểm tiếp nhận hồ sơ.", where)
        if pause.end is None:
            if as_of is None:
                raise DeadlineError(
                    f"{label} chưa kết thúc: cần thời điểm tạm tính (as_of) để tính hạn.",
                    "as_of",
                )
            end = to_local(as_of, "as_of")
            if end < start:
                raise DeadlineError(
                    f"Thời điểm tạm tính (as_of) trước khi {label.lower()} bắt đầu.", "as_of"
                )
        else:
            end = to_local(pause.end, f"{where}.end")
            if end < start:
                raise DeadlineError(
                    f"{label}: thời điểm kết thúc ({_fmt_moment(end)}) trước thời điểm "
                    f"bắt đầu ({_fmt_moment(start)}).",
                    where,
                )
        intervals.append(_Interval(index, start, end, pause.end is None))
    intervals.sort(key=lambda interval: interval.start)
    for before, after in itertools.pairwise(intervals):
        if before.is_open or after.start < before.end:
            raise DeadlineError(
                f"Tạm dừng thứ {after.index + 1} chồng lấn với tạm dừng thứ {before.index + 1}.",
                f"pauses[{after.index}]",
            )
    return intervals


# --------------------------------------------------------------------------- counting


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=VN_TZ)


def _effective_start(
    received: datetime, calendar: WorkingCalendar, hours: OfficeHours, steps: list[Step]
) -> datetime:
    day, clock = received.date(), received.time()
    steps.append(Step(StepKind.RECEIVED, day, f"Tiếp nhận hồ sơ lúc {_fmt_moment(received)}"))
    if not calendar.is_working_day(day):
        why = f"vào ngày nghỉ ({calendar._day(day).off_reason})"
    elif clock >= hours.closing:
        why = "sau giờ làm việc"
    elif clock < hours.opening:
        start = _at(day, hours.opening)
        steps.append(Step(StepKind.START, day, f"Trước giờ làm việc: tính từ {_fmt_moment(start)}"))
        return start
    elif hours.morning_end <= clock < hours.afternoon_start:
        start = _at(day, hours.afternoon_start)
        steps.append(
            Step(StepKind.START, day, f"Trong giờ nghỉ trưa: tính từ {_fmt_moment(start)}")
        )
        return start
    else:
        return received
    next_day = _next_working_day_logged(day, calendar, steps)
    start = _at(next_day, hours.opening)
    steps.append(
        Step(
            StepKind.START, next_day, f"Tiếp nhận {why}: coi như tiếp nhận lúc {_fmt_moment(start)}"
        )
    )
    return start


def _next_working_day_logged(day: date, calendar: WorkingCalendar, steps: list[Step]) -> date:
    """The first working day after ``day``, logging each day skipped on the way."""
    known = calendar._days  # hot loop: skip the method call when the year is loaded
    while True:
        day += _ONE_DAY
        info = known.get(day) or calendar._day(day)
        if info.is_working:
            return day
        steps.append(info.skip_step)


def _count_working_days(
    day: date, count: int, calendar: WorkingCalendar, steps: list[Step], label: str
) -> date:
    for ordinal in range(1, count + 1):
        day = _next_working_day_logged(day, calendar, steps)
        steps.append(
            Step(StepKind.COUNT, day, f"{label} thứ {ordinal}: {calendar._day(day).label}")
        )
    return day


def _roll_to_working_day(target: date, calendar: WorkingCalendar, steps: list[Step]) -> date:
    if calendar.is_working_day(target):
        return target
    steps.append(calendar._day(target).skip_step)
    day = _next_working_day_logged(target, calendar, steps)
    steps.append(
        Step(
            StepKind.NOTE,
            day,
            f"Ngày cuối của thời hạn là ngày nghỉ: hết hạn vào cuối ngày làm việc tiếp theo "
            f"{_fmt_day(day)}",
        )
    )
    return day


def _due_working_days(
    start: datetime, amount: int, calendar: WorkingCalendar, hours: OfficeHours, steps: list[Step]
) -> datetime:
    day = start.date()
    steps.append(
        Step(
            StepKind.NOTE,
            day,
            f"Tính {amount} ngày làm việc, không tính ngày tiếp nhận {_fmt_date(day)}",
        )
    )
    last = _count_working_days(day, amount, calendar, steps, "Ngày làm việc")
    return _at(last, hours.closing)


def _due_days(
    start: datetime, amount: int, calendar: WorkingCalendar, hours: OfficeHours, steps: list[Step]
) -> datetime:
    day = start.date()
    target = day + timedelta(days=amount)
    steps.append(
        Step(
            StepKind.COUNT,
            target,
            f"Tính {amount} ngày kể từ ngày tiếp nhận {_fmt_date(day)}: ngày cuối là "
            f"{_fmt_day(target)}",
        )
    )
    return _at(_roll_to_working_day(target, calendar, steps), hours.closing)


def add_months(day: date, months: int) -> date:
    """Same day number ``months`` later, clamped to the last day of that month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, _gregorian.monthrange(year, month)[1]))


def _due_months(
    start: datetime, amount: int, calendar: WorkingCalendar, hours: OfficeHours, steps: list[Step]
) -> datetime:
    day = start.date()
    target = add_months(day, amount)
    text = f"Tính {amount} tháng kể từ ngày tiếp nhận {_fmt_date(day)}: ngày cuối là "
    if target.day != day.day:
        text += (
            f"{_fmt_day(target)} (tháng {target.month:02d}/{target.year} không có ngày {day.day})"
        )
    else:
        text += _fmt_day(target)
    steps.append(Step(StepKind.COUNT, target, text))
    return _at(_roll_to_working_day(target, calendar, steps), hours.closing)


def _due_hours(
    start: datetime,
    amount: int | Fraction,
    calendar: WorkingCalendar,
    hours: OfficeHours,
    steps: list[Step],
) -> datetime:
    remaining = timedelta(minutes=int(amount * 60))
    steps.append(
        Step(
            StepKind.NOTE,
            start.date(),
            f"Tính {_fmt_amount(amount)} giờ làm việc kể từ {_fmt_moment(start)}",
        )
    )
    moment = start
    while True:
        day = moment.date()
        in_morning = moment.time() < hours.morning_end
        segment_end = _at(day, hours.morning_end if in_morning else hours.afternoon_end)
        available = segment_end - moment
        if remaining <= available:
            return moment + remaining
        remaining -= available
        steps.append(
            Step(
                StepKind.COUNT,
                day,
                f"{_fmt_date(day)}: {_fmt_clock(moment)} đến {_fmt_clock(segment_end)}",
            )
        )
        if in_morning:
            moment = _at(day, hours.afternoon_start)
        else:
            moment = _at(_next_working_day_logged(day, calendar, steps), hours.opening)


def _due_same_day(
    start: datetime, amount: int, calendar: WorkingCalendar, hours: OfficeHours, steps: list[Step]
) -> datetime:
    day = start.date()
    if start.time() < hours.cutoff:
        text = f"Tiếp nhận trước {_fmt_clock(hours.cutoff)}: giải quyết trong ngày {_fmt_day(day)}"
        steps.append(Step(StepKind.NOTE, day, text))
        return _at(day, hours.closing)
    steps.append(
        Step(
            StepKind.NOTE,
            day,
            f"Tiếp nhận từ {_fmt_clock(hours.cutoff)} trở đi: giải quyết trong ngày làm việc tiếp theo",
        )
    )
    next_day = _next_working_day_logged(day, calendar, steps)
    steps.append(Step(StepKind.COUNT, next_day, f"Ngày làm việc tiếp theo: {_fmt_day(next_day)}"))
    return _at(next_day, hours.closing)


_Counter = Callable[
    [datetime, "int | Fraction", WorkingCalendar, OfficeHours, list[Step]], datetime
]

_COUNTERS: dict[Unit, _Counter] = {
    Unit.WORKING_DAYS: _due_working_days,
    Unit.DAYS: _due_days,
    Unit.MONTHS: _due_months,
    Unit.HOURS: _due_hours,
    Unit.SAME_DAY: _due_same_day,
}


def _apply_pauses(
    due: datetime, intervals: list[_Interval], calendar: WorkingCalendar, steps: list[Step]
) -> tuple[datetime, int]:
    total = 0
    for interval in intervals:
        label = f"Tạm dừng (yêu cầu bổ sung) từ {_fmt_moment(interval.start)} " + (
            f"đến nay, tạm tính đến {_fmt_moment(interval.end)}"
            if interval.is_open
            else f"đến {_fmt_moment(interval.end)}"
        )
        if interval.start > due:
            steps.append(
                Step(
                    StepKind.PAUSE,
                    interval.start.date(),
                    f"{label}: bắt đầu sau hạn giải quyết nên không gia hạn",
                )
            )
            continue
        added = calendar.working_days_between(interval.start.date(), interval.end.date())
        steps.append(
            Step(
                StepKind.PAUSE,
                interval.start.date(),
                f"{label}: không tính {added} ngày làm việc, hạn được cộng thêm {added} "
                "ngày làm việc",
            )
        )
        if added:
            new_day = _count_working_days(due.date(), added, calendar, steps, "Ngày cộng thêm")
            due = datetime.combine(new_day, due.timetz())
            total += added
    return due, total


# --------------------------------------------------------------------------- public functions


def compute_deadline(
    received_at: datetime,
    amount: numbers.Real,
    unit: Unit | str,
    calendar: WorkingCalendar,
    *,
    pauses: Sequence[Pause] = (),
    as_of: datetime | None = None,
    office_hours: OfficeHours | None = None,
) -> Deadline:
    """Deadline for a dossier received at ``received_at``; see the module docstring.

    ``as_of`` is only used (and then required) to provisionally close an open pause.
    ``office_hours`` defaults to the calendar's. Raises :class:`DeadlineError` on invalid
    input, :class:`CalendarError` if counting leaves the supported years.
    """
    hours = calendar.office_hours if office_hours is None else office_hours
    if not isinstance(hours, OfficeHours):
        raise DeadlineError("office_hours phải là OfficeHours.", "office_hours")
    unit = _parse_unit(unit)
    amount = _parse_amount(amount, unit)
    if unit is Unit.SAME_DAY and amount not in (0, 1):
        raise DeadlineError("Thời hạn 'trong ngày' chỉ nhận giá trị 0 hoặc 1.", "amount")
    received = to_local(received_at, "received_at")
    if not FIRST_YEAR <= received.year <= LAST_YEAR:
        raise DeadlineError(
            f"Thời điểm tiếp nhận phải trong các năm {FIRST_YEAR}–{LAST_YEAR}.", "received_at"
        )
    intervals = _parse_pauses(pauses, received, as_of)

    steps: list[Step] = []
    start = _effective_start(received, calendar, hours, steps)
    due = _COUNTERS[unit](start, amount, calendar, hours, steps)
    due, paused = _apply_pauses(due, intervals, calendar, steps)
    is_final = not any(interval.is_open for interval in intervals)
    if not is_final:
        steps.append(
            Step(StepKind.NOTE, None, "Hạn tạm tính: còn tạm dừng chưa kết thúc, hạn sẽ thay đổi")
        )
    steps.append(Step(StepKind.DUE, due.date(), _fmt_due(due)))
    return Deadline(
        received_at=received,
        effective_start=start,
        due_at=due,
        amount=amount,
        unit=unit,
        paused_working_days=paused,
        is_final=is_final,
        steps=tuple(steps),
    )


def classify_finish(finished_at: datetime, due_at: datetime) -> FinishStatus:
    finished = to_local(finished_at, "finished_at")
    due = to_local(due_at, "due_at")
    if finished.date() < due.date():
        return "early"
    if finished <= due:
        return "on_time"
    return "late"


def classify_open(
    now: datetime, due_at: datetime, calendar: WorkingCalendar, margin_working_days: int = 1
) -> OpenStatus:
    if isinstance(margin_working_days, bool) or not isinstance(margin_working_days, int):
        raise DeadlineError("Ngưỡng cảnh báo phải là số nguyên.", "margin_working_days")
    if margin_working_days < 0:
        raise DeadlineError("Ngưỡng cảnh báo không được là số âm.", "margin_working_days")
    current = to_local(now, "now")
    due = to_local(due_at, "due_at")
    if current > due:
        return "overdue"
    if calendar.working_days_between(current.date(), due.date()) <= margin_working_days:
        return "due_soon"
    return "within_time"
