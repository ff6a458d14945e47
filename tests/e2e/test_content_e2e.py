"""The communication portal in a real browser: editor A writes an article in Wagtail's admin
with an image uploaded from the computer, schedules it and submits it for review; A cannot
approve it; editor B signs in and approves; once its time has come and the publishing task has
run, the article is on the home page and in the RSS feed, and an anonymous reader sees it with
its image and the image's source.

With TTHC_SCREENSHOTS set (`make screenshots`), keeps the home, article and event pages.
"""

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from PIL import Image as PILImage

from tests.e2e.test_portal_e2e import Shots, axe  # noqa: F401 (axe: the fixture)
from tests.factories import MembershipFactory
from tthc.content import services
from tthc.content.demo import build_content_demo
from tthc.content.models import ArticlePage, EventPage
from tthc.content.tasks import publish_scheduled_pages
from tthc.org.models import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-dai-12"
TITLE = "Tập huấn kỹ năng tiếp nhận hồ sơ trực tuyến cho công chức một cửa"
SLUG = "tap-huan-ky-nang-tiep-nhan-ho-so-truc-tuyen"


@pytest.fixture
def portal(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ROOT_URLCONF = "tests.e2e.content_urls"
    # The browser tests' SQLite database lives in shared memory, where a write that meets another
    # fails at once ("database table is locked") instead of waiting as the file database does;
    # the editor's background autosave and presence pings would race the test's own saves.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    settings.WAGTAIL_EDITING_SESSION_PING_INTERVAL = 3_600_000
    services.ensure_site()  # an earlier browser test may have emptied the database
    build_content_demo()
    editors = {}
    for username, name in (("bientap.a", "Hoàng Thị Biên Tập"), ("bientap.b", "Trần Văn Duyệt")):
        user = MembershipFactory(
            role=Role.EDITOR, user__username=username, user__full_name=name
        ).user
        user.set_password(PASSWORD)
        user.save()
        editors[username] = user
    return editors


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "lop-tap-huan.png"
    picture = PILImage.new("RGB", (1200, 675), (11, 79, 156))
    picture.paste((212, 160, 23), (0, 640, 1200, 675))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def sign_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/dang-nhap/?next=/bien-tap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/bien-tap/")


def write_article(page, base, news_id, photo, go_live_at):
    page.goto(f"{base}/bien-tap/pages/add/content/articlepage/{news_id}/")
    page.fill("#id_title", TITLE)
    page.select_option("#id_category", "dao-tao-hoi-nghi")
    page.fill(
        "#id_summary",
        "Văn phòng UBND tỉnh tổ chức lớp tập huấn kỹ năng tiếp nhận, số hóa hồ sơ trực tuyến.",
    )
    # The lead image, uploaded from the computer through the chooser.
    page.click("#id_lead_image-chooser button.chooser__choose-button")
    page.click("#tab-label-upload")
    page.set_input_files("#id_image-chooser-upload-file", str(photo))
    page.fill("#id_image-chooser-upload-title", "Lớp tập huấn tiếp nhận hồ sơ trực tuyến")
    page.click("#tab-upload button[type=submit]")
    page.wait_for_function(
        "() => document.querySelector('#id_lead_image').value !== ''", timeout=15_000
    )
    page.fill("#id_lead_image_alt", "Công chức một cửa thực hành tiếp nhận hồ sơ trên máy tính")
    page.fill("#id_lead_image_caption", "Học viên thực hành trên hệ thống một cửa điện tử.")
    page.fill("#id_lead_image_credit", "Văn phòng UBND tỉnh")
    page.click("#panel-child-content-body-content button.c-sf-add-button")
    page.get_by_text("Đoạn văn", exact=True).click()
    page.locator("#panel-child-content-body-content .public-DraftEditor-content").first.click()
    page.keyboard.type("Hơn 120 công chức bộ phận một cửa cấp xã tham dự lớp tập huấn.")
    page.click("#tab-label-promote")
    page.fill("#id_slug", SLUG)
    # Scheduled: Wagtail's "Set schedule" dialog in the status side panel.
    page.click("[data-side-panel-toggle=status]")
    page.click("[data-a11y-dialog-show=schedule-publishing-dialog]")
    page.fill("#id_go_live_at", timezone.localtime(go_live_at).strftime("%Y-%m-%d %H:%M"))
    # The date picker covers the dialog's button: press it directly.
    page.locator("#schedule-publishing-dialog button.action-save").evaluate("b => b.click()")
    page.wait_for_url(re.compile(r".*/bien-tap/pages/\d+/edit/$"))


def test_editor_writes_schedules_another_approves_reader_sees_it(
    live_server,
    page,
    portal,
    photo,
    axe,  # noqa: F811 (the fixture imported above)
):
    shots = Shots()
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    news_id = ArticlePage.objects.first().get_parent().pk
    go_live_at = (timezone.now() + timedelta(minutes=3)).replace(second=0, microsecond=0)

    # Editor A writes, schedules and submits for review.
    sign_in(page, base, "bientap.a")
    write_article(page, base, news_id, photo, go_live_at)
    article = ArticlePage.objects.get(slug=SLUG)
    assert not article.live
    page.click("footer .w-dropdown__toggle.button")
    page.click("button[name=action-submit]")
    page.wait_for_load_state()
    article.refresh_from_db()
    assert article.current_workflow_state.requested_by.username == "bientap.a"

    # A is offered no approval, and is told why.
    page.goto(f"{base}/bien-tap/pages/{article.pk}/edit/")
    assert "không thể tự duyệt" in page.content()
    assert page.locator("[data-workflow-action-url*='/approve/']").count() == 0
    page.goto(f"{base}/bien-tap/")  # nothing awaits A's review on the dashboard either
    assert page.locator("[data-workflow-action-url*='/approve/']").count() == 0

    # Editor B approves from the dashboard's "awaiting your review".
    sign_in(page, base, "bientap.b")
    row = page.locator("tr", has_text=TITLE)
    row.locator("button.w-dropdown__toggle").click()
    row.locator("[data-workflow-action-url*='/approve/']").first.click()
    page.wait_for_load_state()
    page.wait_for_function(
        f"() => !document.body.innerText.includes({TITLE!r}) || location.pathname !== '/bien-tap/'"
    )
    article.refresh_from_db()
    assert not article.live  # approved, but its time has not come
    assert article.approved_schedule

    page.context.clear_cookies()
    page.goto(f"{base}/")
    assert TITLE not in page.content()

    # The clock runs the publishing task after the scheduled time.
    with time_machine.travel(go_live_at + timedelta(minutes=1)):
        publish_scheduled_pages.enqueue()
        article.refresh_from_db()
        assert article.live

        page.goto(f"{base}/")
        page.get_by_role("link", name=TITLE).first.wait_for()
        axe(page, "content home")
        shots.take(page, "30-content-home")
        rss = page.request.get(f"{base}/tin-tuc/rss.xml").text()
        assert f"<title>{TITLE}</title>" in rss

        # The anonymous reader opens it: image with its description, and the source.
        page.get_by_role("link", name=TITLE).first.click()
        page.wait_for_url(f"{base}/tin-tuc/{SLUG}/")
        assert page.locator("h1").inner_text() == TITLE
        image = page.locator("figure.figure--lead img")
        assert image.get_attribute("alt") == (
            "Công chức một cửa thực hành tiếp nhận hồ sơ trên máy tính"
        )
        assert (
            page.evaluate("() => document.querySelector('figure.figure--lead img').naturalWidth")
            > 0
        )
        assert "Nguồn ảnh: Văn phòng UBND tỉnh" in page.locator("figure.figure--lead").inner_text()
        assert "Hơn 120 công chức bộ phận một cửa" in page.locator(".article__body").inner_text()
        axe(page, "article")
        shots.take(page, "31-content-article")

        event = EventPage.objects.live().order_by("start_at").last()
        page.goto(f"{base}{event.url}")
        assert page.locator("h1").inner_text() == event.title
        axe(page, "event")
        shots.take(page, "32-content-event")
        page.goto(f"{base}/tin-tuc/?chuyen-muc=dao-tao-hoi-nghi")
        axe(page, "news list")
        page.goto(f"{base}/tim-kiem-tin/?q=tap+huan")
        axe(page, "site search")
