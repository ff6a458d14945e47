import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AgencyFactory, make_procedure, procedure_data
from tthc.catalog import services
from tthc.catalog.models import AgencyRole

pytestmark = pytest.mark.django_db


def test_detail_has_every_component_in_the_documented_schema(client):
    agency = AgencyFactory(code="000.00.15.H26", name="UBND Phường Hoàn Kiếm")
    services.save_procedure(
        code="1.001193",
        data=procedure_data(),
        agencies=[(agency, AgencyRole.IMPLEMENTING)],
        decision=services.get_or_create_decision(number="163/QĐ-BTP"),
    )
    response = client.get("/api/v1/procedures/1.001193")
    assert response.status_code == 200
    body = response.json()
    for key in (
        "code",
        "name",
        "levels",
        "field",
        "subjects",
        "status",
        "online_level",
        "boundary_free",
        "steps",
        "channels",
        "documents",
        "legal_bases",
        "results",
        "requirements",
        "agencies",
        "decisions",
        "version",
    ):
        assert key in body, key
    assert body["channels"][0] == {
        "channel": "in_person",
        "processing_time": {"amount": "1", "unit": "working_days", "text": "1 Ngày làm việc"},
        "fees": [{"amount_vnd": 0, "text": "Miễn lệ phí"}],
        "description": "",
    }
    assert body["documents"][0]["originals"] == 1
    assert body["legal_bases"] == [{"title": "Luật Hộ tịch", "number": "60/2014/QH13"}]
    assert body["agencies"] == [
        {"code": "000.00.15.H26", "name": "UBND Phường Hoàn Kiếm", "role": "implementing"}
    ]
    assert body["decisions"][0]["number"] == "163/QĐ-BTP"
    assert body["version"] == 1


def test_unknown_code_is_a_404_in_vietnamese(client):
    response = client.get("/api/v1/procedures/9.999999")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Không tìm thấy thủ tục có mã '9.999999'.",
        "code": "not_found",
    }


def test_list_filters_and_search(client):
    make_procedure("1.001193")
    make_procedure(
        "1.000001",
        name="Cấp giấy phép xây dựng",
        levels=["province"],
        field="Xây dựng",
        documents=[],
        results=[{"name": "Giấy phép xây dựng", "code": ""}],
    )
    response = client.get("/api/v1/procedures", {"q": "dang ky khai sinh"})
    assert [p["code"] for p in response.json()["items"]] == ["1.001193"]
    by_level = client.get("/api/v1/procedures", {"level": "province"}).json()
    assert [p["code"] for p in by_level["items"]] == ["1.000001"]
    assert by_level["count"] == 1


@pytest.mark.parametrize(
    "params",
    [{"level": "district"}, {"page": "abc"}, {"online_level": "3"}, {"field": "x"}],
)
def test_bad_parameters_are_422_with_details(client, params):
    response = client.get("/api/v1/procedures", params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"] == "Tham số không hợp lệ."
    assert body["errors"]


def test_page_size_is_bounded(client):
    """At most 100 rows a page: more is refused with 422 (issue 13: bounds are validated, not
    clamped, so a page number or size never overflows the database)."""
    for n in range(3):
        make_procedure(f"1.00000{n}", name=f"Thủ tục {n}")
    assert client.get("/api/v1/procedures", {"page_size": 100}).json()["count"] == 3
    response = client.get("/api/v1/procedures", {"page_size": 100000})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow_to(n):
    from tthc.catalog.models import Procedure

    start = Procedure.objects.count()
    for i in range(start, n):
        make_procedure(f"1.{i:06d}", name=f"Thủ tục đăng ký số {i}")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/procedures?page_size=100",
        "/api/v1/procedures?q=dang+ky&page_size=100",
        "/api/v1/fields",
        "/api/v1/agencies?page_size=100",
    ],
)
def test_list_query_counts_stay_flat_from_10_to_1000(client, url):
    _grow_to(10)
    small = _queries(client, url)
    _grow_to(1000)
    assert _queries(client, url) == small


def test_detail_query_count_is_fixed(client):
    make_procedure("1.001193")
    baseline = _queries(client, "/api/v1/procedures/1.001193")
    agencies = [(AgencyFactory(), AgencyRole.IMPLEMENTING) for _ in range(5)]
    for n in range(3):
        services.save_procedure(
            code="1.001193",
            data=procedure_data(requirements=str(n)),
            agencies=agencies,
            decision=services.get_or_create_decision(number=f"{n}/QĐ-UBND"),
        )
    assert _queries(client, "/api/v1/procedures/1.001193") == baseline


def test_openapi_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/procedures/{code}" in schema["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html and 'src="http' not in html


def test_filter_by_each_level_including_other(client):
    """Found by schemathesis: `level=other` was a 500 (no `is_other_level` flag)."""
    make_procedure(code="1.000001", levels=["commune"])
    make_procedure(code="1.000002", levels=["province", "other"])
    make_procedure(code="1.000003", levels=["other"])

    def codes(level):
        response = client.get(f"/api/v1/procedures?level={level}")
        assert response.status_code == 200
        return [row["code"] for row in response.json()["items"]]

    assert codes("other") == ["1.000002", "1.000003"]
    assert codes("province") == ["1.000002"]
    assert codes("commune") == ["1.000001"]
    assert client.get("/tim-kiem/?cap=other").status_code == 200
