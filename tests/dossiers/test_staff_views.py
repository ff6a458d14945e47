"""Staff screens: queues, counter reception, the dossier page and its actions, the PDF forms
and the tracking book."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.dossiers.conftest import staff
from tthc.catalog.models import ProcedureAgency
from tthc.dossiers import forms_pdf, services
from tthc.dossiers.models import AccessLog, Dossier, Status
from tthc.org.models import Role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_text(data: bytes, poppler) -> str:
    return " ".join(poppler.text(data, "-raw").split())


def test_queue_requires_login_and_a_dossier_role(client, db):
    assert client.get("/quan-tri/ho-so/").status_code == 302
    from tests.factories import UserFactory

    user = UserFactory()
    user.save()
    client.force_login(user)
    assert client.get("/quan-tri/ho-so/").status_code == 403


def test_queue_tabs_and_flat_query_count(client, officer, submitted, received):
    client.force_login(officer)
    submitted()
    response = client.get("/quan-tri/ho-so/?the=moi")
    assert response.status_code == 200
    assert response.content.decode().count('href="/quan-tri/ho-so/000.00.31.H26-') == 1
    for _ in range(3):
        received()
    with CaptureQueriesContext(connection) as few:
        client.get("/quan-tri/ho-so/?the=dang-xu-ly")
    for _ in range(6):
        received()
    with CaptureQueriesContext(connection) as many:
        response = client.get("/quan-tri/ho-so/?the=dang-xu-ly")
    assert len(many) == len(few)
    assert response.content.decode().count("ds-status--2") == 9


def test_queue_shows_only_the_users_agencies(client, received, other_agency):
    received()
    client.force_login(staff(Role.RECEPTION_OFFICER, other_agency))
    response = client.get("/quan-tri/ho-so/?the=dang-xu-ly")
    assert "ds-status--2" not in response.content.decode()


def test_overdue_and_due_soon_tabs(client, specialist, received, travel):
    travel(2025, 1, 22, 10)
    received()  # due 05/02/2025 17:00
    travel(2025, 2, 4, 10)
    client.force_login(specialist)
    assert "ds-status--2" in client.get("/quan-tri/ho-so/?the=sap-den-han").content.decode()
    travel(2025, 2, 6, 10)
    client.force_login(specialist)
    assert "ds-status--2" in client.get("/quan-tri/ho-so/?the=qua-han").content.decode()
    assert "ds-status--2" not in client.get("/quan-tri/ho-so/?the=sap-den-han").content.decode()


def test_counter_reception_issues_code_and_offers_the_receipt(
    client, officer, procedure, point, department, travel
):
    travel(2025, 1, 22, 10)
    ProcedureAgency.objects.create(procedure=procedure, agency=department, role="implementing")
    client.force_login(officer)
    page = client.get(f"/quan-tri/ho-so/tiep-nhan/?thu_tuc={procedure.code}")
    assert page.status_code == 200 and "Giấy chứng sinh" in page.content.decode()
    response = client.post(
        "/quan-tri/ho-so/tiep-nhan/",
        {
            "thu_tuc": procedure.code,
            "doc_1": "1",
            "form_1": "original",
            "qty_1": "1",
            "doc_2": "1",
            "form_2": "copy",
            "qty_2": "2",
            "scan_2": SimpleUploadedFile("giay-chung-sinh.pdf", PDF),
            "kind": "person",
            "full_name": "Nguyễn Văn An",
            "citizen_id": "001090012345",
            "phone": "0912345678",
            "reception_point": str(point.pk),
            "resolving_agency": department.code,
            "channel": "1",
            "fee_due": "8000",
        },
        follow=True,
    )
    dossier = Dossier.objects.get()
    html = response.content.decode()
    assert f"Đã tiếp nhận hồ sơ {dossier.code}" in html
    assert "17 giờ 00 phút, ngày 05/02/2025" in html
    assert f"/quan-tri/ho-so/{dossier.code}/in/giay-tiep-nhan.pdf" in html
    assert [(d.form, d.quantity, d.file_name) for d in dossier.documents.all()] == [
        ("original", 1, ""),
        ("copy", 2, "giay-chung-sinh.pdf"),
    ]


def test_counter_reception_error_next_to_the_field(client, officer, procedure, point, department):
    client.force_login(officer)
    response = client.post(
        "/quan-tri/ho-so/tiep-nhan/",
        {
            "thu_tuc": procedure.code,
            "doc_1": "1",
            "form_1": "original",
            "qty_1": "1",
            "kind": "person",
            "full_name": "Nguyễn Văn An",
            "citizen_id": "12345",
            "phone": "0912345678",
            "reception_point": str(point.pk),
            "resolving_agency": department.code,
            "channel": "1",
            "fee_due": "0",
        },
    )
    assert response.status_code == 422
    block = response.content.decode().split('id="f-citizen_id"', 1)[1].split("</div>", 1)[0]
    assert "12 chữ số" in block


def test_dossier_page_shows_the_allowed_actions_and_logs_the_read(
    client, officer, specialist, received
):
    dossier = received()
    client.force_login(specialist)
    html = client.get(f"/quan-tri/ho-so/{dossier.code}/").content.decode()
    assert 'value="start"' in html and 'value="request_supplement"' in html
    assert 'value="accept"' not in html and 'value="return_result"' not in html
    assert "Nguyễn Văn An" in html
    assert AccessLog.objects.filter(user=specialist, dossier=dossier).exists()
    client.force_login(officer)
    html = client.get(f"/quan-tri/ho-so/{dossier.code}/").content.decode()
    assert 'value="start"' not in html and 'value="withdraw"' in html


def test_other_agency_gets_403(client, received, other_agency):
    dossier = received()
    client.force_login(staff(Role.SPECIALIST, other_agency))
    assert client.get(f"/quan-tri/ho-so/{dossier.code}/").status_code == 403
    response = client.post(f"/quan-tri/ho-so/{dossier.code}/thao-tac/", {"action": "start"})
    assert response.status_code == 403
    assert Dossier.objects.get().status == Status.RECEIVED


def test_actions_through_the_page(client, officer, specialist, received, other_agency):
    dossier = received()
    url = f"/quan-tri/ho-so/{dossier.code}/thao-tac/"
    client.force_login(specialist)
    # a refusal without its reason: the message is next to the action's form
    response = client.post(url, {"action": "request_supplement", "reason": ""})
    assert response.status_code == 422
    assert "Cần ghi rõ nội dung yêu cầu bổ sung" in response.content.decode()
    client.post(
        url,
        {
            "action": "request_supplement",
            "reason": "Bản sao giấy chứng sinh không rõ.",
            "missing": ["Giấy chứng sinh"],
            "missing_other": "Giấy xác nhận cư trú",
        },
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    event = dossier.events.last()
    assert event.data["missing"] == ["Giấy chứng sinh", "Giấy xác nhận cư trú"]
    client.post(
        url,
        {"action": "complete_supplement", "files": SimpleUploadedFile("bo-sung.pdf", PDF)},
    )
    client.post(
        url,
        {
            "action": "resolve",
            "result_code": "123/GKS",
            "electronic": "1",
            "files": SimpleUploadedFile("ket-qua.pdf", PDF),
        },
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.RESOLVED
    resolved = dossier.events.last()
    assert resolved.data == {"result_code": "123/GKS", "electronic": True}
    assert [a.name for a in resolved.attachments.all()] == ["ket-qua.pdf"]
    file_url = f"/quan-tri/ho-so/{dossier.code}/tep/dinh-kem/{resolved.attachments.get().pk}/"
    assert b"".join(client.get(file_url).streaming_content) == PDF
    client.force_login(officer)
    client.post(url, {"action": "return_result"})
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED


def test_bad_result_file_refused_next_to_the_action(client, specialist, received):
    dossier = services.start_processing(user=specialist, dossier=received())
    client.force_login(specialist)
    response = client.post(
        f"/quan-tri/ho-so/{dossier.code}/thao-tac/",
        {"action": "resolve", "files": SimpleUploadedFile("x.exe", b"MZ")},
    )
    assert response.status_code == 422
    assert "không được chấp nhận" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING


def test_transfer_and_apology(client, specialist, received, other_agency, travel):
    travel(2025, 1, 22, 10)
    dossier = received()
    client.force_login(specialist)
    url = f"/quan-tri/ho-so/{dossier.code}/thao-tac/"
    client.post(
        url,
        {"action": "apologise", "reason": "Cần xác minh.", "new_appointment": "2025-02-10T16:00"},
    )
    dossier.refresh_from_db()
    assert f"{dossier.new_appointment_at:%Y-%m-%d}" == "2025-02-10"
    client.post(url, {"action": "transfer", "to_agency": other_agency.code})
    dossier.refresh_from_db()
    assert dossier.current_agency == other_agency


@pytest.mark.parametrize(
    ("key", "title"),
    [
        ("yeu-cau-bo-sung", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
        ("xin-loi", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
        ("dung-xu-ly", "THÔNG BÁO DỪNG XỬ LÝ HỒ SƠ"),
        ("phieu-kiem-soat", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
    ],
)
def test_pdf_forms(client, specialist, received, travel, poppler, key, title):
    travel(2025, 1, 22, 10)
    dossier = received()
    travel(2025, 1, 23, 9)
    dossier = services.request_supplement(
        user=specialist, dossier=dossier, reason="Thiếu giấy.", missing=["Giấy chứng sinh"]
    )
    travel(2025, 1, 24, 9)
    dossier = services.complete_supplement(user=specialist, dossier=dossier)
    travel(2025, 2, 10, 9)
    dossier = services.apologise(
        user=specialist,
        dossier=dossier,
        new_appointment=dossier.due_at.replace(day=20),
        reason="Phải xác minh thêm.",
    )
    dossier = services.stop(user=specialist, dossier=dossier, reason="Người nộp không hợp tác.")
    client.force_login(specialist)
    response = client.get(f"/quan-tri/ho-so/{dossier.code}/in/{key}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, poppler)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert title in text and dossier.code in text
    if key == "yeu-cau-bo-sung":
        assert "Giấy chứng sinh" in text and "Thiếu giấy." in text
    if key == "xin-loi":
        assert "ngày 20 tháng 02 năm 2025" in text
    if key == "phieu-kiem-soat":
        assert "10 giờ 00 phút, ngày 22 tháng 01 năm 2025" in text
        assert "Trước hạn" in text and "Quá hạn" in text


def test_refusal_slip(client, officer, submitted, poppler):
    dossier = services.refuse(user=officer, dossier=submitted(), reason="Hồ sơ giả mạo chữ ký.")
    client.force_login(officer)
    text = pdf_text(client.get(f"/quan-tri/ho-so/{dossier.code}/in/tu-choi.pdf").content, poppler)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text and "Hồ sơ giả mạo chữ ký." in text
    assert client.get(f"/quan-tri/ho-so/{dossier.code}/in/xin-loi.pdf").status_code == 404


def test_forms_listed_only_when_they_exist(received, specialist):
    dossier = received()
    assert [f["key"] for f in forms_pdf.available(dossier)] == ["giay-tiep-nhan", "phieu-kiem-soat"]


def test_tracking_book_excel(client, officer, received, travel):
    travel(2025, 1, 22, 10)
    first = received()
    received()
    client.force_login(officer)
    assert client.get("/quan-tri/ho-so/so-theo-doi/").status_code == 200
    response = client.get(
        "/quan-tri/ho-so/so-theo-doi/?tai=1&tu=2025-01-01&den=2025-01-31&co_quan=000.00.31.H26"
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "SỔ THEO DÕI HỒ SƠ"
    assert sheet["B5"].value == first.code and sheet["D5"].value == "Nguyễn Văn An"
    assert sheet["H5"].value == "17:00 05/02/2025"
    assert sheet["B7"].value is None
    assert AccessLog.objects.filter(what__startswith="sổ theo dõi").count() == 2


def test_completion_requested_before_acceptance_from_the_page(client, officer, submitted, poppler):
    dossier = submitted()
    client.force_login(officer)
    html = client.get(f"/quan-tri/ho-so/{dossier.code}/").content.decode()
    assert 'value="request_completion"' in html and 'value="start"' not in html
    client.post(
        f"/quan-tri/ho-so/{dossier.code}/thao-tac/",
        {
            "action": "request_completion",
            "reason": "Tờ khai chưa ký.",
            "missing": ["Tờ khai đăng ký khai sinh"],
        },
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert dossier.events.last().action == "request_completion"
    text = pdf_text(
        client.get(f"/quan-tri/ho-so/{dossier.code}/in/yeu-cau-bo-sung.pdf").content, poppler
    )
    assert "Tờ khai chưa ký." in text and "Tờ khai đăng ký khai sinh" in text


def _line(**changes):
    from tthc.dossiers.selectors import QueueRow

    values = dict(
        code="000.00.31.H26-260201-0001",
        url="/quan-tri/ho-so/000.00.31.H26-260201-0001/",
        channel="Trực tuyến",
        procedure='Cấp <script>alert(1)</script> "giấy" phép',
        status=2,
        status_label="Đã tiếp nhận",
        submitted="08:00 01/02/2026",
        due="17:00 05/02/2026",
        overdue=True,
        new_appointment="10/02/2026",
        left="Trễ 2 ngày làm việc",
        left_class="ds-late",
        agency="UBND <phường> & Trung tâm",
    )
    return QueueRow(**(values | changes))


def test_queue_lines_escape_what_was_typed_and_mark_late_and_rescheduled_dossiers():
    from django.template import engines
    from django.utils import translation

    lines = engines["django"].from_string("{% load queue %}{% queue_rows rows %}")
    html = lines.render({"rows": [_line(), _line(due="", overdue=False, left="", left_class="")]})
    assert (
        "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &quot;giấy&quot;" in html
    )
    assert "UBND &lt;phường&gt; &amp; Trung tâm" in html
    assert html.count("<tr>") == 2
    assert (
        '<span class="ds-late">17:00 05/02/2026</span><br><small>hẹn lại 10/02/2026</small>' in html
    )
    assert '<td data-label="Còn lại" class="nowrap"><span class="ds-late">Trễ 2 ngày' in html
    # No deadline (not received yet): a dash in both columns, nothing marked late.
    second = html.split("<tr>")[2]
    assert second.count('class="nowrap">—</td>') == 2 and "ds-late" not in second
    assert '<a href="/quan-tri/ho-so/000.00.31.H26-260201-0001/">' in html
    with translation.override("en"):
        english = lines.render({"rows": [_line()]})
    assert 'data-label="Dossier code"' in english and "rescheduled 10/02/2026" in english
