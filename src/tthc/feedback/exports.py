"""Excel export of the figures page (openpyxl): the same numbers, one workbook, no personal
data."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tthc.core.spreadsheets import workbook_bytes
from tthc.feedback.selectors import Figures


def figures_xlsx(result: Figures, *, agency_name: str | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Số liệu")
    bold = Font(bold=True)
    sheet.append([_("SỐ LIỆU PHẢN ÁNH, KIẾN NGHỊ")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(
        [
            _("Từ ngày %(start)s đến ngày %(end)s")
            % {"start": f"{result.start:%d/%m/%Y}", "end": f"{result.end:%d/%m/%Y}"},
        ]
    )
    sheet.append([_("Cơ quan"), agency_name or _("Toàn tỉnh")])
    sheet.append([])
    pct = None if result.satisfaction is None else round(result.satisfaction * 100, 1)
    for label, value in (
        (_("Tổng số phản ánh, kiến nghị"), result.total),
        (_("Tỷ lệ hài lòng (%)"), pct if pct is not None else "—"),
        (_("Số câu trả lời đa số không hài lòng"), result.majority_dislike),
        (_("Số trễ hạn"), result.overdue),
        (_("Số bị phản ánh lại về cùng kết quả"), result.repeated),
    ):
        sheet.append([label, value])

    def table(title: str, rows: list[tuple[str, int]]) -> None:
        sheet.append([])
        sheet.append([title, _("Số lượng")])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for label, count in rows or [("—", 0)]:
            sheet.append([label, count])

    table(_("Theo loại"), [(str(r["label"]), r["count"]) for r in result.by_category])
    table(_("Theo trạng thái"), [(str(r["label"]), r["count"]) for r in result.by_status])
    t = result.timeliness
    table(
        _("Đúng hạn"),
        [
            (_("Đã xong, đúng hạn"), t.get("closed_on_time", 0)),
            (_("Đã xong, trễ hạn"), t.get("closed_late", 0)),
            (_("Đang xử lý, trong hạn"), t.get("open_within_time", 0)),
            (_("Đang xử lý, quá hạn"), t.get("open_overdue", 0)),
        ],
    )
    table(_("Theo cơ quan"), [(r["agency"], r["count"]) for r in result.by_agency])
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 16
    return workbook_bytes(book)
