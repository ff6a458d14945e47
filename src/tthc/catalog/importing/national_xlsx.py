"""Read the National Public Service Portal's Excel export of a procedure list.

The export ("Danh sách thủ tục hành chính") has a title block on top (national motto, list
title), then a header row, then one procedure per row. The real file has the columns
``Mã số | Tên | Cơ quan ban hành | Cơ quan thực hiện | Lĩnh vực``; other exports add ``STT``,
``Cấp thực hiện``, ``Số quyết định``, ``Loại thủ tục`` or ``Đối tượng thực hiện``. So:

* the header row is found by its labels (within the first ``MAX_HEADER_SCAN_ROWS`` rows of each
  sheet, the first sheet that has one wins), compared without case, diacritics or spacing;
* only the code and name columns are required; a file without them raises ``ListFileError``
  naming the missing columns; unknown columns are kept in ``ParsedListRow.extra``;
* each data row gives a ``ParsedListRow`` or, when its code or name is unusable, a ``RowError``
  (the import goes on); fully empty rows are skipped;
* ``levels`` come from a "Cấp thực hiện" column; without one they are ``[]`` (the real export has
  none; guessing a level from the agency name would be wrong too often);
* "Cơ quan thực hiện" may list several agencies on separate lines: ``implementing_agencies``
  keeps them apart, ``implementing_agency`` joins them with "; ";
* a code that Excel stored as a number (1.00012 for "1.000120") is written back with its six
  decimals.

The workbook is opened in openpyxl's read-only mode and closed when iteration ends.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from tthc.catalog.importing.national_json import (
    PROCEDURE_CODE_RE,
    LevelName,
    ParseProblem,
    normalise_inline,
    parse_levels,
    unknown_level_message,
)
from tthc.core.text import fold

__all__ = ["ListFileError", "ParsedListRow", "RowError", "iter_rows"]

MAX_HEADER_SCAN_ROWS = 30

# Column key → accepted header labels, folded (lower case, no diacritics, single spaces).
_COLUMN_LABELS: dict[str, tuple[str, ...]] = {
    "code": ("ma so", "ma thu tuc", "ma tthc", "ma so thu tuc", "ma thu tuc hanh chinh", "ma"),
    "name": ("ten", "ten thu tuc", "ten tthc", "ten thu tuc hanh chinh"),
    "levels": ("cap thuc hien",),
    "field": ("linh vuc",),
    "issuing_agency": ("co quan ban hanh",),
    "implementing_agency": ("co quan thuc hien",),
    "decision_number": ("so quyet dinh", "quyet dinh cong bo", "so qd", "so quyet dinh cong bo"),
    "procedure_type": ("loai thu tuc", "loai tthc"),
    "subjects": ("doi tuong thuc hien",),
    "index": ("stt", "so thu tu", "tt"),
}
_REQUIRED = {"code": "Mã thủ tục (Mã số)", "name": "Tên thủ tục (Tên)"}
_LABEL_TO_KEY = {label: key for key, labels in _COLUMN_LABELS.items() for label in labels}
_SHORT_CODE_DECIMALS = 6  # "1.000120": one digit, a dot, six digits


class ListFileError(ValueError):
    """The file cannot be read as a procedure list. Message in Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class ParsedListRow:
    row_number: int  # the Excel row number (1-based), for messages
    code: str
    name: str
    levels: list[LevelName]
    other_levels: list[str]
    field: str
    issuing_agency: str
    implementing_agency: str  # the agencies joined with "; "
    implementing_agencies: list[str]
    decision_number: str
    procedure_type: str
    subjects: str
    extra: dict[str, str] = field(default_factory=dict)  # unknown columns, by header label
    problems: list[ParseProblem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RowError:
    row_number: int
    message: str  # Vietnamese
    values: dict[str, str]  # the row's cells, by header label


@dataclass(frozen=True, slots=True)
class _Header:
    row_number: int
    columns: dict[str, int]  # column key → index
    labels: list[str]  # header label of every column, as written


def iter_rows(path: str | Path) -> Iterator[ParsedListRow | RowError]:
    """The procedures of an exported list, one per data row, in file order."""
    path = Path(path)
    workbook = _open(path)
    try:
        sheet, header = _find_header(workbook)
        rows = sheet.iter_rows(min_row=header.row_number + 1, values_only=True)
        row_number = header.row_number
        while True:
            row_number += 1
            try:
                cells = next(rows)
            except StopIteration:
                return
            except Exception as error:  # read-only sheets parse lazily: bad XML surfaces here
                raise ListFileError(
                    f"Tệp '{path.name}' bị hỏng, không đọc được từ dòng {row_number}."
                ) from error
            values = [_cell_text(value) for value in cells]
            if any(values):
                yield _parse_row(row_number, values, header)
    finally:
        workbook.close()


def _open(path: Path) -> Any:
    if not path.is_file():
        raise ListFileError(f"Không tìm thấy tệp danh sách thủ tục '{path}'.")
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ListFileError(f"Tệp '{path.name}' không phải tệp Excel (.xlsx) hợp lệ.") from error
    except Exception as error:  # openpyxl/lxml raise many kinds of errors on damaged files
        raise ListFileError(f"Tệp '{path.name}' bị hỏng, không mở được.") from error


def _find_header(workbook: Any) -> tuple[Any, _Header]:
    best_missing: list[str] | None = None
    for sheet in workbook.worksheets:
        try:
            head = list(sheet.iter_rows(max_row=MAX_HEADER_SCAN_ROWS, values_only=True))
        except Exception as error:  # damaged sheet XML
            raise ListFileError(f"Trang tính '{sheet.title}' bị hỏng, không đọc được.") from error
        for row_number, cells in enumerate(head, start=1):
            labels = [_cell_text(value) for value in cells]
            columns = _header_columns(labels)
            missing = [_REQUIRED[key] for key in _REQUIRED if key not in columns]
            if not missing:
                return sheet, _Header(row_number, columns, labels)
            if len(columns) > 1 and (best_missing is None or len(missing) < len(best_missing)):
                best_missing = missing
    missing = best_missing or list(_REQUIRED.values())
    raise ListFileError(
        f"Tệp không có dòng tiêu đề với các cột bắt buộc trong {MAX_HEADER_SCAN_ROWS} dòng đầu; "
        f"thiếu cột: {', '.join(missing)}."
    )


def _header_columns(labels: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, label in enumerate(labels):
        key = _LABEL_TO_KEY.get(fold(label).rstrip(" :*"))
        if key and key not in columns:
            columns[key] = index
    return columns


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _code_text(value: str) -> str:
    """The code as text, repairing a short code that Excel turned into a number ("1.00012")."""
    code = normalise_inline(value)
    if re.fullmatch(r"\d\.\d{1,5}", code):
        return f"{float(code):.{_SHORT_CODE_DECIMALS}f}"
    return code


def _lines(value: str) -> list[str]:
    items: list[str] = []
    for line in value.splitlines():
        item = normalise_inline(line)
        if item and item not in items:
            items.append(item)
    return items


def _parse_row(row_number: int, values: list[str], header: _Header) -> ParsedListRow | RowError:
    def column(key: str) -> str:
        index = header.columns.get(key)
        return values[index] if index is not None and index < len(values) else ""

    labelled = {
        (header.labels[i] if i < len(header.labels) and header.labels[i] else f"Cột {i + 1}"): value
        for i, value in enumerate(values)
        if value
    }
    code = _code_text(column("code"))
    name = normalise_inline(column("name"))
    if not code:
        return RowError(row_number, f"Dòng {row_number}: thiếu mã thủ tục.", labelled)
    if not PROCEDURE_CODE_RE.fullmatch(code):
        return RowError(
            row_number,
            f"Dòng {row_number}: mã thủ tục '{code}' không đúng định dạng "
            "(ví dụ hợp lệ: 1.001193 hoặc 1.001612.000.00.00.H01).",
            labelled,
        )
    if not name:
        return RowError(row_number, f"Dòng {row_number}: thủ tục {code} không có tên.", labelled)

    levels, other_levels, unknown = parse_levels(column("levels"))
    problems = [ParseProblem("cap_thuc_hien", unknown_level_message(label)) for label in unknown]
    agencies = _lines(column("implementing_agency"))
    known = set(header.columns.values())
    extra = {
        header.labels[i]: normalise_inline(values[i])
        for i in range(min(len(values), len(header.labels)))
        if i not in known and header.labels[i] and values[i]
    }
    return ParsedListRow(
        row_number=row_number,
        code=code,
        name=name,
        levels=levels,
        other_levels=other_levels,
        field=normalise_inline(column("field")),
        issuing_agency=normalise_inline(column("issuing_agency")),
        implementing_agency="; ".join(agencies),
        implementing_agencies=agencies,
        decision_number=normalise_inline(column("decision_number")),
        procedure_type=normalise_inline(column("procedure_type")),
        subjects=normalise_inline(column("subjects")),
        extra=extra,
        problems=problems,
    )
