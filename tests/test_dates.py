from datetime import date

import pytest

from tthc.core.dates import parse_date


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-03-15", date(2026, 3, 15)),  # <input type="date">
        (" 15/03/2026 ", date(2026, 3, 15)),  # typed by a person
        ("2026-02-30", None),
        ("15-03-2026", None),
        ("²⁰²⁶-03-15", None),
        ("0000-01-01", None),
        ("2026-03-15T10:00:00+07:00", date(2026, 3, 15)),  # cut to the date
        ("", None),
        (None, None),
        ("x" * 10_000, None),
    ],
)
def test_dates_people_type(typed, expected):
    assert parse_date(typed) == expected


def test_the_callers_default_when_the_date_is_bad():
    assert parse_date("ngày mai", date(2026, 1, 1)) == date(2026, 1, 1)
