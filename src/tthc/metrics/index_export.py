"""Excel export of an index 766 drill-down: every row of the list, written by openpyxl's
write-only workbook straight to a temporary file as the rows are read in chunks, so a list of a
hundred thousand dossiers never sits in memory; text typed by people stays text
(`tthc.core.spreadsheets.text_cell`)."""

from __future__ import annotations

import tempfile

from tthc.core.spreadsheets import text_cell
from tthc.metrics import drilldown, index


def items_xlsx(scope: index.Scope, indicator: index.Indicator, counted: bool | None, figure):
    """An open temporary file (rewound) with the workbook; closing it deletes it."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(f"Chỉ số {indicator.code}")

    def put(*values):
        sheet.append([text_cell(sheet, v) for v in values])

    put(f"CHỈ SỐ {indicator.code}: {str(indicator.name).upper()}")
    put("Kỳ", scope.period.label)
    put("Phạm vi", scope.agency.name if scope.agency else "Toàn tỉnh")
    if not figure.available:
        put("Số liệu", str(index.NO_DATA), str(indicator.note))
    else:
        rate = "N/A" if figure.rate is None else float(figure.rate)
        put("Tử số", figure.numerator, "Mẫu số", figure.denominator, "Tỷ lệ", rate)
    if counted is not None:
        put("Lọc", "chỉ mục được tính" if counted else "chỉ mục không được tính")
    put()
    deductions = indicator.code in ("5.3", "5.4")
    header = ["STT", "Loại", "Mã", "Tên", "Cơ quan", "Được tính", "Lý do"]
    put(*(header + (["Số lần bị trừ"] if deductions else [])))
    kinds = {"dossier": "Hồ sơ", "procedure": "Thủ tục", "feedback": "Phản ánh"}
    for number, row in enumerate(drilldown.every_row(scope, indicator.code, counted), 1):
        values = [
            number,
            kinds.get(row.kind, row.kind),
            row.key,
            row.title,
            row.agency,
            "Có" if row.counted else "Không",
            row.reason,
        ]
        put(*(values + ([row.deductions] if deductions else [])))
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (the response closes it)
    book.save(handle)
    handle.seek(0)
    return handle
