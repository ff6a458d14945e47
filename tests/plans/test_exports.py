"""Exports of the plan: the Excel sheet's cells, and the PDF's text (pdftotext)."""

import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from tests.plans.conftest import make_plan, report
from tthc.plans import exports, selectors

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def plan(control, justice, home_affairs, justice_user):
    with time_machine.travel(
        datetime.datetime(2026, 2, 2, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False
    ):
        plan, (a, _b) = make_plan(
            control,
            tasks=[
                (1, "Đăng chuyên mục Cải cách TTHC", justice, [home_affairs], D(2026, 2, 13)),
                (4, "Công khai địa chỉ tiếp nhận phản ánh", home_affairs, [], D(2026, 6, 30)),
            ],
        )
        report(justice_user, a, 40, "Đã đăng 5 tin bài trên trang của Sở")
    return plan


def _states(user, plan, day=(2026, 2, 23)):
    with time_machine.travel(
        datetime.datetime(*day, 10, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False
    ):
        return selectors.task_list(user, plan=plan)


def test_xlsx_keeps_text_that_looks_like_a_formula_as_text(control, justice):
    """A title, output or heading typed as "=…" is shown as typed, never run as a formula."""
    from tthc.plans import services

    formula = '=HYPERLINK("http://evil.example/x","Bấm vào đây")'
    plan, _ = make_plan(control, tasks=[(1, formula, justice, [], D(2026, 6, 30))])
    services.add_content(user=control, plan=plan, title="=1+1")
    services.update_plan(
        user=control,
        plan=plan,
        data=services.PlanInput(year=2026, title="=2+2", decision_number="12/KH-UBND"),
    )
    services.add_task(
        user=control,
        content=plan.contents.get(title="=1+1"),
        data=services.TaskInput(
            title="Tin bài", lead_agency=justice, due_on=D(2026, 6, 30), expected_output="=3+3"
        ),
    )
    plan.refresh_from_db()
    sheet = load_workbook(
        BytesIO(exports.plan_xlsx(plan, selectors.task_list(control, plan=plan)))
    ).active
    cells = {c.value: c.data_type for row in sheet.iter_rows() for c in row if c.value}
    for text in (formula, "=1+1", "=2+2", "=3+3"):
        assert cells[text] == "s", text
    assert "f" not in cells.values()


def test_xlsx_has_headers_rows_dates_and_widths(plan, control):
    with time_machine.travel(
        datetime.datetime(2026, 2, 23, 10, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False
    ):
        data = exports.plan_xlsx(plan, selectors.task_list(control, plan=plan))
    sheet = load_workbook(BytesIO(data)).active
    assert sheet["A1"].value == plan.title.upper()
    assert sheet["A2"].value == "Số 12/KH-UBND ngày 15/01/2026 của Ủy ban nhân dân tỉnh"
    assert sheet["A3"].value == "Tình hình thực hiện đến ngày 23/02/2026"
    assert [c.value for c in sheet[4]] == exports.HEADERS
    assert [sheet["A5"].value, sheet["B5"].value] == [
        "I",
        "Kiểm soát TTHC trong nội bộ cơ quan hành chính nhà nước",
    ]
    row = [c.value for c in sheet[6]]
    assert row[:4] == ["I.1", "Đăng chuyên mục Cải cách TTHC", "Sở Tư pháp", "Sở Nội vụ"]
    assert row[4] == datetime.datetime(2026, 2, 13)
    assert sheet["E6"].number_format == "DD/MM/YYYY"
    assert row[7:10] == [
        40,
        "Quá hạn 1 ngày làm việc",
        "Sở Tư pháp: Đã đăng 5 tin bài trên trang của Sở",
    ]
    assert sheet["A7"].value == "IV"
    assert sheet["B8"].value == "Công khai địa chỉ tiếp nhận phản ánh"
    assert sheet["I8"].value == "Chưa thực hiện"
    assert sheet.column_dimensions["B"].width == 45


def test_pdf_renders_with_the_state_header_and_the_tasks(plan, control, poppler):
    pdf = exports.plan_pdf(plan, _states(control, plan))
    assert pdf.startswith(b"%PDF")
    flat = " ".join(poppler.text(pdf).split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert "Độc lập - Tự do - Hạnh phúc" in flat
    assert "Số: 12/KH-UBND" in flat
    assert "Đăng chuyên mục Cải cách TTHC" in flat
    assert "Công khai địa chỉ tiếp nhận phản ánh" in flat
    assert "Quá hạn 1 ngày làm việc" in flat


def test_pdf_for_an_agency_lists_only_its_tasks(plan, justice_user, poppler):
    pdf = exports.plan_pdf(plan, _states(justice_user, plan))
    text = " ".join(poppler.text(pdf).split())
    assert "Đăng chuyên mục Cải cách TTHC" in text
    assert "Công khai địa chỉ tiếp nhận phản ánh" not in text
