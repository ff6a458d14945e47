"""The public portal in a real browser, on the demo province (Hà Nội's agencies and the 140 real
procedures shipped with the project): search "dang ky khai sinh", open "Thủ tục đăng ký khai
sinh", see the channel, document and fee tables, open the print view; axe-core finds no serious
or critical WCAG 2.1 AA violation on any public page type.

`make screenshots` runs this module with TTHC_SCREENSHOTS=docs/screenshots and keeps one
full-page screenshot of every public page type (desktop, plus the key pages on a phone).
"""

import json
from pathlib import Path

import pytest

from tests.e2e.shots import Shots

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def demo_province():
    from tthc.demo.services import build_demo

    _, _, report = build_demo(password="mat-khau-dai-12")
    assert report.counts["failed"] == 0


@pytest.fixture
def axe():
    if not AXE.exists():
        pytest.skip(f"không có {AXE}: chạy `npm ci` (hoặc `make test`) để cài axe-core")

    def check(page, label: str) -> None:
        # Evaluated through the DevTools protocol, not a <script> tag: the page's
        # Content-Security-Policy refuses inline scripts, and rightly so.
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(AXE.read_text(encoding="utf-8"))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert not bad, f"axe ({label}): " + json.dumps(
            [
                {
                    "id": v["id"],
                    "impact": v["impact"],
                    "targets": [n["target"] for n in v["nodes"]][:5],
                }
                for v in bad
            ],
            ensure_ascii=False,
        )

    return check


def test_search_open_procedure_tables_and_print_view_are_accessible(
    live_server, page, demo_province, axe
):
    shots = Shots()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/thu-tuc/")
    assert page.locator("h1").inner_text() == "Tra cứu thủ tục hành chính"
    axe(page, "home")
    shots.take(page, "01-home")

    # Keyboard: the skip link is the first stop and leads to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"

    page.get_by_label("Tên hoặc mã thủ tục").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.wait_for_url("**/tim-kiem/?q=*")
    first = page.locator(".result__title").first
    assert first.inner_text() == "Thủ tục đăng ký khai sinh"
    assert first.locator("mark").count() == 4  # đăng ký khai sinh, folded
    axe(page, "results")
    shots.take(page, "02-results")

    first.click()
    page.wait_for_url("**/thu-tuc/1.001193/")
    assert page.locator("h1").inner_text() == "Thủ tục đăng ký khai sinh"
    channels = page.locator("#channels")
    assert channels.is_visible()
    assert channels.locator("thead").inner_text().split("\t")[:3] == [
        "Hình thức nộp",
        "Thời hạn giải quyết",
        "Phí, lệ phí",
    ]
    assert channels.locator("tbody tr").count() == 3
    assert "Miễn phí" in channels.inner_text()
    documents = page.locator("table.documents").first
    assert documents.is_visible() and "bản chính" in documents.inner_text()
    assert page.get_by_role("link", name="Nộp hồ sơ trực tuyến").is_visible()
    axe(page, "procedure")
    shots.take(page, "03-procedure")

    page.get_by_role("link", name="Bản in").click()
    page.wait_for_url("**/thu-tuc/1.001193/in/")
    assert "THỦ TỤC HÀNH CHÍNH" in page.locator(".print-header").inner_text()
    page.emulate_media(media="print")
    assert not page.locator(".print-toolbar").is_visible()
    assert page.locator("table.data-table").first.is_visible()
    page.emulate_media(media="screen")
    axe(page, "print")
    shots.take(page, "04-print")


def test_every_public_page_type_is_accessible(live_server, page, demo_province, axe):
    from tthc.catalog.models import Field

    shots = Shots()
    field = Field.objects.get(name="Hộ tịch")
    pages = [
        ("05-results-empty", "/tim-kiem/?q=khai+sinhh+xyz"),
        ("06-results-filtered", "/tim-kiem/?q=&cap=province&muc_do=partial"),
        ("07-field", f"/linh-vuc/{field.pk}/"),
        ("08-agencies", "/co-quan/"),
        ("09-agency", "/co-quan/000.00.03.H26/"),
        ("10-life-events", "/su-kien/"),
        ("11-life-event", "/su-kien/sinh-con/"),
    ]
    page.set_viewport_size({"width": 1280, "height": 900})
    for name, url in pages:
        page.goto(live_server.url + url)
        axe(page, url)
        shots.take(page, name)

    # A phone, and the English interface switched with the form (no JavaScript needed).
    page.set_viewport_size({"width": 390, "height": 844})
    for name, url in [("12-mobile-home", "/"), ("13-mobile-procedure", "/thu-tuc/1.001193/")]:
        page.goto(live_server.url + url)
        axe(page, f"mobile {url}")
        shots.take(page, name)
    page.select_option("#lang-select", "en")
    page.get_by_role("button", name="Đổi").click()
    page.wait_for_url("**/thu-tuc/1.001193/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Required documents", exact=True).is_visible()
    axe(page, "english procedure")
    page.set_viewport_size({"width": 1280, "height": 900})
    shots.take(page, "14-procedure-english")
