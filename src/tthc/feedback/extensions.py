"""Extension point: turning a feedback about a regulation into a simplification proposal.

The `simplification` app (DOMAIN §7, not built yet) registers, in its `AppConfig.ready()`::

    from tthc.feedback.extensions import register_simplification_handler

    def create_proposal(*, feedback, user, note):
        proposal = services.create_proposal_from_feedback(...)
        return proposal.code  # stored in the feedback's history

    register_simplification_handler(create_proposal)

Until a handler is registered, `services.propose_simplification` refuses and the staff page does
not show the button.
"""

from __future__ import annotations

from collections.abc import Callable

_handler: Callable | None = None


def register_simplification_handler(handler: Callable | None) -> None:
    """Set (or with None, remove) the handler `handler(*, feedback, user, note) -> reference`."""
    global _handler
    _handler = handler


def simplification_handler() -> Callable | None:
    return _handler
