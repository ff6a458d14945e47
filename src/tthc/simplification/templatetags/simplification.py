"""Vietnamese number formats for money and rates: 1.024.000 and 77,44."""

from django import template

register = template.Library()


@register.filter
def vnd(value) -> str:
    """Integer VND with dots between thousands (1.024.000)."""
    if value is None or value == "":
        return ""
    try:
        return f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return str(value)


@register.filter
def pct(value) -> str:
    """A rate with a decimal comma (77,44); empty for None."""
    if value is None or value == "":
        return ""
    return str(value).replace(".", ",")
