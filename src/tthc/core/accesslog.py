"""Who read whose personal data: a registry of the apps' access logs.

Each app that shows personal data to staff keeps its own log (a model with the reader `user`,
the moment `at`, `what` was read and the record read) and registers it here from its
`AppConfig.ready()`; the audit trail (`tthc.dossiers.selectors.audit_entries`) reads the union
of every registered log in one query, without knowing the apps that keep one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class AccessLogSource:
    kind: str  # a stable key of the rows, e.g. "read" (dossiers), "feedback_read"
    label: str  # what the audit trail calls its rows (a lazy translation)
    model: type[models.Model]
    code_field: str  # the lookup of the record's public code, e.g. "dossier__code"
    url: Callable[[str], str] | None = None  # the staff page of a record, by its code
    user_field: str = "user"
    what_field: str = "what"


_sources: dict[str, AccessLogSource] = {}


def register_access_log(source: AccessLogSource) -> None:
    """Add an app's log (registering a kind again replaces it)."""
    _sources[source.kind] = source


def access_log_sources() -> list[AccessLogSource]:
    """The registered logs, in the order the apps registered them."""
    return list(_sources.values())
