"""Search examples of the issue; they run on SQLite (FTS5) and on PostgreSQL (make test-pg)."""

import pytest

from tests.factories import make_procedure
from tthc.catalog.models import Procedure
from tthc.catalog.search import search_procedures, suggest_similar

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
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


def codes(query):
    return [p.code for p in search_procedures(Procedure.objects.all(), query)]


@pytest.mark.parametrize(
    "query", ["dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "đăng ký khai sinh", "Đăng Ky Khai Sinh"]
)
def test_diacritics_and_case_fold_and_the_plain_name_ranks_first(catalog, query):
    found = codes(query)
    assert found[0] == "1.001193"
    assert set(found[:3]) == {"1.001193", "1.004884", "1.000689"}


def test_name_matches_rank_above_body_matches(catalog):
    found = codes("khai sinh")
    assert found.index("2.000908") > found.index("1.000689"), "body-only match comes last"
    assert "2.000908" in found


def test_code_finds_its_procedure(catalog):
    assert codes("1.001193")[0] == "1.001193"
    assert codes("2.000908") == ["2.000908"]


def test_prefix_while_typing_and_d_folding(catalog):
    assert codes("dang ky ket h")[0] == "1.001022"
    assert "1.001022" in codes("ĐĂNG KÝ KẾT HÔN")


def test_operator_characters_in_queries_are_inert(catalog):
    for query in ['"', "khai* OR (", "NEAR(a b)", "^&|!:*", "'; DROP TABLE x; --", "a" * 600]:
        list(search_procedures(Procedure.objects.all(), query))  # no error


def test_nothing_found_suggests_close_names(catalog):
    assert codes("khai sinhh xyz") == []
    suggestions = [p.code for p in suggest_similar(Procedure.objects.all(), "dang ky khai sinhh")]
    assert suggestions and suggestions[0].startswith("1.")


def test_search_follows_content_changes(catalog):
    make_procedure("1.001193", name="Thủ tục đăng ký lại khai sinh")
    assert codes("dang ky lai")[0] == "1.001193"


@pytest.fixture
def shipped_catalog():
    """The 140 real records the project ships for the demo province."""
    from tthc.catalog.imports import import_procedures
    from tthc.demo.services import PROCEDURES_DIR

    report = import_procedures(paths=[PROCEDURES_DIR])
    assert report.counts["failed"] == 0


def test_real_catalog_ranks_the_plain_procedure_first(shipped_catalog):
    for query in ("dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "Đăng ký khai sinh", "1.001193"):
        assert codes(query)[0] == "1.001193", query
    assert codes("dang ky ket hon")[0] == "1.000894"
    assert codes("DANG KY KET HON")[0] == "1.000894"
