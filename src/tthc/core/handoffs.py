"""Hand-offs between apps on the same level of the layering, which may not import each other
(apps depend downward only): the app that takes the work registers a handler under one of the
names below from its `AppConfig.ready()`; the app that hands the work over calls the handler when
one is registered, and offers nothing when none is (the other app not installed).

- `SIMPLIFY_FEEDBACK`: a feedback about an administrative regulation becomes a draft
  simplification proposal. Registered by `tthc.simplification` (its
  `services.proposal_from_feedback`); called by `tthc.feedback.services.propose_simplification`
  as `handler(*, feedback, user, note) -> reference` (the proposal's code, which the feedback's
  history keeps), and the feedback's staff page shows its button only when registered.
"""

from __future__ import annotations

from collections.abc import Callable

SIMPLIFY_FEEDBACK = "simplify_feedback"
NAMES = frozenset({SIMPLIFY_FEEDBACK})

_handlers: dict[str, Callable[..., object]] = {}


def register_handoff(name: str, handler: Callable[..., object] | None) -> None:
    """Set (or with None, remove) the handler of the hand-off `name` (one of `NAMES`)."""
    if name not in NAMES:
        raise ValueError(f"unknown hand-off {name!r}")
    if handler is None:
        _handlers.pop(name, None)
    else:
        _handlers[name] = handler


def handoff(name: str) -> Callable[..., object] | None:
    """The registered handler of `name`, or None."""
    return _handlers.get(name)
