"""Revisions: one number per part of the data, raised after each committed change of it, so that
every process may keep what it derived from that part until the number moves.

    CALENDARS = revisions.Derived("workdays", build_calendar)   # build_calendar(agency_id)
    CALENDARS.get(agency_id)      # one one-row read; the build only after a change
    revisions.watch("workdays", CalendarOverride)               # saves and deletes raise it

The number is raised once per transaction, after it commits (never inside it: a long import
holds no lock other writers would wait for, and a rolled-back change raises nothing). A
transaction that has changed a part and not committed yet sees what the others do not: its
reads of that part are built afresh, neither read from nor stored in what the process keeps.
Writes that send no signal (`bulk_create`, `update`) call `mark_changed` themselves.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from django.db import connection, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save

from tthc.core.models import Revision

T = TypeVar("T")
_TABLE = "core_revision"
_bumps: dict[str, Callable[[], None]] = {}
_kept: list[Derived] = []


def current(name: str) -> int:
    """The committed number of `name` (0 before its first change)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {_TABLE} WHERE name = %s", [name])
        row = cursor.fetchone()
    return row[0] if row else 0


def _bump_of(name: str) -> Callable[[], None]:
    bump = _bumps.get(name)
    if bump is None:

        def bump() -> None:
            raised = Revision.objects.filter(name=name).update(number=F("number") + 1)
            if not raised:  # the first change of `name`: the row, then the same increment
                Revision.objects.bulk_create([Revision(name=name)], ignore_conflicts=True)
                Revision.objects.filter(name=name).update(number=F("number") + 1)

        bump = _bumps.setdefault(name, bump)
    return bump


def pending(name: str) -> bool:
    """This transaction changed `name` and has not committed."""
    bump = _bumps.get(name)
    return (
        bump is not None
        and connection.in_atomic_block
        and any(entry[1] is bump for entry in connection.run_on_commit)
    )


def mark_changed(name: str) -> None:
    """Say that `name` changed: its number is raised once, when this transaction commits (at
    once outside a transaction)."""
    if pending(name):
        return
    transaction.on_commit(_bump_of(name))


def watch(name: str, *models) -> None:
    """Saves and deletes of `models` (any way they are made, the admin included) change `name`."""

    def changed(sender, **kwargs) -> None:
        mark_changed(name)

    for model in models:
        uid = f"tthc.core.revisions:{name}:{model._meta.label}"
        post_save.connect(changed, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(changed, sender=model, dispatch_uid=uid, weak=False)


class Derived(Generic[T]):
    """Values built from the part `name` of the data, one per key, kept by this process (all
    its threads) while the number of `name` stays the same."""

    def __init__(self, name: str, build: Callable[..., T]):
        self.name = name
        self.build = build
        self._number: int | None = None
        self._values: dict[Hashable, T] = {}
        self._lock = threading.Lock()
        _kept.append(self)

    def get(self, *key: Hashable) -> T:
        if pending(self.name):
            return self.build(*key)
        number = current(self.name)  # read before the build: a value is never older than it
        with self._lock:
            if number == self._number and key in self._values:
                return self._values[key]
        value = self.build(*key)
        with self._lock:
            if number != self._number:
                self._number, self._values = number, {}
            self._values[key] = value
        return value

    def forget(self) -> None:
        with self._lock:
            self._number, self._values = None, {}


def forget_all() -> None:
    """Drop what every `Derived` keeps (tests: a rolled-back test leaves numbers unchanged)."""
    for derived in _kept:
        derived.forget()
