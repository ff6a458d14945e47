"""Revisions: one number per part of the data, raised after each committed change of it, so that
every process may keep what it derived from that part until the number moves.

    CALENDARS = revisions.Derived("workdays", build_calendar)   # build_calendar(agency_id)
    CALENDARS.get(agency_id)      # one one-row read; the build only after a change
    revisions.watch("workdays", CalendarOverride)               # saves and deletes raise it

The number is raised once per transaction, after it commits (never inside it: a long import
holds no lock other writers would wait for, and a rolled-back change raises nothing). A
transaction that has changed a part and not committed yet sees what the others do not: its
values of that part are built from what it sees and kept for it alone, until its next change.
Writes that send no signal (`bulk_create`, `update`) call `mark_changed` themselves. Decision
0013 (docs/decisions/0013-what-a-process-keeps.md).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from contextlib import contextmanager
from typing import Generic, TypeVar

from django.db import connection, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save

from tthc.core.models import Revision

T = TypeVar("T")
_TABLE = "core_revision"
_bumps: dict[str, Callable[[], None]] = {}
_kept: list[Derived] = []
# Per thread: the numbers read by the current request (one query for all of them), and the
# values built inside a transaction that changed their part and has not committed.
_local = threading.local()


def _read(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {_TABLE} WHERE name = %s", [name])
        row = cursor.fetchone()
    return row[0] if row else 0


def current(name: str) -> int:
    """The committed number of `name` (0 before its first change). Inside `request_scope`,
    every number is read once per request, by one query."""
    if not getattr(_local, "scoped", False):
        return _read(name)
    numbers = getattr(_local, "numbers", None)
    if numbers is None:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT name, number FROM {_TABLE}")
            numbers = _local.numbers = dict(cursor.fetchall())
    return numbers.get(name, 0)


@contextmanager
def request_scope():
    """Read the numbers once for the whole request (`RevisionScopeMiddleware`)."""
    _local.scoped, _local.numbers = True, None
    try:
        yield
    finally:
        _local.scoped, _local.numbers = False, None


def _bump_of(name: str) -> Callable[[], None]:
    bump = _bumps.get(name)
    if bump is None:

        def bump() -> None:
            raised = Revision.objects.filter(name=name).update(number=F("number") + 1)
            if not raised:  # the first change of `name`: the row, then the same increment
                Revision.objects.bulk_create([Revision(name=name)], ignore_conflicts=True)
                Revision.objects.filter(name=name).update(number=F("number") + 1)
            _local.numbers = None  # this request reads its own change from here on

        bump = _bumps.setdefault(name, bump)
    return bump


def _pending_entry(name: str):
    """The after-commit entry that will raise `name`, if this transaction changed it."""
    bump = _bumps.get(name)
    if bump is None or not connection.in_atomic_block:
        return None
    return next((entry for entry in connection.run_on_commit if entry[1] is bump), None)


def pending(name: str) -> bool:
    """This transaction changed `name` and has not committed."""
    return _pending_entry(name) is not None


def _pending_values() -> dict:
    values = getattr(_local, "pending", None)
    if values is None:
        values = _local.pending = {}
    return values


def mark_changed(name: str) -> None:
    """Say that `name` changed: its number is raised once, when this transaction commits (at
    once outside a transaction)."""
    held = _pending_values()
    for derived in _kept:
        if derived.name == name:
            held.pop(id(derived), None)  # what this transaction built before the change
    if pending(name):
        return
    transaction.on_commit(_bump_of(name))


def watch(name: str, *models, unless_only: frozenset[str] = frozenset()) -> None:
    """Saves and deletes of `models` (any way they are made, the admin included) change `name`;
    not a save of only the fields in `unless_only` (e.g. an account's `last_login`)."""

    def changed(sender, update_fields=None, **kwargs) -> None:
        if update_fields and unless_only and set(update_fields) <= unless_only:
            return
        mark_changed(name)

    for model in models:
        uid = f"tthc.core.revisions:{name}:{model._meta.label}"
        post_save.connect(changed, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(changed, sender=model, dispatch_uid=uid, weak=False)


class Derived(Generic[T]):
    """Values built from the part `name` of the data, one per key, kept by this process (all
    its threads) while the number of `name` stays the same. Inside a transaction that changed
    `name`, values are built from what it sees and kept for it alone, until its next change."""

    def __init__(self, name: str, build: Callable[..., T], *, limit: int | None = None):
        self.name = name
        self.build = build
        self.limit = limit  # at most this many keys, the oldest dropped first
        self._number: int | None = None
        self._values: dict[Hashable, T] = {}
        self._lock = threading.Lock()
        _kept.append(self)

    def get(self, *key: Hashable) -> T:
        entry = _pending_entry(self.name)
        if entry is not None:
            held = _pending_values()
            mine = held.get(id(self))
            if mine is None or mine[0] is not entry:
                mine = held[id(self)] = (entry, {})
            if key not in mine[1]:
                mine[1][key] = self.build(*key)
            return mine[1][key]
        number = current(self.name)  # read before the build: a value is never older than it
        with self._lock:
            if number == self._number and key in self._values:
                return self._values[key]
        value = self.build(*key)
        with self._lock:
            if number != self._number:
                self._number, self._values = number, {}
            self._values[key] = value
            if self.limit is not None and len(self._values) > self.limit:
                del self._values[next(iter(self._values))]
        return value

    def forget(self) -> None:
        with self._lock:
            self._number, self._values = None, {}


def forget_all() -> None:
    """Drop what every `Derived` keeps (tests: a rolled-back test leaves numbers unchanged)."""
    for derived in _kept:
        derived.forget()
    _local.pending = {}
    _local.numbers = None
