from django import template

register = template.Library()


@register.inclusion_tag("metrics/_visitor_stats.html")
def visitor_stats():
    return {}
