"""A control officer creates a procedure in the browser, is told the processing time is missing,
adds it, then records a publication decision that abolishes it from a future date."""

import pytest

from tests.factories import AgencyFactory, MembershipFactory
from tthc.catalog.models import Procedure, ProcedureVersion

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-dai-12"


@pytest.fixture
def officer():
    user = MembershipFactory(role="control_officer", user__username="kiemsoat").user
    user.set_password(PASSWORD)
    user.save()
    return user


def test_create_validate_then_decide(live_server, page, officer):
    AgencyFactory(name="Sở Tư pháp Thành phố Hà Nội")
    page.goto(f"{live_server.url}/quan-tri/thu-tuc/them/")
    assert "/dang-nhap/" in page.url
    page.fill("input[name=username]", "kiemsoat")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/quan-tri/thu-tuc/them/")

    page.fill("input[name=code]", "1.009001")
    page.fill("textarea[name=name]", "Cấp phiếu lý lịch tư pháp cho công dân")
    page.check("input[name=levels][value=province]")
    page.fill("input[name=field]", "Lý lịch tư pháp")
    page.fill("textarea[name=subjects]", "Công dân Việt Nam")
    page.fill("textarea[name=buoc-0-text]", "Nộp tờ khai tại Trung tâm Phục vụ hành chính công")
    page.select_option("select[name=kenh-0-channel]", "in_person")
    page.fill("textarea[name=kenh-0-fees]", "200000 | 200.000 đồng/lần")
    page.fill("textarea[name=giayto-0-name]", "Tờ khai yêu cầu cấp phiếu lý lịch tư pháp")
    page.fill("input[name=giayto-0-originals]", "1")
    page.select_option("select[name=agencies]", label="Sở Tư pháp Thành phố Hà Nội")
    page.get_by_role("button", name="Lưu").click()

    alert = page.locator(".mg-errors")
    assert "thiếu thành phần bắt buộc (đ) thời hạn giải quyết" in alert.inner_text()
    assert "Chưa có thời hạn giải quyết" in page.locator("#kenh").inner_text()
    page.screenshot(path="/tmp/manage-missing-time.png", full_page=True)
    assert not Procedure.objects.exists()

    page.fill("input[name=kenh-0-amount]", "10")
    page.select_option("select[name=kenh-0-unit]", "working_days")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/quan-tri/thu-tuc/1.009001/lich-su/")
    assert "Đã lưu phiên bản 1." in page.locator(".messages").inner_text()

    page.goto(f"{live_server.url}/quan-tri/quyet-dinh/them/")
    page.fill("input[name=number]", "4321/QĐ-UBND")
    page.fill("input[name=issuer]", "Chủ tịch UBND Thành phố Hà Nội")
    page.fill("input[name=signed_on]", "2025-08-01")
    page.fill("input[name=effective_on]", "2099-01-01")
    page.fill("input[name=muc-0-code]", "1.009001")
    page.select_option("select[name=muc-0-action]", "abolished")
    page.get_by_role("button", name="Ghi nhận").click()
    page.wait_for_url("**/quan-tri/quyet-dinh/")
    assert "Đã ghi nhận Quyết định 4321/QĐ-UBND" in page.locator(".messages").inner_text()

    procedure = Procedure.objects.get(code="1.009001")
    assert procedure.status == "published", "abolished only from 01/01/2099"
    pending = ProcedureVersion.objects.get(procedure=procedure, number=2)
    assert str(pending.effective_from) == "2099-01-01"
    page.goto(f"{live_server.url}/quan-tri/thu-tuc/1.009001/lich-su/")
    assert "chờ hiệu lực từ 01/01/2099" in page.content()
    page.screenshot(path="/tmp/manage-history.png", full_page=True)
