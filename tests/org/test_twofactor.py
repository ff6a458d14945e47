"""Two-factor sign-in (TOTP) for the staff roles that read personal data or publish."""

import time

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import MembershipFactory, UserFactory
from tthc.org.models import Role
from tthc.org.policy import TWO_FACTOR_ROLES, requires_two_factor

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-dai-12"
ENROL = "/dang-nhap/xac-thuc-hai-buoc/"
VERIFY = "/dang-nhap/ma-xac-thuc/"


def code(device, offset=0) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, offset):06d}"


@pytest.fixture
def enforced(settings):
    settings.TTHC_REQUIRE_2FA = True
    return settings


@pytest.fixture
def officer():
    user = MembershipFactory(role=Role.CONTROL_OFFICER).user
    user.save()
    return user


def _password_login(client, user):
    response = client.post("/dang-nhap/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_every_role_that_reads_personal_data_or_publishes_needs_it():
    assert set(TWO_FACTOR_ROLES) == set(Role.values)
    for role in Role.values:
        user = MembershipFactory(role=role).user
        assert requires_two_factor(user), role
    plain = UserFactory()
    assert not requires_two_factor(plain)
    plain.is_superuser = True
    assert requires_two_factor(plain)


def test_off_by_default_password_alone_signs_in(client, officer, settings):
    assert settings.TTHC_REQUIRE_2FA is False
    _password_login(client, officer)
    assert client.get("/quan-tri/").status_code == 200


def test_enforced_without_device_goes_to_enrolment_and_nothing_else(client, officer, enforced):
    response = _password_login(client, officer)
    landing = client.get(response["Location"])
    assert landing.status_code == 302 and landing["Location"].startswith(ENROL)
    for path in ["/quan-tri/", "/quan-tri/ho-so/", "/bien-tap/", "/admin/"]:
        blocked = client.get(path)
        assert blocked.status_code == 302, path
        assert blocked["Location"].startswith(ENROL), path
    api = client.get("/api/v1/staff/dossiers")
    assert api.status_code == 403
    assert api.json()["code"] == "two_factor_required"
    # Elsewhere the person is anonymous until the code: public pages work, nothing staff-only.
    assert client.get("/api/v1/procedures").status_code == 200


def test_enrolment_shows_a_local_qr_code_and_the_secret_then_a_real_code_confirms(
    client, officer, enforced
):
    _password_login(client, officer)
    page = client.get(ENROL, {"next": "/quan-tri/ho-so/"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "Khóa bí mật" in html
    device = TOTPDevice.objects.get(user=officer)
    assert not device.confirmed
    secret = page.context["secret"].replace(" ", "")
    import base64

    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key

    wrong = client.post(ENROL, {"token": "000000" if code(device) != "000000" else "111111"})
    assert wrong.status_code in (400, 429)
    assert "không đúng" in wrong.content.decode() or "chờ" in wrong.content.decode()
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=5), tick=False):
        device.refresh_from_db()
        ok = client.post(ENROL, {"token": code(device), "next": "/quan-tri/ho-so/"})
        assert ok.status_code == 302 and ok["Location"] == "/quan-tri/ho-so/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/quan-tri/").status_code == 200
    # A confirmed device is not replaced by whoever holds the password.
    assert client.get(ENROL).status_code == 302


def _enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="điện thoại", confirmed=True)


def test_with_a_device_the_password_leads_to_the_code(client, officer, enforced):
    device = _enrolled(officer)
    _password_login(client, officer)
    landing = client.get("/quan-tri/")
    assert landing.status_code == 302 and landing["Location"].startswith(VERIFY)
    page = client.get(landing["Location"])
    assert page.status_code == 200 and "Mã xác thực" in page.content.decode()
    ok = client.post(VERIFY, {"token": code(device), "next": "/quan-tri/"})
    assert ok.status_code == 302 and ok["Location"] == "/quan-tri/"
    assert client.get("/quan-tri/").status_code == 200
    assert client.get("/api/v1/staff/dossiers").status_code == 200


def test_a_wrong_code_is_refused(client, officer, enforced):
    device = _enrolled(officer)
    _password_login(client, officer)
    right = code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(VERIFY, {"token": wrong})
    assert response.status_code == 400
    assert "Mã xác thực không đúng" in response.content.decode()
    assert client.get("/quan-tri/").status_code == 302
    assert client.post(VERIFY, {"token": "12ab56"}).status_code in (400, 429)


def test_repeated_wrong_codes_are_throttled_even_the_right_one(client, officer, enforced):
    device = _enrolled(officer)
    _password_login(client, officer)
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        right = code(device)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        for _ in range(4):
            client.post(VERIFY, {"token": wrong})
        device.refresh_from_db()
        assert device.throttling_failure_count >= 1
        response = client.post(VERIFY, {"token": right})
        assert response.status_code == 429
        assert "Vui lòng chờ" in response.content.decode()
        assert client.get("/quan-tri/").status_code == 302
    # After the wait, the right code works (a fresh one: codes are single-use).
    with time_machine.travel(now + timezone.timedelta(seconds=60), tick=False):
        assert client.post(VERIFY, {"token": code(device)}).status_code == 302
        assert client.get("/quan-tri/").status_code == 200


def test_the_throttle_is_stored_on_the_device_for_every_process(client, officer, enforced):
    device = _enrolled(officer)
    _password_login(client, officer)
    client.post(VERIFY, {"token": "000001" if code(device) != "000001" else "000002"})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1 and device.throttling_failure_timestamp


def test_a_code_is_used_once(client, officer, enforced):
    device = _enrolled(officer)
    _password_login(client, officer)
    with time_machine.travel(time.time(), tick=False):
        token = code(device)
        assert client.post(VERIFY, {"token": token}).status_code == 302
        client.post("/dang-xuat/")
        _password_login(client, officer)
        assert client.post(VERIFY, {"token": token}).status_code in (400, 429)


def test_a_person_who_enrolled_voluntarily_is_asked_even_when_not_enforced(client, officer):
    _enrolled(officer)
    _password_login(client, officer)
    assert client.get("/quan-tri/")["Location"].startswith(VERIFY)


def test_wagtail_login_door_is_guarded_too(client, enforced):
    editor = MembershipFactory(role=Role.EDITOR).user
    editor.save()
    device = _enrolled(editor)
    response = client.post("/bien-tap/login/", {"username": editor.username, "password": PASSWORD})
    assert response.status_code == 302
    landing = client.get("/bien-tap/")
    assert landing.status_code == 302 and landing["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"token": code(device), "next": "/bien-tap/"}).status_code == 302
    assert client.get("/bien-tap/").status_code == 200


def test_the_next_address_cannot_leave_the_site(client, officer, enforced):
    device = _enrolled(officer)
    _password_login(client, officer)
    response = client.post(VERIFY, {"token": code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/quan-tri/"
