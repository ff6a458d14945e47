"""A citizen submits feedback; the province's control officer receives it and transfers it to the
competent department, whose specialist starts handling it and drafts the answer and whose leader
approves and publishes it; the public archive shows it (folded search) without personal data; a
visitor likes it once."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.shots import Shots
from tests.factories import AgencyFactory, MembershipFactory
from tthc.feedback.models import Feedback, Vote
from tthc.org.models import AgencyKind

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-dai-12"
SHOTS = Shots()


def _staff(role, agency, username):
    user = MembershipFactory(role=role, agency=agency, user__username=username).user
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def officer():
    office = AgencyFactory(name="Văn phòng UBND thành phố Hà Nội", kind=AgencyKind.OFFICE)
    department = AgencyFactory(name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT)
    _staff("specialist", department, "chuyenvien")
    _staff("agency_leader", department, "lanhdao")
    return _staff("control_officer", office, "kiemsoat")


def _login(page, username):
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_submit_handle_publish_archive_like(live_server, page, officer):
    from django.core.cache import cache

    cache.clear()
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(f"{live_server.url}/phan-anh/gui/")
    page.check("input[name=category][value=regulation]")
    page.fill("input[name=title]", "Yêu cầu nộp bản sao sổ hộ khẩu khi đăng ký khai sinh")
    page.fill(
        "textarea[name=content]",
        "Ngày 03/3 tôi đi đăng ký khai sinh cho con, cán bộ yêu cầu bản sao sổ hộ khẩu "
        "dù sổ hộ khẩu đã hết giá trị sử dụng.",
    )
    page.fill("input[name=sender_name]", "Nguyễn Văn An")
    page.fill("input[name=sender_phone]", "0912345678")
    page.fill("input[name=sender_address]", "Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội")
    box = page.locator("input[name=website]").bounding_box()
    assert box["x"] + box["width"] < 0  # the honeypot is off-screen for people
    SHOTS.take(page, "feedback-1-form")
    page.get_by_role("button", name="Gửi phản ánh").click()
    code = page.locator("#ma-phan-anh").inner_text().strip()
    assert re.fullmatch(r"PA-\d{6}-[A-Z0-9]{6}", code)
    SHOTS.take(page, "feedback-2-submitted")

    # the control officer receives it and transfers it to the competent department
    page.goto(f"{live_server.url}/quan-tri/phan-anh/")
    _login(page, "kiemsoat")
    page.get_by_role("link", name=code).click()
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(page.locator(".messages li.success")).to_be_visible()
    page.select_option("select[name=to_agency]", label="Sở Tư pháp")
    page.fill("#note-transfer", "Thuộc thẩm quyền của Sở Tư pháp (đăng ký hộ tịch).")
    page.get_by_role("button", name="Chuyển cơ quan có thẩm quyền").click()
    expect(page.locator(".messages li.success")).to_be_visible()
    page.get_by_role("button", name="Đăng xuất").click()

    # the department's specialist starts handling it and drafts the answer
    page.goto(f"{live_server.url}/quan-tri/phan-anh/")
    _login(page, "chuyenvien")
    page.get_by_role("link", name=code).click()
    assert page.get_by_role("button", name="Duyệt câu trả lời").count() == 0
    page.get_by_role("button", name="Giao xử lý", exact=True).click()
    expect(page.locator(".messages li.success")).to_be_visible()
    page.fill(
        "textarea[name=answer]",
        "Từ ngày 01/01/2023 sổ hộ khẩu không còn giá trị; cơ quan đăng ký hộ tịch không được "
        "yêu cầu nộp bản sao sổ hộ khẩu. Đã chấn chỉnh bộ phận một cửa.",
    )
    page.get_by_role("button", name="Dự thảo câu trả lời").click()
    assert page.locator("#trang-thai").inner_text() == "Đã dự thảo trả lời"
    assert page.get_by_role("button", name="Duyệt câu trả lời").count() == 0  # not hers
    page.get_by_role("button", name="Đăng xuất").click()

    # the department's leader approves and publishes it
    page.goto(f"{live_server.url}/quan-tri/phan-anh/")
    _login(page, "lanhdao")
    page.get_by_role("link", name=code).click()
    page.get_by_role("button", name="Duyệt câu trả lời").click()
    SHOTS.take(page, "feedback-3-staff")
    page.get_by_role("button", name="Công khai câu trả lời").click()
    assert page.locator("#trang-thai").inner_text() == "Đã công khai trả lời"
    actors = {e.actor.username for e in Feedback.objects.get(code=code).events.all() if e.actor}
    assert actors == {"kiemsoat", "chuyenvien", "lanhdao"}
    page.get_by_role("button", name="Đăng xuất").click()

    # the public archive shows it, found without diacritics, without personal data
    page.goto(f"{live_server.url}/phan-anh/?q=so+ho+khau")
    item = page.locator(".fb-item", has_text="Yêu cầu nộp bản sao sổ hộ khẩu")
    assert item.count() == 1
    text = page.locator("main").inner_text()
    assert "Nguyễn Văn An" not in text and "0912345678" not in text
    SHOTS.take(page, "feedback-4-archive")
    item.locator("a").first.click()

    # a visitor likes it, once
    page.get_by_role("button", name=re.compile("Hài lòng")).click()
    assert "Cảm ơn" in page.locator(".messages").inner_text()
    assert page.locator("[data-likes]").inner_text() == "1"
    page.get_by_role("button", name=re.compile("Chưa hài lòng")).click()
    assert "đã bình chọn" in page.locator(".messages").inner_text()
    assert page.locator("[data-dislikes]").inner_text() == "0"
    SHOTS.take(page, "feedback-5-answer")
    assert Vote.objects.filter(feedback=Feedback.objects.get(code=code)).count() == 1

    # the public form on a phone
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/phan-anh/")
    SHOTS.take(page, "feedback-6-archive-phone")
