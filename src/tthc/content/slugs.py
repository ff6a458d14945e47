"""Top-level page slugs that Django already answers.

Wagtail's `serve` view is the last URL pattern, so a page at `/thu-tuc/` would never be seen:
the catalog's view answers first. The reserved words are read from the URL configuration itself,
so a new app's URLs are protected without anyone keeping a list up to date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

_REGEX_LITERAL = re.compile(r"^\^?([\w\-.]*)")


def _leading_literal(pattern) -> str | None:
    """The constant text a pattern starts with (None when it starts with a parameter)."""
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        return route.split("<", 1)[0]
    if isinstance(pattern, RegexPattern):
        regex = pattern.regex.pattern
        match = _REGEX_LITERAL.match(regex)
        literal = match.group(1) if match else ""
        rest = regex[match.end() if match else 0 :]
        # "^bien-tap/" has a literal first segment; "^((?:[\w\-]+/)*)$" (Wagtail's catch-all)
        # does not.
        if rest.startswith("/") or rest in ("", "$"):
            return literal + ("/" if rest.startswith("/") else "")
        return literal if "/" in literal else None
    return None


def _first_segments(patterns: Iterable) -> Iterable[str]:
    for entry in patterns:
        literal = _leading_literal(entry.pattern)
        if literal is None:
            continue
        if not isinstance(entry, URLResolver) and _is_file_like(entry.pattern, literal):
            continue  # "sitemap.xml", "tin-tuc/rss.xml": no page path ("/a/b/") can match it
        segment = literal.split("/", 1)[0]
        if segment:
            yield segment
        elif isinstance(entry, URLResolver) and not literal:
            yield from _first_segments(entry.url_patterns)


def _is_file_like(pattern, literal: str) -> bool:
    whole = str(pattern) if isinstance(pattern, RoutePattern) else pattern.regex.pattern
    whole = whole.lstrip("^").rstrip("$").replace("\\.", ".")
    return whole == literal and not literal.endswith("/")


def reserved_slugs() -> frozenset[str]:
    """The first path segments of every Django URL of the project (`thu-tuc`, `co-quan`, ...)."""
    names = set(_first_segments(get_resolver().url_patterns))
    for url in (settings.STATIC_URL, settings.MEDIA_URL):
        if url and url.startswith("/"):
            names.add(url.strip("/").split("/", 1)[0])
    return frozenset(name for name in names if name)
