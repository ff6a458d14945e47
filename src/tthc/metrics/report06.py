"""Report form 06/VPCP/KSTT (Circular 01/2020/TT-VPCP, DOMAIN §9): "Tình hình, kết quả giải
quyết thủ tục hành chính" — one row per field (lĩnh vực) and level, counted in dossiers.

`build(period, agency)` is the one selector: a single grouped query over `DossierFact` (plus
the few that find the agency's sub-agencies, `index.Scope.of`), whatever the number of
dossiers. `xlsx(report)` writes the official layout; the page and `tthc report-06` use both.

Columns (the numbers printed under the header):

    (3) received for resolution = (4) online + (5) in person or postal + (6) carried over
    (7) resolved = (8) early + (9) on time + (10) late
    (11) pending at the period end = (12) within time + (13) overdue
    (3) = (7) + (11)

Which dossiers enter where (withdrawn, stopped, refused, no deadline) is written down in
docs/decisions/0010-report-06.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone

from tthc.core.spreadsheets import workbook_bytes
from tthc.dossiers.models import Channel
from tthc.dossiers.transitions import Action as DossierAction
from tthc.metrics.index import Period, Scope, fact_scope, pending_within_time, touching
from tthc.metrics.models import DossierFact, Outcome
from tthc.org.models import Agency, AgencyKind, UnitLevel

FORM = "Biểu số 06/VPCP/KSTT"
CIRCULAR = "Ban hành kèm theo Thông tư số 01/2020/TT-VPCP"
TITLE = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
UNIT = "Đơn vị tính: Số hồ sơ"
NO_FIELD = "Lĩnh vực chưa xác định"

# The levels of the resolving agency, in the order of the form. The district level ended on
# 1/7/2025; its group is shown only for a period that still has district dossiers.
LEVELS: list[tuple[str, str]] = [
    (UnitLevel.PROVINCE, "Cấp tỉnh (sở, ban, ngành)"),
    (UnitLevel.DISTRICT, "Cấp huyện (trước 01/07/2025)"),
    (UnitLevel.COMMUNE, "Cấp xã (Ủy ban nhân dân cấp xã)"),
]
ALWAYS_SHOWN = {UnitLevel.PROVINCE, UnitLevel.COMMUNE}
ROMAN = ["I", "II", "III", "IV"]


@dataclass
class Counts:
    """The figures of one row. The first eleven fields are the form's columns (3)–(13), in
    order; the last two are not columns: they say how many of (7) ended without a result."""

    received: int = 0  # (3)
    online: int = 0  # (4)
    in_person: int = 0  # (5) in person or by public postal service
    carried_over: int = 0  # (6)
    resolved: int = 0  # (7)
    early: int = 0  # (8)
    on_time: int = 0  # (9)
    late: int = 0  # (10)
    pending: int = 0  # (11)
    within_time: int = 0  # (12)
    overdue: int = 0  # (13)
    withdrawn: int = 0
    stopped: int = 0

    def columns(self) -> list[int]:
        return [getattr(self, name) for name in COLUMN_FIELDS]

    def add(self, other: Counts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


COLUMN_FIELDS = [f.name for f in fields(Counts)][:11]
AGGREGATED = [f.name for f in fields(Counts) if f.name != "overdue"]  # overdue = (11) − (12)

# The header: (group label, [(column label, field)]); the numbers (3)… follow the order.
HEADER: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Số hồ sơ nhận giải quyết",
        [
            ("Tổng số", "received"),
            ("Mới tiếp nhận trực tuyến", "online"),
            ("Mới tiếp nhận trực tiếp hoặc qua dịch vụ bưu chính", "in_person"),
            ("Từ kỳ trước chuyển qua", "carried_over"),
        ],
    ),
    (
        "Số hồ sơ đã giải quyết",
        [
            ("Tổng số", "resolved"),
            ("Trước hạn", "early"),
            ("Đúng hạn", "on_time"),
            ("Quá hạn", "late"),
        ],
    ),
    (
        "Số hồ sơ đang giải quyết",
        [("Tổng số", "pending"), ("Trong hạn", "within_time"), ("Quá hạn", "overdue")],
    ),
]
assert [f for _, cols in HEADER for _, f in cols] == COLUMN_FIELDS


@dataclass
class Row:
    number: int
    label: str
    field_id: int | None
    counts: Counts


@dataclass
class Group:
    roman: str
    level: str
    label: str
    rows: list[Row]
    total: Counts = field(default_factory=Counts)


@dataclass
class Report:
    period: Period
    agency: Agency | None
    as_of: datetime  # the instant "pending at the period end" is judged at
    groups: list[Group]
    total: Counts

    @property
    def partial(self) -> bool:
        """The period is not over: pending dossiers are judged now, not at its end."""
        return self.as_of < self.period.high

    def rows(self) -> list[tuple[Group, Row]]:
        return [(g, r) for g in self.groups for r in g.rows]


def _aggregates(period: Period, end: datetime) -> dict:
    """One COUNT … FILTER per figure: the dossiers received by the period end and not finished
    before its start (`index.touching`), split as the form asks."""
    new = Q(received_at__gte=period.low)
    finished = Q(finished_at__lte=end)
    pending = Q(finished_at__isnull=True) | Q(finished_at__gt=end)
    early_or_late = [Outcome.EARLY, Outcome.LATE]
    return {
        "received": Count("pk"),
        "online": Count("pk", filter=new & Q(channel=Channel.ONLINE)),
        "in_person": Count("pk", filter=new & ~Q(channel=Channel.ONLINE)),
        "carried_over": Count("pk", filter=Q(received_at__lt=period.low)),
        "resolved": Count("pk", filter=finished),
        "early": Count("pk", filter=finished & Q(outcome=Outcome.EARLY)),
        # On time: the outcome says so, or the procedure has no numeric time (no deadline).
        "on_time": Count("pk", filter=finished & ~Q(outcome__in=early_or_late)),
        "late": Count("pk", filter=finished & Q(outcome=Outcome.LATE)),
        "pending": Count("pk", filter=pending),
        # The index's rule (2.1) at `end`; a dossier without a deadline cannot be overdue.
        "within_time": Count(
            "pk", filter=pending & (Q(base_due_at__isnull=True) | pending_within_time(end))
        ),
        "withdrawn": Count("pk", filter=finished & Q(finish_action=DossierAction.WITHDRAW)),
        "stopped": Count("pk", filter=finished & Q(finish_action=DossierAction.STOP)),
    }


def build(period: Period, agency: Agency | None = None, *, now: datetime | None = None) -> Report:
    """The report of a period for the whole province, or for one agency and the agencies
    below it (their dossiers as resolving agency)."""
    scope = Scope.of(period, agency)
    end = min(now or timezone.now(), period.high)
    rows = (
        DossierFact.objects.filter(fact_scope(scope), touching(period))
        .values("field_id", "field__name", "resolving_agency__unit__level")
        .annotate(**_aggregates(period, end))
        .order_by()
    )
    by_level: dict[str, list[tuple[str, int | None, Counts]]] = {}
    for r in rows:
        counts = Counts(**{name: r[name] for name in AGGREGATED})
        counts.overdue = counts.pending - counts.within_time
        level = r["resolving_agency__unit__level"]
        if level not in dict(LEVELS):
            level = UnitLevel.PROVINCE
        by_level.setdefault(level, []).append((r["field__name"] or NO_FIELD, r["field_id"], counts))

    groups: list[Group] = []
    total = Counts()
    for level, label in LEVELS:
        found = by_level.get(level, [])
        if not found and level not in ALWAYS_SHOWN:
            continue
        merged: dict[int | None, tuple[str, Counts]] = {}
        for name, field_id, counts in found:
            merged.setdefault(field_id, (name, Counts()))[1].add(counts)
        ordered = sorted(merged.items(), key=lambda item: (item[0] is None, item[1][0]))
        group = Group(
            ROMAN[len(groups)],
            str(level),
            label,
            [Row(n, name, fid, c) for n, (fid, (name, c)) in enumerate(ordered, start=1)],
        )
        for row in group.rows:
            group.total.add(row.counts)
        total.add(group.total)
        groups.append(group)
    return Report(period, agency, end, groups, total)


# --------------------------------------------------------------------------- issuing body


def _province_committee() -> Agency | None:
    return (
        Agency.objects.filter(
            parent__isnull=True,
            kind=AgencyKind.PEOPLES_COMMITTEE,
            unit__level=UnitLevel.PROVINCE,
        )
        .select_related("unit")
        .order_by("pk")
        .first()
    )


def issuer(agency: Agency | None) -> list[str]:
    """The issuing body as the top-left block of Decree 30/2020 prints it: the body above
    (if any), then the body itself, upper case."""
    if agency is None:
        agency = _province_committee()
        if agency is None:
            return []
    lines = [agency.name.upper()]
    if agency.parent_id is not None:
        lines.insert(0, agency.parent.name.upper())
    return lines


def place_name(agency: Agency | None) -> str:
    """Where the report is signed: the province's name without its kind ("Hà Nội")."""
    unit = (agency.unit if agency is not None else None) or getattr(
        _province_committee(), "unit", None
    )
    while unit is not None and unit.level != UnitLevel.PROVINCE and unit.parent_id:
        unit = unit.parent
    if unit is None:
        return ""
    for prefix in ("Thành phố ", "Tỉnh "):
        if unit.name.startswith(prefix):
            return unit.name[len(prefix) :]
    return unit.name


def notes(report: Report) -> list[str]:
    """The form's notes as they apply to this report."""
    text = [
        "(3) = (4) + (5) + (6) = (7) + (11); (7) = (8) + (9) + (10); (11) = (12) + (13).",
        "Số hồ sơ đã giải quyết (7) gồm cả hồ sơ người nộp rút và hồ sơ dừng xử lý sau khi đã "
        f"tiếp nhận (kỳ này: {report.total.withdrawn} hồ sơ rút, {report.total.stopped} hồ sơ "
        "dừng xử lý), đánh giá trước hạn, đúng hạn, quá hạn như chỉ số 766; hồ sơ bị từ chối "
        "tiếp nhận không được tính.",
    ]
    if report.partial:
        moment = timezone.localtime(report.as_of).strftime("%H giờ %M phút, ngày %d/%m/%Y")
        text.append(
            "Kỳ báo cáo chưa kết thúc: hồ sơ đang giải quyết được đánh giá trong hạn, quá hạn "
            f"tại thời điểm lập báo cáo ({moment})."
        )
    return text


# --------------------------------------------------------------------------- Excel

N_COLUMNS = 2 + len(COLUMN_FIELDS)  # STT, Lĩnh vực, (3)…(13)


def xlsx(report: Report, *, issued_on=None) -> bytes:
    """The report in the official layout (one sheet, A4 landscape)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    issued_on = issued_on or timezone.localdate()
    book = Workbook()
    ws = book.active
    ws.title = "Biểu 06"
    last = get_column_letter(N_COLUMNS)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    bold = Font(name="Times New Roman", bold=True, size=12)
    plain = Font(name="Times New Roman", size=12)
    italic = Font(name="Times New Roman", italic=True, size=12)

    def put(cell_range: str, value, font=plain, align=centre):
        first = cell_range.split(":")[0]
        if ":" in cell_range:
            ws.merge_cells(cell_range)
        ws[first] = value
        ws[first].font = font
        ws[first].alignment = align

    # Title block: the issuing body on the left, the national title and motto on the right.
    body = issuer(report.agency)
    left_block = (["", *body] if len(body) == 1 else body)[:2]
    put("A1:E1", left_block[0] if left_block else "", font=plain)
    put("A2:E2", left_block[1] if len(left_block) > 1 else "", font=bold)
    put(f"G1:{last}1", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=bold)
    put(f"G2:{last}2", "Độc lập - Tự do - Hạnh phúc", font=bold)
    put("A3:E3", FORM, font=bold)
    put("A4:E4", CIRCULAR, font=italic)
    put(f"A6:{last}6", TITLE, font=Font(name="Times New Roman", bold=True, size=14))
    if report.agency is not None:
        put(f"A7:{last}7", f"Cơ quan giải quyết: {report.agency.name}", font=bold)
    p = report.period
    put(
        f"A8:{last}8",
        f"Kỳ báo cáo: từ ngày {p.start:%d/%m/%Y} đến ngày {p.end:%d/%m/%Y}",
        font=italic,
    )
    put(
        f"{get_column_letter(N_COLUMNS - 3)}9:{last}9",
        UNIT,
        font=italic,
        align=Alignment(horizontal="right", vertical="center"),
    )

    # Header: two rows of labels, merged, then the column numbers.
    top, sub, numbers = 10, 11, 12
    put(f"A{top}:A{sub}", "STT", font=bold)
    put(f"B{top}:B{sub}", "Lĩnh vực, cấp giải quyết", font=bold)
    column = 3
    for label, cols in HEADER:
        start = get_column_letter(column)
        end = get_column_letter(column + len(cols) - 1)
        put(f"{start}{top}:{end}{top}", label, font=bold)
        for sub_label, _ in cols:
            put(f"{get_column_letter(column)}{sub}", sub_label, font=bold)
            column += 1
    for n in range(1, N_COLUMNS + 1):
        put(f"{get_column_letter(n)}{numbers}", f"({n})", font=italic)

    # Rows: each group's total on its heading row, its fields below; the grand total last.
    line = numbers

    def counts_row(first, label, counts: Counts, font):
        nonlocal line
        line += 1
        ws.cell(line, 1, first).font = font
        ws.cell(line, 1).alignment = centre
        ws.cell(line, 2, label).font = font
        ws.cell(line, 2).alignment = left
        for i, value in enumerate(counts.columns(), start=3):
            cell = ws.cell(line, i, value)
            cell.font = font
            cell.alignment = Alignment(horizontal="right", vertical="center")

    for group in report.groups:
        counts_row(group.roman, group.label, group.total, bold)
        for row in group.rows:
            counts_row(row.number, row.label, row.counts, plain)
    counts_row("", "Tổng cộng", report.total, bold)
    for r in ws.iter_rows(min_row=top, max_row=line, max_col=N_COLUMNS):
        for cell in r:
            cell.border = box

    # Notes, then the signature block.
    line += 1
    for n, text in enumerate(notes(report)):
        line += 1
        ws.merge_cells(f"A{line}:{last}{line}")
        ws.cell(line, 1, f"Ghi chú: {text}" if n == 0 else text).font = italic
        ws.cell(line, 1).alignment = left
        ws.row_dimensions[line].height = 32
    line += 2
    place = place_name(report.agency)
    signed = f"ngày {issued_on:%d} tháng {issued_on:%m} năm {issued_on:%Y}"
    signed = f"{place}, {signed}" if place else signed[0].upper() + signed[1:]
    put(f"I{line}:{last}{line}", signed, font=italic)
    line += 1
    put(f"A{line}:E{line}", "NGƯỜI LẬP BIỂU", font=bold)
    put(f"I{line}:{last}{line}", "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", font=bold)
    line += 1
    put(f"A{line}:E{line}", "(Ký, ghi rõ họ tên)", font=italic)
    put(f"I{line}:{last}{line}", "(Ký, đóng dấu, ghi rõ họ tên)", font=italic)

    # Widths, frozen header, print setup.
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 38
    for n in range(3, N_COLUMNS + 1):
        ws.column_dimensions[get_column_letter(n)].width = 11
    ws.row_dimensions[sub].height = 62
    ws.row_dimensions[top].height = 30
    ws.freeze_panes = f"C{numbers + 1}"
    ws.print_title_rows = f"{top}:{numbers}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    return workbook_bytes(book)


def filename(report: Report) -> str:
    p = report.period
    suffix = f"-{report.agency.code}" if report.agency is not None else ""
    return f"bao-cao-06-{p.start:%Y%m%d}-{p.end:%Y%m%d}{suffix}.xlsx"
