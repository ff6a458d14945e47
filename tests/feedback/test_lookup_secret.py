"""The sender's lookup (issue 13): verification by a secret lookup code issued at submission,
shown on the confirmation page, sent in every message to the sender; the digits of the phone
that the masked view shows no longer verify; the attempt limit still holds."""

import re

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.utils import timezone

from tests.feedback.conftest import feedback_input
from tthc.core import lookupcode
from tthc.feedback import selectors, services
from tthc.feedback.models import Feedback

pytestmark = pytest.mark.django_db

LOOKUP = "/phan-anh/tra-cuu/"
FORM = {
    "category": "regulation",
    "title": "Thủ tục đăng ký khai sinh yêu cầu giấy tờ thừa",
    "content": "Cán bộ yêu cầu nộp bản sao sổ hộ khẩu.",
    "sender_name": "Nguyễn Văn An",
    "sender_phone": "0912345678",
    "sender_email": "",
    "sender_address": "Số 1 phố Tràng Tiền, Hà Nội",
}


def _masked_phone(page: str) -> str:
    """The phone as the lookup shows it: '*******678'."""
    return re.search(r"\*+(\d+)", page).group(1)


def test_the_masked_views_digits_do_not_verify(client, submit, control):
    fb = submit(sender_email="")
    secret = lookupcode.display(fb.lookup_secret)
    shown = client.post(LOOKUP, {"ma": fb.code, "xac_minh": secret}).content.decode()
    digits = _masked_phone(shown)
    assert digits == "678" and "0912345678" not in shown
    # The masked view shows neither the secret nor the e-mail the verifier accepts.
    assert fb.lookup_secret not in shown.replace("-", "") and secret not in shown
    for guess in (digits, "5678", "0912345678", "45678"):
        page = client.post(LOOKUP, {"ma": fb.code, "xac_minh": guess}).content.decode()
        assert "không đúng" in page and "Quá trình xử lý" not in page
        assert not selectors.verifies(fb, guess)
    cache_reset()
    api = client.post(
        "/api/v1/feedback/lookup",
        {"code": fb.code, "verify": "5678"},
        content_type="application/json",
    )
    assert api.status_code == 404 and api.json()["field"] == "verify"
    # Nor do they let the sender's supplement through.
    fb = services.request_supplement(user=control, feedback=fb, note="Gửi ảnh giấy hẹn.")
    refused = client.post("/phan-anh/tra-cuu/bo-sung/", {"ma": fb.code, "xac_minh": "5678"})
    assert refused.status_code == 403


def cache_reset():
    from django.core.cache import cache

    cache.clear()


def test_the_secret_from_the_confirmation_page_verifies(client, office):
    page = client.post("/phan-anh/gui/", FORM).content.decode()
    fb = Feedback.objects.get()
    assert len(fb.lookup_secret) == 8 and set(fb.lookup_secret) <= set(lookupcode.ALPHABET)
    secret = lookupcode.display(fb.lookup_secret)
    assert fb.code in page and secret in page
    # Typed as printed, without the hyphen, in lower case, with spaces: all the same code.
    for typed in (secret, fb.lookup_secret.lower(), f" {secret[:4]} {secret[5:]} "):
        found = client.post(LOOKUP, {"ma": fb.code, "xac_minh": typed}).content.decode()
        assert "Quá trình xử lý" in found and "Chờ tiếp nhận" in found
    api = client.post(
        "/api/v1/feedback/lookup",
        {"code": fb.code, "verify": secret},
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["status"] == "waiting"
    assert "lookup_secret" not in api.json()


def test_every_feedback_gets_its_own_secret_and_the_api_returns_it(client, office):
    body = {k: v for k, v in FORM.items() if k != "sender_email"}
    first = client.post("/api/v1/feedback/", body, content_type="application/json")
    body["sender_phone"] = "0912345679"
    second = client.post("/api/v1/feedback/", body, content_type="application/json")
    assert first.status_code == second.status_code == 201
    secrets = {first.json()["lookup_secret"], second.json()["lookup_secret"]}
    assert len(secrets) == 2
    for answer in (first.json(), second.json()):
        fb = Feedback.objects.get(code=answer["code"])
        assert answer["lookup_secret"] == lookupcode.display(fb.lookup_secret)
    # The public archive entry never carries it.
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "lookup_secret" not in schema["PublishedOut"]["properties"]
    assert "Số điện thoại" in schema["LookupIn"]["properties"]["verify"]["description"]


def test_open311_post_gives_the_secret_in_the_notice(client, office):
    answer = client.post(
        "/open311/v2/requests.json",
        {
            "service_code": "regulation",
            "address_string": "Số 1 Tràng Tiền, Hà Nội",
            "description": "Cán bộ yêu cầu nộp sổ hộ khẩu khi đăng ký khai sinh.",
            "first_name": "An",
            "last_name": "Nguyễn Văn",
            "phone": "0912345678",
        },
    ).json()[0]
    fb = Feedback.objects.get(code=answer["service_request_id"])
    assert lookupcode.display(fb.lookup_secret) in answer["service_notice"]
    shown = client.get(f"/open311/v2/requests/{fb.code}.json").content.decode()
    assert fb.lookup_secret not in shown.replace("-", "")


def test_acknowledgement_and_notifications_carry_the_secret(
    submit, control, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level("INFO", logger="tthc.dossiers.sms")
    with django_capture_on_commit_callbacks(execute=True):
        fb = submit()
    secret = lookupcode.display(fb.lookup_secret)
    assert len(mail.outbox) == 1
    ack = mail.outbox[0]
    assert ack.to == ["an.nguyen@example.vn"] and fb.code in ack.subject
    assert secret in ack.body and "/phan-anh/tra-cuu/" in ack.body
    assert f"Ma tra cuu: {secret}" in caplog.text
    with django_capture_on_commit_callbacks(execute=True):
        services.refuse(user=control, feedback=fb, reason="Không thuộc phạm vi.")
    assert "không được tiếp nhận" in mail.outbox[1].subject and secret in mail.outbox[1].body


def test_staff_entry_shows_the_secret_to_the_officer(client, control, office):
    fb = services.enter(user=control, data=feedback_input(), channel="phone")
    client.force_login(control)
    page = client.get(f"/quan-tri/phan-anh/{fb.code}/").content.decode()
    assert lookupcode.display(fb.lookup_secret) in page


def test_attempt_limit_blocks_the_right_secret_too(client, submit, settings):
    settings.TTHC_FEEDBACK_LOOKUP_VERIFY_ATTEMPTS = 5
    fb = submit()
    for _ in range(5):
        client.post(LOOKUP, {"ma": fb.code, "xac_minh": "ABCD-EFGH"})
    blocked = client.post(LOOKUP, {"ma": fb.code, "xac_minh": fb.lookup_secret}).content.decode()
    assert "quá nhiều lần" in blocked and "Quá trình xử lý" not in blocked
    api = client.post(
        "/api/v1/feedback/lookup",
        {"code": fb.code, "verify": fb.lookup_secret},
        content_type="application/json",
    )
    assert api.status_code == 404
    assert selectors.lookup(fb.code, fb.lookup_secret)["blocked"]
    cache_reset()  # the window ended
    assert selectors.lookup(fb.code, fb.lookup_secret)["verified"]


def test_email_still_verifies_but_not_after_erasure(client, submit):
    fb = submit()
    assert selectors.verifies(fb, "AN.NGUYEN@example.vn")
    assert not selectors.verifies(fb, "an.nguyen@example")
    Feedback.objects.filter(pk=fb.pk).update(personal_data_erased_at=timezone.now())
    fb.refresh_from_db()
    assert not selectors.verifies(fb, fb.lookup_secret)
    page = client.post(LOOKUP, {"ma": fb.code, "xac_minh": fb.lookup_secret}).content.decode()
    assert "đã được xóa theo thời hạn lưu trữ" in page
    api = client.post(
        "/api/v1/feedback/lookup",
        {"code": fb.code, "verify": fb.lookup_secret},
        content_type="application/json",
    )
    assert api.status_code == 404 and api.json()["code"] == "personal_data_erased"


def test_migration_issues_secrets_for_existing_feedback(submit):
    import importlib

    fill = importlib.import_module("tthc.feedback.migrations.0003_feedback_lookup_secret").fill
    old = [submit(sender_phone=f"091234560{i}") for i in range(3)]
    Feedback.objects.update(lookup_secret="")
    fill(django_apps, None)
    secrets = set(Feedback.objects.values_list("lookup_secret", flat=True))
    assert len(secrets) == len(old) and all(len(s) == 8 for s in secrets)
