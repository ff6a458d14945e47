"""The flush: pending counts move into the database exactly once, whatever runs meanwhile."""

import threading
import time
from datetime import date

import pytest
from django.core.management import call_command
from django.db import OperationalError

from tthc.metrics import services
from tthc.metrics.models import DailyPageViews, DailySearch, DailyVisits, FlushBatch
from tthc.metrics.store import reset_store
from tthc.metrics.tasks import flush_visits as flush_task

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)


def _hits(store, n, *, day=DAY, prefix="v", path="/thu-tuc/"):
    for i in range(n):
        store.record_hit(day=day, visitor=f"{prefix}{i}", now=time.time(), path=path)


def test_flush_adds_the_deltas_to_the_daily_rows(backend):
    _hits(backend, 3)
    backend.record_search(day=DAY, query="khai sinh", zero=True)
    result = services.flush_visits()
    assert (result.visitors, result.page_views, result.searches) == (3, 3, 1)
    row = DailyVisits.objects.get(date=DAY)
    assert (row.visitors, row.page_views) == (3, 3)
    _hits(backend, 2, prefix="w", path="/phan-anh/")
    services.flush_visits()
    row.refresh_from_db()
    assert (row.visitors, row.page_views) == (5, 5)
    assert dict(DailyPageViews.objects.values_list("path", "views")) == {
        "/thu-tuc/": 3,
        "/phan-anh/": 2,
    }
    search = DailySearch.objects.get()
    assert (search.query, search.searches, search.zero_results) == ("khai sinh", 1, 1)
    assert backend.live(now=time.time()).days == {}


def test_running_it_twice_adds_nothing(backend):
    _hits(backend, 4)
    services.flush_visits()
    again = services.flush_visits()
    assert again.batch == ""
    assert DailyVisits.objects.get(date=DAY).visitors == 4


def test_a_batch_is_applied_once_even_if_handed_out_twice(backend):
    _hits(backend, 2)
    batch = backend.begin_drain()
    assert services.apply_batch(batch=batch)
    assert not services.apply_batch(batch=batch)  # e.g. the process died before dropping it
    backend.finish_drain(batch.id)
    assert DailyVisits.objects.get(date=DAY).visitors == 2
    assert FlushBatch.objects.filter(id=batch.id).exists()


def test_a_failed_database_write_loses_nothing(backend, monkeypatch):
    _hits(backend, 3)
    real = services._apply_days

    def broken(batch):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_apply_days", broken)
    with pytest.raises(RuntimeError):
        services.flush_visits()
    assert not DailyVisits.objects.exists()
    _hits(backend, 1, prefix="late")  # arrives while the batch waits
    monkeypatch.setattr(services, "_apply_days", real)
    services.flush_visits()  # the batch left behind
    services.flush_visits()  # what came after
    assert DailyVisits.objects.get(date=DAY).visitors == 4


def test_flush_is_exact_while_visitors_keep_coming(backend):
    stop = threading.Event()
    counts = {"hits": 0}

    def visit(n):
        i = 0
        while not stop.is_set() or i < 300:
            backend.record_hit(day=DAY, visitor=f"t{n}-{i % 97}", now=time.time(), path="/p/")
            i += 1
        counts[n] = i

    threads = [threading.Thread(target=visit, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    flushes = 0
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:
        services.flush_visits()
        flushes += 1
    stop.set()
    for t in threads:
        t.join()
    services.flush_visits()
    hits = sum(counts[n] for n in range(4))
    row = DailyVisits.objects.get(date=DAY)
    assert flushes > 3
    assert row.page_views == hits
    assert row.visitors == 4 * 97
    assert DailyPageViews.objects.get(path="/p/").views == hits


def test_the_command_and_the_task_run_the_same_flush(backend, capsys):
    _hits(backend, 2)
    call_command("flush-visits")
    assert "Đã ghi: 2 lượt khách" in capsys.readouterr().out
    _hits(backend, 1, prefix="z")
    result = flush_task.enqueue()
    assert result.return_value["visitors"] == 1
    assert DailyVisits.objects.get(date=DAY).visitors == 3
    call_command("flush-visits")
    assert "Không có số liệu mới" in capsys.readouterr().out


def test_old_flush_records_are_pruned(backend, settings):
    import time_machine

    with time_machine.travel(date(2026, 1, 1)):
        _hits(backend, 1, day=date(2026, 1, 1))
        services.flush_visits()
    assert FlushBatch.objects.count() == 1
    _hits(backend, 1, prefix="n")
    services.flush_visits()
    assert FlushBatch.objects.count() == 1


def _written() -> bool:
    # The test database is SQLite in shared memory, where a read that meets the thread's write
    # fails at once ("database table is locked") instead of waiting: that is "not yet".
    try:
        return DailyVisits.objects.exists()
    except OperationalError:
        return False


@pytest.mark.django_db(transaction=True)
def test_the_web_process_flushes_its_own_memory_counts_in_the_background(browse, settings):
    """Without Redis the worker can't see this process's memory: a background thread of the
    web process writes the counts (never the request itself)."""
    settings.TTHC_VISITS_MEMORY_FLUSH_INTERVAL = 0.2
    assert browse().status_code == 200
    assert not DailyVisits.objects.exists(), "not written on the request"
    deadline = time.monotonic() + 10
    while not _written() and time.monotonic() < deadline:
        time.sleep(0.1)
    row = DailyVisits.objects.get()
    assert (row.visitors, row.page_views) == (1, 1)
    reset_store()  # the thread stops with its store
