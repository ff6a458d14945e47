"""The period and agency of an index 766 request, read from the API's `from`/`to`/`agency` and
from the staff page's picker (month, quarter, year, or a range in dd/mm/yyyy), with one set of
bounds and Vietnamese messages for both."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tthc.core.dates import parse_date
from tthc.core.errors import NotFound, ValidationError
from tthc.metrics.index import Period
from tthc.org.models import Agency

# The index reads facts of dossiers, which exist from the platform's start: dates far outside
# are typing errors (and 9999-12-31 + 1 day would not be a date at all).
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2100, 12, 31)
MAX_YEARS = 5
MAX_DAYS = 365 * MAX_YEARS + 2  # five years, with their leap days

KINDS = ("thang", "quy", "nam", "khoang")
ROMAN = ("I", "II", "III", "IV")
KIND_LABELS = {
    "thang": _lazy("Tháng"),
    "quy": _lazy("Quý"),
    "nam": _lazy("Năm"),
    "khoang": _lazy("Từ ngày – đến ngày"),
}


def iso_date(value: str, field: str) -> date:
    """`YYYY-MM-DD`, inside the bounds, else a 422 naming the parameter."""
    text = (value or "").strip()
    try:
        day = (
            datetime.strptime(text, "%Y-%m-%d").date()
            if len(text) == 10 and text.isascii()
            else None
        )
    except ValueError:
        day = None
    if day is None:
        raise ValidationError(
            _("Ngày '%(field)s' không hợp lệ: cần dạng YYYY-MM-DD, ví dụ 2025-01-31.")
            % {"field": field},
            field=field,
        )
    return _bounded(day, field)


def _bounded(day: date, field: str) -> date:
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValidationError(
            _("Ngày '%(field)s' phải trong khoảng %(low)s – %(high)s.")
            % {"field": field, "low": f"{MIN_DATE:%d/%m/%Y}", "high": f"{MAX_DATE:%d/%m/%Y}"},
            field=field,
        )
    return day


def period(start: date, end: date, *, end_field: str = "to") -> Period:
    if start > end:
        raise ValidationError(
            _("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."), field=end_field
        )
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError(
            _("Khoảng thời gian dài nhất là %(years)s năm: hãy chọn khoảng ngắn hơn.")
            % {"years": MAX_YEARS},
            field=end_field,
        )
    return Period(start, end)


def agency(code: str | None) -> Agency | None:
    """The agency of this code (None for the province), or a 404."""
    code = (code or "").strip()
    if not code:
        return None
    found = Agency.objects.filter(code=code[:40]).first() if len(code) <= 40 else None
    if found is None:
        raise NotFound(
            _("Không tìm thấy cơ quan có mã '%(code)s'.") % {"code": code[:60]}, field="agency"
        )
    return found


# --------------------------------------------------------------------------- the staff picker


@dataclass(frozen=True)
class PeriodChoice:
    """What the picker shows and the period it means."""

    kind: str
    year: int
    month: int
    quarter: int
    start: date
    end: date

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)

    @property
    def label(self) -> str:
        if self.kind == "thang":
            return _("Tháng %(month)s/%(year)s") % {"month": f"{self.month:02d}", "year": self.year}
        if self.kind == "quy":
            return _("Quý %(quarter)s năm %(year)s") % {
                "quarter": ROMAN[self.quarter - 1],
                "year": self.year,
            }
        if self.kind == "nam":
            return _("Năm %(year)s") % {"year": self.year}
        return _("Từ %(start)s đến %(end)s") % {
            "start": f"{self.start:%d/%m/%Y}",
            "end": f"{self.end:%d/%m/%Y}",
        }

    def query(self) -> dict[str, str]:
        """The picker's parameters, to carry into links."""
        params = {"ky": self.kind, "nam": str(self.year)}
        if self.kind == "thang":
            params["thang"] = str(self.month)
        elif self.kind == "quy":
            params["quy"] = str(self.quarter)
        elif self.kind == "khoang":
            params["tu"] = f"{self.start:%d/%m/%Y}"
            params["den"] = f"{self.end:%d/%m/%Y}"
        return params


def _int(value, low: int, high: int) -> int | None:
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 4:
        return None
    number = int(text)
    return number if low <= number <= high else None


def choose(params, today: date) -> tuple[PeriodChoice, str]:
    """The period the picker asks for, and a message when its input could not be used (then
    the current month is shown, never a 500)."""
    kind = params.get("ky") or "thang"
    year = _int(params.get("nam"), MIN_DATE.year, MAX_DATE.year)
    default = _month(today.year, today.month)
    if kind not in KINDS:
        return default, _("Loại kỳ không hợp lệ: đang xem tháng hiện tại.")
    if kind == "khoang":
        start, end = parse_date(params.get("tu")), parse_date(params.get("den"))
        if start is None or end is None:
            return default, _("Nhập ngày bắt đầu và ngày kết thúc dạng dd/mm/yyyy.")
        try:
            _bounded(start, "tu")
            _bounded(end, "den")
            period(start, end, end_field="den")
        except ValidationError as exc:
            return default, exc.message
        return PeriodChoice(
            "khoang", start.year, start.month, (start.month - 1) // 3 + 1, start, end
        ), ""
    if year is None:
        if params.get("nam"):
            return default, _("Năm không hợp lệ: đang xem tháng hiện tại.")
        year = today.year
    if kind == "nam":
        return PeriodChoice("nam", year, 1, 1, date(year, 1, 1), date(year, 12, 31)), ""
    if kind == "quy":
        quarter = _int(params.get("quy"), 1, 4)
        if quarter is None:
            if params.get("quy"):
                return default, _("Quý không hợp lệ: đang xem tháng hiện tại.")
            quarter = (today.month - 1) // 3 + 1
        first = 3 * quarter - 2
        last = date(year, first + 2, monthrange(year, first + 2)[1])
        return PeriodChoice("quy", year, first, quarter, date(year, first, 1), last), ""
    month = _int(params.get("thang"), 1, 12)
    if month is None:
        if params.get("thang"):
            return default, _("Tháng không hợp lệ: đang xem tháng hiện tại.")
        month = today.month
    return _month(year, month), ""


def _month(year: int, month: int) -> PeriodChoice:
    last = date(year, month, monthrange(year, month)[1])
    return PeriodChoice("thang", year, month, (month - 1) // 3 + 1, date(year, month, 1), last)
