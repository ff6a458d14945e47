"""`{% site_nav %}` and `{% site_footer %}`: the links of every page's header and footer.

They depend only on the language, the page's place in the site and whether someone is signed
in, and rendering them (15 `{% url %}`, 20 `{% translate %}`) cost half of `base.html` on every
page; so each process renders each variant once. What differs per request stays in base.html:
the language form (its `next`), the sign-out form (its CSRF token), the visitor counts."""

from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

# The sections base.html marks by the start of the address (Wagtail's pages), not by view name.
_SECTIONS = ("/tin-tuc/", "/hoi-nghi-tap-huan/")


def _section(path: str) -> str:
    if path == "/":
        return "/"
    return next((section for section in _SECTIONS if path.startswith(section)), "")


# At most a few hundred variants: views × sections × signed in or not × languages (the script
# prefix is the installation's, the same for every request of a process).
@lru_cache(maxsize=2048)
def _nav(
    language: str, prefix: str, current: str | None, section: str, authenticated: bool
) -> SafeString:
    html = render_to_string(
        "core/_site_nav.html",
        {"current": current, "path": section, "authenticated": authenticated},
    )
    return mark_safe(html.strip())


@lru_cache(maxsize=64)
def _footer(language: str, prefix: str, province_name: str) -> SafeString:
    html = render_to_string("core/_site_footer.html", {"province_name": province_name})
    return mark_safe(html.strip())


@register.simple_tag(takes_context=True)
def site_nav(context) -> SafeString:
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    user = context.get("user")
    return _nav(
        get_language(),
        get_script_prefix(),
        match.view_name if match else None,
        _section(request.path) if request is not None else "",
        bool(user and user.is_authenticated),
    )


@register.simple_tag(takes_context=True)
def site_footer(context) -> SafeString:
    return _footer(get_language(), get_script_prefix(), context.get("province_name") or "")
