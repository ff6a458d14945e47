"""The editors' report: who may see it, what it shows, the Excel file."""

from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook

from tthc.metrics.models import DailyPageViews, DailySearch, DailyVisits
from tthc.workdays.engine import VN_TZ

pytestmark = pytest.mark.django_db

URL = "/quan-tri/thong-ke-truy-cap/"
TODAY = date(2026, 3, 15)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 3, 15, 9, 0, tzinfo=VN_TZ), tick=False):
        yield


@pytest.fixture
def figures(db):
    for i in range(40):
        day = TODAY - timedelta(days=i)
        DailyVisits.objects.create(date=day, visitors=100 + i, page_views=300 + i)
    for i in range(25):
        DailyPageViews.objects.create(date=TODAY, path=f"/thu-tuc/1.{i:06d}/", views=50 - i)
    DailyPageViews.objects.create(
        date=TODAY - timedelta(days=1), path="/thu-tuc/1.000000/", views=7
    )
    DailySearch.objects.create(date=TODAY, query="khai sinh", searches=40, zero_results=0)
    DailySearch.objects.create(date=TODAY, query="khai thac cat", searches=6, zero_results=6)
    DailySearch.objects.create(date=TODAY, query="=cmd|' /C calc'!A0", searches=1, zero_results=1)
    DailySearch.objects.create(date=TODAY - timedelta(days=90), query="cu", searches=9)


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_a_reception_officer_is_refused(client, reception):
    client.force_login(reception)
    response = client.get(URL)
    assert response.status_code == 403
    assert "Bạn không có quyền xem thống kê truy cập." in response.content.decode()
    assert client.get(URL + "excel/").status_code == 403


def test_the_editor_sees_days_pages_and_searches(client, editor, figures):
    client.force_login(editor)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thống kê truy cập" in html
    daily = response.context["daily"]
    assert (daily.start, daily.end) == (TODAY - timedelta(days=29), TODAY)
    assert len(daily.rows) == 30
    assert daily.visitors == sum(100 + i for i in range(30))
    assert daily.rows[-1].visitors == 100 and daily.rows[0].visitors == 129
    assert daily.rows[0].visitors_pct == 100 and daily.rows[-1].visitors_pct == round(10000 / 129)
    assert "15/03/2026" in html and "mt-bar__fill pct-100" in html
    assert "/thu-tuc/1.000000/" in html and "57" in html  # 50 today + 7 yesterday
    assert "khai sinh" in html and "khai thac cat" in html
    assert "cu" not in [s["query"] for s in response.context["searches"]]  # out of range
    assert response.context["zero"][0]["query"] == "khai thac cat"
    # 25 pages: 20 on the first page of the table, a link to the second
    assert len(response.context["pages"].object_list) == 20
    assert "trang_trang=2" in html
    page2 = client.get(URL, {"trang_trang": 2})
    assert len(page2.context["pages"].object_list) == 5


def test_a_chosen_range_and_bad_input(client, editor, figures):
    client.force_login(editor)
    response = client.get(URL, {"tu": "2026-03-10", "den": "2026-03-12"})
    assert [r.day.day for r in response.context["daily"].rows] == [10, 11, 12]
    swapped = client.get(URL, {"tu": "12/03/2026", "den": "10/03/2026"})
    assert [r.day.day for r in swapped.context["daily"].rows] == [10, 11, 12]
    for params in (
        {"tu": "hôm qua", "den": "x" * 5000},
        {"tu": "2026-02-30"},
        {"tu": "1900-01-01", "den": "9999-12-31"},
        {"trang_trang": "-1", "trang_tim": "abc", "trang_khong": "99999"},
    ):
        response = client.get(URL, params)
        assert response.status_code == 200
        assert len(response.context["daily"].rows) <= 366
    assert client.get(URL + "excel/", {"tu": "1900-01-01", "den": "9999-12-31"}).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"den": "0001-01-01"},
        {"den": "01/01/0001"},
        {"tu": "0001-01-01", "den": "0001-01-02"},
        {"tu": "9999-12-31"},
        {"tu": "9999-12-30", "den": "9999-12-31"},
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_not_a_500(client, editor, params):
    """`date.min`/`date.max` ± the default 30 days overflowed (OverflowError, a 500)."""
    client.force_login(editor)
    for url in (URL, URL + "excel/"):
        response = client.get(url, params)
        assert response.status_code == 200
    assert 1 <= len(client.get(URL, params).context["daily"].rows) <= 366


def test_the_excel_file_has_the_same_figures(client, editor, figures):
    client.force_login(editor)
    response = client.get(URL + "excel/", {"tu": "2026-03-14", "den": "2026-03-15"})
    assert response.status_code == 200
    assert "thong-ke-truy-cap-20260314-20260315.xlsx" in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Theo ngày", "Trang xem nhiều", "Từ khóa tìm kiếm", "Tìm không thấy"]
    days = [row for row in book["Theo ngày"].iter_rows(min_row=5, values_only=True)]
    assert days == [("14/03/2026", 101, 301), ("15/03/2026", 100, 300), ("Cộng", 201, 601)]
    pages = list(book["Trang xem nhiều"].iter_rows(min_row=5, values_only=True))
    assert pages[0] == ("/thu-tuc/1.000000/", 57) and len(pages) == 25
    zero = list(book["Tìm không thấy"].iter_rows(min_row=5, values_only=True))
    assert zero[0] == ("khai thac cat", 6, 6)
    assert zero[1][0] == "=cmd|' /C calc'!A0", "the query is shown as typed"
    assert book["Tìm không thấy"].cell(6, 1).data_type == "s", "as text, never a formula"


def test_the_staff_home_links_to_the_report(client, editor):
    client.force_login(editor)
    assert f'href="{URL}"' in client.get("/quan-tri/").content.decode()
