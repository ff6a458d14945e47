"""Which rows of a portal document table are documents a citizen must bring.

The portal's table (``thanh_phan_ho_so``) mixes, row after row with a quantity each, the
documents with what the agencies wrote around them. Read on the 796 national records, the rows
are of four kinds:

* **notes**: rules and duties, not papers. Every row of a "Lưu ý"/"Ghi chú" group; a row that
  opens with "Lưu ý", "Ghi chú", "Chú ý"; a sentence whose subject is the agency or its staff
  ("Người tiếp nhận có trách nhiệm …", "Cơ quan đăng ký hộ tịch từ chối …", "Cá nhân có quyền
  lựa chọn …"); a sentence about documents listed elsewhere ("Giấy tờ do cơ quan có thẩm quyền
  của nước ngoài cấp … phải được hợp pháp hóa lãnh sự", "a) Tài liệu quy định tại điểm …",
  "… các giấy tờ nêu trên"); and a conditional sentence with no paper to bring ("Trường hợp
  … thì không phải tải lên", printed with "0 bản chính").
* **headings**: a short row ending in ":" or "gồm" ("- Giấy tờ phải xuất trình:", "Đối với
  trường hợp cấp lại:"). A conditional one ("Trường hợp", "Đối với", "Nếu", "Khi") becomes the
  ``condition`` of the documents after it, any other one their ``group``; a heading with no
  document after it is a note. Both last until the next heading or the end of the group.
* **conditional documents**: "Trường hợp X thì phải nộp Y" with a quantity; the opening clause is
  their condition.
* **documents**: the rest.

A document is not ``mandatory`` when it says "nếu có", has a condition, or is one of
alternatives (a heading "… một trong các giấy tờ sau", a row opening with "Hoặc", or the row
before one that does, or one ending with "hoặc").
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

_MARKER_RE = re.compile(
    r"^(?:\s*(?:[-–—+•*]+\)?|\(?\d{1,2}(?:\.\d{1,2}){0,4}[.)]|\(?[a-zđ][.)]|[ivx]{1,4}[.)]))+\s*"
)
_NOTE_GROUP_RE = re.compile(r"^(?:\*\s*)?(?:lưu ý|ghi chú|chú ý)\b", re.IGNORECASE)
_NOTE_START_RE = re.compile(
    r"""^(?:
        lưu\ ý | ghi\ chú | chú\ ý
      | người\ tiếp\ nhận | cán\ bộ | công\ chức | bộ\ phận\ (?:tiếp\ nhận|một\ cửa)
      | cơ\ quan\ (?:đăng\ ký|giải\ quyết|tiếp\ nhận|có\ thẩm\ quyền|thực\ hiện|quản\ lý)
      | ủy\ ban\ nhân\ dân | uỷ\ ban\ nhân\ dân | ubnd
      | cá\ nhân\ có\ quyền | việc\  | số\ lượng\ hồ\ sơ | miễn\ (?:nộp\ )?(?:tài\ liệu|giấy\ tờ)
      | (?:các\ )?(?:giấy\ tờ|tài\ liệu)\ (?:quy\ định\ tại|nêu\ (?:tại|trên)|này|đã\ nộp)
      | giấy\ tờ\ do\ cơ\ quan\ có\ thẩm\ quyền\ (?:của\ )?nước\ ngoài
      | giấy\ tờ\ có\ trong\ hồ\ sơ | bản\ chụp\ các\ giấy\ tờ | các\ trường\ hợp
      | trong\ thời\ hạn | thủ\ tục\s
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# Phrases of rules, found anywhere in a row: duties of the receiver, what need not be filed,
# references to documents listed elsewhere.
_NOTE_PHRASE_RE = re.compile(
    r"""có\ trách\ nhiệm | không\ được\ yêu\ cầu | chỉ\ cần\ cung\ cấp
      | không\ phải\ (?:nộp|xuất\ trình|tải\ lên|cung\ cấp|kê\ khai)
      | được\ sử\ dụng\ bản\ điện\ tử | từ\ chối\ giải\ quyết
      | hủy\ bỏ\ kết\ quả | huỷ\ bỏ\ kết\ quả | hợp\ pháp\ hó?o?á?\ lãnh\ sự
      | quy\ định\ tại\ (?:các\ )?điểm\ [a-zđ](?:,|\ |$)\S*\ ?(?:mục|của\ mục) | mục\ \d+\.\d
      | (?:giấy\ tờ|tài\ liệu)\ (?:nêu\ trên|nói\ trên) | giấy\ tờ\ đó\b | đề\ nghị\ người\ yêu\ cầu
      | trên\ giao\ diện | không\ (?:yêu\ cầu\ )?bắt\ buộc | đầy\ đủ\ chữ\ ký
      | (?:giấy\ tờ|tài\ liệu)(?:,\ [^,]{0,40})*\ quy\ định\ tại\ (?:các\ )?điểm
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Subjects that make a sentence a rule even when a quantity is printed beside it.
_ACTOR_SUBJECT_RE = re.compile(
    r"(?:thì|,)\s+(?:người\s+tiếp\s+nhận|cán\s+bộ|cơ\s+quan\s+(?:đăng\s+ký|giải\s+quyết|tiếp\s+nhận)"
    r"|ủy\s+ban\s+nhân\s+dân|uỷ\s+ban\s+nhân\s+dân)",
    re.IGNORECASE,
)
# How the name of a paper begins; such a row with a quantity stays a document even when it
# explains itself ("Giấy tờ … trong trường hợp … thì không phải xuất trình").
_PAPER_START_RE = re.compile(
    r"""^(?:
        bản | giấy | tờ\ khai | tờ\ trình | đơn | văn\ bản | văn\ bằng | bằng | hộ\ chiếu | thẻ
      | sổ | phiếu | mẫu | biểu\ mẫu | quyết\ định | hợp\ đồng | biên\ bản | biên\ lai | danh\ sách
      | danh\ mục | báo\ cáo | chứng | ảnh | tệp | trích\ lục | kết\ quả | hồ\ sơ | lý\ lịch
      | sơ\ yếu | sơ\ đồ | bình\ đồ | hải\ đồ | thông\ báo | dự\ thảo | phương\ án | đề\ án
      | đề\ xuất | kế\ hoạch | quy\ chế | quy\ trình | điều\ lệ | ý\ kiến | xác\ nhận | xác\ báo
      | thuyết\ minh | giải\ trình | công\ văn | chứng\ từ | hóa\ đơn | hoá\ đơn | vận\ đơn
      | nhật\ ký | tài\ liệu | một\ trong | (?:các|những)\ (?:loại\ )?(?:giấy|tài\ liệu|văn\ bản|hồ\ sơ)
      | nộp\ cho | (?:xuất\ )?trình\  | (?:\d+|một|hai|ba)\ (?:\(\w+\)\ )?(?:bản|bộ|ảnh|tờ|đơn|giấy|phiếu)
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_BRING_RE = re.compile(
    r"^(?:thì\s+)?(?:phải\s+)?(?:nộp(?:\s+thêm)?|xuất\s+trình|trình|(?:gửi\s+)?kèm(?:\s+theo)?|có"
    r"|bổ\s+sung)?\s*(?:cả\s+)?",
    re.IGNORECASE,
)
_ELSEWHERE_RE = re.compile(r"\b(?:nêu|nói)\s+trên\b", re.IGNORECASE)
_CONDITION_RE = re.compile(
    r"^(?:đối\s+với\s+(?:các\s+)?trường\s+hợp|trong\s+(?:các\s+)?trường\s+hợp|trường\s+hợp"
    r"|tùy\s+từng\s+trường\s+hợp|tuỳ\s+từng\s+trường\s+hợp|đối\s+với|nếu|khi)\b",
    re.IGNORECASE,
)
# Where the condition of "Trường hợp X thì Y" / "Đối với X: Y" / "Trường hợp X, Y" ends.
_CONDITION_END_RE = re.compile(
    r"\s+thì\s+|:\s*|,\s+(?=(?:phải|nộp|hồ\s+sơ|người|chủ)\b)|\s+(?=phải\s+(?:nộp|có|kèm|gửi)\b)"
)
MAX_CONDITION_CHARS = 300
MAX_NOTE_PHRASE_AT = 400  # a rule says so early; a long document may quote one far in
MAX_HEADING_CHARS = 400
_HEADING_END_RE = re.compile(
    r"(?::|\bgồm|\bbao\s+gồm|\bsau\s+đây|\bnhư\s+sau|\bcụ\s+thể|\bcác\s+giấy\s+tờ\s+sau)\s*$",
    re.IGNORECASE,
)
# "(nếu có)" qualifies the document when it ends the name or follows its first words; deeper
# in, it qualifies a detail ("… chữ ký, con dấu (nếu có) của các bên").
_OPTIONAL_RE = re.compile(r"\(\s*nếu\s+có\s*\)", re.IGNORECASE)
_OPTIONAL_END_RE = re.compile(r"(?:\(\s*)?\bnếu\s+có\s*\)?[\s.;,]*$", re.IGNORECASE)
MAX_OPTIONAL_AT = 80
_OR_START_RE = re.compile(r"^hoặc\b", re.IGNORECASE)


def bare(text: str) -> str:
    """The text without its list markers ("- ", "+) ", "a) ", "1.2. ") and edge punctuation."""
    text = _MARKER_RE.sub("", text.strip()).strip(" ;,.")
    if text.startswith("(") and text.endswith(")"):  # "(Trường hợp gửi hồ sơ trực tuyến, …)"
        text = text[1:-1].strip()
    return text


def _is_heading(document: Any, text: str) -> bool:
    return (
        not document.forms
        and len(text) <= MAX_HEADING_CHARS
        and bool(_HEADING_END_RE.search(document.name.rstrip(" .;")))
    )


# A heading that only names the list ("Giấy tờ phải nộp:") says nothing once it is not above
# its documents; it is dropped rather than shown as a note.
_LABEL_RE = re.compile(
    r"^(?:\*\s*)?(?:các\s+)?(?:giấy\s+tờ|thành\s+phần\s+hồ\s+sơ|hồ\s+sơ)"
    r"(?:\s+phải)?(?:\s+(?:nộp|xuất\s+trình|gồm|bao\s+gồm))*$",
    re.IGNORECASE,
)


def _has_paper(document: Any) -> bool:
    return bool(document.originals or document.copies or document.forms)


def _is_note(document: Any, text: str) -> bool:
    if _NOTE_GROUP_RE.match(document.group) or _NOTE_START_RE.match(text):
        return True
    paper = _has_paper(document)
    if paper and _PAPER_START_RE.match(text):
        return False  # a paper that explains itself: "Giấy tờ … thì không phải xuất trình"
    if not _CONDITION_RE.match(text):
        return bool(_NOTE_PHRASE_RE.search(text, 0, MAX_NOTE_PHRASE_AT))
    # "Trường hợp X thì Y": Y says whether there is a paper to bring; X may quote anything
    # ("Trường hợp không có giấy tờ nêu trên thì phải nộp bản sao …").
    rest = text[len(own_condition(text)) :].lstrip(" ,:")
    if _ACTOR_SUBJECT_RE.search(text) or _NOTE_PHRASE_RE.search(rest, 0, MAX_NOTE_PHRASE_AT):
        return True  # "… thì cơ quan … tra cứu", "… thì không phải tải lên"
    if paper:
        return False
    # Printed with "0 bản chính": a paper only if Y names one to bring ("Khi cơ quan … yêu cầu
    # trình: Hộ chiếu, …"), not one listed above.
    rest = _BRING_RE.sub("", rest, count=1)
    return not _PAPER_START_RE.match(rest) or bool(_ELSEWHERE_RE.search(rest))


def own_condition(text: str) -> str:
    """The opening clause of a conditional row ("Trường hợp X" of "Trường hợp X thì …")."""
    if not _CONDITION_RE.match(text):
        return ""
    end = _CONDITION_END_RE.search(text, 0, MAX_CONDITION_CHARS)
    return text[: end.start()].strip(" ,;") if end else ""


def _heading_text(text: str) -> str:
    return text.rstrip(" :;,.")


def _is_detail(row: Any, text: str, introduced: set[str]) -> bool:
    """A "+" item that is no paper, in a group with a row that announces a list ("Văn bản
    chứng minh … thuộc một trong các trường hợp …, cụ thể như sau:"): one of the cases that
    row describes, printed as a row of its own."""
    return (
        row.group in introduced
        and row.name.lstrip().startswith("+")
        and not row.forms
        and not _PAPER_START_RE.match(text)
        and not _CONDITION_RE.match(text)
    )


def checklist(rows: list[Any]) -> tuple[list[Any], list[str]]:
    """(documents, notes) of the rows of one document table, in their order."""
    documents: list[Any] = []
    notes: list[str] = []
    introduced = {row.group for row in rows if _HEADING_END_RE.search(row.name.rstrip(" .;"))}
    for row in rows:
        text = bare(row.name)
        if not text and not row.forms:
            continue
        if _is_detail(row, text, introduced):
            notes.append(text)
            continue
        if _LABEL_RE.match(_heading_text(text)):
            continue
        paper = _has_paper(row) and _PAPER_START_RE.match(text)
        if _is_heading(row, text) and not paper:
            notes.append(text)
            continue
        if _is_note(row, text):
            notes.append(text)
            continue
        group = bare(row.group)
        condition = (row.group if _CONDITION_RE.match(group) else "") or own_condition(text)
        if not condition and _CONDITION_RE.match(text):
            condition = text  # "Trường hợp ủy quyền phải kèm theo giấy ủy quyền …"
        optional = bool(
            _OPTIONAL_RE.search(text, 0, MAX_OPTIONAL_AT)
            or _OPTIONAL_END_RE.search(text)
            or _OR_START_RE.match(text)
        )
        documents.append(replace(row, condition=condition, mandatory=not (condition or optional)))
    # One line each: officers edit them one per line.
    return documents, list(dict.fromkeys(" ".join(note.split()) for note in notes))
