"""The other official forms of Circular 03/2025/TT-VPCP, appendix I (the receipt is in `pdf`):
supplement request, refusal slip, apology letter with a new appointment, stop notice, processing
control sheet (PDF, WeasyPrint, state header of Decree 30/2020); and the dossier tracking book
(Excel, openpyxl) by period and agency."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tthc.core.dates import fmt_date, fmt_time, long_date
from tthc.core.spreadsheets import workbook_bytes
from tthc.dossiers import deadlines, pdf, selectors
from tthc.dossiers.models import AccessLog, ApplicantKind, Dossier, Status
from tthc.dossiers.transitions import ACTION_LABELS, Action
from tthc.workdays.engine import classify_finish, to_local

FORMS: dict[str, tuple[str, Action | tuple[Action, ...] | None]] = {
    # key: (title, event the form is about; None: always once received)
    "giay-tiep-nhan": (gettext_lazy("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"), None),
    "yeu-cau-bo-sung": (
        gettext_lazy("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
        (Action.REQUEST_SUPPLEMENT, Action.REQUEST_COMPLETION),
    ),
    "tu-choi": (gettext_lazy("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"), Action.REFUSE),
    "xin-loi": (gettext_lazy("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"), Action.APOLOGISE),
    "dung-xu-ly": (gettext_lazy("THÔNG BÁO DỪNG XỬ LÝ HỒ SƠ"), Action.STOP),
    "phieu-kiem-soat": (gettext_lazy("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"), None),
}
LABELS = {
    "giay-tiep-nhan": gettext_lazy("Giấy tiếp nhận và hẹn trả kết quả"),
    "yeu-cau-bo-sung": gettext_lazy("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    "tu-choi": gettext_lazy("Phiếu từ chối tiếp nhận"),
    "xin-loi": gettext_lazy("Phiếu xin lỗi và hẹn lại"),
    "dung-xu-ly": gettext_lazy("Thông báo dừng xử lý"),
    "phieu-kiem-soat": gettext_lazy("Phiếu kiểm soát quá trình giải quyết"),
}
# Steps done at the one-stop desk (the unit is the desk, not the agency responsible after).
_DESK_ACTIONS = (
    Action.SUBMIT,
    Action.RECEIVE,
    Action.ACCEPT,
    Action.REFUSE,
    Action.REQUEST_COMPLETION,
    Action.SUBMIT_COMPLETION,
    Action.RETURN_RESULT,
)
RESULT_LABELS = {
    "early": gettext_lazy("Trước hạn"),
    "on_time": gettext_lazy("Đúng hạn"),
    "late": gettext_lazy("Quá hạn"),
}


def _last_event(dossier: Dossier, action):
    actions = action if isinstance(action, tuple) else (action,)
    events = [e for e in dossier.events.all() if e.action in actions]
    return events[-1] if events else None


def available(dossier: Dossier) -> list[dict]:
    """The forms that exist for this dossier now (key, label)."""
    out = []
    for key, (_title, action) in FORMS.items():
        if action is None:
            if dossier.received_at is None:
                continue
        elif _last_event(dossier, action) is None:
            continue
        out.append({"key": key, "label": LABELS[key]})
    return out


def long_time(moment: datetime | None) -> str:
    """'HH giờ mm phút, ngày dd tháng MM năm yyyy' (DOMAIN §4)."""
    if not moment:
        return ""
    return f"{fmt_time(moment)}, {long_date(moment)}"


def _person(user, fallback: str) -> str:
    if user is None:
        return fallback
    return getattr(user, "full_name", "") or user.get_username()


def actor_of(event) -> str:
    """Who did a step: the officer, else the applicant (online steps), else the system."""
    if event.actor is not None:
        return _person(event.actor, "")
    if event.action == Action.SUBMIT:
        return _("Cổng dịch vụ công (trực tuyến)")
    if (event.data or {}).get("by_applicant"):
        return _("Người nộp hồ sơ (trực tuyến)")
    return _("Hệ thống")


def unit_of(event, dossier: Dossier) -> str:
    """The unit that did a step: the one-stop desk for desk steps, else the agency."""
    if event.action in _DESK_ACTIONS:
        if dossier.reception_point is not None:
            return dossier.reception_point.name
        return dossier.receiving_agency.name
    return event.agency.name


def applicant_name(dossier: Dossier) -> str:
    applicant = dossier.applicant
    if applicant.kind == ApplicantKind.ORGANISATION:
        return applicant.organisation_name
    return applicant.full_name


def handovers(dossier: Dossier) -> list[dict]:
    """Each step of the dossier as a hand-over: from whom (the unit and person of the previous
    step) to whom (this step's), when, and early / on time / late against the deadline with
    the supplement pauses up to then."""
    rows = []
    previous = None
    desk = (
        dossier.reception_point.name
        if dossier.reception_point
        else _("Bộ phận một cửa — %(agency)s") % {"agency": dossier.receiving_agency.name}
    )
    for event in dossier.events.all():
        if event.action in (Action.DEADLINE_CHANGED, Action.PERSONAL_DATA_ERASED):
            continue
        if previous is None:
            from_unit, from_person = _("Người nộp hồ sơ"), applicant_name(dossier)
        else:
            from_unit = desk if previous.action in _DESK_ACTIONS else previous.agency.name
            from_person = actor_of(previous)
        to_unit = desk if event.action in _DESK_ACTIONS else event.agency.name
        to_person = actor_of(event)
        result = ""
        if dossier.received_at is not None and event.at >= dossier.received_at:
            pauses = deadlines.pauses_from_events(dossier.events.all(), until=event.at)
            due = deadlines.compute_with(dossier, pauses).due_at
            result = str(RESULT_LABELS[classify_finish(event.at, due)])
        try:
            label = ACTION_LABELS[Action(event.action)]
        except ValueError:
            label = event.action
        rows.append(
            {
                "from_unit": from_unit,
                "from_person": from_person,
                "to_unit": to_unit,
                "to_person": to_person,
                "time": long_time(event.at),
                "result": result,
                "label": label,
                "note": event.note[:300],
            }
        )
        previous = event
    return rows


def html(dossier: Dossier, key: str) -> str:
    """The form as HTML; KeyError when it does not exist for this dossier."""
    if key == "giay-tiep-nhan":
        if dossier.received_at is None:
            raise KeyError(key)
        return pdf.receipt_html(dossier)
    title, action = FORMS[key]
    event = None
    if action is not None:
        event = _last_event(dossier, action)
        if event is None:
            raise KeyError(key)
    elif dossier.received_at is None:
        raise KeyError(key)
    issuer = {
        "tu-choi": dossier.receiving_agency,
        "xin-loi": dossier.resolving_agency,
        "phieu-kiem-soat": dossier.receiving_agency,
    }.get(key, (event.agency if event else dossier.current_agency))
    desk = dossier.reception_point.name if dossier.reception_point else ""
    issuer_unit = desk if issuer == dossier.receiving_agency and desk else ""
    if not issuer_unit:
        issuer_unit = (
            _("Bộ phận tiếp nhận và trả kết quả")
            if issuer == dossier.receiving_agency
            else _("Bộ phận giải quyết hồ sơ")
        )
    return_place = desk or _("bộ phận một cửa của %(agency)s") % {
        "agency": dossier.receiving_agency.name
    }
    context = {
        "title": title,
        "dossier": dossier,
        "event": event,
        "issuer": issuer.name,
        "issuer_unit": issuer_unit,
        "issuer_unit_sentence": (
            desk or _("Bộ phận một cửa của %(agency)s") % {"agency": dossier.receiving_agency.name}
        ),
        "province": settings.TTHC_PROVINCE_NAME,
        "issued_on": long_date(event.at if event else timezone.now()),
        "applicant_name": applicant_name(dossier),
        "actor_name": _person(event.actor, "") if event else "",
        "received_date": fmt_date(dossier.received_at or dossier.submitted_at),
        "submitted_date": fmt_date(dossier.submitted_at),
        "due_text": long_time(dossier.due_at),
        "new_appointment_text": long_time(dossier.new_appointment_at),
        "event_text": long_time(event.at) if event else "",
        "return_place": return_place,
        "lookup_url": pdf.lookup_url(dossier),
        "handovers": handovers(dossier) if key == "phieu-kiem-soat" else [],
        "landscape": key == "phieu-kiem-soat",
    }
    templates = {
        "yeu-cau-bo-sung": "supplement",
        "tu-choi": "refusal",
        "xin-loi": "apology",
        "dung-xu-ly": "stop",
        "phieu-kiem-soat": "control_sheet",
    }
    return render_to_string(f"dossiers/forms/{templates[key]}.html", context)


def render(dossier: Dossier, key: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html(dossier, key), base_url=str(settings.BASE_DIR)).write_pdf()


# --------------------------------------------------------------------------- tracking book

BOOK_COLUMNS = [
    (gettext_lazy("STT"), 6),
    (gettext_lazy("Mã hồ sơ"), 28),
    (gettext_lazy("Tên thủ tục"), 48),
    (gettext_lazy("Người nộp"), 26),
    (gettext_lazy("Địa chỉ, điện thoại"), 34),
    (gettext_lazy("Hình thức nộp"), 14),
    (gettext_lazy("Ngày nhận"), 17),
    (gettext_lazy("Ngày hẹn trả"), 17),
    (gettext_lazy("Cơ quan giải quyết"), 32),
    (gettext_lazy("Trạng thái"), 22),
    (gettext_lazy("Ngày có kết quả"), 17),
    (gettext_lazy("Ngày trả kết quả"), 17),
    (gettext_lazy("Kết quả (trước / đúng / quá hạn)"), 16),
    (gettext_lazy("Ghi chú"), 24),
]


def tracking_book_xlsx(*, user, start: datetime, end: datetime, agency=None) -> bytes:
    """'Sổ theo dõi hồ sơ' (Circular 03/2025, appendix I): one row per dossier received in
    the period. The applicant's data is personal: every dossier listed is logged as read."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    rows = list(selectors.tracking_rows(user=user, start=start, end=end, agency=agency))
    AccessLog.objects.bulk_create(
        AccessLog(user=user, dossier=d, what="sổ theo dõi hồ sơ (Excel)") for d in rows
    )
    book = Workbook()
    sheet = book.active
    sheet.title = _("Sổ theo dõi")
    width = len(BOOK_COLUMNS)
    last = get_column_letter(width)
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"] = _("SỔ THEO DÕI HỒ SƠ")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.merge_cells(f"A2:{last}2")
    sheet["A2"] = _("%(agencies)s — từ ngày %(start)s đến ngày %(end)s") % {
        "agencies": agency.name if agency else _("Tất cả cơ quan được phân quyền"),
        "start": fmt_date(start),
        "end": fmt_date(end),
    }
    sheet["A2"].alignment = Alignment(horizontal="center")
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for column, (title, col_width) in enumerate(BOOK_COLUMNS, start=1):
        cell = sheet.cell(row=4, column=column, value=str(title))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        sheet.column_dimensions[get_column_letter(column)].width = col_width
    wrap = Alignment(vertical="top", wrap_text=True)

    def day(moment):
        return f"{to_local(moment):%H:%M %d/%m/%Y}" if moment else ""

    for index, dossier in enumerate(rows, start=1):
        applicant = dossier.applicant
        resolved = _last_event(dossier, Action.RESOLVE)
        returned = _last_event(dossier, Action.RETURN_RESULT)
        result = selectors.classify(dossier)
        values = [
            index,
            dossier.code,
            dossier.procedure.name,
            applicant_name(dossier) if not applicant.erased_at else _("(đã xóa theo thời hạn lưu)"),
            ", ".join(p for p in (applicant.address, applicant.phone) if p)
            if not applicant.erased_at
            else "",
            dossier.get_channel_display(),
            day(dossier.received_at or dossier.submitted_at),
            day(dossier.appointment_at),
            dossier.resolving_agency.name,
            str(Status(dossier.status).label),
            day(resolved.at) if resolved else "",
            day(returned.at) if returned else "",
            str(RESULT_LABELS[result]) if result else "",
            "",
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=4 + index, column=column, value=value)
            cell.alignment = wrap
            cell.border = border
    sheet.freeze_panes = "A5"
    sheet.page_setup.orientation = "landscape"
    return workbook_bytes(book)
