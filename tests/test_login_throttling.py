"""Login throttling (django-axes, database handler): per account and per address, on the three
login doors, with the cool-off from the settings (docs/security.md)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.factories import MembershipFactory
from tthc.org.models import Role

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-dai-12"
DOORS = ["/dang-nhap/", "/bien-tap/login/", "/admin/login/"]


@pytest.fixture
def officer():
    user = MembershipFactory(role=Role.CONTROL_OFFICER, user__username="kiemsoat").user
    user.is_staff = True  # may also use Django's admin, a third door
    user.save()
    return user


def _login(client, username, password, door="/dang-nhap/", address="203.0.113.7", **extra):
    return client.post(
        door, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, officer, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(30):
        response = _login(client, "kiemsoat", "sai-mat-khau")
        assert response.status_code in (200, 429)
    response = _login(client, "kiemsoat", PASSWORD)
    assert response.status_code == 429
    assert not _signed_in(client)
    html = response.content.decode()
    assert "tạm khóa" in html and "15 phút" in html
    assert response["Retry-After"] == str(15 * 60)


def test_the_lock_starts_at_the_limit(client, officer):
    for _ in range(4):
        assert _login(client, "kiemsoat", "sai").status_code == 200
    assert _login(client, "kiemsoat", "sai").status_code == 429
    assert _login(client, "kiemsoat", PASSWORD).status_code == 429


@pytest.mark.parametrize("door", DOORS)
def test_every_login_door_counts_and_refuses(client, officer, door):
    for _ in range(5):
        _login(client, "kiemsoat", "sai", door=door)
    for other in DOORS:
        response = _login(client, "kiemsoat", PASSWORD, door=other)
        assert response.status_code == 429, other
        assert "tạm khóa" in response.content.decode()
    assert not _signed_in(client)


def test_the_account_is_locked_from_every_address(client, officer):
    for i in range(5):
        _login(client, "kiemsoat", "sai", address=f"198.51.100.{i + 1}")
    assert _login(client, "kiemsoat", PASSWORD, address="192.0.2.200").status_code == 429


def test_the_address_is_locked_for_every_account(client, officer):
    other = MembershipFactory(role=Role.SPECIALIST).user
    other.save()
    for i in range(5):
        _login(client, f"doan-ten-{i}", "sai", address="203.0.113.9")
    response = _login(client, other.username, PASSWORD, address="203.0.113.9")
    assert response.status_code == 429
    # The same account from another address is not held back by that address.
    assert _login(client, other.username, PASSWORD, address="192.0.2.1").status_code == 302


def test_the_address_is_the_projects_client_address_behind_trusted_proxies(
    client, officer, settings
):
    settings.TTHC_TRUSTED_PROXY_COUNT = 1
    for i in range(5):
        # Forged left-most entries vary; the address our proxy saw stays the same.
        _login(
            client,
            f"ten-{i}",
            "sai",
            address="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{i}, 203.0.113.50",
        )
    locked = _login(
        client, "kiemsoat", PASSWORD, address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.50"
    )
    assert locked.status_code == 429
    # Another client behind the same proxy is not locked.
    ok = _login(
        client, "kiemsoat", PASSWORD, address="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.51"
    )
    assert ok.status_code == 302


def test_the_cool_off_ends_the_lock(client, officer, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    for _ in range(5):
        _login(client, "kiemsoat", "sai")
    assert _login(client, "kiemsoat", PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        response = _login(client, "kiemsoat", PASSWORD)
        assert response.status_code == 302 and _signed_in(client)


def test_a_successful_login_resets_the_count(client, officer):
    for _ in range(4):
        _login(client, "kiemsoat", "sai")
    assert _login(client, "kiemsoat", PASSWORD).status_code == 302
    client.post("/dang-xuat/")
    for _ in range(4):
        assert _login(client, "kiemsoat", "sai").status_code == 200
    assert _login(client, "kiemsoat", PASSWORD).status_code == 302


def test_limits_come_from_the_settings(client, officer, settings):
    settings.AXES_FAILURE_LIMIT = 2
    _login(client, "kiemsoat", "sai")
    assert _login(client, "kiemsoat", "sai").status_code == 429


def test_the_lockout_page_is_in_english_through_gettext(client, officer):
    for _ in range(5):
        _login(client, "kiemsoat", "sai")
    client.cookies["django_language"] = "en"
    html = _login(client, "kiemsoat", PASSWORD).content.decode()
    assert "Try again in 15 minutes" in html
