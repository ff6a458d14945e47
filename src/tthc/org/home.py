"""Panels that other apps add to the staff home: `org` sits below them and knows none of
them, so each registers a function from its `AppConfig.ready`.

A panel is called with the request and returns the context of its template (with the key
`template`), or None when it has nothing for this user.
"""

from __future__ import annotations

from collections.abc import Callable

Panel = Callable[[object], dict | None]
_PANELS: list[Panel] = []


def register(panel: Panel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def panels(request) -> list[dict]:
    return [found for found in (panel(request) for panel in _PANELS) if found]
