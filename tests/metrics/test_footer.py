"""The footer's "Thống kê truy cập": four labelled numbers, database + live, cheap to render."""

import re
from datetime import date, datetime

import pytest
import time_machine
from django.core.cache import cache
from django.template import Context, Template

from tests.metrics.conftest import PAGE
from tthc.metrics import services
from tthc.metrics.models import DailyVisits
from tthc.workdays.engine import VN_TZ

pytestmark = pytest.mark.django_db

BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def stats(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-stat="(\w+)">([^<]*)<', html))


@pytest.fixture
def mid_march():
    with time_machine.travel(datetime(2026, 3, 15, 10, 0, tzinfo=VN_TZ), tick=False):
        yield date(2026, 3, 15)


def test_the_footer_shows_the_four_figures_with_their_labels(browse, backend, settings, mid_march):
    settings.TTHC_VISITS_TOTAL_OFFSET = 1_000_000
    DailyVisits.objects.create(date=date(2026, 3, 1), visitors=10, page_views=30)
    DailyVisits.objects.create(date=date(2026, 2, 28), visitors=100, page_views=300)
    browse(ip="198.51.100.1")
    browse(ip="198.51.100.2")
    browse("/thu-tuc/", ip="198.51.100.2")
    html = browse(ua=BOT).content.decode()  # a bot reads the page: not counted itself
    for label in ("Thống kê truy cập", "Đang truy cập", "Hôm nay", "Tháng hiện tại", "Tổng"):
        assert label in html
    assert stats(html) == {"online": "2", "today": "2", "month": "12", "total": "1.000.112"}

    services.flush_visits()  # the figures don't move when the counts reach the database
    assert stats(browse(ua=BOT).content.decode())["total"] == "1.000.112"
    assert DailyVisits.objects.get(date=mid_march).visitors == 2
    browse(ip="198.51.100.3")
    assert stats(browse(ua=BOT).content.decode()) == {
        "online": "3",
        "today": "3",
        "month": "13",
        "total": "1.000.113",
    }


def test_the_footer_costs_no_query_on_most_pages(browse, backend, django_assert_num_queries):
    template = Template("{% load visits %}{% visitor_stats %}")
    browse(ip="198.51.100.1")
    cache.clear()  # as on the first page after the cached figures expired
    with django_assert_num_queries(1):
        first = template.render(Context())
    for _ in range(3):
        with django_assert_num_queries(0):
            assert template.render(Context()) == first
    services.flush_visits()
    with django_assert_num_queries(1):  # the flush changed the database part: read again
        assert stats(template.render(Context())) == stats(first)
    with django_assert_num_queries(0):
        template.render(Context())


def test_when_redis_is_down_the_page_still_renders_with_the_saved_figures(
    client, settings, caplog, mid_march
):
    DailyVisits.objects.create(date=mid_march, visitors=7, page_views=9)
    settings.TTHC_VISITS_REDIS_URL = "redis://127.0.0.1:1/0"
    for ip in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        response = client.get(PAGE, REMOTE_ADDR=ip, HTTP_USER_AGENT="Mozilla/5.0 Chrome/131.0")
        assert response.status_code == 200
    assert stats(response.content.decode()) == {
        "online": "—",
        "today": "7",
        "month": "7",
        "total": "7",
    }
    assert len([r for r in caplog.records if "Redis" in r.getMessage()]) == 1


def test_a_broken_database_part_leaves_the_block_out_not_the_page(browse, monkeypatch):
    from tthc.metrics import selectors

    def boom():
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "footer_stats", boom)
    response = browse()
    assert response.status_code == 200
    assert "Đang truy cập" not in response.content.decode()


def test_english_pages_group_thousands_the_english_way(client, settings):
    settings.TTHC_VISITS_TOTAL_OFFSET = 1234567
    client.cookies["django_language"] = "en"
    html = client.get(PAGE).content.decode()
    assert stats(html)["total"] == "1,234,567"


def test_a_page_counts_its_own_reader(browse, backend, mid_march):
    """The visit is recorded after the page is rendered; the footer still includes it, so the
    day's first reader doesn't see "Đang truy cập: 0" while reading."""
    first = stats(browse(ip="198.51.100.1").content.decode())
    assert first == {"online": "1", "today": "1", "month": "1", "total": "1"}
    again = stats(browse("/thu-tuc/", ip="198.51.100.1").content.decode())
    assert again == first, "the same person on another page is not counted twice"
    other = stats(browse(ip="198.51.100.2").content.decode())
    assert other == {"online": "2", "today": "2", "month": "2", "total": "2"}
    assert stats(browse(ua=BOT).content.decode())["today"] == "2", "a bot adds nobody"


def test_the_back_office_shows_no_visitor_counts_and_reads_none(client, backend, monkeypatch):
    """The block belongs to the public portal (docs/metrics.md): a staff page neither shows it
    nor asks Redis and the database for it."""
    from tests.dossiers.conftest import staff
    from tests.factories import AgencyFactory
    from tthc.metrics import selectors
    from tthc.org.models import Role

    client.force_login(staff(Role.CONTROL_OFFICER, AgencyFactory()))
    monkeypatch.setattr(selectors, "footer_stats", lambda request=None: pytest.fail("read"))
    staff_page = client.get("/quan-tri/ho-so/")
    assert staff_page.status_code == 200
    assert "Thống kê truy cập" not in staff_page.content.decode()
