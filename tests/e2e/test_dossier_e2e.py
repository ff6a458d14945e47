"""A dossier's whole life in the browser: a citizen applies online with files -> an officer
accepts it -> receipt PDF -> a specialist asks for a supplement -> the citizen uploads it from
the lookup page -> result -> returned -> the citizen rates it.

Screenshots of each screen go to docs/screenshots/dossier-*.png and the PDF forms are rendered
page by page with `pdftoppm -r 80` next to them (looked at by a person when they change).
"""

import re
import shutil

import pytest

from tests.e2e.shots import Shots
from tests.factories import AgencyFactory, MembershipFactory, UserFactory, make_procedure
from tthc.catalog.models import ProcedureAgency
from tthc.dossiers.models import Dossier, SatisfactionRating, Status
from tthc.org.models import AgencyKind, ReceptionPoint, Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-dai-12"
SHOTS = Shots(prefix="dossier-")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def shot(page, name):
    SHOTS.take(page, name)


def render_pdf(data: bytes, name: str, poppler, tmp_path) -> None:
    assert data.startswith(b"%PDF")
    pages = poppler.pages(data, tmp_path, dpi=80, name=name)
    assert pages
    if SHOTS.directory is None:
        return
    for stale in SHOTS.directory.glob(f"dossier-pdf-{name}*.png"):
        stale.unlink()
    for number, png in enumerate(pages, start=1):
        suffix = "" if len(pages) == 1 else f"-p{number}"
        shutil.copy(png, SHOTS.directory / f"dossier-pdf-{name}{suffix}.png")


def user(username, role, agency):
    account = UserFactory(username=username, full_name=username.title())
    MembershipFactory(user=account, role=role, agency=agency)
    account.set_password(PASSWORD)
    account.save()
    return account


@pytest.fixture
def world():
    commune = AgencyFactory(
        code="000.00.31.H26", name="Ủy ban nhân dân phường Hoàn Kiếm", kind=AgencyKind.OTHER
    )
    department = AgencyFactory(code="000.00.15.H26", name="Sở Tư pháp thành phố Hà Nội")
    point = ReceptionPoint.objects.create(
        agency=commune,
        name="Trung tâm Phục vụ hành chính công phường Hoàn Kiếm",
        address="Số 126 phố Hàng Trống",
    )
    procedure = make_procedure(
        code="1.001193",
        name="Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        boundary_free=True,
        online_level="full",
        channels=[
            {
                "channel": "online",
                "processing_time": {"amount": "10", "unit": "working_days", "text": "10 ngày"},
                "fees": [{"amount_vnd": 200000, "text": "200.000 đồng/lần/người"}],
            }
        ],
        documents=[
            {"name": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "originals": 1},
            {"name": "Bản chụp giấy tờ tùy thân", "copies": 1},
            {"name": "Văn bản ủy quyền (nếu có)", "originals": 1},
        ],
    )
    ProcedureAgency.objects.create(procedure=procedure, agency=department, role="implementing")
    user("tiepnhan", Role.RECEPTION_OFFICER, commune)
    user("chuyenvien", Role.SPECIALIST, department)
    return procedure, point


def login(context, base, username):
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/quan-tri/")
    return page


def action(page, name, **fields):
    page.locator(f"#tt-{name} summary").click()
    for selector, value in fields.items():
        page.fill(f"#tt-{name} [name={selector}]", value)
    return page.locator(f"#tt-{name} button[type=submit]")


def test_citizen_applies_officer_accepts_specialist_resolves_citizen_rates(
    live_server, browser, world, poppler, tmp_path
):
    procedure, point = world
    base = live_server.url
    files = {}
    for name, data in (("to-khai.pdf", PDF), ("can-cuoc.png", PNG), ("virus.exe", b"MZ")):
        files[name] = tmp_path / name
        files[name].write_bytes(data)
    citizen_context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    citizen = citizen_context.new_page()
    citizen.set_default_timeout(15_000)

    # 1. The citizen applies online; a wrong file first, then the right ones.
    citizen.goto(f"{base}/nop-truc-tuyen/{procedure.code}/")
    assert citizen.locator("h1").inner_text() == "Nộp hồ sơ trực tuyến"
    citizen.select_option("select[name=reception_point]", str(point.pk))
    citizen.fill("input[name=full_name]", "Nguyễn Văn An")
    citizen.fill("input[name=citizen_id]", "001090012345")
    citizen.fill("input[name=date_of_birth]", "1990-05-17")
    citizen.fill("input[name=phone]", "0912345678")
    citizen.fill("input[name=email]", "an.nguyen@example.vn")
    citizen.fill("input[name=address]", "Số 1 phố Tràng Tiền, phường Hoàn Kiếm, Hà Nội")
    citizen.set_input_files("input[name=file_1]", str(files["to-khai.pdf"]))
    citizen.set_input_files("input[name=file_2]", str(files["virus.exe"]))
    citizen.check("input[name=consent]")
    shot(citizen, "apply")
    citizen.get_by_role("button", name="Nộp hồ sơ").click()
    error = citizen.locator("#f-file_2 .error")
    assert "không được chấp nhận" in error.inner_text()
    shot(citizen, "apply-error")
    assert Dossier.objects.count() == 0
    citizen.set_input_files("input[name=file_1]", str(files["to-khai.pdf"]))
    citizen.set_input_files("input[name=file_2]", str(files["can-cuoc.png"]))
    citizen.check("input[name=consent]")
    citizen.get_by_role("button", name="Nộp hồ sơ").click()
    citizen.wait_for_url("**/nop-truc-tuyen/da-nop/")
    code = citizen.locator("#ma-ho-so").inner_text().strip()
    # The lookup secret, as the confirmation page shows it (never the masked view's digits).
    secret = citizen.locator("#ma-tra-cuu").inner_text().strip()
    assert re.fullmatch(r"000\.00\.31\.H26-\d{6}-0001", code)
    shot(citizen, "submitted")

    # 2. The reception officer finds it in the queue and accepts it; the receipt PDF.
    staff_context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    officer = login(staff_context, base, "tiepnhan")
    officer.goto(f"{base}/quan-tri/ho-so/")
    assert code in officer.locator(".ds-queue").inner_text()
    shot(officer, "queue")
    officer.get_by_role("link", name=code).click()
    action(officer, "accept", note="Hồ sơ đầy đủ.").click()
    assert "Đã thực hiện: Tiếp nhận hồ sơ." in officer.locator(".messages").inner_text()
    shot(officer, "staff-accepted")
    receipt = staff_context.request.get(f"{base}/quan-tri/ho-so/{code}/in/giay-tiep-nhan.pdf")
    render_pdf(receipt.body(), "receipt", poppler, tmp_path)
    staff_context.close()

    # 3. The specialist asks for a supplement.
    staff_context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    specialist = login(staff_context, base, "chuyenvien")
    specialist.goto(f"{base}/quan-tri/ho-so/{code}/")
    action(specialist, "start").click()
    action(specialist, "request_supplement", reason="Ảnh chụp căn cước bị mờ, không đọc được.")
    specialist.check("#tt-request_supplement input[value='Bản chụp giấy tờ tùy thân']")
    shot(specialist, "staff-supplement-form")
    specialist.locator("#tt-request_supplement button[type=submit]").click()
    assert "Yêu cầu bổ sung hồ sơ" in specialist.locator(".ds-status").first.inner_text()
    supplement = staff_context.request.get(f"{base}/quan-tri/ho-so/{code}/in/yeu-cau-bo-sung.pdf")
    render_pdf(supplement.body(), "supplement", poppler, tmp_path)

    # 4. The citizen verifies on the lookup page and uploads the missing document.
    citizen.goto(f"{base}/tra-cuu-ho-so/?ma={code}")
    citizen.fill("input[name=xac_minh]", secret)
    citizen.get_by_role("button", name="Tra cứu").click()
    section = citizen.locator("#bo-sung")
    assert "Bản chụp giấy tờ tùy thân" in section.inner_text()
    citizen.set_input_files("#bo-sung input[name=tep]", str(files["can-cuoc.png"]))
    shot(citizen, "lookup-supplement")
    citizen.get_by_role("button", name="Gửi giấy tờ bổ sung").click()
    assert "Đã nhận giấy tờ bổ sung" in citizen.locator(".messages").inner_text()
    assert Dossier.objects.get().status == Status.PROCESSING

    # 5. The specialist resolves with a result file.
    specialist.goto(f"{base}/quan-tri/ho-so/{code}/")
    action(specialist, "resolve", result_code="1234/LLTP")
    specialist.set_input_files("#tt-resolve input[name=files]", str(files["to-khai.pdf"]))
    specialist.locator("#tt-resolve button[type=submit]").click()
    assert "Đã giải quyết" in specialist.locator(".ds-status").first.inner_text()
    shot(specialist, "staff-resolved")
    sheet = staff_context.request.get(f"{base}/quan-tri/ho-so/{code}/in/phieu-kiem-soat.pdf")
    render_pdf(sheet.body(), "control-sheet", poppler, tmp_path)
    staff_context.close()

    # 6. The officer returns the result.
    staff_context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    officer = login(staff_context, base, "tiepnhan")
    officer.goto(f"{base}/quan-tri/ho-so/{code}/")
    action(officer, "return_result").click()
    assert "Đã trả kết quả" in officer.locator(".ds-status").first.inner_text()
    shot(officer, "staff-returned")
    staff_context.close()

    # 7. The citizen rates the service, once.
    citizen.goto(f"{base}/tra-cuu-ho-so/?ma={code}")
    citizen.fill("input[name=xac_minh]", secret)
    citizen.get_by_role("button", name="Tra cứu").click()
    citizen.check("input[name=hai_long][value='1']")
    citizen.fill("textarea[name=y_kien]", "Cán bộ hướng dẫn tận tình.")
    shot(citizen, "lookup-rate")
    citizen.get_by_role("button", name="Gửi đánh giá").click()
    assert "Cảm ơn ông/bà đã đánh giá" in citizen.locator(".messages").inner_text()
    assert citizen.get_by_role("button", name="Gửi đánh giá").count() == 0
    shot(citizen, "lookup-rated")
    rating = SatisfactionRating.objects.get()
    assert rating.satisfied and rating.comment == "Cán bộ hướng dẫn tận tình."

    # The lookup on a phone.
    citizen.set_viewport_size({"width": 390, "height": 844})
    shot(citizen, "lookup-mobile")
    citizen_context.close()

    # The other forms, on dossiers that need them: refusal, apology, stop.
    other_forms(procedure, point, poppler, tmp_path)


def other_forms(procedure, point, poppler, tmp_path):
    from datetime import timedelta

    from tthc.dossiers import forms_pdf, services
    from tthc.dossiers.models import Applicant
    from tthc.dossiers.personal import ApplicantInput
    from tthc.dossiers.services import DocumentInput
    from tthc.org.models import Agency

    officer = Agency.objects.get(code="000.00.31.H26").memberships.get().user
    specialist = Agency.objects.get(code="000.00.15.H26").memberships.get().user
    person = ApplicantInput(
        full_name="Trần Thị Bình", citizen_id="001190054321", phone="0987654321"
    )

    def submit():
        return services.submit_online(
            procedure=procedure,
            receiving_agency=point.agency,
            resolving_agency=Agency.objects.get(code="000.00.15.H26"),
            reception_point=point,
            applicant=person,
            documents=[DocumentInput("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "electronic")],
        )

    refused = services.refuse(
        user=officer, dossier=submit(), reason="Tờ khai không có chữ ký của người yêu cầu."
    )
    render_pdf(forms_pdf.render(refused, "tu-choi"), "refusal", poppler, tmp_path)
    late = services.accept(user=officer, dossier=submit())
    late = services.apologise(
        user=specialist,
        dossier=late,
        new_appointment=late.due_at + timedelta(days=7),
        reason="Cần xác minh thông tin với cơ quan công an nơi cư trú.",
    )
    render_pdf(forms_pdf.render(late, "xin-loi"), "apology", poppler, tmp_path)
    stopped = services.stop(
        user=specialist, dossier=late, reason="Người yêu cầu không bổ sung hồ sơ theo hẹn."
    )
    render_pdf(forms_pdf.render(stopped, "dung-xu-ly"), "stop", poppler, tmp_path)
    assert Applicant.objects.count() == 3
