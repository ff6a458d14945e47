"""Top-level pages may not take a path Django already answers."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tthc.content.models import ArticlePage, StandardPage
from tthc.content.slugs import reserved_slugs

pytestmark = pytest.mark.django_db


def test_reserved_words_come_from_the_url_configuration():
    reserved = reserved_slugs()
    for slug in ("thu-tuc", "co-quan", "su-kien", "linh-vuc", "tim-kiem", "tra-cuu-ho-so"):
        assert slug in reserved
    for slug in ("bien-tap", "tai-lieu", "phan-anh", "quan-tri", "tim-kiem-tin", "media"):
        assert slug in reserved
    # The feeds live under /tin-tuc/ but no page path can be "rss.xml": the news list keeps it.
    assert "tin-tuc" not in reserved
    assert "gioi-thieu" not in reserved


@pytest.mark.parametrize("slug", ["thu-tuc", "tra-cuu-ho-so", "su-kien"])
def test_top_level_page_with_a_reserved_slug_is_refused(site, slug):
    page = StandardPage(title="Trang thử", slug=slug)
    with pytest.raises(ValidationError) as error:
        site["home"].add_child(instance=page)
    assert "đã được hệ thống dùng cho trang" in str(error.value.message_dict["slug"])


def test_the_same_slug_is_fine_below_the_top_level(site):
    parent = StandardPage(title="Hướng dẫn", slug="huong-dan")
    site["home"].add_child(instance=parent)
    child = StandardPage(title="Tra cứu thủ tục", slug="thu-tuc")
    parent.add_child(instance=child)
    assert child.url == "/huong-dan/thu-tuc/"
    article = ArticlePage(title="Thủ tục", slug="thu-tuc", category="kiem-soat-tthc", summary="x")
    site["news"].add_child(instance=article)


def test_admin_form_shows_the_message_next_to_the_slug(client, site, django_user_model):
    admin = django_user_model.objects.create_superuser("quantri", password="mat-khau-dai-12")
    client.force_login(admin)
    url = reverse("wagtailadmin_pages:add", args=["content", "standardpage", site["home"].pk])
    response = client.post(
        url,
        {
            "title": "Thủ tục",
            "slug": "thu-tuc",
            "summary": "",
            "body-count": "0",
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "đã được hệ thống dùng cho trang /thu-tuc/" in response.content.decode()
    assert not StandardPage.objects.filter(slug="thu-tuc").exists()
