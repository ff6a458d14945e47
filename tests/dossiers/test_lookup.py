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


@pytest.mark.parametrize("verify", ["2345", "5678"])  # citizen ID or phone
def test_api_with_verify_shows_details(client, dossier, verify):
    body = client.get(f"/api/v1/dossiers/{dossier.code}", {"verify": verify}).json()
    assert body["verified"] is True
    assert body["applicant"]["name"] == PERSON.full_name
    assert body["applicant"]["citizen_id"] == PERSON.citizen_id
    assert body["applicant"]["address"] == PERSON.address


@pytest.mark.parametrize("verify", ["1111", "234", "abcd", "", "²³⁴⁵", "٢٣٤٥"])
def test_api_wrong_verify_stays_masked(client, dossier, verify):
    body = client.get(f"/api/v1/dossiers/{dossier.code}", {"verify": verify}).json()
    assert body["verified"] is False
    assert body["applicant"]["citizen_id"] == "********2345"


def test_repeated_wrong_verifications_are_blocked(client, dossier):
    url = f"/api/v1/dossiers/{dossier.code}"
    for _ in range(5):
        assert client.get(url, {"verify": "0000"}).json()["verify_blocked"] is False
    body = client.get(url, {"verify": "2345"}).json()  # right, but too late
    assert (body["verified"], body["verify_blocked"]) == (False, True)
    assert body["applicant"]["masked"] is True
    page = client.post("/tra-cuu-ho-so/", {"ma": dossier.code, "xac_minh": "2345"})
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
    page = client.post("/tra-cuu-ho-so/", {"ma": dossier.code, "xac_minh": "2345"})
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
