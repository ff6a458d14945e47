"""Public lookup (API and page), masking, verification, staff access log."""

import pytest

from tests.dossiers.conftest import PERSON, staff
from tthc.core.contact import mask_address, mask_digits, mask_email, mask_name
from tthc.core.errors import PermissionDenied
from tthc.dossiers import services
from tthc.dossiers.models import AccessLog
from tthc.org.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Nguyễn Văn An", "Nguyễn V*** A"),
        ("Trần Thị Minh Khai", "Trần T*** M*** K"),
        ("Lê An", "Lê A"),
        ("Hà", "H***"),
        ("", ""),
    ],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_mask_other_fields():
    assert mask_digits("001090012345", 4) == "********2345"
    assert mask_digits("0912345678", 3) == "*******678"
    assert mask_email("an.nguyen@example.vn") == "a***@example.vn"
    assert mask_address("Số 1 phố Tràng Tiền, phường Hoàn Kiếm, Hà Nội") == "***, Hà Nội"


@pytest.fixture
def dossier(received, travel):
    travel(2025, 1, 22, 10)
    return received()


def test_api_without_verify_masks(client, dossier):
    response = client.get(f"/api/v1/dossiers/{dossier.code}")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == dossier.code
    assert (body["status"], body["status_label"]) == (2, "Đã tiếp nhận")
    assert body["appointment_date"] == "05/02/2025"
    assert body["appointment_time"] == "17 giờ 00 phút"
    assert body["received_date"] == "22/01/2025"
    assert body["verified"] is False
    applicant = body["applicant"]
    assert applicant["name"] == "Nguyễn V*** A"
    assert applicant["citizen_id"] == "********2345"
    assert applicant["masked"] is True
    assert "Tràng Tiền" not in response.content.decode()
    assert "001090012345" not in response.content.decode()
    assert [s["label"] for s in body["steps"]] == ["Tiếp nhận hồ sơ"]
    assert body["steps"][0]["date"] == "22/01/2025"


def secret_variants(secret: str) -> list[str]:
    return [secret, f"{secret[:4]}-{secret[4:]}", secret.lower(), f" {secret[:4]} {secret[4:]} "]


def test_a_lookup_secret_is_issued_per_dossier(received):
    from tthc.core.lookupcode import ALPHABET as LOOKUP_ALPHABET

    secrets = {received().lookup_secret for _ in range(5)}
    assert len(secrets) == 5
    assert all(len(s) == 8 and set(s) <= set(LOOKUP_ALPHABET) for s in secrets)


@pytest.mark.parametrize("variant", range(4))  # as printed, with hyphen, lower case, spaces
def test_api_with_verify_shows_details(client, dossier, variant):
    verify = secret_variants(dossier.lookup_secret)[variant]
    body = client.get(f"/api/v1/dossiers/{dossier.code}", {"verify": verify}).json()
    assert body["verified"] is True
    assert body["applicant"]["name"] == PERSON.full_name
    assert body["applicant"]["citizen_id"] == PERSON.citizen_id
    assert body["applicant"]["address"] == PERSON.address


@pytest.mark.parametrize(
    "verify", ["2345", "5678", "1111", "abcd", "", "²³⁴⁵", "٢٣٤٥", "AAAAAAAA", "001090012345"]
)
def test_api_wrong_verify_stays_masked(client, dossier, verify):
    body = client.get(f"/api/v1/dossiers/{dossier.code}", {"verify": verify}).json()
    assert body["verified"] is False
    assert body["applicant"]["citizen_id"] == "********2345"


def test_repeated_wrong_verifications_are_blocked(client, dossier):
    url = f"/api/v1/dossiers/{dossier.code}"
    for _ in range(5):
        assert client.get(url, {"verify": "0000"}).json()["verify_blocked"] is False
    body = client.get(url, {"verify": dossier.lookup_secret}).json()  # right, but too late
    assert (body["verified"], body["verify_blocked"]) == (False, True)
    assert body["applicant"]["masked"] is True
    page = client.post("/tra-cuu-ho-so/", {"ma": dossier.code, "xac_minh": dossier.lookup_secret})
    assert "quá nhiều lần" in page.content.decode()


def test_api_unknown_code_is_404_in_vietnamese(client, db):
    response = client.get("/api/v1/dossiers/000.00.00.H00-250101-0001")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Không tìm thấy hồ sơ có mã này.",
        "code": "not_found",
        "field": "code",
    }


def test_page_by_qr_link_and_with_verification(client, dossier):
    page = client.get("/tra-cuu-ho-so/", {"ma": dossier.code})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Đã tiếp nhận" in html and "05/02/2025" in html
    assert "Nguyễn V*** A" in html and "Nguyễn Văn An" not in html
    assert "<script" not in html
    page = client.post("/tra-cuu-ho-so/", {"ma": dossier.code, "xac_minh": dossier.lookup_secret})
    assert "Nguyễn Văn An" in page.content.decode()
    page = client.post("/tra-cuu-ho-so/", {"ma": dossier.code, "xac_minh": "0000"})
    assert "Mã xác minh không đúng" in page.content.decode()
    assert "Nguyễn Văn An" not in page.content.decode()


def test_page_empty_and_unknown(client, db):
    assert client.get("/tra-cuu-ho-so/").status_code == 200
    page = client.get("/tra-cuu-ho-so/", {"ma": "KHONG-CO"})
    assert page.status_code == 404
    assert "Không tìm thấy hồ sơ" in page.content.decode()


def test_staff_reads_are_logged_and_limited(dossier, officer, specialist, other_agency):
    services.read_applicant(user=specialist, dossier=dossier)
    services.read_applicant(user=officer, dossier=dossier, what="in giấy tiếp nhận")
    log = list(AccessLog.objects.order_by("id").values_list("user", "what"))
    assert log == [(specialist.pk, "xem thông tin người nộp"), (officer.pk, "in giấy tiếp nhận")]
    stranger = staff(Role.SPECIALIST, other_agency)
    with pytest.raises(PermissionDenied):
        services.read_applicant(user=stranger, dossier=dossier)
    assert AccessLog.objects.count() == 2


def test_the_secret_is_nowhere_in_the_public_answers(client, dossier):
    secret = dossier.lookup_secret
    for text in (
        client.get(f"/api/v1/dossiers/{dossier.code}").content.decode(),
        client.get("/tra-cuu-ho-so/", {"ma": dossier.code}).content.decode(),
        client.get("/api/v1/openapi.json").content.decode(),
    ):
        assert secret not in text and f"{secret[:4]}-{secret[4:]}" not in text


def test_the_secret_reaches_the_applicant_on_the_receipt_and_in_the_messages(dossier):
    from tthc.dossiers import notifications, pdf

    shown = f"{dossier.lookup_secret[:4]}-{dossier.lookup_secret[4:]}"
    assert shown in pdf.receipt_html(dossier)
    event = dossier.events.get()
    _subject, body = notifications.email_message(event)
    assert shown in body and shown in notifications.sms_text(event)


def test_an_erased_applicant_or_a_dossier_without_secret_never_verifies(client, dossier):
    from tthc.dossiers.models import Dossier

    secret = dossier.lookup_secret
    Dossier.objects.filter(pk=dossier.pk).update(lookup_secret="")
    url = f"/api/v1/dossiers/{dossier.code}"
    assert client.get(url, {"verify": secret}).json()["verified"] is False
    assert client.get(url, {"verify": ""}).json()["verified"] is False


def test_what_the_masked_view_shows_does_not_unmask_it(client, dossier):
    """Issue 13: the last digits shown masked (citizen ID, phone) must not be the key."""
    url = f"/api/v1/dossiers/{dossier.code}"
    masked = client.get(url).json()["applicant"]
    shown = [masked["citizen_id"][-4:], masked["phone"][-3:], "5678"]  # phone: 3 shown + 1
    for guess in shown:
        body = client.get(url, {"verify": guess}).json()
        assert body["verified"] is False, guess
        assert body["applicant"]["citizen_id"] == "********2345"
    page = client.post("/tra-cuu-ho-so/", {"ma": dossier.code, "xac_minh": shown[0]})
    assert "Nguyễn Văn An" not in page.content.decode()
