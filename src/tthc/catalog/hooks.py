"""Links that apps above the catalog add to its pages. The catalog knows none of them: each
registers a function from its `AppConfig.ready` (the dossiers app its online intake form).

An apply-link function is called with a procedure that can be applied for online and returns
the address of the form, or "" when it has none for this procedure; the first address given
wins. Without one, the public page links to the national portal's page of the procedure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tthc.catalog.models import Procedure

ApplyLink = Callable[["Procedure"], str]
_APPLY_LINKS: list[ApplyLink] = []


def register_apply_link(func: ApplyLink) -> None:
    if func not in _APPLY_LINKS:
        _APPLY_LINKS.append(func)


def apply_link(procedure: Procedure) -> str:
    """The address of this site's online application form for `procedure`, or ""."""
    for func in _APPLY_LINKS:
        url = func(procedure)
        if url:
            return url
    return ""
