"""The simplification plan report: procedures, changes, costs before and after, savings.

Excel with openpyxl; PDF from the HTML template with WeasyPrint. Both list the same rows
(`rows`): every procedure of the proposals chosen (approved and later by default).
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from tthc.core.spreadsheets import workbook_bytes

from . import changes as change_rules
from .calculator import rate_pct

HEADERS = [
    _("STT"),
    _("Phương án"),
    _("Trạng thái"),
    _("Mã thủ tục"),
    _("Tên thủ tục"),
    _("Lĩnh vực"),
    _("Cơ quan chủ trì"),
    _("Nội dung đơn giản hóa"),
    _("Văn bản cần sửa đổi"),
    _("Cơ quan sửa đổi"),
    _("Thời hạn"),
    _("Chi phí/lần trước (đồng)"),
    _("Chi phí/lần sau (đồng)"),
    _("Chi phí/năm trước (đồng)"),
    _("Chi phí/năm sau (đồng)"),
    _("Tiết kiệm/năm (đồng)"),
    _("Tỷ lệ cắt giảm (%)"),
]


def rows(items) -> list[list]:
    out = []
    for n, item in enumerate(items, start=1):
        proposal = item.proposal
        rate = rate_pct(item.saving_per_filing_vnd, item.before_per_filing_vnd)
        out.append(
            [
                n,
                f"{proposal.code} {proposal.title}",
                proposal.get_status_display(),
                item.procedure.code,
                item.procedure.name,
                item.procedure.field.name if item.procedure.field else "",
                proposal.responsible_agency.name if proposal.responsible_agency else "",
                "; ".join(change_rules.describe(c) for c in item.changes),
                proposal.legal_text,
                proposal.amending_body,
                f"{proposal.due_on:%d/%m/%Y}" if proposal.due_on else "",
                item.before_per_filing_vnd,
                item.after_per_filing_vnd,
                item.before_per_year_vnd,
                item.after_per_year_vnd,
                item.saving_per_year_vnd,
                float(rate) if rate is not None else None,
            ]
        )
    return out


def plan_xlsx(items, *, total: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = gettext_now("Phương án đơn giản hóa")
    sheet.append([gettext_now("BÁO CÁO PHƯƠNG ÁN ĐƠN GIẢN HÓA THỦ TỤC HÀNH CHÍNH")])
    sheet["A1"].font = Font(bold=True, size=14)
    day = f"{timezone.localdate():%d/%m/%Y}"
    sheet.append([gettext_now("Ngày lập: %(day)s") % {"day": day}])
    sheet.append([])
    sheet.append([str(h) for h in HEADERS])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    body = rows(items)
    for row in body:
        sheet.append(row)
    money = "#,##0"
    for row in sheet.iter_rows(min_row=5, min_col=12, max_col=16):
        for cell in row:
            cell.number_format = money
    sheet.append(
        ["", gettext_now("Tổng cộng")]
        + [""] * 11
        + [total["before_per_year_vnd"], total["after_per_year_vnd"], total["saving_per_year_vnd"]]
        + [float(total["saving_rate_pct"]) if total["saving_rate_pct"] is not None else None]
    )
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        if cell.column in (14, 15, 16):
            cell.number_format = money
    for letter, width in zip(
        "ABCDEFGHIJKLMNOPQ",
        (5, 30, 14, 12, 40, 18, 24, 50, 30, 20, 12, 16, 16, 18, 18, 18, 12),
        strict=True,
    ):
        sheet.column_dimensions[letter].width = width
    return workbook_bytes(book)


def plan_pdf(items, *, total: dict) -> bytes:
    from weasyprint import HTML  # heavy import: only when a PDF is asked for

    html = render_to_string(
        "simplification/plan_pdf.html",
        {"headers": HEADERS, "rows": rows(items), "total": total, "today": timezone.localdate()},
    )
    return HTML(string=html).write_pdf()
