"""Dates typed into filters and forms, and dates shown to people.

Typed: `2026-03-15` (what `<input type="date">` sends) or `15/03/2026` (what people type),
anything else the caller's default. Never raises: a filter with a bad date shows the default
period, a form reports the missing date with its own message.

Shown: in Vietnamese time (the site's `TIME_ZONE`, Asia/Ho_Chi_Minh), dd/mm/yyyy
(`fmt_date`), “17 giờ 00 phút” (`fmt_time`), “ngày 05 tháng 02 năm 2025” (`long_date`, the
official forms); empty for no moment."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def parse_date(value: str | None, default: date | None = None) -> date | None:
    text = (value or "").strip()[:10]
    for fmt in FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return default


def local(moment: datetime) -> datetime:
    """`moment` in Vietnamese time; a naive value is taken as Vietnamese time already."""
    zone = timezone.get_default_timezone()
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def _day(moment: datetime | date) -> date:
    return local(moment).date() if isinstance(moment, datetime) else moment


def fmt_date(moment: datetime | date | None) -> str:
    """dd/mm/yyyy."""
    return f"{_day(moment):%d/%m/%Y}" if moment else ""


def fmt_time(moment: datetime | None) -> str:
    """“HH giờ mm phút”."""
    if not moment:
        return ""
    moment = local(moment)
    return _("%(hour)s giờ %(minute)s phút") % {
        "hour": f"{moment:%H}",
        "minute": f"{moment:%M}",
    }


def long_date(moment: datetime | date | None) -> str:
    """“ngày dd tháng mm năm yyyy”, as the official forms write dates."""
    if not moment:
        return ""
    day = _day(moment)
    return _("ngày %(day)s tháng %(month)s năm %(year)s") % {
        "day": f"{day:%d}",
        "month": f"{day:%m}",
        "year": f"{day:%Y}",
    }
