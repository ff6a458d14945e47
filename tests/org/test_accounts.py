"""The session's account kept by each process (tthc.org.accounts): no query for the user, the
roles or the authenticator on each request, and every change of them seen by the very next
request, in every process (the revision "accounts" is raised when the change commits)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import MembershipFactory
from tthc.core import revisions
from tthc.org.accounts import ACCOUNTS, KeptAccountBackend
from tthc.org.models import Membership, Role

QUEUE = "/quan-tri/ho-so/"


@pytest.fixture
def officer():
    user = MembershipFactory(role=Role.RECEPTION_OFFICER).user
    user.save()
    return user


def _tables(queries) -> str:
    return " ".join(query["sql"] for query in queries)


@pytest.mark.django_db
def test_a_signed_in_request_reads_neither_the_account_nor_its_roles_again(client, officer):
    client.force_login(officer)
    assert client.get(QUEUE).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(QUEUE).status_code == 200
    read = _tables(queries)
    assert '"core_user"' not in read
    assert '"org_membership"' not in read
    assert '"otp_totp_totpdevice"' not in read
    assert '"django_session"' in read  # the session itself is still checked each time


@pytest.mark.django_db
def test_each_request_has_its_own_copy_of_the_user(officer):
    backend = KeptAccountBackend()
    first, second = backend.get_user(str(officer.pk)), backend.get_user(officer.pk)
    assert first == second == officer
    assert first is not second
    first.otp_device = "set by a middleware on this request"
    assert not hasattr(second, "otp_device")
    assert not hasattr(ACCOUNTS.get(officer.pk).user, "otp_device")
    assert backend.get_user("not a number") is None
    assert backend.get_user(officer.pk + 10_000) is None


# The committed path, as between two requests of production (no test transaction around).
committed = pytest.mark.django_db(transaction=True)


def _sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


@committed
def test_an_account_switched_off_is_signed_out_at_its_next_request(client, officer):
    client.force_login(officer)
    assert client.get(QUEUE).status_code == 200
    before = revisions.current("accounts")
    officer.is_active = False
    officer.save()
    assert revisions.current("accounts") == before + 1
    assert _sent_to_sign_in(client.get(QUEUE))


@committed
def test_a_changed_password_signs_the_old_sessions_out(client, officer):
    client.force_login(officer)
    assert client.get(QUEUE).status_code == 200
    officer.set_password("mat-khau-moi-dai-34")
    officer.save()
    assert _sent_to_sign_in(client.get(QUEUE))


@committed
def test_a_role_taken_away_is_gone_from_the_next_request(client, officer):
    client.force_login(officer)
    assert client.get(QUEUE).status_code == 200
    Membership.objects.filter(user=officer).delete()  # a queryset delete: signals still sent
    response = client.get(QUEUE)
    assert response.status_code == 403
    assert "không" in response.content.decode().lower()


@committed
def test_an_enrolled_authenticator_is_asked_for_at_the_next_request(client, officer):
    client.force_login(officer)
    assert client.get(QUEUE).status_code == 200
    TOTPDevice.objects.create(user=officer, name="Điện thoại", confirmed=True)
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/ma-xac-thuc/")


@committed
def test_signing_in_again_does_not_drop_what_the_processes_keep(client, officer):
    client.force_login(officer)
    before = revisions.current("accounts")
    response = client.post(
        "/dang-nhap/", {"username": officer.username, "password": "mat-khau-dai-12"}
    )
    assert response.status_code == 302
    assert revisions.current("accounts") == before  # only last_login was saved


# Sessions in a shared cache (settings: Redis as CACHE_URL means `cached_db`).


@pytest.fixture
def shared_cache_sessions(settings):
    import uuid

    import redis

    url = "redis://127.0.0.1:6379/12"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except (redis.RedisError, OSError):
        pytest.skip("Redis không chạy ở 127.0.0.1:6379 (CI khởi động nó trong .ci/run)")
    prefix = f"tthc-test:{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    from django.core.cache import caches

    cache = caches["default"]  # Redis database 12 is this test's alone: cleared before, after
    cache.clear()
    yield cache
    cache.clear()


@pytest.mark.django_db
def test_a_session_read_from_the_shared_cache_ends_everywhere_at_sign_out(
    client, officer, shared_cache_sessions
):
    from django.test import Client

    assert (
        client.post(
            "/dang-nhap/", {"username": officer.username, "password": "mat-khau-dai-12"}
        ).status_code
        == 302
    )
    cookie = client.cookies["sessionid"].value
    with CaptureQueriesContext(connection) as queries:
        assert client.get(QUEUE).status_code == 200
    assert '"django_session"' not in _tables(queries)  # read from the cache
    # Another process, the same browser's cookie: the cache every process shares answers.
    other = Client()
    other.cookies["sessionid"] = cookie
    assert other.get(QUEUE).status_code == 200
    # The cache lost it (Redis restarted): the database still has it.
    shared_cache_sessions.clear()
    assert other.get(QUEUE).status_code == 200
    client.post("/dang-xuat/")
    replayed = Client()
    replayed.cookies["sessionid"] = cookie
    assert _sent_to_sign_in(replayed.get(QUEUE))
