"""The public pages as a reader sees them."""

import re
from urllib.parse import quote

import pytest
from django.utils import timezone

from tests.factories import procedure_data
from tthc.catalog import services as catalog_services
from tthc.content.models import ArticleProcedure, Category, EventAttachment

pytestmark = pytest.mark.django_db


def test_home_is_the_wagtail_home_with_procedure_search_and_entry_links(client, site):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["page"].pk == site["home"].pk
    assert re.search(r'<form class="search" method="get" action="/tim-kiem/"', html)
    assert 'name="q"' in html
    for url in ("/tra-cuu-ho-so/", "/phan-anh/", "/phan-anh/gui/", "/su-kien/", "/co-quan/"):
        assert f'href="{url}"' in html
    assert '<a href="/" aria-current="page">Trang chủ</a>' in html


def test_home_puts_featured_articles_first_and_falls_back_to_the_latest(client, make_article):
    make_article(title="Tin thường mới nhất")
    assert "Tin thường mới nhất" in client.get("/").context["featured"][0].title

    featured = make_article(title="Tin nổi bật về một cửa liên thông", featured=True)
    response = client.get("/")
    assert [a.pk for a in response.context["featured"]] == [featured.pk]
    html = response.content.decode()
    assert html.index("Tin nổi bật về một cửa liên thông") < html.index("Tin thường mới nhất")


def test_home_lists_upcoming_events(client, make_event):
    make_event(title="Hội nghị sơ kết cải cách thủ tục hành chính")
    assert "Hội nghị sơ kết cải cách thủ tục hành chính" in client.get("/").content.decode()


def test_article_shows_lead_image_credit_tags_and_related_procedures(
    client, make_article, make_image
):
    procedure = catalog_services.save_procedure(
        code="1.001193", data=procedure_data(name="Thủ tục đăng ký khai sinh")
    ).procedure
    article = make_article(
        title="Liên thông khai sinh và bảo hiểm y tế",
        category=Category.ONE_STOP,
        lead_image=make_image("Bộ phận một cửa"),
        lead_image_alt="Công chức một cửa tiếp nhận hồ sơ",
        lead_image_caption="Tiếp nhận hồ sơ tại bộ phận một cửa",
        lead_image_credit="Văn phòng UBND tỉnh",
        tags=["một cửa liên thông"],
    )
    article.related_procedures.add(ArticleProcedure(procedure=procedure))
    article.save_revision().publish()

    response = client.get(article.url)
    html = response.content.decode()
    assert response.status_code == 200
    img = re.search(r'<img src="([^"]+)" width="(\d+)" height="(\d+)" alt="([^"]+)">', html)
    assert img and img.group(1).startswith("/media/images/")
    assert img.group(4) == "Công chức một cửa tiếp nhận hồ sơ"
    assert "Nguồn ảnh: Văn phòng UBND tỉnh" in html
    assert "Tiếp nhận hồ sơ tại bộ phận một cửa" in html
    tag = article.tags.get()
    assert f'href="/tin-tuc/?the={quote(tag.slug)}">#một cửa liên thông</a>' in html
    assert '<a href="/thu-tuc/1.001193/">Thủ tục đăng ký khai sinh</a>' in html
    assert "Cải cách TTHC, một cửa, một cửa liên thông" in html
    assert '<link rel="alternate" type="application/rss+xml"' in html


def test_event_page_shows_time_place_organiser_and_documents(client, make_event):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    document = Document(title="Chương trình tập huấn")
    document.file.save("chuong-trinh.pdf", ContentFile(b"%PDF-1.4 demo"), save=False)
    document.save()
    event = make_event(
        title="Tập huấn số hóa hồ sơ",
        kind="tap-huan",
        place="Trung tâm Phục vụ hành chính công",
        audience="Công chức một cửa",
    )
    event.attachments.add(EventAttachment(document=document))
    event.save_revision().publish()

    html = client.get(event.url).content.decode()
    assert "Tập huấn" in html
    assert "Trung tâm Phục vụ hành chính công" in html
    assert "Văn phòng UBND tỉnh" in html
    assert "Công chức một cửa" in html
    assert f'href="{document.url}">Chương trình tập huấn</a>' in html
    local_start = timezone.localtime(event.start_at)
    assert local_start.strftime("%H:%M %d/%m/%Y") in html


def test_event_end_before_start_is_refused(make_event):
    from datetime import timedelta

    from django.core.exceptions import ValidationError

    event = make_event()
    event.end_at = event.start_at - timedelta(hours=1)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "Thời gian kết thúc phải sau thời gian bắt đầu." in str(error.value)


def test_nav_marks_news_as_current(client, site):
    html = client.get("/tin-tuc/").content.decode()
    assert '<a href="/tin-tuc/" aria-current="page">Tin tức</a>' in html
    assert '<a href="/thu-tuc/">Tra cứu thủ tục</a>' in html


def test_every_page_type_previews_in_the_editor(site, make_article, make_event):
    """Wagtail's preview renders `get_context` without `serve`: each page type must cope."""
    pages = [site["home"], site["news"], site["events"], make_article(), make_event()]
    for page in pages:
        response = page.make_preview_request()
        assert response.status_code == 200, page
        assert page.title in response.rendered_content
