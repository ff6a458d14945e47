# ruff: noqa: F811  (the fixtures `book` and `world` are imported)
"""GET /api/v1/service-index and its drill-down: the shape, the figures of a known data set,
refused input (4xx with the one error body, never 500), flat query counts."""

import pytest

from tests.metrics.index_data import FEBRUARY, FROM, TO, book, world  # noqa: F401
from tthc.metrics import drilldown, index

pytestmark = pytest.mark.django_db

URL = "/api/v1/service-index"
INDICATOR_KEYS = {"code", "name", "numerator", "denominator", "rate", "points", "max_points"}


def get(client, path=URL, **params):
    return client.get(path, params)


def test_the_index_has_the_documented_shape(client, world):
    response = get(client, **{"from": FROM, "to": TO})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"period", "agency", "total_points", "max_points", "groups"}
    assert body["period"] == {"from": FROM, "to": TO}
    assert body["agency"] is None
    assert body["max_points"] == 100
    assert [g["code"] for g in body["groups"]] == [c for c, _n, _m in index.GROUPS]
    assert sum(g["max_points"] for g in body["groups"]) == 100
    for group in body["groups"]:
        assert set(group) == {"code", "name", "points", "max_points", "indicators"}
        for indicator in group["indicators"]:
            assert set(indicator) >= INDICATOR_KEYS
    assert body["total_points"] == pytest.approx(sum(g["points"] for g in body["groups"]))


def test_the_figures_are_those_of_the_index(client, world):
    body = get(client, **{"from": FROM, "to": TO}).json()
    by_code = {i["code"]: i for g in body["groups"] for i in g["indicators"]}
    # tests/metrics/test_index.py computes these by hand.
    assert (by_code["2.1"]["numerator"], by_code["2.1"]["denominator"]) == (5, 8)
    assert by_code["2.1"]["rate"] == 62.5 and by_code["2.1"]["points"] == 12.5
    assert by_code["2.2"]["rate"] == 4.83 and by_code["2.2"]["points"] is None
    assert by_code["2.2"]["unit"] == "days"
    no_data = by_code["1.4"]
    assert no_data["available"] is False
    assert no_data["rate"] is None and no_data["points"] is None and no_data["note"]
    result = index.compute(index.Scope.of(FEBRUARY))
    for code, got in by_code.items():
        figure = result.indicator(code).figure
        assert (got["numerator"], got["denominator"]) == (figure.numerator, figure.denominator)
        assert got["rate"] == (None if figure.rate is None else float(figure.rate))


def test_an_agency_index(client, world, department, commune):
    body = get(client, **{"from": FROM, "to": TO, "agency": department.code}).json()
    assert body["agency"] == {"code": department.code, "name": department.name}
    progress = body["groups"][1]["indicators"][0]
    assert progress["denominator"] == 8
    other = get(client, **{"from": FROM, "to": TO, "agency": commune.code}).json()
    assert other["groups"][1]["indicators"][0]["denominator"] == 0
    assert other["groups"][1]["indicators"][0]["rate"] is None  # N/A


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"from": "2025-02-30", "to": TO}, 422, "không hợp lệ"),
        ({"from": "01/02/2025", "to": TO}, 422, "YYYY-MM-DD"),
        ({"from": "２０２５-02-01", "to": TO}, 422, "không hợp lệ"),
        ({"from": "0001-01-01", "to": "0001-01-02"}, 422, "trong khoảng"),
        ({"from": "9999-12-31", "to": "9999-12-31"}, 422, "trong khoảng"),
        ({"from": "2025-03-01", "to": "2025-02-01"}, 422, "trước"),
        ({"from": "2015-01-01", "to": "2025-02-01"}, 422, "5 năm"),
        ({"from": FROM, "to": TO, "agency": "không-có"}, 404, "Không tìm thấy cơ quan"),
        ({"from": FROM, "to": TO, "agency": "x" * 500}, 404, "Không tìm thấy cơ quan"),
        ({"to": TO}, 422, "Tham số"),
    ],
)
def test_bad_input_is_refused_in_vietnamese(client, db, params, status, words):
    for path in (URL, f"{URL}/2.1/items"):
        response = get(client, path, **params)
        assert response.status_code == status, (path, response.content)
        body = response.json()
        assert {"detail", "code"} <= set(body)
        assert words in body["detail"]


def test_five_years_is_the_longest_range(client, db):
    assert get(client, **{"from": "2020-01-01", "to": "2024-12-31"}).status_code == 200
    assert get(client, **{"from": "2020-01-01", "to": "2025-01-02"}).status_code == 422


def test_unknown_indicator_is_404(client, db):
    response = get(client, f"{URL}/9.9/items", **{"from": FROM, "to": TO})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_drill_down_lists_exactly_what_the_figure_counts(client, world):
    result = index.compute(index.Scope.of(FEBRUARY))
    for code in index.BY_CODE:
        rows, page = [], 1
        while True:
            response = get(client, f"{URL}/{code}/items", **{"from": FROM, "to": TO, "page": page})
            assert response.status_code == 200, code
            body = response.json()
            rows += body["items"]
            if len(rows) >= body["count"]:
                break
            page += 1
        figure = result.indicator(code).figure
        if not figure.available:
            assert rows == []
            continue
        assert len(rows) == figure.denominator, code
        if code == "2.2":
            assert all(r["counted"] for r in rows)
        elif code in ("5.3", "5.4"):
            assert len(rows) - sum(r["deductions"] for r in rows) == figure.numerator, code
        else:
            assert sum(r["counted"] for r in rows) == figure.numerator, code
        for row in rows:
            assert set(row) == {"kind", "key", "title", "agency", "counted", "reason", "deductions"}
            assert row["reason"]


def test_dossier_rows_have_no_personal_data(client, world):
    body = get(client, f"{URL}/2.1/items", **{"from": FROM, "to": TO}).content.decode()
    for personal in ("Nguyễn Văn An", "001090012345", "0912345678", "an.nguyen@example.vn"):
        assert personal not in body
    rows = get(client, f"{URL}/2.1/items", **{"from": FROM, "to": TO}).json()["items"]
    assert {r["key"] for r in rows} >= {world["C"].code, world["F"].code}
    late = next(r for r in rows if r["key"] == world["C"].code)
    assert late["counted"] is False and "trễ hạn 2 ngày làm việc" in late["reason"]


def test_page_size_is_bounded(client, db):
    params = {"from": FROM, "to": TO, "page_size": 101}
    assert get(client, f"{URL}/2.1/items", **params).status_code == 422


@pytest.mark.parametrize("code", ["2.1", "5.4", "1.1", "5.3"])
def test_list_query_count_is_flat(
    client, world, received, travel, code, django_assert_max_num_queries
):
    params = {"from": FROM, "to": TO, "agency": "", "page_size": 100}

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert get(client, f"{URL}/{code}/items", **params).status_code == 200
        return len(ctx.captured_queries)

    count_queries()  # the calendar's cache warm
    before = count_queries()
    travel(2025, 2, 12, 10)
    for _ in range(15):
        received()
    from tthc.metrics import facts

    facts.refresh_all()
    travel(2025, 3, 3, 9)
    with django_assert_max_num_queries(before):
        assert get(client, f"{URL}/{code}/items", **params).status_code == 200
    assert drilldown.totals(index.Scope.of(FEBRUARY), code).items >= 0


def test_index_query_count_is_flat(client, world, received, travel, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tthc.metrics import facts

    travel(2025, 2, 12, 10)
    received()  # one dossier received in February: every list has a row
    facts.refresh_all()
    travel(2025, 3, 3, 9)
    get(client, **{"from": FROM, "to": TO})  # the calendar's cache warm
    with CaptureQueriesContext(connection) as ctx:
        get(client, **{"from": FROM, "to": TO})
    travel(2025, 2, 12, 10)
    for _ in range(15):
        received()
    facts.refresh_all()
    travel(2025, 3, 3, 9)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        assert get(client, **{"from": FROM, "to": TO}).status_code == 200
