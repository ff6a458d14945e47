"""Excel files the platform writes (openpyxl): text typed by people stays text.

openpyxl stores a string that starts with "=" as a formula, so a procedure name, a search query
or a task title written as `=HYPERLINK(...)` or `=cmd|...` would become a live formula in the
office's Excel. Every export goes through `keep_text` (or `text_cell` for write-only sheets)
before saving; the text itself is kept unchanged.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any


def keep_text(book) -> None:
    """Turn every formula cell of `book` back into the text it was written from. The platform
    writes no formula of its own: figures are computed in Python."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def text_cell(sheet, value: Any) -> Any:
    """For write-only sheets, which cannot be walked after writing: `value` as it is, or a text
    cell when it would otherwise be read as a formula."""
    if isinstance(value, str) and value.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def workbook_bytes(book) -> bytes:
    """The finished workbook as bytes, its text kept as text."""
    keep_text(book)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
