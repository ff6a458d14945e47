"""The public index 766 pages in a real browser, on the demo province with a known set of
dossiers (tests/metrics/public_data.py) resolved by Sở Tư pháp and phường Hoàn Kiếm in 2025:
the province's index with its rankings and SVG charts, an agency's index, the late list (all
agencies and one), the transparency page. axe-core finds no serious or critical WCAG 2.1 AA
violation, at desktop and phone width; every page fits a 375 and a 360 px screen.

With TTHC_SCREENSHOTS set (`make screenshots`), keeps each page as index-*.png.
"""

import pytest

from tests.e2e.shots import Shots
from tests.e2e.test_phone_e2e import Phone
from tests.e2e.test_portal_e2e import axe  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    from django.core.cache import cache

    from tests.metrics import public_data
    from tthc.demo.services import build_demo
    from tthc.org.models import Agency, UnitLevel

    cache.clear()
    _, _, report = build_demo(password="mat-khau-dai-12")
    assert report.counts["failed"] == 0
    province = Agency.objects.filter(unit__level=UnitLevel.PROVINCE)
    return public_data.build(
        procedure_code="9.000001",
        department=province.get(short_name="Sở Tư pháp"),
        other=province.get(short_name="Sở Xây dựng"),
        ward=Agency.objects.get(name="Ủy ban nhân dân phường Hoàn Kiếm"),
    )


def test_public_index_pages_are_accessible_and_fit_a_phone(
    live_server,
    browser,
    world,
    axe,  # noqa: F811 (the fixture imported above)
):
    base = live_server.url
    department, ward = world.department, world.ward
    late = world.dossiers["C"].code
    pages = [
        ("index-province", "/chi-so-phuc-vu/?ky=2025"),
        ("index-agency", f"/chi-so-phuc-vu/{department.code}/?ky=2025"),
        ("index-ward", f"/chi-so-phuc-vu/{ward.code}/?ky=2025-q1"),
        ("index-default", "/chi-so-phuc-vu/"),
        ("late", "/danh-sach-tre-han/?ky=2025"),
        ("late-agency", f"/danh-sach-tre-han/?ky=2025&co_quan={department.code}"),
        ("transparency", "/cong-khai/"),
    ]
    shots = Shots()
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.set_default_timeout(30_000)
    messages = []
    page.on("console", lambda m: messages.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": 1280, "height": 900})
    for name, url in pages:
        response = page.goto(base + url)
        assert response.status == 200, url
        axe(page, name)
        shots.take(page, name)

    # What the reader sees: the total, the rankings, a chart with its name, the late row.
    page.goto(base + "/chi-so-phuc-vu/?ky=2025")
    assert page.locator(".ix-total__value").inner_text().strip()
    departments = page.locator("table.ix-rank").first
    assert departments.locator("tbody tr").first.locator("th").inner_text() == department.name
    chart = page.get_by_role("img", name="Biểu đồ điểm các chỉ số nhóm “Tiến độ giải quyết”")
    assert chart.is_visible()
    page.get_by_role("link", name=department.name).first.click()
    page.wait_for_url(f"**/chi-so-phuc-vu/{department.code}/?ky=2025")
    assert page.locator("h1").inner_text() == department.name
    page.get_by_role("link", name="Danh sách hồ sơ trễ hạn, quá hạn").click()
    page.wait_for_url("**/danh-sach-tre-han/**")
    assert late in page.locator("#resolved-title + table").inner_text()
    page.select_option("#co_quan", ward.code)
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url(f"**co_quan={ward.code.replace('.', '.')}*")
    assert page.locator("#resolved-title + table").count() == 0
    assert not [m for m in messages if "Content Security Policy" in m], messages
    context.close()

    # Phone: axe again (the tables become cards) and no sideways scrolling.
    phone_context = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": 375, "height": 800},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    phone_page = phone_context.new_page()
    phone_page.set_default_timeout(30_000)
    phone = Phone(phone_page)
    phone.shots = Shots(prefix="phone-")
    for name, url in pages:
        phone.visit(base, url, name)
        axe(phone_page, f"{name} (phone)")
    phone_context.close()
    assert not phone.failures, "pages wider than the phone:\n  " + "\n  ".join(phone.failures)
