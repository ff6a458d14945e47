"""Excel export of the visitor report (openpyxl): the same figures as the page, complete lists
(up to `MAX_ROWS` per sheet), no personal data."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from tthc.core.spreadsheets import workbook_bytes
from tthc.metrics import selectors

MAX_ROWS = 10_000


def report_xlsx(start: date, end: date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    book = Workbook()

    def sheet(title: str, header: list[str], rows, first: bool = False):
        ws = book.active if first else book.create_sheet()
        ws.title = title
        ws.append([_("THỐNG KÊ TRUY CẬP")])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append(
            [
                _("Từ ngày %(start)s đến ngày %(end)s")
                % {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"}
            ]
        )
        ws.append([])
        ws.append(header)
        for cell in ws[ws.max_row]:
            cell.font = bold
        for row in rows:
            ws.append(list(row))
        ws.column_dimensions["A"].width = 48
        return ws

    result = selectors.daily(start, end)
    ws = sheet(
        _("Theo ngày"),
        [_("Ngày"), _("Khách truy cập"), _("Lượt xem trang")],
        [(f"{r.day:%d/%m/%Y}", r.visitors, r.page_views) for r in result.rows],
        first=True,
    )
    ws.append([_("Cộng"), result.visitors, result.page_views])
    for cell in ws[ws.max_row]:
        cell.font = bold
    sheet(
        _("Trang xem nhiều"),
        [_("Trang"), _("Lượt xem")],
        ((r["path"], r["total"]) for r in selectors.top_pages(start, end)[:MAX_ROWS]),
    )
    sheet(
        _("Từ khóa tìm kiếm"),
        [_("Từ khóa"), _("Lượt tìm"), _("Không có kết quả")],
        (
            (r["query"], r["total"], r["zero"])
            for r in selectors.top_searches(start, end)[:MAX_ROWS]
        ),
    )
    sheet(
        _("Tìm không thấy"),
        [_("Từ khóa"), _("Lượt không có kết quả"), _("Lượt tìm")],
        (
            (r["query"], r["zero"], r["total"])
            for r in selectors.zero_result_searches(start, end)[:MAX_ROWS]
        ),
    )
    return workbook_bytes(book)
