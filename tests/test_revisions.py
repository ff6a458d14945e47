"""What a process keeps between requests (`tthc.core.revisions`): kept while nothing changed,
dropped on the first request after a committed change made anywhere, never stale inside the
transaction that changed it."""

import threading
from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tthc.core import revisions
from tthc.workdays.models import CalendarOverride
from tthc.workdays.selectors import REVISION, calendar_for

DAY = date(2025, 3, 12)  # a Wednesday


def in_another_process(work) -> None:
    """`work` on another connection (another thread), committed before this returns."""

    def run():
        try:
            with transaction.atomic():
                work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)


@pytest.mark.django_db(transaction=True)
def test_a_calendar_is_kept_until_an_override_is_committed_elsewhere():
    first = calendar_for()
    assert first.is_working_day(DAY)
    with CaptureQueriesContext(connection) as captured:
        assert calendar_for() is first  # kept: one one-row read of the revision
    assert len(captured) == 1

    in_another_process(
        lambda: CalendarOverride.objects.create(date=DAY, is_working=False, name="Nghỉ bù")
    )

    assert revisions.current(REVISION) == 1
    second = calendar_for()
    assert second is not first
    assert not second.is_working_day(DAY)
    assert calendar_for() is second


@pytest.mark.django_db(transaction=True)
def test_the_changing_transaction_sees_its_change_and_a_rollback_raises_nothing():
    kept = calendar_for()
    with transaction.atomic():
        CalendarOverride.objects.create(date=DAY, is_working=False, name="Nghỉ bù")
        assert revisions.pending(REVISION)
        assert not calendar_for().is_working_day(DAY)  # built afresh, not kept
        transaction.set_rollback(True)
    assert revisions.current(REVISION) == 0
    assert calendar_for() is kept
    assert calendar_for().is_working_day(DAY)


@pytest.mark.django_db(transaction=True)
def test_one_raise_per_transaction_whatever_the_number_of_changes():
    with transaction.atomic():
        for day in (DAY, date(2025, 3, 13), date(2025, 3, 14)):
            CalendarOverride.objects.create(date=day, is_working=False, name="Nghỉ")
    assert revisions.current(REVISION) == 1
    CalendarOverride.objects.filter(date=DAY).delete()  # outside a transaction: at once
    assert revisions.current(REVISION) == 2


@pytest.mark.django_db(transaction=True)
def test_inside_a_changing_transaction_a_value_is_built_once_per_change():
    with transaction.atomic():
        CalendarOverride.objects.create(date=DAY, is_working=False, name="Nghỉ bù")
        built = calendar_for()
        with CaptureQueriesContext(connection) as captured:
            assert calendar_for() is built  # kept for this transaction
        assert len(captured) == 0
        CalendarOverride.objects.create(date=date(2025, 3, 13), is_working=False, name="Nghỉ")
        rebuilt = calendar_for()  # its next change: built again, seeing both days
        assert rebuilt is not built
        assert not rebuilt.is_working_day(date(2025, 3, 13))
    assert revisions.current(REVISION) == 1
    assert calendar_for() is not rebuilt  # the committed one is the process's, built anew


@pytest.mark.django_db(transaction=True)
def test_a_request_reads_the_revisions_once():
    with revisions.request_scope():
        with CaptureQueriesContext(connection) as captured:
            for _ in range(3):
                calendar_for()
                revisions.current("catalog")
        reads = [q for q in captured if "core_revision" in q["sql"]]
        assert len(reads) == 1
        # Its own committed change is read again at once.
        CalendarOverride.objects.create(date=DAY, is_working=False, name="Nghỉ bù")
        assert not calendar_for().is_working_day(DAY)
