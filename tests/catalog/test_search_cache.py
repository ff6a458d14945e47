"""Cached search results (`search.SearchResults`) and the catalog revision they are keyed by.

They run on SQLite and on PostgreSQL (DATABASE_URL=postgres://…). Tests that need a change to
reach other requests commit for real (`transaction=True`): the revision is raised on commit.
"""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.factories import make_procedure
from tthc.catalog import search, selectors, services
from tthc.catalog.models import DecisionAction, Procedure

QUERIES = ["dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "khai si", "khai sinh", "1.00", "xyz"]


def _catalog():
    make_procedure("1.001193", name="Thủ tục đăng ký khai sinh")
    make_procedure("1.004884", name="Thủ tục đăng ký khai sinh có yếu tố nước ngoài")
    make_procedure("1.000689", name="Thủ tục đăng ký khai sinh kết hợp nhận cha, mẹ, con")
    make_procedure(
        "2.000908",
        name="Thủ tục cấp bản sao từ sổ gốc",
        field="Chứng thực",
        steps=["Người yêu cầu xuất trình giấy khai sinh để đăng ký khai sinh lại"],
    )
    make_procedure("1.001022", name="Thủ tục đăng ký kết hôn", field="Hộ tịch")


def api_codes(client, query, **params):
    response = client.get("/api/v1/procedures", {"q": query, **params})
    assert response.status_code == 200, response.content
    body = response.json()
    return [p["code"] for p in body["items"]], body["count"]


def ranked(query):
    return [p.code for p in search.search_procedures(Procedure.objects.all(), query)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("query", QUERIES)
def test_cached_results_are_the_ranked_results(client, query):
    _catalog()
    expected = ranked(query)
    first = api_codes(client, query)  # ranked, then cached
    second = api_codes(client, query)  # from the cache
    assert first == second == (expected, len(expected))
    page = selectors.procedure_search(q=query)
    assert [p.code for p in page[0:20]] == expected
    assert page.count() == len(expected)


@pytest.mark.django_db(transaction=True)
def test_a_cached_search_reads_only_the_revision(client):
    _catalog()
    api_codes(client, "dang ky khai sinh")
    with CaptureQueriesContext(connection) as captured:
        assert api_codes(client, "Đăng ký khai sinh")[0][0] == "1.001193"  # same folded key
    assert [q["sql"] for q in captured.captured_queries] == [
        "SELECT name, number FROM core_revision"  # every revision, once per request
    ]


@pytest.mark.django_db(transaction=True)
def test_a_saved_procedure_is_found_by_the_next_search(client):
    _catalog()
    assert api_codes(client, "dang ky lai") == (["2.000908"], 1)  # in its steps
    before = search.catalog_revision()
    make_procedure("1.001193", name="Thủ tục đăng ký lại khai sinh")
    assert search.catalog_revision() > before
    assert api_codes(client, "dang ky lai") == (["1.001193", "2.000908"], 2)
    assert api_codes(client, "dang ky khai sinh")[0][0] == "1.004884"


@pytest.mark.django_db(transaction=True)
def test_an_abolished_procedure_leaves_the_published_filter(client):
    _catalog()
    assert "1.001022" in api_codes(client, "ket hon", status="published")[0]
    services.record_decision(
        number="9/QĐ-UBND",
        signed_on=date(2026, 1, 5),
        issuer="Chủ tịch Ủy ban nhân dân tỉnh",
        effective_on=date(2026, 1, 5),
        items=[services.DecisionItemInput("1.001022", DecisionAction.ABOLISHED)],
    )
    assert api_codes(client, "ket hon", status="published") == ([], 0)
    assert api_codes(client, "ket hon", status="abolished") == (["1.001022"], 1)


@pytest.mark.django_db(transaction=True)
def test_imported_procedures_are_found(client):
    from tthc.catalog.imports import import_procedures
    from tthc.demo.services import PROCEDURES_DIR

    assert api_codes(client, "dang ky khai sinh") == ([], 0)
    report = import_procedures(paths=[PROCEDURES_DIR])
    assert report.counts["failed"] == 0
    assert api_codes(client, "dang ky khai sinh")[0][0] == "1.001193"


@pytest.mark.django_db(transaction=True)
def test_agency_links_change_the_agency_filter(client):
    from tests.factories import AgencyFactory
    from tthc.catalog.models import AgencyRole

    _catalog()
    agency = AgencyFactory()
    assert api_codes(client, "khai sinh", agency=agency.code) == ([], 0)
    procedure = Procedure.objects.get(code="1.001193")
    services._link_agencies(procedure, [(agency, AgencyRole.IMPLEMENTING)])
    assert api_codes(client, "khai sinh", agency=agency.code) == (["1.001193"], 1)


@pytest.mark.django_db(transaction=True)
def test_one_raise_per_transaction_and_none_when_rolled_back():
    start = search.catalog_revision()
    with transaction.atomic():
        make_procedure("1.001193")
        make_procedure("1.001022", name="Thủ tục đăng ký kết hôn")
        assert search.catalog_revision() == start  # nothing before the commit
    assert search.catalog_revision() == start + 1
    with pytest.raises(RuntimeError), transaction.atomic():
        make_procedure("1.000001", name="Thủ tục bị hủy")
        raise RuntimeError
    assert search.catalog_revision() == start + 1


@pytest.mark.django_db
def test_uncommitted_changes_neither_read_nor_fill_the_cache(client):
    """Inside a transaction that changed the catalog (as every test of this kind is), a search
    sees the change and stores nothing other requests could read."""
    _catalog()
    assert api_codes(client, "dang ky lai") == (["2.000908"], 1)
    make_procedure("1.001193", name="Thủ tục đăng ký lại khai sinh")
    assert api_codes(client, "dang ky lai") == (["1.001193", "2.000908"], 2)


@pytest.mark.django_db(transaction=True)
def test_pages_past_the_cached_depth_are_ranked(client, monkeypatch):
    monkeypatch.setattr(search, "RESULT_DEPTH", 4)
    for n in range(9):
        make_procedure(f"1.00000{n}", name=f"Thủ tục đăng ký số {n}")
    expected = ranked("dang ky")
    pages = [api_codes(client, "dang ky", page=p, page_size=2)[0] for p in (1, 2, 3, 4, 5)]
    assert [code for page in pages for code in page] == expected
