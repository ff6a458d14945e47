"""A control officer adds a day off through the staff screen; an open registered record's
deadline moves and the page lists the change.

Record: received Monday 04/03/2024 09:00, 5 working days -> due Monday 11/03/2024 17:00; a day
off on Wednesday 06/03 moves it to Tuesday 12/03/2024 17:00.
"""

import re
from datetime import datetime

import pytest

from tests.factories import MembershipFactory
from tests.workdays.helpers import MemorySource
from tthc.workdays import registry
from tthc.workdays.engine import VN_TZ
from tthc.workdays.models import CalendarOverride, DeadlineChange

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-dai-12"


@pytest.fixture
def officer():
    membership = MembershipFactory(role="control_officer", user__username="kiemsoat")
    user = membership.user
    user.set_password(PASSWORD)
    user.save()
    return user


def test_override_added_in_the_staff_screen_moves_an_open_deadline(
    live_server, page, officer, monkeypatch
):
    monkeypatch.setattr(registry, "_sources", {})  # only the record of this test
    with MemorySource() as source:
        record = source.add("HS-E2E-001", datetime(2024, 3, 4, 9, tzinfo=VN_TZ), 5)
        assert record.due_at == datetime(2024, 3, 11, 17, tzinfo=VN_TZ)

        page.goto(f"{live_server.url}/quan-tri/lich-lam-viec/")
        assert "/dang-nhap/" in page.url  # login required
        page.fill("input[name=username]", "kiemsoat")
        page.fill("input[name=password]", PASSWORD)
        page.screenshot(path="/tmp/workdays-login.png", full_page=True)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url("**/quan-tri/lich-lam-viec/")
        assert page.locator("h1").inner_text() == "Điều chỉnh lịch làm việc"

        page.fill("input[name=date]", "2024-03-06")
        page.check("input[name=kind][value=off]")
        page.fill("input[name=name]", "Lễ hội truyền thống của tỉnh")
        page.fill("input[name=reference]", "45/QĐ-UBND")
        page.select_option("select[name=scope]", "")
        page.screenshot(path="/tmp/workdays-staff-form.png", full_page=True)
        page.get_by_role("button", name="Thêm ngày điều chỉnh").click()
        page.wait_for_url(re.compile(r"/quan-tri/lich-lam-viec/\?nam=2024#dieu-chinh-\d+$"))

        message = page.locator(".messages li.success")
        assert "Đã thêm ngày nghỉ 06/03/2024 “Lễ hội truyền thống của tỉnh”" in message.inner_text()
        row = page.locator("tr", has_text="Lễ hội truyền thống của tỉnh")
        moved = row.locator(".wd-changes li").inner_text()
        assert "Hồ sơ HS-E2E-001" in moved
        assert "17:00 11/03/2024" in moved and "17:00 12/03/2024" in moved
        page.screenshot(path="/tmp/workdays-staff-after.png", full_page=True)

        assert record.due_at == datetime(2024, 3, 12, 17, tzinfo=VN_TZ)
        change = DeadlineChange.objects.get()
        assert change.override == CalendarOverride.objects.get()

        # the same date again: the message is shown next to the field
        page.fill("input[name=date]", "2024-03-06")
        page.fill("input[name=name]", "Lần hai")
        page.get_by_role("button", name="Thêm ngày điều chỉnh").click()
        error = page.locator(".wd-field.has-error .error")
        assert "đã có điều chỉnh trong phạm vi toàn tỉnh" in error.inner_text()
        page.screenshot(path="/tmp/workdays-staff-error.png", full_page=True)

        # the same screen on a phone
        page.goto(f"{live_server.url}/quan-tri/lich-lam-viec/?nam=2024")
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path="/tmp/workdays-staff-mobile.png", full_page=True)

        # removing it (with confirmation) moves the deadline back
        page.set_viewport_size({"width": 1280, "height": 720})
        row.get_by_role("link", name="Xóa").click()
        assert page.locator("h1").inner_text() == "Xóa ngày điều chỉnh?"
        page.screenshot(path="/tmp/workdays-staff-delete.png", full_page=True)
        page.get_by_role("button", name="Xóa").click()
        page.wait_for_url(re.compile(r"#danh-sach$"))
        assert "Đã xóa ngày nghỉ 06/03/2024" in page.locator(".messages li.success").inner_text()
        assert record.due_at == datetime(2024, 3, 11, 17, tzinfo=VN_TZ)
        assert DeadlineChange.objects.count() == 2


def test_public_calendar_and_due_checker(live_server, page):
    page.goto(f"{live_server.url}/lich-lam-viec/2025/")
    assert page.locator("h1").inner_text() == "Lịch làm việc năm 2025"
    assert page.locator(".wd-day.working", has_text="26/04/2025").count() == 1
    page.fill("input[name=start]", "2025-01-24T09:00")
    page.fill("input[name=amount]", "3")
    page.select_option("select[name=unit]", "working_days")
    page.get_by_role("button", name="Tính hạn").click()
    # Friday 24/01/2025; Tết 27-31/01; working days Mon 03/02, Tue 04/02, Wed 05/02
    assert "17:00, 05/02/2025" in page.locator(".wd-due").inner_text()
    page.screenshot(path="/tmp/workdays-public.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="/tmp/workdays-public-mobile.png", full_page=True)
    page.goto(f"{live_server.url}/lich-lam-viec/2025/?start=2025-01-24T09:00&amount=-1&unit=days")
    error = page.locator(".wd-field.has-error .error")
    assert error.inner_text() == "Thời hạn không được là số âm."
    page.screenshot(path="/tmp/workdays-public-error.png", full_page=True)
