"""The control officer turns a feedback item about a regulation into a simplification proposal,
chooses what changes (the cost after is recomputed), submits it, records the approval decision
and implements it: the catalog gets a new version linked to the proposal. Screenshots go to
docs/screenshots/simplification-*.png (looked at by a person when they change)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.shots import Shots
from tests.factories import AgencyFactory, MembershipFactory, make_procedure, procedure_data
from tthc.core.handoffs import SIMPLIFY_FEEDBACK, register_handoff
from tthc.feedback import services as feedback_services
from tthc.org.models import AgencyKind
from tthc.simplification import services as simplification_services
from tthc.simplification.models import SimplificationProposal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-dai-12"
SHOTS = Shots(prefix="simplification-")


def _shot(page, name):
    SHOTS.take(page, name)


@pytest.fixture
def setup():
    register_handoff(SIMPLIFY_FEEDBACK, simplification_services.proposal_from_feedback)
    office = AgencyFactory(name="Văn phòng UBND thành phố Hà Nội", kind=AgencyKind.OFFICE)
    officer = MembershipFactory(role="control_officer", agency=office, user__username="kiemsoat")
    officer.user.set_password(PASSWORD)
    officer.user.save()
    data = procedure_data(
        documents=[
            {"name": "Tờ khai đăng ký khai sinh", "originals": 1, "copies": 0},
            {"name": "Bản sao sổ hộ khẩu", "originals": 0, "copies": 2},
        ]
    )
    data["channels"][0]["fees"] = [{"amount_vnd": 50_000, "text": "50.000 đồng"}]
    procedure = make_procedure("1.001193", **data)
    feedback = feedback_services.submit(
        data=feedback_services.FeedbackInput(
            category="regulation",
            title="Yêu cầu bản sao sổ hộ khẩu khi đăng ký khai sinh",
            content="Sổ hộ khẩu đã hết giá trị nhưng vẫn bị yêu cầu nộp bản sao.",
            sender_name="Nguyễn Văn An",
            sender_address="Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội",
            sender_phone="0912345678",
            procedure_code=procedure.code,
        ),
        ip="203.0.113.7",
    )
    return feedback, procedure


def test_feedback_to_implemented_proposal(live_server, page, setup):
    from django.core.cache import cache

    cache.clear()
    feedback, procedure = setup
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(f"{live_server.url}/quan-tri/phan-anh/{feedback.code}/")
    page.fill("input[name=username]", "kiemsoat")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.fill("#note-sim", "Bỏ yêu cầu bản sao sổ hộ khẩu")
    page.get_by_role("button", name="Chuyển thành đề xuất đơn giản hóa").click()
    proposal = SimplificationProposal.objects.get()

    # The officer first measures how often the procedure is used, so savings have a yearly figure.
    page.goto(f"{live_server.url}/quan-tri/don-gian-hoa/chi-phi/{procedure.code}/in_person/")
    page.fill("#fpy", "1")
    page.fill("#spy", "12000")
    page.get_by_role("button", name="Lưu và tính").click()
    assert "Đã lưu." in page.content()

    page.goto(f"{live_server.url}/quan-tri/don-gian-hoa/")
    _shot(page, "1-list")
    page.get_by_role("link", name=proposal.code).click()
    page.get_by_role("link", name="Sửa").click()
    page.check("input[name=drop_document][value='Bản sao sổ hộ khẩu']")
    page.fill("#fees_vnd", "20000")
    page.select_option("#online_level", "full")
    _shot(page, "2-changes")
    page.get_by_role("button", name="Lưu và tính lại chi phí").click()
    assert "Bãi bỏ thành phần hồ sơ: Bản sao sổ hộ khẩu" in page.content()
    page.get_by_role("button", name="Trình phê duyệt").click()
    page.fill("#dn", "1234/QĐ-UBND")
    page.fill("#dd", "2024-06-01")
    page.get_by_role("button", name="Ghi nhận quyết định phê duyệt").click()
    page.get_by_role("button", name="Thực thi trên danh mục").click()
    assert "Đã thực thi" in page.content()
    _shot(page, "3-implemented")

    procedure.refresh_from_db()
    item = proposal.items.get()
    assert item.implemented_version_id == procedure.current_version_id
    names = [d["name"] for d in procedure.current_version.data["documents"]]
    assert names == ["Tờ khai đăng ký khai sinh"]
    assert item.after_per_filing_vnd < item.before_per_filing_vnd
    assert item.before_per_year_vnd > item.after_per_year_vnd > 0, "12,000 filings a year"

    page.goto(f"{live_server.url}/don-gian-hoa/")
    assert "1234/QĐ-UBND" in page.content()
    _shot(page, "4-public")


def test_the_cost_form_recomputes_while_the_officer_types(live_server, page, setup):
    """DOMAIN §7's worked example typed into the form: the figures follow each keystroke through
    POST /api/v1/compliance-cost, before anything is saved."""
    _, procedure = setup
    page.goto(f"{live_server.url}/quan-tri/don-gian-hoa/chi-phi/{procedure.code}/in_person/")
    page.fill("input[name=username]", "kiemsoat")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.fill("#hv", "25000")
    names = page.locator("input[name=activity_name]")
    hours = page.locator("input[name=activity_hours]")
    for i in range(names.count()):
        names.nth(i).fill("")
        hours.nth(i).fill("")
    names.nth(0).fill("Chuẩn bị, nộp hồ sơ, chờ kết quả")
    hours.nth(0).fill("32")
    other_names = page.locator("input[name=other_name]")
    amounts = page.locator("input[name=other_amount_vnd]")
    for i in range(other_names.count()):
        other_names.nth(i).fill("")
        amounts.nth(i).fill("")
    other_names.nth(0).fill("Đi lại, sao chụp, chứng thực")
    amounts.nth(0).fill("124000")
    page.fill("#fees", "100000")
    page.fill("#fpy", "1")
    page.fill("#spy", "12000")
    result = page.locator("#cost-result [data-out=per_filing_vnd]")
    # Locator waits, not wait_for_function: the CSP forbids evaluating strings in the page.
    expect(result).to_have_text("1.024.000")
    assert page.locator("#cost-result [data-out=per_year_vnd]").text_content() == "12.288.000.000"
    hours.nth(0).fill("-1")
    expect(page.locator("#cost-result [data-out=error]")).not_to_have_text("")
    assert "Chưa tính được" in page.locator("#cost-result").text_content()
    _shot(page, "5-live-cost")
