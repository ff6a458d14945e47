"""Text parameters of the CLI, the API and the pages, turned into engine values.

Errors are ``tthc.core.errors.ValidationError`` with a Vietnamese message and the parameter's
name as ``field``.

Dates and times are ISO 8601 (``2024-02-02T09:00``, ``2024-02-02T09:00+07:00``,
``2024-02-02``); without an offset they are local time (Asia/Ho_Chi_Minh). A date without a
time stands for the start of that day, except that a pause never starts before the receipt nor
ends before it started: a date-only pause start on the receipt day means the receipt moment,
a date-only pause end on the start day means the start moment.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from fractions import Fraction

from tthc.core.errors import ValidationError
from tthc.workdays.engine import Pause, to_local

EXAMPLE = "ví dụ 2024-02-02T09:00 hoặc 2024-02-02"


def parse_moment(text: str | None, *, field: str, label: str) -> tuple[datetime, bool]:
    """(aware local datetime, whether only a date was given)."""
    value = (text or "").strip()
    if not value:
        raise ValidationError(f"Thiếu {label}, {EXAMPLE}.", field=field)
    try:
        if len(value) == 10:
            return to_local(datetime.combine(date.fromisoformat(value), time())), True
        return to_local(datetime.fromisoformat(value)), False
    except ValueError:
        raise ValidationError(
            f"{label[:1].upper()}{label[1:]} không hợp lệ: '{value[:40]}' (định dạng ISO 8601, "
            f"{EXAMPLE}).",
            field=field,
        ) from None


def parse_amount(text: str | None, *, field: str = "amount") -> int | Fraction:
    """'5' -> 5, '1.5' or '1,5' -> Fraction(3, 2); the engine checks the range."""
    value = (text or "").strip().replace(",", ".")
    if not value:
        raise ValidationError("Thiếu thời hạn (số lượng, ví dụ 5).", field=field)
    try:
        amount = Fraction(value)
    except (ValueError, ZeroDivisionError):
        raise ValidationError(
            f"Thời hạn phải là một số, nhận được '{value[:40]}'.", field=field
        ) from None
    return int(amount) if amount.denominator == 1 else amount


def parse_pause(text: str, *, index: int, received: datetime) -> Pause:
    """``START/END`` or ``START/`` (still open)."""
    field = f"pause[{index}]"
    label = f"tạm dừng thứ {index + 1}"
    value = (text or "").strip()
    if value.count("/") != 1:
        raise ValidationError(
            f"Tạm dừng thứ {index + 1} phải có dạng BẮT_ĐẦU/KẾT_THÚC, ví dụ "
            "2024-02-05T08:00/2024-02-07T10:00, hoặc BẮT_ĐẦU/ nếu chưa kết thúc; "
            f"nhận được '{value[:60]}'.",
            field=field,
        )
    start_text, end_text = value.split("/")
    start, start_is_date = parse_moment(start_text, field=field, label=f"ngày bắt đầu {label}")
    received = to_local(received)
    if start_is_date and start.date() == received.date() and start < received:
        start = received
    if not end_text.strip():
        return Pause(start, None)
    end, end_is_date = parse_moment(end_text, field=field, label=f"ngày kết thúc {label}")
    if end_is_date and end.date() == start.date() and end < start:
        end = start
    return Pause(start, end)


def parse_pauses(texts: Iterable[str] | None, *, received: datetime) -> list[Pause]:
    return [
        parse_pause(text, index=index, received=received) for index, text in enumerate(texts or ())
    ]
