"""Text typed by people stays text in every Excel file the platform writes."""

from io import BytesIO

from openpyxl import Workbook, load_workbook

from tthc.core.spreadsheets import text_cell, workbook_bytes

HOSTILE = ['=HYPERLINK("http://evil.example","Bấm vào đây")', "=cmd|' /C calc'!A0", "=1+1"]


def test_formula_looking_text_is_saved_as_the_text_itself():
    book = Workbook()
    book.active.append(["Tên thủ tục", *HOSTILE, 42])
    saved = load_workbook(BytesIO(workbook_bytes(book))).active
    row = [cell for cell in saved[1]]
    assert [cell.value for cell in row] == ["Tên thủ tục", *HOSTILE, 42]
    assert {cell.data_type for cell in row[1:4]} == {"s"}
    assert row[4].data_type == "n"


def test_write_only_sheets_keep_text_too():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.append([text_cell(sheet, value) for value in ["1.001193", *HOSTILE, 7]])
    out = BytesIO()
    book.save(out)
    saved = load_workbook(BytesIO(out.getvalue()))["Danh sách"]
    assert [cell.value for cell in saved[1]] == ["1.001193", *HOSTILE, 7]
    assert all(cell.data_type == "s" for cell in saved[1][1:4])
