"""Parse one procedure record scraped from the National Public Service Portal (dichvucong.gov.vn).

A record is a dict of text fields named after the portal's labels (``ma_thu_tuc``,
``cach_thuc_thuc_hien``, ...). Simple fields are copied after white-space normalisation; the
portal's tables were scraped with their cells run together, so four components need a grammar.
``parse_record`` never raises on bad content: what it cannot read becomes a ``ParseProblem`` with a
Vietnamese message. It raises ``RecordError`` only when the record has no usable code or name.

Grammar of the run-together tables (``A B`` means A glued to B, no separator)
------------------------------------------------------------------------------
Submission channels (``cach_thuc_thuc_hien``)::

    table    := ["Hình thức nộpThời gianPhí, lệ phíMô tả"] row*
    row      := CHANNEL TIME FEES DESCRIPTION
    CHANNEL  := "Trực tiếp" (in_person) | "Trực tuyến" (online) | "Dịch vụ bưu chính" (postal)
    TIME     := "Không có thông tin" | SAME_DAY | NUMBER ["-" NUMBER] [UNIT]
    NUMBER   := "7" | "03" | "1.5" | "0,5" | "1/2"
    UNIT     := "Ngày làm việc" | "Ngày" | "Giờ" | "Tháng" | "Tuần" | "Năm"   (any case)
    FEES     := "Không có thông tin" | FREE [NOTE] | PRICED [NOTE] | (LABELLED [NOTE])+
    FREE     := "Miễn phí" | "Không thu" | "Không"
    PRICED   := AMOUNT " "? CURRENCY ["/" PER]      e.g. "1,500,000 VNĐ", "8,000 Việt Nam Đồng"
    LABELLED := ("Lệ phí" | "Phí" | "Giá dịch vụ") " : " PRICED   e.g. "Lệ phí : 8.000 Đồng"
    NOTE     := "(" ... ")"

A row starts where a channel name is *glued* to the start of a time cell; the same words inside a
description ("- Trực tuyến (hệ thống ...)", "Trực tiếp tại ...") are followed by a space.

Documents (``thanh_phan_ho_so``)::

    table    := group*
    group    := LABEL "Tên giấy tờMẫu đơn, tờ khaiSố lượng" doc*
    doc      := NAME FORM* QUANTITY
    FORM     := file name ending in .doc/.docx/.pdf/.xls/.xlsx/...
    QUANTITY := DIGIT " bản chính" ["," DIGITS " bản sao"]
              | "Bản chính: " DIGITS ("," | ";") " Bản sao: " DIGITS      (other sources)

``LABEL`` is the text between the previous group's last quantity and the header ("--" when the
group has no title; "* Giấy tờ phải nộp:" is kept as "Giấy tờ phải nộp").
Rows are then sorted into documents and notes (``checklist.py``): ``documents`` is what a
citizen brings, each with its ``condition`` and ``mandatory``; ``document_notes`` the rules.

Legal bases (``can_cu_phap_ly``)::

    table := "Tên văn bản pháp lýMã văn bản" (TITLE NUMBER)*
    NUMBER := SERIAL ["/" YEAR] "/" KIND ("-" ISSUER)*     e.g. 85/2019/TT-BTC, 59/2020/QH14

Titles quote numbers too, so a number is the NUMBER cell only when the next title is glued to
it (or the text ends). A title that ends with a number glued to the cell ("Luật 61/2014/QH13" +
"61/2014/QH13", "… theo Luật số 37/2024/QH15" + "172/2024/NĐ-CP") keeps its own number.

Results (``ket_qua_xu_ly``)::

    (NAME "Mã: " CODE)* ["Từ khóa" KEYWORDS] ["Mô tả" DESCRIPTION] [UI text from
    "Chọn cơ quan thực hiện" on, which is dropped]

Decisions
---------
* **Same-day processing** ("Trong ngày", "Ngay trong ngày làm việc") is ``amount=0`` with unit
  ``working_days``: the deadline is the receipt day plus zero working days, which is what the
  text means, and it stays distinct from "1 Ngày làm việc" (up to one working day after
  receipt). No time cell in the 796 national records uses it; the rule is for other sources.
* **Bare number** ("Trực tuyến7Miễn phí"): the portal omitted the unit; ``amount=7, unit="none"``.
  The value is kept, the unit is not guessed.
* **Ranges** ("05 - 07 ngày") keep the upper bound: it is the legal deadline.
* **Weeks and years** become days (x7) and months (x12); ``text`` keeps the source wording.
* **"Không có thông tin"** as time gives ``amount=None, unit="none"`` without a problem (the
  source states that there is no time); as fee it gives no ``Fee`` at all.
* **Numbers run together** ("Trực tuyến1200 VNĐ": a bare time and a fee amount with nothing
  between them) are split using a bare time read unambiguously in another row of the same
  record ("1" elsewhere gives 1 day + 200 VNĐ). Without such a hint both amounts are ``None`` and
  a problem is reported, because "1200" may be 1+200, 12+00 or 120+0.
* **Fees** are whole đồng: "1,500,000 VNĐ" and "8.000 Đồng" are 1500000 and 8000. "Miễn phí"
  gives 0 even when its note quotes an amount (the portal's amount field says free; the note
  is kept in ``text``).
  A fee in USD keeps ``currency="USD"``, ``amount_vnd=None`` and a problem. An amount under
  1,000 VNĐ is kept as written but reported: the portal often means thousands ("40 VNĐ" with the
  note "40.000 đồng").
* **Document quantities**: the portal always prints the originals (even "0 bản chính") and prints
  ",N bản sao" only when there are copies, so an absent copies part is ``copies=0``.
  Portal quantities are single digits not zero-padded; when a name ends in digits
  ("... năm 2024" + "0 bản chính") only the last digit is the quantity.
* **Form files** are glued between the name and the quantity and may contain spaces. The file
  name starts at the leftmost plausible boundary: after ";" or "." glued to the next character,
  at a lower→upper case or letter→digit change with no space ("theo mẫuTK 1.002877.docx",
  "theo mẫu1.000312.docx") or right after a glued "theo mẫu"/"quy định". Several files
  are joined with "; " in ``form`` and listed in ``forms``.
* **Levels**: "Cấp bộ/tỉnh/xã" map to ministry/province/commune. "Cơ quan khác" is not a level; it
  is listed in ``other_levels``. Unknown labels become problems.
* Whole values equal to "Không có thông tin" become "".
* Text is NFC-composed and white space is normalised (no-break spaces, tabs, runs of spaces);
  multi-line texts keep their line breaks. ``source`` keeps every input field present (except
  the page dump ``raw_text``) exactly as received, and each channel keeps its source row.
* Only the first ``MAX_PARSE_CHARS`` characters of a field are parsed (a problem says so);
  every pattern runs in linear time, so hostile input cannot stall the import.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from .checklist import checklist

__all__ = [
    "PROCEDURE_CODE_RE",
    "Channel",
    "Document",
    "Fee",
    "LegalBasis",
    "ParseProblem",
    "ParsedProcedure",
    "ProcessingTime",
    "RecordError",
    "Result",
    "normalise_inline",
    "parse_levels",
    "parse_record",
    "to_dict",
]

ChannelKind = Literal["in_person", "online", "postal"]
TimeUnit = Literal["working_days", "days", "hours", "months", "none"]
LevelName = Literal["ministry", "province", "commune"]

NO_INFO = "Không có thông tin"
MAX_PARSE_CHARS = 200_000
SMALL_FEE_VND = 1_000

# Source keys, in portal order. `raw_text` (the whole page) is not kept in `source`.
SOURCE_KEYS = (
    "ma_thu_tuc",
    "detail_url",
    "formality_id",
    "ten_thu_tuc",
    "so_quyet_dinh",
    "cap_thuc_hien",
    "loai_thu_tuc",
    "linh_vuc",
    "doi_tuong_thuc_hien",
    "co_quan_co_tham_quyen",
    "dia_chi_tiep_nhan",
    "co_quan_duoc_uy_quyen",
    "co_quan_phoi_hop",
    "thu_tuc_lien_quan",
    "trinh_tu_thuc_hien",
    "cach_thuc_thuc_hien",
    "thanh_phan_ho_so",
    "can_cu_phap_ly",
    "co_quan_thuc_hien",
    "yeu_cau_dieu_kien",
    "ket_qua_xu_ly",
)


# --------------------------------------------------------------------------- data


class RecordError(ValueError):
    """The record cannot be imported at all (no valid code or no name). Message in Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class ParseProblem:
    component: str  # the source key, e.g. "cach_thuc_thuc_hien"
    message: str  # a Vietnamese sentence: what could not be read and why


@dataclass(frozen=True, slots=True)
class ProcessingTime:
    amount: Decimal | None
    unit: TimeUnit
    text: str  # the time cell as written


@dataclass(frozen=True, slots=True)
class Fee:
    amount_vnd: int | None
    text: str  # the fee as written, note included
    currency: str = "VND"


@dataclass(frozen=True, slots=True)
class Channel:
    channel: ChannelKind
    processing_time: ProcessingTime
    fees: list[Fee]
    description: str
    source: str  # the whole row as written, channel name included


@dataclass(frozen=True, slots=True)
class Document:
    name: str
    # The heading above the row: the portal's group label ("Giấy tờ phải nộp", "Trường hợp cấp
    # lại"), refined by a heading row inside the group ("- Giấy tờ phải xuất trình:").
    group: str
    form: str  # form file name(s), "; "-joined, or ""
    originals: int | None
    copies: int | None
    quantity_text: str
    forms: list[str]
    # When the document is needed: a "Trường hợp …/Đối với …/Nếu …" heading (the group label
    # itself when it is one, else a heading row or the row's own opening clause); "" = always.
    condition: str = ""
    mandatory: bool = True  # False: "nếu có", under a condition, or one of alternatives


@dataclass(frozen=True, slots=True)
class LegalBasis:
    title: str
    number: str


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    code: str


@dataclass(frozen=True, slots=True)
class ParsedProcedure:
    code: str
    name: str
    decision_number: str
    levels: list[LevelName]
    other_levels: list[str]
    procedure_type: str
    field: str
    subjects: list[str]
    competent_agency: str
    authorised_agency: str
    coordinating_agency: str
    implementing_agency: str
    reception_address: str
    related_procedures: str
    steps: list[str]
    steps_text: str
    channels: list[Channel]
    documents: list[Document]
    document_notes: list[str]  # rules and explanations printed among the documents
    legal_bases: list[LegalBasis]
    requirements: str
    results: list[Result]
    keywords: str
    description: str
    source_url: str
    formality_id: str
    source: dict[str, str]
    problems: list[ParseProblem]


# --------------------------------------------------------------------------- text helpers

_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def _letter_class(predicate: Any) -> str:
    """A regex class of the Latin letters (Vietnamese included) for which predicate holds;
    `re` has no \\p{Lu}, and a range like [à-ỹ] would also contain capitals such as Đ."""
    code_points = [*range(0x41, 0x250), *range(0x1E00, 0x1F00)]
    return "[" + "".join(re.escape(chr(c)) for c in code_points if predicate(chr(c))) + "]"


_UPPER = _letter_class(str.isupper)
_LOWER = _letter_class(str.islower)
_NO_INFO_RE = re.compile(r"\s*không\s+có\s+thông\s+tin\s*[.:]?\s*", re.IGNORECASE)


def normalise_inline(text: str) -> str:
    """One line: every run of white space (no-break spaces and line breaks too) becomes a space."""
    return " ".join(_ZERO_WIDTH_RE.sub("", text).split())


_inline = normalise_inline


def _block(text: str) -> str:
    """Multi-line text: spaces normalised per line, line breaks kept, blank runs collapsed."""
    lines = [_inline(line) for line in _ZERO_WIDTH_RE.sub("", text).splitlines()]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip()


def _or_empty(text: str) -> str:
    """'' for the portal's "Không có thông tin" placeholder, else the text."""
    return "" if _NO_INFO_RE.fullmatch(text) else text


def _split_top_level(text: str, separators: str) -> list[str]:
    """Split on separators that are not inside parentheses (linear, unlike a lookahead regex)."""
    parts: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif ch in separators and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _decimal(text: str) -> Decimal | None:
    text = text.strip()
    try:
        if "/" in text:
            numerator, denominator = (Decimal(p) for p in text.split("/", 1))
            return numerator / denominator if denominator else None
        return Decimal(text.replace(",", "."))
    except (InvalidOperation, ValueError):
        return None


def _thousands(number: int) -> str:
    """1000000 → "1.000.000" (Vietnamese digit grouping)."""
    return f"{number:,}".replace(",", ".")


def _quote(text: str, limit: int = 120) -> str:
    """A short single-line excerpt for problem messages."""
    text = _inline(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- record fields


MAX_PROBLEMS_PER_COMPONENT = 20


class _Problems(list[ParseProblem]):
    """Problems, at most MAX_PROBLEMS_PER_COMPONENT listed per component (hostile input could
    otherwise produce one per character); `listed()` adds a count of the rest."""

    def __init__(self) -> None:
        super().__init__()
        self._counts: dict[str, int] = {}

    def add(self, component: str, message: str) -> None:
        count = self._counts.get(component, 0) + 1
        self._counts[component] = count
        if count <= MAX_PROBLEMS_PER_COMPONENT:
            self.append(ParseProblem(component, message))

    def listed(self) -> list[ParseProblem]:
        problems = list(self)
        for component, count in self._counts.items():
            if count > MAX_PROBLEMS_PER_COMPONENT:
                hidden = count - MAX_PROBLEMS_PER_COMPONENT
                problems.append(
                    ParseProblem(
                        component,
                        f"Còn {hidden} vấn đề khác ở thành phần '{component}' không được liệt kê.",
                    )
                )
        return problems


def _raw_field(data: Mapping[Any, Any], key: str, problems: _Problems) -> str:
    """The field as text: None → "", numbers → str; other types are reported and ignored."""
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        problems.add(key, f"Trường '{key}' là giá trị đúng/sai, không phải văn bản; đã bỏ qua.")
        return ""
    if isinstance(value, int | float | Decimal):
        return str(value)
    problems.add(
        key,
        f"Trường '{key}' có kiểu {type(value).__name__}, không phải văn bản; đã bỏ qua.",
    )
    return ""


def _parse_input(key: str, raw: str, problems: _Problems) -> str:
    """The text that is parsed: NFC-composed (some records are decomposed, "ị" as "i" + a
    combining dot, which literal patterns would miss) and capped at MAX_PARSE_CHARS."""
    if len(raw) > MAX_PARSE_CHARS:
        problems.add(
            key,
            f"Trường '{key}' dài {_thousands(len(raw))} ký tự, vượt giới hạn "
            f"{_thousands(MAX_PARSE_CHARS)}; chỉ đọc phần đầu.",
        )
        raw = raw[:MAX_PARSE_CHARS]
    return unicodedata.normalize("NFC", raw)


# "1.001193" or "1.001612.000.00.00.H01"
PROCEDURE_CODE_RE = re.compile(r"\d\.\d{6}(?:\.\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})?")


def _parse_code(raw: str) -> str:
    code = _inline(raw)
    if not code:
        raise RecordError("Bản ghi không có mã thủ tục (ma_thu_tuc).")
    if not PROCEDURE_CODE_RE.fullmatch(code):
        raise RecordError(
            f"Mã thủ tục '{_quote(code, 60)}' không đúng định dạng "
            "(ví dụ hợp lệ: 1.001193 hoặc 1.001612.000.00.00.H01)."
        )
    return code


_LEVELS: dict[str, LevelName] = {"cấp bộ": "ministry", "cấp tỉnh": "province", "cấp xã": "commune"}
_NON_LEVELS = {"cơ quan khác"}


def parse_levels(text: str) -> tuple[list[LevelName], list[str], list[str]]:
    """(levels, other labels, unknown labels) of a "Cấp thực hiện" value such as
    "Cấp bộ, Cấp tỉnh, Cơ quan khác" → (["ministry", "province"], ["Cơ quan khác"], [])."""
    levels: list[LevelName] = []
    others: list[str] = []
    unknown: list[str] = []
    for part in re.split(r"[,;\n]", unicodedata.normalize("NFC", text)):
        label = normalise_inline(part)
        key = label.lower()
        if key in _LEVELS:
            if _LEVELS[key] not in levels:
                levels.append(_LEVELS[key])
        elif key in _NON_LEVELS:
            others.append(label)
        elif label:
            unknown.append(label)
    return levels, others, unknown


def unknown_level_message(label: str) -> str:
    return (
        f"Không nhận ra cấp thực hiện '{_quote(label, 60)}' "
        "(chỉ biết Cấp bộ, Cấp tỉnh, Cấp xã, Cơ quan khác)."
    )


def _parse_subjects(raw: str) -> list[str]:
    """Comma-separated, but "Tổ chức (không bao gồm doanh nghiệp, HTX)" and "Cán bộ, công chức,
    viên chức" are single subjects: commas inside parentheses are kept, and a part starting with
    a lower-case letter continues the previous one."""
    subjects: list[str] = []
    for part in _split_top_level(raw, ",;\n"):
        text = _inline(part)
        if not text:
            continue
        if subjects and text[0].islower():
            subjects[-1] = f"{subjects[-1]}, {text}"
        else:
            subjects.append(text)
    return subjects


# --------------------------------------------------------------------------- steps

# A line that starts a new step: a bullet ("-", "–", "•", "*"), "Bước 2:", "a)" or "3.".
# "Trường hợp 2:" also starts one. "+" and "(i)" lines are sub-items of the step above.
_STEP_START_RE = re.compile(
    r"\s*(?:[-–—•*](?!\d)|Bước\s*\d+|Trường\s+hợp\s+\d+\s*:|[a-zđ][.)]\s|\d{1,2}[.)]\s)",
    re.IGNORECASE,
)
_BULLET_RE = re.compile(r"^[-–—•*+]\)?\s*")  # a leading "- ", "-\t", "-) "


def _parse_steps(text: str) -> list[str]:
    """Items of the step text: a marked line starts an item and unmarked lines belong to it;
    without any marker every line is an item. A line starting in lower case is a hard-wrapped
    continuation ("… cảng biển, tổ\nchức, cá nhân gửi …") and joins the line above."""
    lines = [line for line in text.split("\n") if line.strip()]
    marked = any(_STEP_START_RE.match(line) for line in lines)
    steps: list[str] = []
    for line in lines:
        starts_step = bool(_STEP_START_RE.match(line))
        if steps and not starts_step and line[0].islower():
            steps[-1] = f"{steps[-1]} {line}"
        elif not steps or not marked or starts_step:
            steps.append(_BULLET_RE.sub("", line))
        else:
            steps[-1] = f"{steps[-1]}\n{line}"
    return [step for step in (s.strip() for s in steps) if step]


# --------------------------------------------------------------------------- channels

_CHANNEL_KINDS: dict[str, ChannelKind] = {
    "Trực tiếp": "in_person",
    "Trực tuyến": "online",
    "Dịch vụ bưu chính": "postal",
}
_CHANNEL_HEADER_RE = re.compile(r"Hình\s*thức\s*nộp\s*Thời\s*gian\s*Phí,\s*lệ\s*phí\s*Mô\s*tả")
# A row starts where a channel name is glued to the start of a time cell (a digit, the no-info
# placeholder or "Trong ngày"); inside descriptions the same words are followed by a space.
_ROW_START_RE = re.compile(
    r"(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)"
    r"(?=\d|Không có thông tin|(?:[Nn]gay\s+)?[Tt]rong\s+ngày)"
)
# A number of days: "7", "03", "1.5", "0,5"; never a thousands group ("1,000" is not 1.0).
_TIME_NUMBER = r"\d{1,4}(?:[.,]\d{1,2}(?!\d))?"
_TIME_CELL_RE = re.compile(
    rf"""
      (?P<no_info>Không\s+có\s+thông\s+tin)
    | (?P<same_day>(?:ngay\s+)?trong\s+ngày(?:\s+làm\s+việc)?)
    | (?P<low>\d{{1,4}}/\d{{1,4}}|{_TIME_NUMBER})
      (?:\s*[-–]\s*(?P<high>{_TIME_NUMBER}))?          # a range: "05 - 07 ngày"
      (?:\s*(?P<unit>ngày\s+làm\s+việc|ngày|giờ(?:\s+làm\s+việc)?|tháng|tuần|năm))?
    """,
    re.IGNORECASE | re.VERBOSE,
)
_UNITS: dict[str, tuple[TimeUnit, int]] = {
    "ngày làm việc": ("working_days", 1),
    "ngày": ("days", 1),
    "giờ": ("hours", 1),
    "giờ làm việc": ("hours", 1),
    "tháng": ("months", 1),
    "tuần": ("days", 7),
    "năm": ("months", 12),
}

# "đ" alone only when no letter follows (else it starts a word like "đồng" or "đối").
_CURRENCY = r"(?:Việt\s+Nam\s+Đồng|VNĐ|VND|Đồng|đồng|USD|đ(?![^\W\d_]))"
_AMOUNT = r"\d{1,3}(?:[.,]\d{3})+(?!\d)|\d{1,15}"
# "Trực tuyến1200 VNĐ": a bare time and the fee amount ran together. Matched at a row's start,
# before the time grammar, so that the digits are not read as a time.
_GLUED_AMOUNT_RE = re.compile(rf"(?P<digits>\d[\d.,]{{0,30}})\s?(?P<currency>{_CURRENCY})")
_FREE_RE = re.compile(r"Miễn\s+phí|Không\s+thu(?:\s+phí)?|Không(?=\s*(?:\(|$))")
_PRICED_FEE_RE = re.compile(
    rf"""
    (?:(?P<label>Lệ\s+phí|Phí|Giá\s+dịch\s+vụ)\s*:\s*)?
    (?P<amount>{_AMOUNT})\s?(?P<currency>{_CURRENCY})
    (?P<per>(?:\s?/\s?{_LOWER}+(?:\ {_LOWER}+){{0,2}})+)?   # "/hồ sơ", "/lần/người"
    """,
    re.VERBOSE,
)
_FEE_SEPARATOR_RE = re.compile(r"[\s,;.+]*")
_VALID_AMOUNT_RE = re.compile(r"[1-9]\d{0,2}(?:([.,])\d{3}(?:\1\d{3})*)?|[1-9]\d*|0")


def _balanced_from(text: str) -> list[bool]:
    """balanced_from[i]: text[i:] never closes a parenthesis it did not open, and ends level."""
    balanced = [False] * (len(text) + 1)
    balanced[len(text)] = True
    balance = 0  # ")" minus "(" in text[i:]
    min_balance = 0  # the minimum of `balance` over text[j:] for j >= i
    for i in range(len(text) - 1, -1, -1):
        if text[i] == ")":
            balance += 1
        elif text[i] == "(":
            balance -= 1
        min_balance = min(min_balance, balance)
        balanced[i] = balance == 0 and min_balance >= 0
    return balanced


def _glued(text: str, i: int) -> bool:
    """Is text[i] glued to the previous cell (the start of the next cell, not prose)?"""
    return i >= len(text) or not (text[i].isspace() or text[i] in ",.;:)")


def _note_end(text: str) -> int:
    """Where a parenthesised note starting at text[0] == "(" ends (index after its ")").

    A balanced note ends at its matching ")", plus any extra ")" glued to it ("…tài chính.))").
    If punctuation follows ("(gồm … hoạt động). (Áp dụng … TT-BTC).)- 20 ngày …") the note goes
    on to the next ")" that is glued to the following cell. The portal also writes unbalanced
    notes ("(Sát hạch thực hành, Phí: 600,000 (Sát hạch lý thuyết (Miễn … TT-BTC)25 ngày …");
    they end at the first ")" that is glued to the next cell and leaves a balanced remainder,
    else at the last ")" leaving a balanced remainder.
    """
    depth = 0
    end = None
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                end = i + 1
                break
    balanced_from = _balanced_from(text)
    candidates = [i + 1 for i, ch in enumerate(text) if ch == ")" and balanced_from[i + 1]]
    if end is not None:
        while end < len(text) and text[end] == ")":
            end += 1
        if end < len(text) and text[end] in ".;,":
            end = next((c for c in candidates if c > end and _glued(text, c)), end)
        return end
    glued = [c for c in candidates if _glued(text, c)]
    if glued:
        return glued[0]
    return candidates[-1] if candidates else len(text)


# "(1) Cách thức thực hiện: …" right after a fee starts the description, it is no note.
_LIST_MARKER_RE = re.compile(r"\((?:\d{1,2}|[a-zđ]|[ivx]{1,4})\)\s")


def _take_note(text: str) -> tuple[str, str]:
    if not text.startswith("(") or _LIST_MARKER_RE.match(text):
        return "", text
    end = _note_end(text)
    return text[:end], text[end:]


def _amount_vnd(digits: str) -> int:
    return int(re.sub(r"[.,]", "", digits))


def _make_fee(match: re.Match[str], note: str, label: str, problems: _Problems) -> Fee:
    text = _inline(match.group(0) + note)
    currency = "USD" if match.group("currency") == "USD" else "VND"
    if currency == "USD":
        problems.add(
            "cach_thuc_thuc_hien",
            f"Mức phí của cách thức '{label}' tính bằng USD, không quy đổi sang đồng: "
            f"'{_quote(text)}'.",
        )
        return Fee(None, text, currency)
    amount = _amount_vnd(match.group("amount"))
    if 0 < amount < SMALL_FEE_VND:
        problems.add(
            "cach_thuc_thuc_hien",
            f"Mức phí {amount} đồng của cách thức '{label}' nhỏ bất thường (có thể nguồn ghi "
            f"theo nghìn đồng); giữ nguyên số đã ghi: '{_quote(text)}'.",
        )
    return Fee(amount, text, currency)


def _parse_fee_cell(cell: str, label: str, problems: _Problems) -> tuple[list[Fee], str]:
    """The fees at the start of `cell`, and what follows them (the description)."""
    if cell.startswith(NO_INFO):
        return [], cell[len(NO_INFO) :]
    free = _FREE_RE.match(cell)
    if free:
        note, rest = _take_note(cell[free.end() :])
        return [Fee(0, _inline(free.group(0) + note))], rest
    match = _PRICED_FEE_RE.match(cell)
    if not match:
        problems.add(
            "cach_thuc_thuc_hien",
            f"Không đọc được phí, lệ phí của cách thức '{label}': '{_quote(cell)}'; "
            "toàn bộ phần còn lại được giữ làm mô tả.",
        )
        return [], cell
    fees: list[Fee] = []
    labelled = match.group("label") is not None
    rest = cell
    while True:
        note, rest = _take_note(rest[match.end() :])
        fees.append(_make_fee(match, note, label, problems))
        if not labelled:  # the portal's own layout has one amount per cell
            return fees, rest
        # "Lệ phí : 8.000 Đồng(...)Phí : 50.000 Đồng/hồ sơ": another labelled fee follows.
        following = rest[_FEE_SEPARATOR_RE.match(rest).end() :]  # type: ignore[union-attr]
        next_match = _PRICED_FEE_RE.match(following)
        if not next_match or next_match.group("label") is None:
            return fees, rest
        match, rest = next_match, following


def _time_from_match(match: re.Match[str]) -> ProcessingTime:
    text = _inline(match.group(0))
    if match.group("no_info"):
        return ProcessingTime(None, "none", text)
    if match.group("same_day"):
        return ProcessingTime(Decimal(0), "working_days", text)
    amount = _decimal(match.group("high") or match.group("low"))
    unit_word = match.group("unit")
    if not unit_word:
        return ProcessingTime(amount, "none", text)
    unit, factor = _UNITS[" ".join(unit_word.lower().split())]
    return ProcessingTime(None if amount is None else amount * factor, unit, text)


@dataclass(slots=True)
class _Row:
    label: str
    kind: ChannelKind
    body: str  # the row after the channel name
    source: str


def _split_channel_rows(text: str, problems: _Problems) -> list[_Row]:
    header = _CHANNEL_HEADER_RE.search(text)
    start = header.end() if header else 0
    starts = list(_ROW_START_RE.finditer(text, start))
    preamble = _inline(text[start : starts[0].start()] if starts else text[start:])
    if preamble and not _NO_INFO_RE.fullmatch(preamble):
        problems.add(
            "cach_thuc_thuc_hien",
            f"Không nhận ra dòng cách thức nộp nào trong '{_quote(preamble)}' "
            "(cần bắt đầu bằng Trực tiếp, Trực tuyến hoặc Dịch vụ bưu chính, liền với thời hạn).",
        )
    rows = []
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        label = match.group(1)
        rows.append(
            _Row(label, _CHANNEL_KINDS[label], text[match.end() : end], text[match.start() : end])
        )
    return rows


def _glued_time(digits: str, bare_times: set[str]) -> str | None:
    """The time at the start of "1200" (time and fee amount run together), when exactly one
    bare time read elsewhere in the record leaves a well-formed amount."""
    times = {
        time
        for time in bare_times
        if digits.startswith(time) and _VALID_AMOUNT_RE.fullmatch(digits[len(time) :])
    }
    return times.pop() if len(times) == 1 else None


def _parse_channel_row(row: _Row, bare_times: set[str], problems: _Problems) -> Channel:
    body = row.body
    glued = _GLUED_AMOUNT_RE.match(body)
    if glued:
        time_text = _glued_time(glued.group("digits"), bare_times)
        if time_text:
            time = ProcessingTime(_decimal(time_text), "none", time_text)
            fees, rest = _parse_fee_cell(body[len(time_text) :], row.label, problems)
            return _channel(row, time, fees, rest)
        problems.add(
            "cach_thuc_thuc_hien",
            f"Không tách được thời hạn và mức phí của cách thức '{row.label}': hai số viết liền "
            f"nhau '{glued.group(0)}' có thể tách theo nhiều cách.",
        )
        fees, rest = _parse_fee_cell(body, row.label, _Problems())  # its warnings don't apply
        fees = [Fee(None, fee.text, fee.currency) for fee in fees]
        return _channel(row, ProcessingTime(None, "none", glued.group("digits")), fees, rest)

    match = _TIME_CELL_RE.match(body)
    if not match or not match.group(0):  # unreachable while rows start at a time cell
        problems.add(
            "cach_thuc_thuc_hien",
            f"Không đọc được thời hạn giải quyết của cách thức '{row.label}': "
            f"'{_quote(body, 60)}'.",
        )
        fees, rest = _parse_fee_cell(body, row.label, problems)
        return _channel(row, ProcessingTime(None, "none", ""), fees, rest)
    time = _time_from_match(match)
    if time.amount is None and not match.group("no_info"):
        problems.add(
            "cach_thuc_thuc_hien",
            f"Không đọc được thời hạn giải quyết của cách thức '{row.label}': '{time.text}'.",
        )
    fees, rest = _parse_fee_cell(body[match.end() :], row.label, problems)
    return _channel(row, time, fees, rest)


def _channel(row: _Row, time: ProcessingTime, fees: list[Fee], rest: str) -> Channel:
    description = _block(rest)
    if not _LIST_MARKER_RE.match(description):
        description = description.lstrip(".;,) ")
    description = _or_empty(description)
    return Channel(row.kind, time, fees, description, row.source)


def _parse_channels(text: str, problems: _Problems) -> list[Channel]:
    if not text.strip() or _NO_INFO_RE.fullmatch(text):
        return []
    rows = _split_channel_rows(text, problems)
    bare_times: set[str] = set()
    for row in rows:
        match = _TIME_CELL_RE.match(row.body)
        bare = match and match.group("low") and not match.group("unit")
        if bare and not _GLUED_AMOUNT_RE.match(row.body):
            bare_times.add(match.group("low"))
    return [_parse_channel_row(row, bare_times, problems) for row in rows]


# --------------------------------------------------------------------------- documents

_DOC_HEADER_RE = re.compile(r"Tên\s*giấy\s*tờ\s*Mẫu\s*đơn,\s*tờ\s*khai\s*Số\s*lượng")
# The portal's quantity cell, glued after the name or form file. Sentences inside names such as
# "(01 bản chính hoặc 01 bản sao có chứng thực)" are told apart by the zero padding (checked in
# code) and by what follows ("hoặc", "có", ")" ...); `(?<!\d)` keeps scanning linear.
# Other sources label the cell: "Bản chính: 1, Bản sao: 0" (a digit after the colon, unlike
# "- Bản chính: Hợp đồng …" in names).
_QUANTITY_RE = re.compile(
    r"(?<!\d)(?P<digits>\d{1,12}) ?bản chính(?:, ?(?P<copies>\d{1,3}) ?bản sao)?"
    r"(?!\s+(?:hoặc|có|kèm|và|để|đối|của|theo|được|gồm)\b|\s*\))"
    r"|Bản chính\s*:\s*(?P<labelled>\d{1,2})\s*[,;]\s*Bản sao\s*:\s*(?P<labelled_copies>\d{1,2})"
)
# A form file's extension; the next file name may follow at once ("a.docxMau b.docx"), but not
# a lower-case letter (then it is a longer word).
_FORM_EXT_RE = re.compile(
    rf"\.(?:docx|doc|pdf|xlsx|xls|odt|ods|rtf|zip|rar|DOCX|DOC|PDF|XLSX|XLS)(?!{_LOWER})"
)
MAX_FORM_NAME_CHARS = 160


def _quantity_digits(digits: str, space_before: bool) -> tuple[str, int] | None:
    """(digits that belong to the name, originals) for the digit run before "bản chính"."""
    if len(digits) == 1:
        return "", int(digits)
    if len(digits) == 2 and digits[0] == "0":
        return None  # zero-padded: human text, not the portal's cell
    if len(digits) >= 3 or space_before:
        return digits[:-1], int(digits[-1])  # "... năm 2024" + "0 bản chính"
    return "", int(digits)


# The usual last words of a name, glued to the file: "… theo mẫuvăn bản đề nghị.docx".
_NAME_END_RE = re.compile(r"(?:theo mẫu|theo Mẫu|quy định)(?=[^\s.,;:)])")


def _is_form_start(text: str, i: int) -> bool:
    """Could a form file name start at text[i] (i > 0)? See the module docstring."""
    prev, ch = text[i - 1], text[i]
    if ch.isspace() or ch in ".,;:)":
        return False
    if prev.islower() and ch.isdigit():
        return True  # "… theo mẫu1.000312.docx", "… quy định1.4. Don de nghi.docx"
    if prev in ";)":
        return True  # "...theo mẫu;Mau 12.docx", "...(02 bản)Mau trinh bao.docx"
    if prev == "." and not (i >= 2 and text[i - 2].isdigit() and ch.isdigit()):
        return True  # "theo mẫu.1.004372.docx", but not inside "(1.1)"
    nxt = text[i + 1] if i + 1 < len(text) else ""
    if ch.isupper() and (prev.islower() or prev.isdigit()) and (nxt.islower() or nxt.isupper()):
        return prev.islower() or nxt.islower()  # "địnhTK 1.0017.docx", "04Mẫu TP-QTV.docx"
    return ch.isupper() and prev.isupper() and nxt.islower()  # "BGTVTMẫu số 2.docx"


def _split_forms(segment: str) -> tuple[str, list[str]]:
    """Split "name + form files" (the text before a quantity) into the name and the files."""
    stripped = segment.rstrip()
    exts = list(_FORM_EXT_RE.finditer(stripped))
    if not exts or exts[-1].end() != len(stripped):
        return segment, []
    # Files are glued one after another: "Mẫu 05.docxMẫu 06.docx". Walk back over the run.
    chain = [exts[-1]]
    for ext in reversed(exts[:-1]):
        gap = stripped[ext.end() : chain[0].start()]
        if not gap.strip() or len(gap) > MAX_FORM_NAME_CHARS or "\n" in gap:
            break
        chain.insert(0, ext)
    head_end = chain[0].start()
    start = _form_start(stripped, head_end)
    if start is None:
        return segment, []
    forms = [stripped[start : chain[0].end()]]
    forms += [stripped[a.end() : b.end()] for a, b in itertools.pairwise(chain)]
    return stripped[:start], [_inline(form) for form in forms]


def _form_start(text: str, head_end: int) -> int | None:
    """Where the first form file name starts in text[:head_end] (its stem), if it can be told."""
    lower_bound = max(1, head_end - MAX_FORM_NAME_CHARS)
    name_end = _NAME_END_RE.search(text, lower_bound, head_end)
    for i in range(lower_bound, head_end):
        if _is_form_start(text, i) or (name_end is not None and i == name_end.end()):
            return i
    stem = text[:head_end]
    if stem.strip() and " " not in stem.strip():
        return len(stem) - len(stem.lstrip())  # the whole cell is a file name: "Mau01.docx"
    return None


def _clean_group(label: str) -> str:
    text = _inline(label).strip(" *-–•:+")
    return text.strip()


def _clean_doc_name(name: str) -> str:
    return _block(name).lstrip(".;,: ").strip()


def _parse_document_rows(body: str, group: str) -> tuple[list[Document], str]:
    """The documents of one group's body, and the text after the last quantity."""
    documents = []
    cursor = 0
    for match in _QUANTITY_RE.finditer(body):
        if match.group("labelled"):
            name_digits, originals = "", int(match.group("labelled"))
            copies = int(match.group("labelled_copies"))
        else:
            space_before = match.start() > 0 and body[match.start() - 1].isspace()
            split = _quantity_digits(match.group("digits"), space_before)
            if split is None:
                continue
            name_digits, originals = split
            copies = int(match.group("copies")) if match.group("copies") else 0
        segment = body[cursor : match.start()] + name_digits
        name, forms = _split_forms(segment)
        quantity_text = _inline(match.group(0)[len(name_digits) :])
        documents.append(
            Document(
                _clean_doc_name(name),
                group,
                "; ".join(forms),
                originals,
                copies,
                quantity_text,
                forms,
            )
        )
        cursor = match.end()
    return documents, body[cursor:]


def _meaningful(text: str) -> bool:
    return bool(re.sub(r"[\s\-–*:.;,]+", "", text)) and not _NO_INFO_RE.fullmatch(text)


def _parse_documents(text: str, problems: _Problems) -> list[Document]:
    headers = list(_DOC_HEADER_RE.finditer(text))
    if not headers:
        if _meaningful(text):
            problems.add(
                "thanh_phan_ho_so",
                f"Không tìm thấy bảng giấy tờ (dòng tiêu đề 'Tên giấy tờ / Mẫu đơn, tờ khai / "
                f"Số lượng') trong '{_quote(text)}'.",
            )
        return []
    documents: list[Document] = []
    label = text[: headers[0].start()]
    nameless = 0
    for i, header in enumerate(headers):
        end = headers[i + 1].start() if i + 1 < len(headers) else len(text)
        group = _clean_group(label)
        rows, label = _parse_document_rows(text[header.end() : end], group)
        documents.extend(rows)
        nameless += sum(1 for row in rows if not row.name and not row.forms)
    if nameless:
        problems.add(
            "thanh_phan_ho_so",
            f"Có {nameless} dòng giấy tờ chỉ có số lượng mà không có tên giấy tờ.",
        )
    if _meaningful(label):
        name, forms = _split_forms(label)
        group = documents[-1].group if documents else ""
        documents.append(
            Document(_clean_doc_name(name), group, "; ".join(forms), None, None, "", forms)
        )
        problems.add(
            "thanh_phan_ho_so",
            f"Giấy tờ cuối bảng không có số lượng (bản chính/bản sao): '{_quote(label)}'.",
        )
    return documents


# --------------------------------------------------------------------------- legal bases

_LEGAL_HEADER_RE = re.compile(r"Tên\s*văn\s*bản\s*pháp\s*lý\s*Mã\s*văn\s*bản")
# Issuers seen in document numbers. Listed so that an all-capitals title glued after the number
# ("…/NĐ-CPBAN HÀNH…") is not swallowed; anything else falls back to the generic segment.
_ISSUERS = sorted(
    (
        *("CP", "TTg", "BTP", "BTC", "BGTVT", "BXD", "BCA", "BCT", "BKHCN", "BNNPTNT", "BNNMT"),
        *("BNV", "BVHTTDL", "BQP", "BNG", "BYT", "BTTTT", "BTNMT", "BKHĐT", "BGDĐT", "BLĐTBXH"),
        *("NHNN", "TANDTC", "VKSNDTC", "UBTƯMTTQVN", "UBND", "HĐND", "VPQH", "VPCP", "KTNN"),
        *("TTCP", "UBDT", "BDT", "BKH", "TCHQ", "TCT"),
    ),
    key=len,
    reverse=True,
)
# One segment of a number after the serial/year: the National Assembly's "QH14", a known issuer,
# or capitals that stop before a capital+lower-case pair ("BTCThông tư" gives "BTC").
_SEGMENT = (
    r"(?:UBTVQH\d{1,2}|QH\d{1,2}|"
    + "|".join(map(re.escape, _ISSUERS))
    + rf"|(?:{_UPPER}(?!{_LOWER}))+)"
)
_DOC_NUMBER_RE = re.compile(
    rf"""
    (?<!/)(?<!/\d)(?<!/\d\d)(?<!/\d\d\d)       # not inside a date or year ("/2010")
    (?P<serial>\d{{1,6}}(?:\.(?:\d{{1,3}}|[a-z]))?[a-z]?)  # 85 · 66.7 · 08.a · 09b
    (?:/(?P<year>\d{{4}}))?
    /{_SEGMENT}(?:\ ?[-/]\ ?{_SEGMENT})*
    """,
    re.VERBOSE,
)
_YEAR_PREFIX_RE = re.compile(r"(?:19|20)\d\d(?=\d)|(?:19|20)\d\d\.(?=\d)")
MAX_SERIAL_DIGITS = 4
_KINDS = r"(?:Thông tư liên tịch|Thông tư|Nghị định|Nghị quyết|Quyết định|Bộ luật|Luật|Pháp lệnh)"
# The number cell's own kind word glued to the title: "…của Bộ GTVTThông tư 09/2023/TT-BGTVT".
_GLUED_KIND_RE = re.compile(rf"(?<=[^\s(]){_KINDS}(?:\s+số)?\s*$")


@dataclass(slots=True)
class _Number:
    start: int
    end: int
    text: str


def _document_numbers(text: str) -> list[_Number]:
    numbers = []
    for match in _DOC_NUMBER_RE.finditer(text):
        start = match.start() + _title_digits(match.group("serial"))
        numbers.append(_Number(start, match.end(), re.sub(r"\s", "", text[start : match.end()])))
    return numbers


def _title_digits(serial: str) -> int:
    """How many leading characters of a too-long serial belong to the title before it.

    "… năm 201213/2012/QH13" (a year), "… giai đoạn 2021-2025.01/2022/TT-BXD" (a year and a
    dot), "… tháng 7 năm 2020247/2025/NĐ-CP" (the search starts inside "2020"): serials have at
    most four digits ("2338/QĐ-BTP", "1210/2016/UBTVQH13"), so the rest is the end of the title.
    """
    year = _YEAR_PREFIX_RE.match(serial)
    if year and (len(serial) > MAX_SERIAL_DIGITS or "." in serial):
        return year.end()
    digits = serial.split(".")[0]
    return len(digits) - 3 if len(digits) > MAX_SERIAL_DIGITS else 0


def _ends_row(text: str, number: _Number) -> bool:
    """Is this number the number cell of a row (rather than quoted inside a title)?

    A number cell is glued to the next title ("…/TT-BTCThông tư …", "…/NĐ-CPsửa đổi …") or ends
    the text. Quoted numbers are followed by a space and lower-case ("… ngày 12/6/2025"), by
    punctuation, or by a space after a number that itself follows a space.
    """
    end = number.end
    if end >= len(text):
        return True
    following = text[end]
    if following.isspace():  # a trailing space in the cell: "…Bộ Tư pháp08/2025/TT-BTP Nghị định"
        rest = text[end : end + 40].lstrip()
        before = text[max(0, number.start - 40) : number.start]
        glued_before = bool(before) and not before[-1].isspace()
        glued_kind = bool(_GLUED_KIND_RE.search(before))  # "…Bộ Tư phápQuyết định số 2338/QĐ-BTP"
        return (glued_before or glued_kind) and bool(rest) and rest[0].isupper()
    if following == ".":  # "Luật 35/2018/QH14.35/2018/QH14.BỘ LUẬT …"
        return end + 1 < len(text) and not text[end + 1].isspace()
    return following not in ",;:)]}'\""


def _pairs_with_title(number: _Number, following: _Number | None, text: str) -> bool:
    """Does `number` end the title while the glued `following` number is the number cell?

    "Luật 61/2014/QH1361/2014/QH13" (the same number twice), or "… theo Luật số
    37/2024/QH15172/2024/NĐ-CP" (the first number is quoted: a space precedes it).
    """
    if following is None or not _ends_row(text, following):
        return False
    gap = text[number.end : following.start]
    if gap not in ("", "."):
        return False
    quoted = number.start > 0 and text[number.start - 1].isspace()
    return following.text == number.text or quoted


# A title that begins with its own number: "Thông tư 36/2021/TT-BGTVT ngày …", "Luật số 35/…".
_OWN_NUMBER_RE = re.compile(
    r"(?:Thông tư(?: liên tịch)?|Nghị định|Nghị quyết|Quyết định|Luật|Bộ luật|Pháp lệnh)"
    r"(?:\s+số)?\s+(?=\d)",
    re.IGNORECASE,
)
# The number cell without its kind, glued to the title: "…chuỗi giá trị24/2024".
_BARE_NUMBER_AT_END_RE = re.compile(r"(?<=\S)(\d{1,6}/\d{4})\s*$")


def _untitled_tail(tail: str, problems: _Problems) -> LegalBasis:
    """The last row when no number cell was recognised after its title.

    A bare "24/2024" glued at the end is its number cell; a title that begins with its own
    number ("Nghị định số 14/2026/NĐ-CP ngày …") gives the full number, preferred when it
    extends the bare one (the cell "14/2026" lost its kind).
    """
    title = _clean_title(tail)
    bare = _BARE_NUMBER_AT_END_RE.search(title)
    if bare:
        title = _clean_title(title[: bare.start()])
    own = _OWN_NUMBER_RE.match(title)
    numbers = _document_numbers(title[own.end() :]) if own else []
    own_number = numbers[0].text if numbers and numbers[0].start == 0 else ""
    if own_number and (not bare or own_number.startswith(bare.group(1))):
        return LegalBasis(title, own_number)
    if bare:
        return LegalBasis(title, bare.group(1))
    problems.add(
        "can_cu_phap_ly",
        f"Không tìm thấy số hiệu (ví dụ 85/2019/TT-BTC) cho văn bản '{_quote(tail)}'.",
    )
    return LegalBasis(title, "")


def _clean_title(title: str) -> str:
    title = _inline(title).lstrip("-–+*•. ")
    return _GLUED_KIND_RE.sub("", title).strip()


MIN_REPEATED_TITLE_CHARS = 8
MAX_REPEATED_TITLE_CHARS = 400


def _glued_repeat(title: str) -> tuple[int, int] | None:
    """(k, p) when the number cell held a name instead of a number and it ran into the titles.

    "BỘ LUẬT HÀNG HẢI VIỆT NAMBỘ LUẬT HÀNG HẢI VIỆT NAMNghị định …": a row whose title
    title[:k] is repeated as its number cell (p = 2k), then the next title. Or
    "Luật Giám định tư pháp số 13/2012/QH13 của Quốc hội …Việt NamLuật Giám định tư pháp số":
    the title followed by its own beginning (k = 0, p where the repetition starts).
    """
    squeezed = title.replace(" ", "")
    if len(squeezed) < 2 * MIN_REPEATED_TITLE_CHARS:
        return None
    for k in range(MIN_REPEATED_TITLE_CHARS, min(len(title) // 2, MAX_REPEATED_TITLE_CHARS) + 1):
        head = title[:k]
        if title.startswith(head, k) and (len(title) == 2 * k or not title[2 * k - 1].isspace()):
            return k, 2 * k
    for p in range(
        max(MIN_REPEATED_TITLE_CHARS, len(title) - MAX_REPEATED_TITLE_CHARS), len(title)
    ):
        glued = title[p].isupper() and not title[p - 1].isspace()
        if glued and len(title) - p >= MIN_REPEATED_TITLE_CHARS and title.startswith(title[p:]):
            return 0, p
    return None


def _rows_for_title(title: str, number: str, problems: _Problems) -> list[LegalBasis]:
    rows: list[LegalBasis] = []
    repeat = _glued_repeat(title)
    if repeat and repeat[0]:
        k, p = repeat
        rows.append(LegalBasis(title[:k].strip(), ""))
        problems.add(
            "can_cu_phap_ly",
            f"Văn bản '{_quote(title[:k])}' ghi tên thay cho số hiệu; không có số hiệu.",
        )
        title = _clean_title(title[p:])
    elif repeat:
        title = title[: repeat[1]].strip()
    rows.append(LegalBasis(title, number))
    if not title:
        problems.add("can_cu_phap_ly", f"Văn bản số '{number}' không có tên.")
    return rows


def _parse_legal_bases(text: str, problems: _Problems) -> list[LegalBasis]:
    header = _LEGAL_HEADER_RE.search(text)
    body = text[header.end() :] if header else text
    if not _meaningful(body):
        return []
    numbers = _document_numbers(body)
    bases: list[LegalBasis] = []
    cursor = 0
    i = 0
    while i < len(numbers):
        number = numbers[i]
        if number.start < cursor or not _ends_row(body, number):
            i += 1
            continue
        following = numbers[i + 1] if i + 1 < len(numbers) else None
        if following is not None and _pairs_with_title(number, following, body):
            title, number = body[cursor : number.end], following
            i += 2
        else:
            title = body[cursor : number.start]
            i += 1
        bases.extend(_rows_for_title(_clean_title(title), number.text, problems))
        cursor = number.end
    tail = body[cursor:]
    if _meaningful(tail):
        repeat = _glued_repeat(_clean_title(tail))
        if repeat and repeat[0] and repeat[1] == len(_clean_title(tail)):
            tail = _clean_title(tail)[: repeat[0]]  # "BỘ LUẬT …NAMBỘ LUẬT …NAM": name twice
        bases.append(_untitled_tail(tail, problems))
    return bases


# --------------------------------------------------------------------------- results

_RESULT_JUNK_RE = re.compile(r"Chọn cơ quan thực hiện")
_RESULT_CODE_LABEL_RE = re.compile(r"Mã\s*:\s*")
_KEYWORDS_LABEL = "Từ khóa"
_DESCRIPTION_LABEL = "Mô tả"
MAX_RESULT_CODE_CHARS = 80


# The portal's result codes: "KQ.G15.000033", "KQ-G15.000033", "000.00.00.G04-KQ0345".
_KNOWN_RESULT_CODE_RE = re.compile(
    r"KQ[.-][A-Z]\d{2}\.\d{6}|\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-KQ\d{4,6}"
)


def _result_code_end(text: str, start: int) -> int:
    """End of a result code glued to what follows. A code of the portal's shapes ends where the
    shape does ("KQ.G15.000033thông báo …"); any other code stops at white space or before the
    first capital + lower-case pair ("utwChứng chỉ", "12231Từ khóa")."""
    known = _KNOWN_RESULT_CODE_RE.match(text, start)
    if known:
        return known.end()
    limit = min(len(text), start + MAX_RESULT_CODE_CHARS)
    for i in range(start, limit):
        if text[i].isspace():
            return i
        if i > start and text[i].isupper() and i + 1 < len(text) and text[i + 1].islower():
            return i
    return limit


def _parse_results(text: str) -> tuple[list[Result], str, str]:
    """(results, keywords, description) of the result component, UI text dropped."""
    junk = _RESULT_JUNK_RE.search(text)
    if junk:
        text = text[: junk.start()]
    keywords_at = text.find(_KEYWORDS_LABEL)
    listing = text if keywords_at < 0 else text[:keywords_at]
    tail = "" if keywords_at < 0 else text[keywords_at + len(_KEYWORDS_LABEL) :]
    results: list[Result] = []
    cursor = 0
    for label in _RESULT_CODE_LABEL_RE.finditer(listing):
        if label.start() < cursor:
            continue
        code_end = _result_code_end(listing, label.end())
        name = _BULLET_RE.sub("", _inline(listing[cursor : label.start()]))
        results.append(Result(name, listing[label.end() : code_end]))
        cursor = code_end
    if _meaningful(listing[cursor:]):
        results.append(Result(_inline(listing[cursor:]), ""))
    keywords, _, description = tail.partition(_DESCRIPTION_LABEL)
    return results, _or_empty(_inline(keywords)), _or_empty(_block(description))


# --------------------------------------------------------------------------- record


def parse_record(data: Mapping[str, Any]) -> ParsedProcedure:
    """Parse one portal record. Raises RecordError only for a missing/invalid code or name."""
    if not isinstance(data, Mapping):
        raise RecordError(f"Bản ghi phải là một đối tượng JSON, nhận được {type(data).__name__}.")
    problems = _Problems()
    raw = {key: _raw_field(data, key, problems) for key in SOURCE_KEYS}
    text = {key: _parse_input(key, value, problems) for key, value in raw.items()}
    source = {key: raw[key] for key in SOURCE_KEYS if key in data}

    code = _parse_code(text["ma_thu_tuc"])
    name = _inline(text["ten_thu_tuc"])
    if not name:
        raise RecordError(f"Thủ tục {code} không có tên (ten_thu_tuc).")

    levels, other_levels, unknown_levels = parse_levels(text["cap_thuc_hien"])
    for label in unknown_levels:
        problems.add("cap_thuc_hien", unknown_level_message(label))
    steps_text = _or_empty(_block(text["trinh_tu_thuc_hien"]))
    results, keywords, description = _parse_results(text["ket_qua_xu_ly"])
    documents, document_notes = checklist(_parse_documents(text["thanh_phan_ho_so"], problems))

    def inline(key: str) -> str:
        return _or_empty(_inline(text[key]))

    return ParsedProcedure(
        code=code,
        name=name,
        decision_number=inline("so_quyet_dinh"),
        levels=levels,
        other_levels=other_levels,
        procedure_type=inline("loai_thu_tuc"),
        field=inline("linh_vuc"),
        subjects=_parse_subjects(_or_empty(text["doi_tuong_thuc_hien"])),
        competent_agency=inline("co_quan_co_tham_quyen"),
        authorised_agency=inline("co_quan_duoc_uy_quyen"),
        coordinating_agency=inline("co_quan_phoi_hop"),
        implementing_agency=inline("co_quan_thuc_hien"),
        reception_address=_or_empty(_block(text["dia_chi_tiep_nhan"])),
        related_procedures=_or_empty(_block(text["thu_tuc_lien_quan"])),
        steps=_parse_steps(steps_text),
        steps_text=steps_text,
        channels=_parse_channels(text["cach_thuc_thuc_hien"], problems),
        documents=documents,
        document_notes=document_notes,
        legal_bases=_parse_legal_bases(text["can_cu_phap_ly"], problems),
        requirements=_or_empty(_block(text["yeu_cau_dieu_kien"])),
        results=results,
        keywords=keywords,
        description=description,
        source_url=inline("detail_url"),
        formality_id=inline("formality_id"),
        source=source,
        problems=problems.listed(),
    )


# --------------------------------------------------------------------------- serialisation


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value.normalize())
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return value


def to_dict(parsed: ParsedProcedure) -> dict[str, Any]:
    """A JSON-serialisable dict: Decimals become int when integral, else str ("1.5")."""
    return _jsonable(parsed)
