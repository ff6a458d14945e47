"""Both live stores through the same interface: distinct visitors, online window, two-phase
drain, salts. The Redis one runs against the real Redis (skipped only when it isn't there)."""

import threading
import time
from datetime import date

import pytest

from tthc.metrics.store import ONLINE_WINDOW, RedisStore

DAY = date(2026, 3, 2)


def test_distinct_visitors_page_views_and_paths(backend):
    now = time.time()
    assert backend.record_hit(day=DAY, visitor="a" * 16, now=now, path="/thu-tuc/")
    assert not backend.record_hit(day=DAY, visitor="a" * 16, now=now, path="/phan-anh/")
    assert backend.record_hit(day=DAY, visitor="b" * 16, now=now, path="/thu-tuc/")
    live = backend.live(now=now)
    assert live.online == 2
    assert live.days == {DAY: [2, 3]}
    batch = backend.begin_drain()
    assert batch.days == {DAY: [2, 3]}
    assert batch.pages == {(DAY, "/thu-tuc/"): 2, (DAY, "/phan-anh/"): 1}


def test_online_counts_only_the_last_five_minutes(backend):
    now = time.time()
    backend.record_hit(day=DAY, visitor="old", now=now - ONLINE_WINDOW - 5, path=None)
    backend.record_hit(day=DAY, visitor="new", now=now, path=None)
    live = backend.live(now=now)
    assert live.online == 1
    assert live.days[DAY] == [2, 2]  # both visited today


def test_a_visitor_is_new_again_on_another_day(backend):
    now = time.time()
    assert backend.record_hit(day=DAY, visitor="x", now=now, path=None)
    assert backend.record_hit(day=date(2026, 3, 3), visitor="x", now=now, path=None)
    assert backend.live(now=now).days == {DAY: [1, 1], date(2026, 3, 3): [1, 1]}


def test_searches_count_all_and_zero_results(backend):
    backend.record_search(day=DAY, query="khai sinh", zero=False)
    backend.record_search(day=DAY, query="khai sinh", zero=True)
    backend.record_search(day=DAY, query="giay phep: lai xe", zero=True)
    batch = backend.begin_drain()
    assert batch.searches == {(DAY, "khai sinh"): [2, 1], (DAY, "giay phep: lai xe"): [1, 1]}


def test_drain_sets_aside_what_was_counted_and_new_hits_go_on(backend):
    now = time.time()
    backend.record_hit(day=DAY, visitor="a", now=now, path="/x/")
    batch = backend.begin_drain()
    assert batch is not None and batch.days == {DAY: [1, 1]}
    backend.record_hit(day=DAY, visitor="b", now=now, path="/x/")  # during the flush
    live = backend.live(now=now)
    assert live.days == {DAY: [2, 2]}, "pending + being flushed: nothing disappears meanwhile"
    generation = live.generation
    backend.finish_drain(batch.id)
    live = backend.live(now=now)
    assert live.days == {DAY: [1, 1]}
    assert live.generation == generation + 1
    second = backend.begin_drain()
    assert second.id != batch.id and second.days == {DAY: [1, 1]}


def test_an_unfinished_drain_is_handed_out_again(backend):
    backend.record_hit(day=DAY, visitor="a", now=time.time(), path=None)
    first = backend.begin_drain()
    again = backend.begin_drain()  # e.g. the database write failed: same batch, same id
    assert again.id == first.id and again.days == first.days
    backend.finish_drain(first.id)
    assert backend.begin_drain() is None


def test_nothing_to_drain(backend):
    assert backend.begin_drain() is None


def test_salt_is_stable_for_a_day_and_differs_between_days(backend):
    assert backend.salt(DAY) == backend.salt(DAY)
    assert backend.salt(DAY) != backend.salt(date(2026, 3, 3))
    assert len(backend.salt(DAY)) >= 32


def test_only_one_flush_at_a_time(backend):
    with backend.flush_lock() as first, backend.flush_lock() as second:
        assert first and not second
    with backend.flush_lock() as again:
        assert again


def test_concurrent_hits_are_all_counted(backend):
    now = time.time()

    def visit(n):
        for i in range(200):
            backend.record_hit(day=DAY, visitor=f"v{n}-{i % 50}", now=now, path="/p/")

    threads = [threading.Thread(target=visit, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert backend.live(now=now).days == {DAY: [300, 1200]}


# --- Redis only --------------------------------------------------------------------------------


def test_redis_state_is_shared_by_processes_and_survives_a_restart(redis_prefix):
    from tests.metrics.conftest import REDIS_URL

    one, two = RedisStore(REDIS_URL, redis_prefix), RedisStore(REDIS_URL, redis_prefix)
    assert one.salt(DAY) == two.salt(DAY), "every web process hashes with the same salt"
    now = time.time()
    assert one.record_hit(day=DAY, visitor="a", now=now, path=None)
    assert not two.record_hit(day=DAY, visitor="a", now=now, path=None)
    restarted = RedisStore(REDIS_URL, redis_prefix)
    assert not restarted.record_hit(day=DAY, visitor="a", now=now, path=None)
    assert restarted.live(now=now).days == {DAY: [1, 3]}


def test_every_redis_key_expires(redis_prefix):
    from tests.metrics.conftest import REDIS_URL

    store = RedisStore(REDIS_URL, redis_prefix)
    store.salt(DAY)
    store.record_hit(day=DAY, visitor="a", now=time.time(), path="/x/")
    store.record_search(day=DAY, query="q", zero=True)
    batch = store.begin_drain()
    store.record_hit(day=DAY, visitor="b", now=time.time(), path="/y/")
    store.finish_drain(batch.id)
    keys = list(store.client.scan_iter(match=f"{redis_prefix}*"))
    assert keys
    for key in keys:
        assert store.client.ttl(key) > 0, key
    salt_ttl = store.client.ttl(f"{redis_prefix}salt:20260302")
    assert 24 * 3600 < salt_ttl <= 2 * 24 * 3600


def test_redis_down_raises_store_unavailable_quickly_and_logs_once(caplog):
    from tthc.metrics.store import StoreUnavailable

    store = RedisStore("redis://127.0.0.1:1/0", "x:")
    started = time.monotonic()
    for _ in range(5):
        with pytest.raises(StoreUnavailable):
            store.record_hit(day=DAY, visitor="a", now=time.time(), path=None)
    assert time.monotonic() - started < 3
    warnings = [r for r in caplog.records if "Redis" in r.getMessage()]
    assert len(warnings) == 1
