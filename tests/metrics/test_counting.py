"""What the middleware counts on real pages, and what it leaves out."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.metrics.conftest import CHROME, PAGE
from tthc.metrics.store import get_store
from tthc.metrics.visitors import client_ip, is_bot

pytestmark = pytest.mark.django_db


def _today():
    from django.utils import timezone

    live = get_store().live(now=__import__("time").time())
    return live.days.get(timezone.localdate(), [0, 0])


def test_a_person_viewing_pages_is_one_visitor_with_several_page_views(browse, backend):
    assert browse().status_code == 200
    assert browse("/thu-tuc/").status_code == 200
    assert _today() == [1, 2]
    browse(ip="198.51.100.11")
    assert _today() == [2, 3]
    assert get_store().live(now=__import__("time").time()).online == 2
    pages = get_store().begin_drain().pages
    assert sorted((p, n) for (_, p), n in pages.items()) == [(PAGE, 2), ("/thu-tuc/", 1)]


BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; "
    "+http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
    "Mozilla/5.0 (compatible; coccocbot-web/1.0; +http://help.coccoc.com/searchengine)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/131.0.0.0 Safari/537.36",
    "curl/8.5.0",
    "Wget/1.21.4",
    "python-requests/2.32.3",
    "Go-http-client/1.1",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2)",
    "Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
    "",
    "   ",
]

PEOPLE = [
    CHROME,
    # Zalo's in-app browser, the Cốc Cốc browser, Facebook's in-app browser: people.
    "Mozilla/5.0 (Linux; Android 13; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.230 Mobile Safari/537.36 Zalo android/12100603 ZaloTheme/light",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "coc_coc_browser/123.0.214 Chrome/117.0.5938.214 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/440.0.0.33.115;FBBV/532545853]",
    "Mozilla/5.0 (Linux; Android 12; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0 Mobile Safari/537.36",
]


@pytest.mark.parametrize("ua", BOTS)
def test_bots_and_tools_are_not_counted(browse, ua):
    assert is_bot(ua)
    assert browse(ua=ua).status_code == 200
    assert _today() == [0, 0]


@pytest.mark.parametrize("ua", PEOPLE)
def test_browsers_are_people(ua):
    assert not is_bot(ua)


@pytest.mark.parametrize(
    "path",
    [
        "/static/css/site.css",
        "/api/v1/procedures",
        "/quan-tri/",
        "/admin/login/",
        "/healthz",
        "/sitemap.xml",
        "/dang-nhap/",
        "/khong-co-trang-nay/",
    ],
)
def test_assets_staff_api_feeds_and_missing_pages_are_not_counted(browse, path):
    browse(path)
    assert _today() == [0, 0]


def test_head_post_htmx_and_prefetch_are_not_counted(client, browse):
    client.head(PAGE, REMOTE_ADDR="198.51.100.1", HTTP_USER_AGENT=CHROME)
    client.post(PAGE, REMOTE_ADDR="198.51.100.1", HTTP_USER_AGENT=CHROME)
    browse(HTTP_HX_REQUEST="true")
    browse(HTTP_SEC_PURPOSE="prefetch;prerender")
    assert _today() == [0, 0]
    browse()
    assert _today() == [1, 1]


def test_signed_in_staff_are_not_counted(client, browse, editor):
    client.force_login(editor)
    assert browse().status_code == 200
    assert _today() == [0, 0]


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(browse, settings):
    browse(HTTP_X_FORWARDED_FOR="203.0.113.1")
    browse(HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert _today() == [1, 2], "same address and browser: one visitor, whatever the header says"
    settings.TTHC_TRUSTED_PROXY_COUNT = 1
    browse(HTTP_X_FORWARDED_FOR="203.0.113.1")
    browse(HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert _today() == [3, 4]


def test_the_client_address_behind_proxies(rf, settings):
    settings.TTHC_TRUSTED_PROXY_COUNT = 1
    forged = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert client_ip(forged) == "198.51.100.7", "only the address our proxy added is trusted"
    settings.TTHC_TRUSTED_PROXY_COUNT = 2
    assert client_ip(forged) == "1.2.3.4"
    settings.TTHC_TRUSTED_PROXY_COUNT = 3  # fewer addresses than proxies: the leftmost
    assert client_ip(forged) == "1.2.3.4"
    settings.TTHC_TRUSTED_PROXY_COUNT = 0
    assert client_ip(forged) == "10.0.0.1"
    settings.TTHC_TRUSTED_PROXY_COUNT = "garbage"
    assert client_ip(forged) == "10.0.0.1"
    settings.TTHC_TRUSTED_PROXY_COUNT = 1
    port = rf.get("/", HTTP_X_FORWARDED_FOR="198.51.100.7:5555")
    assert client_ip(port) == "198.51.100.7"
    v6 = rf.get("/", HTTP_X_FORWARDED_FOR="[2001:DB8::1]:443")
    assert client_ip(v6) == "2001:db8::1"


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_USER_AGENT": "Mozilla/5.0 " + "A" * 200_000},
        {"HTTP_USER_AGENT": "Mozilla/5.0 (Tiếng Việt; \udcff \x00 ☃)"},
        {"HTTP_USER_AGENT": CHROME, "HTTP_X_FORWARDED_FOR": ",,, ;; \x00 not-an-ip" * 500},
        {"HTTP_USER_AGENT": CHROME, "HTTP_X_FORWARDED_FOR": "'; DROP TABLE x; --"},
        {"HTTP_USER_AGENT": CHROME, "REMOTE_ADDR": ""},
        {"HTTP_USER_AGENT": CHROME, "HTTP_SEC_PURPOSE": "\x00" * 5000},
    ],
)
def test_garbage_headers_never_break_a_page(client, settings, headers):
    settings.TTHC_TRUSTED_PROXY_COUNT = 1
    response = client.get(PAGE, **headers)
    assert response.status_code == 200
    assert "Thống kê truy cập" in response.content.decode()


def test_a_counted_request_writes_nothing_to_the_database(browse):
    browse(ua=BOTS[0])  # warm the per-process caches and the footer's cached figures
    with CaptureQueriesContext(connection) as bot:
        assert browse(ua=BOTS[0]).status_code == 200
    with CaptureQueriesContext(connection) as person:
        assert browse().status_code == 200
    assert _today() == [1, 1], "this one was counted"
    writes = [
        q["sql"]
        for q in person.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "REPLACE"))
    ]
    assert writes == []
    assert len(person.captured_queries) == len(bot.captured_queries), (
        "counting adds no query to the page"
    )


def test_the_middleware_never_breaks_a_page_when_the_store_fails(browse, monkeypatch, caplog):
    from tthc.metrics import store as store_module

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(store_module.MemoryStore, "record_hit", boom)
    for _ in range(3):
        assert browse().status_code == 200
    assert len([r for r in caplog.records if "ghi lượt truy cập" in r.getMessage()]) <= 1
