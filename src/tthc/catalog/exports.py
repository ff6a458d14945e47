"""Export the catalog: JSON in the API detail schema, Excel in the national list layout."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from tthc.catalog.schemas import ProcedureDetail
from tthc.catalog.selectors import procedure_as_detail, procedures_with_details
from tthc.core.spreadsheets import text_cell

LIST_HEADER = ("Mã số", "Tên", "Cơ quan ban hành", "Cơ quan thực hiện", "Lĩnh vực")
LIST_TITLE = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập – Tự do – Hạnh phúc\n"
    "------------------------------\n\nDANH SÁCH THỦ TỤC HÀNH CHÍNH"
)
BATCH = 200


def iter_detail_records() -> Iterator[dict]:
    queryset = procedures_with_details().order_by("code")
    for procedure in queryset.iterator(chunk_size=BATCH):
        yield ProcedureDetail.model_validate(procedure_as_detail(procedure)).model_dump(mode="json")


def export_json(out: Path) -> int:
    count = 0
    with out.open("w", encoding="utf-8") as handle:
        handle.write("[")
        for record in iter_detail_records():
            handle.write(",\n" if count else "\n")
            handle.write(json.dumps(record, ensure_ascii=False))
            count += 1
        handle.write("\n]\n")
    return count


def export_xlsx(out: Path) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách TTHC")
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 80
    sheet.column_dimensions["C"].width = 30
    sheet.column_dimensions["D"].width = 40
    sheet.column_dimensions["E"].width = 30
    title = WriteOnlyCell(sheet, value=LIST_TITLE)
    title.font = Font(bold=True)
    title.alignment = Alignment(wrap_text=True, horizontal="center")
    sheet.append([title])
    header = []
    for label in LIST_HEADER:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    count = 0
    for record in iter_detail_records():
        issuer = next((d["issuer"] for d in record["decisions"] if d["issuer"]), "")
        implementing = record["implementing_agency"] or ", ".join(
            a["name"] for a in record["agencies"] if a["role"] == "implementing"
        )
        values = [record["code"], record["name"], issuer, implementing, record["field"]]
        sheet.append([text_cell(sheet, value) for value in values])
        count += 1
    workbook.save(out)
    return count
