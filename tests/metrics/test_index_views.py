# ruff: noqa: F811  (the fixtures `book` and `world` are imported)
"""The staff pages of the index 766: who sees what, the period picker, every figure and its
drill-down list agreeing (same selector), the Excel export of every row, flat query counts."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.dossiers.conftest import staff
from tests.metrics.index_data import FEBRUARY, book, world  # noqa: F401
from tthc.metrics import facts, index
from tthc.org.models import Role

pytestmark = pytest.mark.django_db

PAGE = "/quan-tri/chi-so-766/"
FEB = {"ky": "thang", "thang": "2", "nam": "2025"}


@pytest.fixture
def control(department):
    return staff(Role.CONTROL_OFFICER, department)


@pytest.fixture
def leader(department):
    return staff(Role.AGENCY_LEADER, department)


def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_index_page_shows_every_group_and_links_each_figure(client, world, control):
    response = signed_in(client, control).get(PAGE, FEB)
    assert response.status_code == 200
    html = response.content.decode()
    result = response.context["result"]
    assert [g.code for g in result.groups] == [c for c, _n, _m in index.GROUPS]
    assert "Tháng 02/2025" in html
    assert "không có dữ liệu" in html  # 1.4, 4.3–4.6
    for code in index.BY_CODE:
        assert f"{PAGE}{code}/?" in html, code
    assert result.indicator("2.1").figure.numerator == 5


def test_every_drill_down_lists_exactly_what_its_figure_counts(client, world, control):
    client = signed_in(client, control)
    result = index.compute(index.Scope.of(FEBRUARY))
    for code in index.BY_CODE:
        figure = result.indicator(code).figure
        response = client.get(f"{PAGE}{code}/", FEB)
        assert response.status_code == 200, code
        page = response.context["page"]
        shown = response.context["figure"]
        assert (shown.numerator, shown.denominator) == (figure.numerator, figure.denominator)
        if not figure.available:
            assert "không có dữ liệu" in response.content.decode()
            continue
        totals = response.context["totals"]
        assert page.paginator.count == figure.denominator, code
        assert (totals.numerator, totals.denominator) == (figure.numerator, figure.denominator)
        counted = client.get(f"{PAGE}{code}/", {**FEB, "tinh": "co"}).context["page"]
        rest = client.get(f"{PAGE}{code}/", {**FEB, "tinh": "khong"}).context["page"]
        assert counted.paginator.count == totals.counted
        assert counted.paginator.count + rest.paginator.count == figure.denominator
        if code not in ("2.2", "5.3", "5.4"):  # 2.2 sums days; 5.3, 5.4 subtract deductions
            assert counted.paginator.count == figure.numerator, code
        rows = response.context["rows"]
        assert all(r.reason for r in rows), code


def test_dossier_rows_link_to_the_staff_dossier_page(client, world, control):
    html = signed_in(client, control).get(f"{PAGE}2.1/", FEB).content.decode()
    assert f'href="/quan-tri/ho-so/{world["C"].code}/"' in html
    assert "trễ hạn 2 ngày làm việc" in html
    assert "Nguyễn Văn An" not in html and "001090012345" not in html


def test_the_excel_export_has_every_row(client, world, control):
    from openpyxl import load_workbook

    client = signed_in(client, control)
    for code, expected in (("2.1", 8), ("5.2", 3), ("1.4", 0)):
        response = client.get(f"{PAGE}{code}/excel/", FEB)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
        rows = [r for r in sheet.iter_rows(values_only=True) if isinstance(r[0], int)]
        assert len(rows) == expected, code
    only_counted = client.get(f"{PAGE}2.1/excel/", {**FEB, "tinh": "co"})
    sheet = load_workbook(BytesIO(b"".join(only_counted.streaming_content))).active
    assert len([r for r in sheet.iter_rows(values_only=True) if isinstance(r[0], int)]) == 5


def test_formula_like_text_stays_text_in_the_export(client, world, control, department, travel):
    from openpyxl import load_workbook

    from tests.feedback.conftest import feedback_input
    from tthc.feedback import services as feedback_services

    travel(2025, 2, 11, 9)
    feedback_services.submit(
        data=feedback_input(agency=department, title='=HYPERLINK("http://x","bấm")'),
        ip="203.0.113.6",
    )
    travel(2025, 3, 3, 9)
    response = signed_in(client, control).get(f"{PAGE}5.2/excel/", FEB)
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    cells = [c for row in book.active.iter_rows() for c in row if str(c.value).startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)


def test_a_leader_sees_their_agency_only(client, world, leader, commune):
    client = signed_in(client, leader)
    response = client.get(PAGE, FEB)
    assert response.status_code == 200
    assert response.context["agency"] == world["A"].resolving_agency
    assert response.context["result"].indicator("2.1").figure.denominator == 8
    assert client.get(PAGE, {**FEB, "co_quan": commune.code}).status_code == 403
    assert client.get(f"{PAGE}2.1/", {**FEB, "co_quan": commune.code}).status_code == 403


def test_a_control_officer_chooses_any_agency(client, world, control, commune):
    response = signed_in(client, control).get(f"{PAGE}2.1/", {**FEB, "co_quan": commune.code})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0


def test_other_roles_are_refused(client, world, specialist):
    assert signed_in(client, specialist).get(PAGE, FEB).status_code == 403
    assert client.get(f"{PAGE}2.1/excel/", FEB).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, db):
    assert client.get(PAGE).status_code == 302


def test_unknown_indicator_is_404(client, db, control):
    assert signed_in(client, control).get(f"{PAGE}9.9/").status_code == 404


@pytest.mark.parametrize(
    ("params", "label", "error"),
    [
        ({"ky": "quy", "quy": "1", "nam": "2025"}, "Quý I năm 2025", ""),
        ({"ky": "nam", "nam": "2025"}, "Năm 2025", ""),
        ({"ky": "khoang", "tu": "22/01/2025", "den": "07/02/2025"}, "Từ 22/01/2025", ""),
        ({"ky": "khoang", "tu": "2025-01-22", "den": "2025-02-07"}, "Từ 22/01/2025", ""),
        ({"ky": "khoang", "tu": "07/02/2025", "den": "22/01/2025"}, "Tháng", "trước"),
        ({"ky": "khoang", "tu": "01/01/2010", "den": "22/01/2025"}, "Tháng", "5 năm"),
        ({"ky": "khoang", "tu": "hôm qua"}, "Tháng", "dd/mm/yyyy"),
        ({"ky": "thang", "thang": "13", "nam": "2025"}, "Tháng", "không hợp lệ"),
        ({"ky": "nam", "nam": "99999"}, "Tháng", "không hợp lệ"),
        ({"ky": "nam", "nam": "٢٠٢٥"}, "Tháng", "không hợp lệ"),
        ({"ky": "gì"}, "Tháng", "không hợp lệ"),
    ],
)
def test_the_period_picker(client, db, control, params, label, error):
    response = signed_in(client, control).get(PAGE, params)
    assert response.status_code == 200
    assert response.context["choice"].label.startswith(label)
    assert error in response.context["error"]


def test_the_staff_home_links_the_index(client, db, control, specialist):
    assert PAGE in signed_in(client, control).get("/quan-tri/").content.decode()
    assert PAGE not in signed_in(client, specialist).get("/quan-tri/").content.decode()


@pytest.mark.parametrize("code", ["2.1", "5.4", "3.1", "5.3"])
def test_drill_down_page_query_count_is_flat(
    client, world, control, received, travel, code, django_assert_max_num_queries
):
    client = signed_in(client, control)
    url = f"{PAGE}{code}/"
    client.get(url, FEB)  # caches warm (calendar, session)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url, FEB).status_code == 200
    travel(2025, 2, 12, 10)
    for _ in range(15):
        received()
    facts.refresh_all()
    travel(2025, 3, 3, 9)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(url, FEB).status_code == 200
