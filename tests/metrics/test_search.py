"""`record_search`, the call other apps make from their search views."""

import pytest

from tests.metrics.conftest import CHROME
from tthc.metrics import services
from tthc.metrics.models import DailySearch
from tthc.metrics.recorder import normalise_query, record_search
from tthc.metrics.store import get_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(rf):
    def make(method="get", ua=CHROME):
        return getattr(rf, method)("/tim-kiem/", REMOTE_ADDR="198.51.100.9", HTTP_USER_AGENT=ua)

    return make


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("  Đăng ký KHAI   SINH ", "dang ky khai sinh"),
        ("cấp lại CCCD 001203004567", "cap lai cccd #"),
        ("tra cứu hồ sơ 0912345678", "tra cuu ho so #"),
        ("gọi 0912 345 678 hoặc 0912.345.678", "goi # hoac #"),
        ("thủ tục 1.001193", "thu tuc 1.001193"),
        ("gửi cho an.nguyen@example.vn nhé", "gui cho @ nhe"),
        ("giấy phép lái xe hạng B2", "giay phep lai xe hang b2"),
        ("x" * 500, "x" * 100),
        ("   ", ""),
    ],
)
def test_queries_are_folded_masked_and_cut(raw, stored):
    assert normalise_query(raw) == stored


def test_searches_and_zero_result_searches_reach_the_report_tables(person, backend):
    assert record_search(person(), "Khai sinh", 12)
    assert record_search(person(), "khai sinh", 3)
    assert record_search(person(), "Giấy phép khai thác cát", 0)
    assert record_search(person(), "giay phep khai thac cat", "0")
    services.flush_visits()
    rows = {r.query: (r.searches, r.zero_results) for r in DailySearch.objects.all()}
    assert rows == {"khai sinh": (2, 0), "giay phep khai thac cat": (2, 2)}


def test_bots_staff_head_and_empty_queries_are_not_counted(person, editor):
    bot = person(ua="Mozilla/5.0 (compatible; coccocbot-web/1.0)")
    assert not record_search(bot, "khai sinh", 1)
    assert not record_search(person(method="head"), "khai sinh", 1)
    assert not record_search(person(), "", 0)
    assert not record_search(person(), None, 0)
    staff = person()
    staff.user = editor
    assert not record_search(staff, "khai sinh", 1)
    assert get_store().begin_drain() is None


def test_bad_arguments_never_raise(person):
    assert record_search(person(), "khai sinh", None)  # unknown count: not a zero result
    assert record_search(person(), 123456789, "nhiều")
    batch = get_store().begin_drain()
    assert {q: c for (_, q), c in batch.searches.items()} == {"khai sinh": [1, 0], "#": [1, 0]}


def test_the_content_site_search_is_counted_once_per_search(rf, backend):
    from tthc.core.signals import site_searched

    for page in ("", "1", "2", "3"):  # the first page of results, then the reader pages on
        params = {"q": "Cải cách", "trang": page} if page else {"q": "Cải cách"}
        request = rf.get(
            "/tim-kiem-tin/", params, REMOTE_ADDR="198.51.100.9", HTTP_USER_AGENT=CHROME
        )
        site_searched.send(sender=None, request=request, query="Cải cách", result_count=0)
    batch = get_store().begin_drain()
    assert {q: c for (_, q), c in batch.searches.items()} == {"cai cach": [2, 2]}


def test_the_procedure_search_counts_searches_and_those_without_a_result(browse, backend):
    from tests.factories import procedure_data
    from tthc.catalog import services as catalog

    catalog.save_procedure(code="1.000001", data=procedure_data())
    assert browse("/tim-kiem/?q=khai+sinh").status_code == 200
    assert browse("/tim-kiem/?q=Khai+Sinh&trang=2").status_code == 200  # paging on: not again
    assert browse("/tim-kiem/?q=c%E1%BA%A5p+ph%C3%A9p+bay+flycam").status_code == 200
    assert browse("/tim-kiem/").status_code == 200  # the empty search form is no search
    services.flush_visits()
    rows = {r.query: (r.searches, r.zero_results) for r in DailySearch.objects.all()}
    assert rows == {"khai sinh": (1, 0), "cap phep bay flycam": (1, 1)}
