"""The news and events lists: filters, 10 per page, bad input answered with a message and a 4xx,
and a number of queries that does not grow with the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tthc.content.models import Category

pytestmark = pytest.mark.django_db


def titles(response):
    return [a.title for a in response.context["listing"].page.object_list]


def test_category_filter_and_unknown_category_is_a_400_with_a_message(client, make_article):
    make_article(title="Sáng kiến phiếu hẹn có mã QR", category=Category.EXEMPLARS)
    make_article(title="Rà soát danh mục thủ tục", category=Category.CONTROL)

    response = client.get("/tin-tuc/", {"chuyen-muc": Category.EXEMPLARS})
    assert titles(response) == ["Sáng kiến phiếu hẹn có mã QR"]
    assert "Tin tức: Sáng kiến, gương điển hình" in response.content.decode()

    response = client.get("/tin-tuc/", {"chuyen-muc": "khong-co"})
    assert response.status_code == 400
    assert "Không có chuyên mục “khong-co”" in response.content.decode()
    assert len(titles(response)) == 2  # the unfiltered list, next to the message


def test_tag_filter_and_unknown_tag_is_a_404_with_a_message(client, make_article):
    tagged = make_article(title="Tin về hộ tịch", tags=["hộ tịch"])
    make_article(title="Tin khác")
    slug = tagged.tags.get().slug

    assert titles(client.get("/tin-tuc/", {"the": slug})) == ["Tin về hộ tịch"]
    response = client.get("/tin-tuc/", {"the": "khong-co-the-nay"})
    assert response.status_code == 404
    assert "Không có thẻ “khong-co-the-nay”" in response.content.decode()


def test_ten_per_page_newest_first_and_bad_page_numbers_do_not_fail(client, make_article):
    for _ in range(23):
        make_article()
    first = client.get("/tin-tuc/")
    assert len(titles(first)) == 10
    assert titles(first)[0] == "Tin bài số 1"  # the most recent date
    html = first.content.decode()
    assert 'href="?trang=2" rel="next"' in html
    assert "Trang 1/3" in html
    assert len(titles(client.get("/tin-tuc/", {"trang": 3}))) == 3
    assert client.get("/tin-tuc/", {"trang": "abc"}).status_code == 200
    assert client.get("/tin-tuc/", {"trang": "999"}).context["listing"].page.number == 3


def test_filters_are_kept_in_the_pager_links(client, make_article):
    for _ in range(11):
        make_article(category=Category.ONLINE)
    html = client.get("/tin-tuc/", {"chuyen-muc": Category.ONLINE}).content.decode()
    assert 'href="?chuyen-muc=dich-vu-cong-truc-tuyen&amp;trang=2"' in html


def test_drafts_are_not_listed(client, make_article):
    make_article(title="Bản nháp chưa duyệt", publish=False)
    assert "Bản nháp chưa duyệt" not in client.get("/tin-tuc/").content.decode()


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_news_list_and_home_query_counts_stay_flat(
    client, make_article, make_image, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            make_article(lead_image=make_image(), tags=["cải cách", "một cửa"], featured=True)

    add(5)  # enough to fill the home's featured block and start its latest list
    client.get("/tin-tuc/")  # renditions are made on the first view, not counted
    client.get("/")
    few_list, few_home = _count(client, "/tin-tuc/"), _count(client, "/")
    add(10)
    client.get("/tin-tuc/")
    client.get("/")
    with django_assert_max_num_queries(few_list):
        client.get("/tin-tuc/")
    with django_assert_max_num_queries(few_home):
        client.get("/")


def test_events_list_filter_by_kind_and_bad_kind(client, make_event):
    make_event(title="Tập huấn số hóa", kind="tap-huan")
    make_event(title="Hội nghị sơ kết", kind="hoi-nghi")
    response = client.get("/hoi-nghi-tap-huan/", {"loai": "tap-huan"})
    assert [e.title for e in response.context["listing"].page.object_list] == ["Tập huấn số hóa"]
    response = client.get("/hoi-nghi-tap-huan/", {"loai": "du-lich"})
    assert response.status_code == 400
    assert "Không có loại sự kiện “du-lich”" in response.content.decode()


def test_events_list_query_count_stays_flat(client, make_event, django_assert_max_num_queries):
    for _ in range(2):
        make_event()
    few = _count(client, "/hoi-nghi-tap-huan/")
    for _ in range(9):
        make_event()
    with django_assert_max_num_queries(few):
        client.get("/hoi-nghi-tap-huan/")


def test_categories_are_named_in_the_reader_language(client, make_article):
    make_article(title="Sáng kiến phiếu hẹn có mã QR", category=Category.EXEMPLARS)
    client.cookies["django_language"] = "en"
    page = client.get("/tin-tuc/", {"chuyen-muc": Category.EXEMPLARS}).content.decode()
    assert "Initiatives and exemplary people" in page
    assert "Sáng kiến phiếu hẹn có mã QR" in page  # the article itself stays as written
