"""No address, no user agent anywhere; a new salt every day, so days can't be linked."""

import pickle
from datetime import datetime

import pytest
import time_machine
from django.core.cache import cache

from tthc.metrics import services
from tthc.metrics.models import DailyPageViews, DailySearch, DailyVisits, FlushBatch
from tthc.metrics.recorder import record_search
from tthc.metrics.store import RedisStore, get_store
from tthc.metrics.visitors import visitor_hash
from tthc.workdays.engine import VN_TZ

pytestmark = pytest.mark.django_db

IP = "198.51.100.203"
UA = "Mozilla/5.0 (X11; Linux x86_64) PrivacyProbeBrowser/9.87 Chrome/131.0 Safari/537.36"
NEEDLES = [IP, "198.51.100", "PrivacyProbeBrowser", UA]


def _redis_dump(store: RedisStore) -> str:
    out = []
    for key in store.client.scan_iter(match=f"{store.prefix}*"):
        out.append(key.decode("utf-8", "replace"))
        kind = store.client.type(key).decode()
        if kind == "string":
            out.append(repr(store.client.get(key)))
        elif kind == "set":
            out.append(repr(store.client.smembers(key)))
        elif kind == "zset":
            out.append(repr(store.client.zrange(key, 0, -1, withscores=True)))
        elif kind == "hash":
            out.append(repr(store.client.hgetall(key)))
    return "\n".join(out)


def _db_dump() -> str:
    rows = []
    for model in (DailyVisits, DailyPageViews, DailySearch, FlushBatch):
        rows += [repr(r) for r in model.objects.values_list()]
    return "\n".join(rows)


def test_no_address_and_no_user_agent_is_stored_anywhere(client, rf, backend):
    for path in ("/lich-lam-viec/", "/thu-tuc/"):
        assert client.get(path, REMOTE_ADDR=IP, HTTP_USER_AGENT=UA).status_code == 200
    search = rf.get("/tim-kiem/", REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)
    assert record_search(search, "khai sinh", 0)
    store = get_store()
    live_state = _redis_dump(store) if isinstance(store, RedisStore) else repr(vars(store))
    assert "khai sinh" in live_state or "/thu-tuc/" in live_state  # the dump did read something
    services.flush_visits()
    assert DailyVisits.objects.get().visitors == 1
    dumps = {
        "live store": live_state,
        "live store after flush": (
            _redis_dump(store) if isinstance(store, RedisStore) else repr(vars(store))
        ),
        "database": _db_dump(),
        "cache": repr([pickle.loads(v) for v in cache._cache.values()]),
    }
    for where, text in dumps.items():
        for needle in NEEDLES:
            assert needle not in text, f"{needle!r} found in the {where}"


@pytest.mark.parametrize("tick", [False])
def test_the_salt_changes_at_midnight_and_a_visitor_counts_again(client, backend, tick):
    store = get_store()
    with time_machine.travel(datetime(2026, 3, 15, 23, 59, 30, tzinfo=VN_TZ), tick=tick):
        client.get("/lich-lam-viec/", REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)
        client.get("/thu-tuc/", REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)
        day1 = datetime(2026, 3, 15).date()
        before = visitor_hash(store.salt(day1), IP, UA)
    with time_machine.travel(datetime(2026, 3, 16, 0, 0, 30, tzinfo=VN_TZ), tick=tick):
        client.get("/lich-lam-viec/", REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)
        day2 = datetime(2026, 3, 16).date()
        after = visitor_hash(store.salt(day2), IP, UA)
        assert store.salt(day1) != store.salt(day2)
        assert before != after, "the same person gets an unrelated hash the next day"
        assert visitor_hash(store.salt(day2), IP, UA) == after  # but a stable one within it
        live = store.live(now=__import__("time").time())
        assert live.days == {day1: [1, 2], day2: [1, 1]}
        assert live.online == 2, "for 5 minutes after midnight the two hashes both show online"
