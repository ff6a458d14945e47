import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from tests.factories import make_procedure
from tthc.catalog.imports import import_procedures

pytestmark = pytest.mark.django_db


def test_json_export_is_the_api_detail_schema(tmp_path, client):
    make_procedure("1.001193")
    make_procedure("2.000908", name="Thủ tục cấp bản sao từ sổ gốc", field="Chứng thực")
    out = tmp_path / "catalog.json"
    call_command("export-procedures", "--format", "json", str(out))
    records = json.loads(out.read_text(encoding="utf-8"))
    assert [r["code"] for r in records] == ["1.001193", "2.000908"]
    api = client.get("/api/v1/procedures/1.001193").json()
    assert records[0] == api


def test_excel_export_has_the_national_list_layout_and_reimports_unchanged(tmp_path):
    make_procedure("1.001193", implementing_agency="Ủy ban nhân dân cấp xã")
    out = tmp_path / "catalog.xlsx"
    call_command("export-procedures", "--format", "xlsx", str(out))
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][0].startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert rows[1] == ("Mã số", "Tên", "Cơ quan ban hành", "Cơ quan thực hiện", "Lĩnh vực")
    assert rows[2][0] == "1.001193"
    assert rows[2][3] == "Ủy ban nhân dân cấp xã"
    report = import_procedures(paths=[out])
    assert report.counts["unchanged"] == 1


def test_export_into_a_missing_folder_is_a_clear_error(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="không tồn tại"):
        call_command("export-procedures", str(tmp_path / "nope" / "x.json"))
