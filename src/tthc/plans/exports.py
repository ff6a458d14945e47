"""The plan with its tasks and their latest progress: Excel (openpyxl) and PDF (WeasyPrint, A4,
with the state header of the project's other official prints). Both list the same rows
(`rows`), built from the tasks the user sees (`selectors.task_list`), so the exports follow the
same visibility as the screens."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from tthc.catalog.pdf import ascii_filename
from tthc.core.spreadsheets import workbook_bytes

from . import selectors

HEADERS = [
    "STT",
    "Nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời hạn",
    "Sản phẩm dự kiến",
    "Chỉ tiêu",
    "Tiến độ (%)",
    "Tình trạng",
    "Kết quả báo cáo gần nhất",
    "Ngày báo cáo",
]
WIDTHS = (7, 45, 28, 30, 12, 30, 28, 10, 18, 50, 12)


def _indicator(task) -> str:
    text = task.indicator
    if task.indicator_target is not None:
        target = f"{task.indicator_target.normalize():f}"
        text = f"{text} (chỉ tiêu: {target})" if text else f"Chỉ tiêu: {target}"
    return text


def rows(states: list[selectors.TaskState]) -> list[dict]:
    """Content headings and task rows, in the plan's order."""
    latest = selectors.latest_reports([s.task.pk for s in states])
    out: list[dict] = []
    content_id = None
    for state in states:
        task = state.task
        if task.content_id != content_id:
            content_id = task.content_id
            out.append(
                {"heading": True, "number": task.content.number, "title": task.content.title}
            )
        report = latest.get(task.pk)
        status = state.label
        if state.overdue:
            status = f"Quá hạn {state.days_late} ngày làm việc"
        out.append(
            {
                "heading": False,
                "number": f"{task.content.number}.{task.position}",
                "task": task,
                "title": task.title,
                "lead": task.lead_agency.name,
                "supporting": "; ".join(a.name for a in task.supporting_agencies.all()),
                "due_on": task.due_on,
                "expected_output": task.expected_output,
                "indicator": _indicator(task),
                "percent": task.percent_done,
                "status": status,
                "overdue": state.overdue,
                "report": (f"{report.agency.name}: {report.text}" if report else ""),
                "reported_on": timezone.localtime(report.reported_at).date() if report else None,
            }
        )
    return out


def plan_xlsx(plan, states) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    book = Workbook()
    sheet = book.active
    sheet.title = "Kế hoạch truyền thông"
    sheet.append([plan.title.upper()])
    sheet["A1"].font = Font(bold=True, size=14)
    issued = []
    if plan.decision_number:
        issued.append(f"Số {plan.decision_number}")
    if plan.decision_date:
        issued.append(f"ngày {plan.decision_date:%d/%m/%Y}")
    if plan.issuing_body:
        issued.append(f"của {plan.issuing_body}")
    sheet.append([" ".join(issued)])
    sheet.append([f"Tình hình thực hiện đến ngày {timezone.localdate():%d/%m/%Y}"])
    sheet.append(HEADERS)
    header_row = sheet.max_row
    thin = Side(style="thin", color="888888")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in sheet[header_row]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="A4161A")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = border
    for row in rows(states):
        if row["heading"]:
            sheet.append([row["number"], row["title"]])
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor="F4F4F4")
            sheet.merge_cells(
                start_row=sheet.max_row, start_column=2, end_row=sheet.max_row, end_column=11
            )
            continue
        sheet.append(
            [
                row["number"],
                row["title"],
                row["lead"],
                row["supporting"],
                row["due_on"],
                row["expected_output"],
                row["indicator"],
                row["percent"],
                row["status"],
                row["report"],
                row["reported_on"],
            ]
        )
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = border
        sheet.cell(sheet.max_row, 5).number_format = "DD/MM/YYYY"
        sheet.cell(sheet.max_row, 11).number_format = "DD/MM/YYYY"
        if row["overdue"]:
            sheet.cell(sheet.max_row, 9).font = Font(bold=True, color="B00020")
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[chr(ord("A") + index - 1)].width = width
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    return workbook_bytes(book)


def plan_pdf(plan, states) -> bytes:
    from weasyprint import HTML  # heavy import: only when a PDF is asked for

    html = render_to_string(
        "plans/plan_pdf.html",
        {
            "plan": plan,
            "rows": rows(states),
            "today": timezone.localdate(),
            "place": settings.TTHC_PROVINCE_NAME or "",
            "headers": HEADERS,
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def filename(plan, suffix: str) -> str:
    return ascii_filename("ke-hoach-truyen-thong", str(plan.year), f"so-{plan.pk}", suffix=suffix)
