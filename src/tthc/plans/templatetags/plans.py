from django import template

register = template.Library()


@register.filter
def pct(value) -> str:
    """A percentage for display, Vietnamese style (decimal comma); "—" when there is none."""
    if value is None or value == "":
        return "—"
    text = f"{value}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"


@register.filter
def bar(value) -> int:
    """A width in per cent for a CSS bar, clamped to 0–100."""
    try:
        number = float(value or 0)
    except (TypeError, ValueError):
        return 0
    return max(0, min(100, round(number)))
