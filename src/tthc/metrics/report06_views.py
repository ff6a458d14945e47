"""The staff page of report 06/VPCP/KSTT (`/quan-tri/bao-cao-06/`) and its Excel download.

The period is a month, a quarter, a year or any from/to range (dd/mm/yyyy); the agency is the
province (control officers) or one agency the user may report on (`Action.REPORT_VIEW`).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tthc.core.dates import parse_date
from tthc.core.errors import PermissionDenied
from tthc.metrics import report06, selectors
from tthc.metrics.index import Period
from tthc.org import policy
from tthc.org.models import Agency
from tthc.org.policy import Action

KINDS = [
    ("thang", _lazy("Tháng")),
    ("quy", _lazy("Quý")),
    ("nam", _lazy("Năm")),
    ("khoang", _lazy("Từ ngày … đến ngày")),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Choice:
    kind: str
    year: int
    month: int
    quarter: int
    start: date
    end: date
    error: str = ""

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)


def _int(value, default: int, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if low <= number <= high else default


def choose_period(params, today: date | None = None) -> Choice:
    """The period asked for; by default the previous month (the last one a report is due for)."""
    today = today or timezone.localdate()
    previous = today.replace(day=1) - timedelta(days=1)
    kind = params.get("ky") if params.get("ky") in dict(KINDS) else "thang"
    year = _int(params.get("nam"), previous.year, 2000, 2100)
    month = _int(params.get("thang"), previous.month, 1, 12)
    quarter = _int(params.get("quy"), (previous.month - 1) // 3 + 1, 1, 4)
    error = ""
    if kind == "quy":
        start = date(year, 3 * quarter - 2, 1)
        end = date(year, 3 * quarter, calendar.monthrange(year, 3 * quarter)[1])
    elif kind == "nam":
        start, end = date(year, 1, 1), date(year, 12, 31)
    elif kind == "khoang":
        start = parse_date(params.get("tu"))
        end = parse_date(params.get("den"))
        if start is None or end is None:
            error = _("Nhập ngày bắt đầu và ngày kết thúc theo dạng dd/mm/yyyy.")
        elif start > end:
            error = _("Ngày bắt đầu phải trước hoặc trùng ngày kết thúc.")
        if error:
            start, end = previous.replace(day=1), previous
    else:
        start = date(year, month, 1)
        end = date(year, month, calendar.monthrange(year, month)[1])
    return Choice(kind, year, month, quarter, start, end, error)


def _scope(request) -> tuple[Agency | None, bool, list[Agency]]:
    """The agency of the report (None: the province), or PermissionDenied."""
    if not policy.can_somewhere(request.user, Action.REPORT_VIEW):
        raise PermissionDenied(policy.DENIED_MESSAGES[Action.REPORT_VIEW])
    province_wide, agencies = selectors.choosable_agencies(request.user, Action.REPORT_VIEW)
    code = (request.GET.get("co_quan") or "").strip()[:40]
    if not code:
        if province_wide:
            return None, province_wide, agencies
        if not agencies:
            raise PermissionDenied(policy.DENIED_MESSAGES[Action.REPORT_VIEW])
        return agencies[0], province_wide, agencies
    agency = next((a for a in agencies if a.code == code), None)
    if agency is None:
        raise PermissionDenied(policy.DENIED_MESSAGES[Action.REPORT_VIEW])
    return agency, province_wide, agencies


def _denied(request, exc: PermissionDenied):
    return render(request, "metrics/denied.html", {"message": exc.message}, status=403)


@login_required
def report_page(request):
    try:
        agency, province_wide, agencies = _scope(request)
    except PermissionDenied as exc:
        return _denied(request, exc)
    choice = choose_period(request.GET)
    report = report06.build(choice.period, agency)
    query = request.GET.copy()
    if agency is not None:
        query["co_quan"] = agency.code
    return render(
        request,
        "metrics/report06.html",
        {
            "report": report,
            "choice": choice,
            "kinds": KINDS,
            "months": range(1, 13),
            "quarters": range(1, 5),
            "agency": agency,
            "agencies": agencies,
            "province_wide": province_wide,
            "header": report06.HEADER,
            "numbers": [f"({n})" for n in range(1, report06.N_COLUMNS + 1)],
            "notes": report06.notes(report),
            "issuer": report06.issuer(agency),
            "form": report06.FORM,
            "title": report06.TITLE,
            "query": query.urlencode(),
        },
    )


@login_required
def report_xlsx(request):
    try:
        agency = _scope(request)[0]
    except PermissionDenied as exc:
        return _denied(request, exc)
    report = report06.build(choose_period(request.GET).period, agency)
    response = HttpResponse(report06.xlsx(report), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{report06.filename(report)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
