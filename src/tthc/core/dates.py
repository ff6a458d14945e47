"""Dates typed into filters and forms: `2026-03-15` (what `<input type="date">` sends) or
`15/03/2026` (what people type), anything else the caller's default. Never raises: a filter with
a bad date shows the default period, a form reports the missing date with its own message."""

from __future__ import annotations

from datetime import date, datetime

FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def parse_date(value: str | None, default: date | None = None) -> date | None:
    text = (value or "").strip()[:10]
    for fmt in FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return default
