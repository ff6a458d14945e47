"""`{% visitor_stats %}`: the footer's "Thống kê truy cập" (docs/metrics.md), on the public
pages; the back office (`/quan-tri/`, `/bien-tap/`, `/admin/`, pages the counts leave out too)
shows none and reads nothing for it. Never breaks a page: on any failure the block is left out
and the error logged once."""

import logging

from django import template
from django.utils.formats import get_format

from tthc.metrics import selectors, visitors

register = template.Library()
logger = logging.getLogger(__name__)
_warned = False


def _n(value: int | None) -> str:
    """Grouped by thousands with the language's separator (1.234.567 in Vietnamese)."""
    if value is None:
        return "—"
    return f"{value:,}".replace(",", get_format("THOUSAND_SEPARATOR"))


@register.inclusion_tag("metrics/_visitor_stats.html", takes_context=True)
def visitor_stats(context):
    global _warned
    request = context.get("request")
    if request is not None and visitors.excluded_path(request.path):
        return {"stats": None}
    try:
        stats = selectors.footer_stats(request)
    except Exception:
        if not _warned:
            _warned = True
            logger.warning("Thống kê truy cập: không đọc được số liệu", exc_info=True)
        return {"stats": None}
    return {
        "stats": {
            "online": _n(stats.online),
            "today": _n(stats.today),
            "month": _n(stats.month),
            "total": _n(stats.total),
        }
    }


@register.filter
def grouped(value):
    """`{{ n|grouped }}`: a count grouped by thousands, as in the footer."""
    try:
        return _n(int(value))
    except (TypeError, ValueError):
        return value
