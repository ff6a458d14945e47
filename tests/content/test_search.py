"""Site search: diacritics and case ignored on both sides, live public pages only, paginated,
and a signal for the visitor statistics."""

import pytest
from wagtail.rich_text import RichText

from tthc.content.models import StandardPage
from tthc.core.signals import site_searched

pytestmark = pytest.mark.django_db


def found(client, query, **params):
    response = client.get("/tim-kiem-tin/", {"q": query, **params})
    assert response.status_code == 200
    return [page.title for page, _kind in response.context["rows"]]


def test_search_ignores_diacritics_and_case_on_both_sides(client, make_article):
    make_article(title="Đăng ký hộ tịch trực tuyến", body_text="Người dân làm khai sinh qua mạng.")
    make_article(title="Tin về đất đai", body_text="Cấp giấy chứng nhận quyền sử dụng đất.")

    for query in ("ho tich", "hộ tịch", "HỘ TỊCH", "dang ky ho tich", "khai sinh qua mang"):
        assert found(client, query) == ["Đăng ký hộ tịch trực tuyến"], query
    assert found(client, "đất đai") == ["Tin về đất đai"]
    assert found(client, "dat dai") == ["Tin về đất đai"]
    assert found(client, "bảo hiểm xã hội") == []


def test_search_finds_summaries_events_and_standard_pages(client, site, make_article, make_event):
    make_article(title="Tin thứ nhất", summary="Tổng kết chỉ số hài lòng của người dân.")
    make_event(title="Hội nghị tập huấn một cửa liên thông")
    page = StandardPage(
        title="Liên hệ",
        slug="lien-he",
        body=[("paragraph", RichText("<p>Trung tâm Phục vụ hành chính công tỉnh</p>"))],
    )
    site["home"].add_child(instance=page)
    page.save_revision().publish()

    assert found(client, "chi so hai long") == ["Tin thứ nhất"]
    assert found(client, "mot cua lien thong") == ["Hội nghị tập huấn một cửa liên thông"]
    assert found(client, "trung tam phuc vu") == ["Liên hệ"]


def test_drafts_are_not_found(client, make_article):
    make_article(title="Bản nháp về hộ tịch", publish=False)
    assert found(client, "ho tich") == []


def test_results_are_paginated(client, make_article):
    for n in range(13):
        make_article(title=f"Cải cách hành chính kỳ {n}")
    response = client.get("/tim-kiem-tin/", {"q": "cai cach"})
    assert response.context["page"].paginator.count == 13
    assert len(response.context["rows"]) == 10
    assert "trang=2" in response.content.decode()
    assert len(found(client, "cai cach", trang=2)) == 3


def test_empty_or_overlong_queries_do_not_fail(client, site):
    response = client.get("/tim-kiem-tin/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert client.get("/tim-kiem-tin/", {"q": "a" * 5000}).status_code == 200
    assert client.get("/tim-kiem-tin/", {"q": "!!!"}).status_code == 200


def test_each_search_is_announced_for_the_statistics(client, make_article):
    make_article(title="Đăng ký hộ tịch")
    heard = []

    def receiver(sender, request, query, result_count, **kwargs):
        heard.append((query, result_count))

    site_searched.connect(receiver)
    try:
        client.get("/tim-kiem-tin/", {"q": "ho tich"})
        client.get("/tim-kiem-tin/")
    finally:
        site_searched.disconnect(receiver)
    assert heard == [("ho tich", 1)]
