"""The communication plan in a real browser, on the demo province and the demo plan: the
specialist of Sở Tư pháp signs in, sees only the tasks of the department, reports a task done;
the control officer then finds the dashboard updated.

With TTHC_SCREENSHOTS set (`make screenshots`), the dashboard is kept as
docs/screenshots/40-plan-dashboard.png (and the task page as 41-plan-task.png)."""

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mat-khau-dai-12"
TASK = "Duy trì chuyên mục “Cải cách thủ tục hành chính” trên trang thông tin điện tử của Sở"
NOT_MINE = "Niêm yết công khai thủ tục hành chính, mã QR tra cứu"


class Shots:
    def __init__(self):
        directory = os.environ.get("TTHC_SCREENSHOTS", "")
        self.directory = (ROOT / directory) if directory else None
        if self.directory:
            self.directory.mkdir(parents=True, exist_ok=True)

    def take(self, page, name: str) -> None:
        if self.directory:
            page.screenshot(path=str(self.directory / f"{name}.png"), full_page=True)


@pytest.fixture
def demo_plan():
    from tthc.demo.services import build_demo
    from tthc.plans.demo import build_plan_demo

    build_demo(password=PASSWORD)
    return build_plan_demo()


def _sign_in(page, base, username, next_url):
    page.goto(f"{base}/dang-nhap/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"**{next_url}")


def test_agency_reports_and_the_control_office_sees_the_dashboard(live_server, page, demo_plan):
    from django.core.cache import cache

    from tthc.plans.models import TaskReport

    cache.clear()
    shots = Shots()
    page.set_viewport_size({"width": 1280, "height": 900})

    _sign_in(page, live_server.url, "kiemsoat", "/quan-tri/ke-hoach/")
    done_before = int(page.locator("#so-hoan-thanh").inner_text())
    page.context.clear_cookies()

    _sign_in(page, live_server.url, "chuyenvien", "/quan-tri/ke-hoach/nhiem-vu/")
    tasks = page.locator(".pl-tasks tbody")
    assert TASK in tasks.inner_text()
    assert NOT_MINE not in tasks.inner_text()
    for row in tasks.locator("tr").all():
        assert "Sở Tư pháp" in row.inner_text()
    page.get_by_role("link", name=TASK).click()
    page.wait_for_url("**/quan-tri/ke-hoach/nhiem-vu/*/")
    page.select_option("select[name=period_kind]", "q4")
    page.fill("input[name=percent]", "100")
    page.fill("textarea[name=text]", "Đã đăng đủ 24 tin bài trong chuyên mục, hoàn thành chỉ tiêu.")
    page.locator("input[name=link_url]").first.fill("/tin-tuc/chuyen-muc-cai-cach-tthc/")
    page.locator("input[name=link_title]").first.fill("Chuyên mục Cải cách TTHC")
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.wait_for_url("**da_bao_cao=1*")
    assert "Đã ghi nhận báo cáo tiến độ." in page.content()
    assert page.locator("#tien-do").inner_text().strip().endswith("100%")
    assert "Đã đăng đủ 24 tin bài" in page.locator("#bao-cao-lich-su").inner_text()
    assert TaskReport.objects.filter(task__title=TASK, percent=100).count() == 1
    shots.take(page, "41-plan-task")
    page.context.clear_cookies()

    _sign_in(page, live_server.url, "kiemsoat", "/quan-tri/ke-hoach/")
    assert int(page.locator("#so-hoan-thanh").inner_text()) == done_before + 1
    assert page.locator("#bang-qua-han tbody tr").count() == 1
    shots.take(page, "40-plan-dashboard")
