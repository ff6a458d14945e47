"""Fixtures: the live store (memory, or the real Redis at 127.0.0.1:6379 under a key prefix of
the test's own, removed afterwards), browser-like requests, the editor and a reception officer."""

import uuid

import pytest

# The dossier and feedback fixtures, for the index 766 and report 06 tests.
from tests.dossiers.conftest import (  # noqa: F401
    commune,
    department,
    officer,
    point,
    procedure,
    received,
    specialist,
    submitted,
    travel,
)
from tests.factories import MembershipFactory
from tests.feedback.conftest import office  # noqa: F401
from tthc.metrics import store as store_module
from tthc.metrics.store import RedisStore
from tthc.org.models import Role

REDIS_URL = "redis://127.0.0.1:6379/13"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
PAGE = "/lich-lam-viec/"  # a public page that needs no data


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except (redis.RedisError, OSError):
        return False


@pytest.fixture(autouse=True)
def _fresh_store(settings):
    """Each test starts on a new in-process memory store; no background flusher in tests."""
    settings.TTHC_VISITS_REDIS_URL = ""
    settings.TTHC_VISITS_MEMORY_FLUSH_INTERVAL = 0
    settings.TTHC_TRUSTED_PROXY_COUNT = 0
    store_module.reset_store()
    yield
    store_module.reset_store()


@pytest.fixture
def redis_prefix(settings):
    """Point the settings at the real Redis, under a unique prefix cleaned after the test."""
    if not redis_reachable():
        pytest.skip("Redis không chạy ở 127.0.0.1:6379 (CI khởi động nó trong .ci/run)")
    prefix = f"tthc-test:{uuid.uuid4().hex}:"
    settings.TTHC_VISITS_REDIS_URL = REDIS_URL
    settings.TTHC_VISITS_REDIS_PREFIX = prefix
    store_module.reset_store()
    yield prefix
    RedisStore(REDIS_URL, prefix).clear()


@pytest.fixture(params=["memory", "redis"])
def backend(request, settings):
    """The store in use, once with each backend."""
    if request.param == "redis":
        request.getfixturevalue("redis_prefix")
    return store_module.get_store()


@pytest.fixture
def browse(client):
    """GET `path` as a person: a browser's user agent from `ip`."""

    def go(path=PAGE, *, ip="198.51.100.10", ua=CHROME, **extra):
        return client.get(path, REMOTE_ADDR=ip, HTTP_USER_AGENT=ua, **extra)

    return go


@pytest.fixture
def editor(db):
    user = MembershipFactory(role=Role.EDITOR).user
    user.save()  # keeps the password the factory set, so the session stays valid
    return user


@pytest.fixture
def reception(db):
    user = MembershipFactory(role=Role.RECEPTION_OFFICER).user
    user.save()
    return user
