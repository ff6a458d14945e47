"""The service-quality index of Decision 766/QĐ-TTg (DOMAIN §8): six groups, 100 points.

Each sub-indicator is one `Indicator`: the set of items it counts (its denominator) and which
of them count (its numerator). The figure and the drill-down list come from the same
definition, so they cannot disagree:

* dossier indicators are two `Q` objects over `DossierFact` (one row per dossier, kept by
  `tthc.metrics.facts`): every one of them is computed by a single grouped query;
* procedure and feedback indicators build their (small) list of rows, each with the reason it
  counts or not, and the figure is the count of that list.

Readings of the Decision where DOMAIN is silent are in docs/decisions/0009-service-index.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.postgres.fields import DateTimeRangeField
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _lazy

from tthc.catalog.completeness import missing_components
from tthc.catalog.models import DecisionItem, OnlineLevel, Procedure, ProcedureVersion
from tthc.catalog.models import Status as ProcedureStatus
from tthc.dossiers.models import Channel
from tthc.dossiers.routing import with_descendants
from tthc.feedback import selectors as feedback_selectors
from tthc.feedback.models import Category as FeedbackCategory
from tthc.feedback.models import Feedback, Vote
from tthc.feedback.models import Status as FeedbackStatus
from tthc.metrics import daily
from tthc.metrics.models import DossierFact, Outcome
from tthc.org.models import Agency
from tthc.workdays.engine import VN_TZ, to_local
from tthc.workdays.selectors import calendar_for

StrOrPromise = str | Promise  # a label, translated when shown

NO_DATA = _lazy("không có dữ liệu")


# --------------------------------------------------------------------------- scope


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def low(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=VN_TZ)

    @property
    def high(self) -> datetime:
        """The end of the period: the last instant of its last day."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=VN_TZ) - timedelta(
            microseconds=1
        )

    @property
    def judged_at(self) -> datetime:
        """When the dossiers open at the period's end are judged: its end, or now while the
        period runs (nobody knows yet whether they will be late on its last day)."""
        return min(self.high, timezone.now())

    @property
    def label(self) -> str:
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"


@dataclass(frozen=True)
class Scope:
    """A period, and the agencies whose work is counted (None: the whole province)."""

    period: Period
    agency: Agency | None = None
    agency_ids: frozenset[int] | None = None

    @classmethod
    def of(cls, period: Period, agency: Agency | None = None) -> Scope:
        if agency is None:
            return cls(period)
        return cls(period, agency, frozenset(with_descendants({agency.pk})))


# --------------------------------------------------------------------------- results


@dataclass
class Figure:
    numerator: int | None
    denominator: int | None
    rate: Decimal | None  # a percentage (2.2: an average in working days)
    points: Decimal | None
    available: bool = True


@dataclass
class Item:
    """One counted thing of a drill-down list."""

    kind: str  # dossier / procedure / feedback
    key: str
    title: str
    agency: str
    counted: bool
    reason: str
    extra: dict = field(default_factory=dict)


def _round(value: Decimal | float) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: StrOrPromise
    group: str
    max_points: int
    threshold: int = 100  # percent; below it, points = rate × max / threshold
    # Points when nothing is counted (denominator 0): the Decision gives full points to the
    # feedback indicators when there was no feedback, nothing to the others.
    points_when_empty: str = "none"  # "none" or "full"
    kind: str = "dossier"  # dossier / procedure / feedback / none (the platform has no data)
    unit: str = "%"
    note: StrOrPromise = ""

    @property
    def available(self) -> bool:
        return self.kind != "none"

    def score(self, numerator: int, denominator: int) -> Figure:
        if denominator == 0:
            points = Decimal(self.max_points) if self.points_when_empty == "full" else Decimal(0)
            return Figure(numerator, denominator, None, _round(points) if self.max_points else None)
        if self.unit == "days":
            return Figure(numerator, denominator, _round(Decimal(numerator) / denominator), None)
        rate = Decimal(numerator) * 100 / denominator
        if not self.max_points:
            return Figure(numerator, denominator, _round(rate), None)
        points = min(Decimal(self.max_points), rate * self.max_points / self.threshold)
        return Figure(numerator, denominator, _round(rate), _round(points))


GROUPS: list[tuple[str, StrOrPromise, int]] = [
    ("transparency", _lazy("Công khai, minh bạch"), 18),
    ("progress", _lazy("Tiến độ giải quyết"), 20),
    ("online_service", _lazy("Dịch vụ công trực tuyến"), 12),
    ("online_payment", _lazy("Thanh toán trực tuyến"), 10),
    ("satisfaction", _lazy("Mức độ hài lòng"), 18),
    ("digitisation", _lazy("Số hóa hồ sơ"), 22),
]
GROUP_NAMES = {code: name for code, name, _ in GROUPS}

INDICATORS: list[Indicator] = [
    Indicator("1.1", _lazy("TTHC được công bố đúng hạn"), "transparency", 6, kind="procedure"),
    Indicator(
        "1.2", _lazy("TTHC được công khai trên CSDL đúng hạn"), "transparency", 4, kind="procedure"
    ),
    Indicator(
        "1.3",
        _lazy("TTHC công khai đầy đủ các bộ phận (a)–(g)"),
        "transparency",
        2,
        kind="procedure",
    ),
    Indicator(
        "1.4",
        _lazy("Hồ sơ được đồng bộ lên Cổng Dịch vụ công quốc gia"),
        "transparency",
        6,
        kind="none",
        note=_lazy("Nền tảng chưa kết nối đồng bộ với Cổng Dịch vụ công quốc gia."),
    ),
    Indicator(
        "2.1",
        _lazy("Hồ sơ giải quyết trước hạn, đúng hạn và đang giải quyết trong hạn"),
        "progress",
        20,
    ),
    Indicator(
        "2.2",
        _lazy("Thời gian giải quyết trung bình"),
        "progress",
        0,
        unit="days",
        note=_lazy("Số ngày làm việc từ tiếp nhận đến khi có kết quả, trừ thời gian bổ sung."),
    ),
    Indicator(
        "3.1",
        _lazy("TTHC cung cấp dịch vụ công trực tuyến"),
        "online_service",
        2,
        threshold=80,
        kind="procedure",
    ),
    Indicator(
        "3.2",
        _lazy("Dịch vụ công trực tuyến có phát sinh hồ sơ"),
        "online_service",
        4,
        kind="procedure",
    ),
    Indicator("3.3", _lazy("Hồ sơ nộp trực tuyến"), "online_service", 6, threshold=50),
    Indicator(
        "3.5",
        _lazy("TTHC có thu phí, lệ phí đã có hồ sơ thanh toán trực tuyến"),
        "online_payment",
        4,
        threshold=80,
        kind="procedure",
    ),
    Indicator("3.6", _lazy("Hồ sơ thanh toán trực tuyến"), "online_payment", 6),
    Indicator("4.1", _lazy("Hồ sơ có kết quả giải quyết điện tử"), "digitisation", 6),
    Indicator(
        "4.2",
        _lazy("Hồ sơ được số hóa (thành phần hồ sơ và kết quả)"),
        "digitisation",
        4,
        threshold=80,
    ),
    Indicator(
        "4.3",
        _lazy("Hồ sơ khai thác, sử dụng lại dữ liệu số hóa"),
        "digitisation",
        2,
        threshold=80,
        kind="none",
        note=_lazy("Nền tảng chưa ghi nhận việc dùng lại dữ liệu đã số hóa."),
    ),
    Indicator(
        "4.4",
        _lazy("Hồ sơ số hóa được kết nối với kho dữ liệu của người dân"),
        "digitisation",
        4,
        kind="none",
        note=_lazy("Chưa kết nối kho dữ liệu cá nhân trên Cổng Dịch vụ công quốc gia."),
    ),
    Indicator(
        "4.5",
        _lazy("Sử dụng thông tin từ Cơ sở dữ liệu quốc gia về dân cư"),
        "digitisation",
        4,
        kind="none",
        note=_lazy("Chưa kết nối Cơ sở dữ liệu quốc gia về dân cư."),
    ),
    Indicator(
        "4.6",
        _lazy("Cung cấp dịch vụ chứng thực bản sao điện tử từ bản chính"),
        "digitisation",
        2,
        kind="none",
        note=_lazy("Nền tảng chưa có dịch vụ chứng thực điện tử."),
    ),
    Indicator(
        "5.1",
        _lazy("Phản ánh, kiến nghị về quy định hành chính (trên tổng số)"),
        "satisfaction",
        0,
        kind="feedback",
    ),
    Indicator(
        "5.2",
        _lazy("Phản ánh, kiến nghị được xử lý đúng hạn"),
        "satisfaction",
        6,
        points_when_empty="full",
        kind="feedback",
    ),
    Indicator(
        "5.3",
        _lazy("Mức độ hài lòng về xử lý phản ánh, kiến nghị"),
        "satisfaction",
        6,
        points_when_empty="full",
        kind="feedback",
    ),
    Indicator("5.4", _lazy("Mức độ hài lòng về giải quyết hồ sơ"), "satisfaction", 6, threshold=90),
]
BY_CODE = {i.code: i for i in INDICATORS}

# --------------------------------------------------------------------------- dossier indicators
# Each: (the items counted, which of them count), as Q over DossierFact for a period.


def _received_in(p: Period) -> Q:
    return Q(received_at__gte=p.low, received_at__lte=p.high)


def _finished_in(p: Period) -> Q:
    return Q(finished_at__gte=p.low, finished_at__lte=p.high)


def pending_within_time(end: datetime) -> Q:
    """A dossier not finished at `end` is within time then (DOMAIN §8, 2.1): a dossier
    waiting on its only supplement request ends at the request; two requests by `end` are
    late. Shared with report 06 (`tthc.metrics.report06`)."""
    two_requests = Q(second_request_at__lte=end)
    waiting = Q(first_request_at__lte=end) & (
        Q(first_completed_at__isnull=True) | Q(first_completed_at__gt=end)
    )
    completed = Q(first_completed_at__lte=end)
    return ~two_requests & (
        (waiting & Q(first_request_at__lte=F("base_due_at")))
        | (completed & Q(due_at__gte=end))
        | (~waiting & ~completed & Q(base_due_at__gte=end))
    )


def _counted_21(p: Period) -> Q:
    """2.1 (DOMAIN §8): finished in the period early or on time; or not finished at its end
    and within time then (`pending_within_time`)."""
    end = p.judged_at
    finished = Q(finished_at__lte=end)
    return (finished & daily.COUNTED["2.1"]) | (~finished & pending_within_time(end))


def _pending(end: datetime) -> Q:
    """Received by `end`, with a deadline, not finished at `end`."""
    return Q(received_at__lte=end, base_due_at__isnull=False) & (
        Q(finished_at__isnull=True) | Q(finished_at__gt=end)
    )


def _base_21(p: Period) -> Q:
    return (_finished_in(p) & daily.BASE["2.1"]) | _pending(p.judged_at)


def _anchored(anchor: str, code: str) -> Callable[[Period], Q]:
    within = _received_in if anchor == "received" else _finished_in
    return lambda p: within(p) & daily.BASE[code]


def _always(p: Period) -> Q:
    return Q()


# The drill-down's definitions: (items counted, which of them count) per dossier indicator —
# the same Q objects as the day totals of `tthc.metrics.daily`.
DOSSIER_RULES: dict[str, tuple[Callable[[Period], Q], Callable[[Period], Q]]] = {
    "2.1": (_base_21, _counted_21),
    "2.2": (_anchored("finished", "2.2"), _always),
    "3.3": (_anchored("received", "3.3"), lambda p: daily.COUNTED["3.3"]),
    "3.6": (_anchored("received", "3.6"), lambda p: daily.COUNTED["3.6"]),
    "4.1": (_anchored("finished", "4.1"), lambda p: daily.COUNTED["4.1"]),
    "4.2": (_anchored("received", "4.2"), lambda p: daily.COUNTED["4.2"]),
}


def fact_scope(scope: Scope) -> Q:
    if scope.agency_ids is None:
        return Q()
    return Q(resolving_agency_id__in=scope.agency_ids)


ON_TIME = daily.ON_TIME


def touching(p: Period) -> Q:
    """Every dossier a period's figures can count: received by its end, not finished before
    its start (report 06 reads this set)."""
    return Q(received_at__lte=p.high) & (Q(finished_at__isnull=True) | Q(finished_at__gte=p.low))


def _finished_54(p: Period) -> Q:
    return _finished_in(p) & daily.BASE["5.4"]


class _Span(Func):
    """tstzrange(received_at, finished_at): PostgreSQL's GiST index `fact_open_span` finds the
    dossiers open at an instant without reading every one received before it."""

    function = "tstzrange"
    output_field = DateTimeRangeField()


def _pending_facts(end: datetime) -> QuerySet[DossierFact]:
    rows = DossierFact.objects.all()
    if connection.vendor == "postgresql":
        return rows.alias(span=_Span("received_at", "finished_at")).filter(
            span__contains=end, base_due_at__isnull=False
        )
    return rows.filter(_pending(end))


def _pending_aggregates(end: datetime) -> dict:
    return {"pending": Count("pk"), "pending_on_time": Count("pk", filter=pending_within_time(end))}


def complained_codes(p: Period) -> set[str]:
    """Codes of dossiers someone sent feedback about in the period."""
    return set(
        Feedback.objects.filter(submitted_at__gte=p.low, submitted_at__lte=p.high)
        .exclude(dossier_code="")
        .values_list("dossier_code", flat=True)
    )


def _complaints(p: Period, codes: set[str]) -> QuerySet[DossierFact]:
    """Dossiers of 5.4 with feedback about them and not already disliked."""
    return DossierFact.objects.filter(_finished_54(p), dossier__code__in=codes).exclude(
        satisfied=False
    )


def _figures_of(day: dict, pending: dict, complaints: int) -> dict[str, tuple[int, int]]:
    """(numerator, denominator) per indicator from the day totals, the open dossiers at the
    period end and the complaints."""
    figures = {
        "2.1": (
            day["finished_on_time"] + pending.get("pending_on_time", 0),
            day["finished_with_deadline"] + pending.get("pending", 0),
        ),
        "2.2": (day["processing_days"], day["resolved_timed"]),
        "3.3": (day["received_online"], day["received"]),
        "3.6": (day["paid_online"], day["obligations"]),
        "4.1": (day["resolved_electronic"], day["resolved"]),
        "4.2": (day["digitised"], day["with_documents"]),
    }
    total = day["finished"]
    deductions = day["finished_late"] + day["finished_disliked"] + complaints
    figures["5.4"] = (max(0, total - deductions), total)
    return figures


def dossier_figures(scope: Scope) -> dict[str, tuple[int, int]]:
    """(numerator, denominator) of every dossier indicator: one sum over the day totals, one
    count of the dossiers open at the period end, one for 5.4's complaints when there are."""
    p = scope.period
    day = daily.sums(p.start, p.end, scope.agency_ids)
    pending = (
        _pending_facts(p.judged_at)
        .filter(fact_scope(scope))
        .aggregate(**_pending_aggregates(p.judged_at))
    )
    codes = complained_codes(p)
    complaints = _complaints(p, codes).filter(fact_scope(scope)).count() if codes else 0
    return _figures_of(day, pending, complaints)


def dossier_figures_by_agency(period: Period) -> dict[int, dict[str, tuple[int, int]]]:
    """The same for every resolving agency at once (grouped queries): the rankings."""
    days = daily.sums(period.start, period.end, by_agency=True)
    pending = {
        row.pop("resolving_agency_id"): row
        for row in _pending_facts(period.judged_at)
        .values("resolving_agency_id")
        .annotate(**_pending_aggregates(period.judged_at))
        .order_by()
    }
    codes = complained_codes(period)
    complaints: dict[int, int] = {}
    if codes:
        complaints = dict(
            _complaints(period, codes)
            .values_list("resolving_agency_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
    empty_day = dict.fromkeys(daily.COLUMNS, 0)
    return {
        agency: _figures_of(
            days.get(agency, empty_day), pending.get(agency, {}), complaints.get(agency, 0)
        )
        for agency in set(days) | set(pending)
    }


def add_figures(parts: Iterable[dict[str, tuple[int, int]]]) -> dict[str, tuple[int, int]]:
    total: dict[str, list[int]] = {}
    for part in parts:
        for code, (n, d) in part.items():
            cell = total.setdefault(code, [0, 0])
            cell[0] += n
            cell[1] += d
    return {code: (n, d) for code, (n, d) in total.items()}


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0))


def dossier_items(scope: Scope, code: str) -> QuerySet[DossierFact]:
    """The drill-down of a dossier indicator: the facts it counts, each annotated with
    `deductions` (5.4: how many of its terms the dossier falls in) and `counted`."""
    p = scope.period
    rows = DossierFact.objects.filter(fact_scope(scope))
    if code == "5.4":
        codes = complained_codes(p)
        complained = Q(dossier__code__in=codes) if codes else Q(pk__in=[])
        rows = rows.filter(_finished_54(p)).annotate(
            late=_flag(daily.LATE),
            unhappy=_flag(Q(satisfied=False) | complained),
            deductions=F("late") + F("unhappy"),
            counted=Case(
                When(~daily.LATE & ~Q(satisfied=False) & ~complained, then=True),
                default=False,
                output_field=BooleanField(),
            ),
        )
    else:
        base, counted = DOSSIER_RULES[code]
        condition = counted(p)
        rows = rows.filter(base(p)).annotate(
            # 2.2 counts every item of its list (an empty Q, which When() refuses).
            counted=Case(
                When(condition, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
            if condition
            else Value(True, output_field=BooleanField())
        )
    return rows.select_related("dossier", "procedure", "resolving_agency").order_by(
        "counted", "-received_at", "pk"
    )


def _d(moment) -> str:
    return f"{to_local(moment):%d/%m/%Y}" if moment else ""


def dossier_reason(fact: DossierFact, code: str, period: Period) -> str:
    """Why the dossier counts (or not) in the indicator, in the words of a control officer."""
    end = period.judged_at
    if code in ("2.1", "5.4"):
        finished = fact.finished_at is not None and fact.finished_at <= end
        if finished:
            if fact.outcome == Outcome.LATE:
                if fact.supplement_requests > 1:
                    text = f"bổ sung {fact.supplement_requests} lần (tính là trễ hạn)"
                else:
                    text = f"trễ hạn {fact.late_days} ngày làm việc"
            else:
                text = str(Outcome(fact.outcome).label) if fact.outcome else "không có hạn"
            text = f"Đã giải quyết {_d(fact.finished_at)}: {text}"
        elif fact.second_request_at and fact.second_request_at <= end:
            text = "Đang giải quyết: yêu cầu bổ sung 2 lần (tính là trễ hạn)"
        elif (
            fact.first_request_at
            and fact.first_request_at <= end
            and (fact.first_completed_at is None or fact.first_completed_at > end)
        ):
            within = fact.first_request_at <= fact.base_due_at
            text = f"Chờ bổ sung từ {_d(fact.first_request_at)}: tính đến ngày yêu cầu, " + (
                "còn trong hạn" if within else "đã quá hạn"
            )
        else:
            due = (
                fact.due_at
                if fact.first_completed_at and fact.first_completed_at <= end
                else (fact.base_due_at)
            )
            within = due is not None and due >= end
            text = f"Chưa giải quyết xong đến cuối kỳ, hạn {_d(due)}: " + (
                "còn trong hạn" if within else "quá hạn"
            )
        if code == "5.4":
            extra = []
            if fact.satisfied is False:
                extra.append("người dân không hài lòng")
            if getattr(fact, "unhappy", 0) and fact.satisfied is not False:
                extra.append("có phản ánh, kiến nghị về hồ sơ")
            if extra:
                text += "; " + "; ".join(extra)
        return text
    if code == "2.2":
        return f"{fact.processing_days} ngày làm việc"
    if code == "3.3":
        return str(Channel(fact.channel).label)
    if code == "3.6":
        return "Đã thanh toán trực tuyến" if fact.paid_online else "Chưa thanh toán trực tuyến"
    if code == "4.1":
        return "Có kết quả điện tử" if fact.electronic_result else "Chỉ có kết quả giấy"
    if code == "4.2":
        text = f"Số hóa {fact.documents_digitised}/{fact.documents} giấy tờ"
        if fact.resolved:
            text += "; kết quả điện tử" if fact.electronic_result else "; kết quả chưa số hóa"
        return text
    return ""


# --------------------------------------------------------------------------- procedures


def scope_procedures(scope: Scope) -> QuerySet[Procedure]:
    rows = Procedure.objects.exclude(status=ProcedureStatus.ABOLISHED)
    if scope.agency_ids is not None:
        rows = rows.filter(agency_links__agency_id__in=scope.agency_ids).distinct()
    return rows


def _working_days_back(calendar, day: date, count: int) -> date:
    for _ in range(count):
        day -= timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
    return day


def _decision_items(scope: Scope) -> QuerySet[DecisionItem]:
    p = scope.period
    return (
        DecisionItem.objects.filter(
            decision__signed_on__gte=p.start,
            decision__signed_on__lte=p.end,
            procedure__in=scope_procedures(scope),
        )
        .select_related("decision", "procedure")
        .order_by("decision__signed_on", "procedure__code")
    )


def _items_11(scope: Scope) -> list[Item]:
    """1.1: a decision signed at least 5 working days before its legal basis takes effect."""
    calendar = calendar_for(None)
    items = []
    for row in _decision_items(scope):
        effective = row.effective_on or row.decision.effective_on
        signed = row.decision.signed_on
        if effective is None:
            counted, reason = False, "Không có ngày hiệu lực của văn bản quy định"
        else:
            latest = _working_days_back(calendar, effective, 5)
            counted = signed <= latest
            reason = (
                f"Quyết định {row.decision.number} ngày {signed:%d/%m/%Y}; văn bản có hiệu lực "
                f"{effective:%d/%m/%Y}, hạn công bố {latest:%d/%m/%Y}: "
                + ("đúng hạn" if counted else "chậm")
            )
        items.append(_procedure_item(row.procedure, counted, reason))
    return items


def _items_12(scope: Scope) -> list[Item]:
    """1.2: on the catalog within 5 working days after the decision was signed."""
    calendar = calendar_for(None)
    rows = list(_decision_items(scope))
    published = {
        (v.procedure_id, v.decision_id): v.created_at
        for v in ProcedureVersion.objects.filter(
            decision_id__in={r.decision_id for r in rows}
        ).only("procedure_id", "decision_id", "created_at")
    }
    items = []
    for row in rows:
        signed = row.decision.signed_on
        latest = calendar.add_working_days(signed, 5)
        at = published.get((row.procedure_id, row.decision_id))
        if at is None:
            counted, reason = False, f"Chưa cập nhật lên CSDL (hạn {latest:%d/%m/%Y})"
        else:
            day = to_local(at).date()
            counted = day <= latest
            reason = (
                f"Quyết định ngày {signed:%d/%m/%Y}, cập nhật ngày {day:%d/%m/%Y} "
                f"(hạn {latest:%d/%m/%Y}): " + ("đúng hạn" if counted else "chậm")
            )
        items.append(_procedure_item(row.procedure, counted, reason))
    return items


def _items_13(scope: Scope) -> list[Item]:
    rows = (
        scope_procedures(scope)
        .select_related("current_version")
        # Only what the item and the check read: not the search text, nor the other JSON.
        .only("code", "name", "current_version__data")
        .annotate(
            linked=Exists(Procedure.agencies.through.objects.filter(procedure=OuterRef("pk")))
        )
        .order_by("code")
    )
    items = []
    for procedure in rows:
        data = procedure.current_version.data if procedure.current_version else {}
        missing = missing_components(data, has_linked_agency=procedure.linked)
        reason = "Đầy đủ (a)–(g)" if not missing else "Thiếu: " + ", ".join(missing)
        items.append(_procedure_item(procedure, not missing, reason))
    return items


ONLINE = (OnlineLevel.FULL, OnlineLevel.PARTIAL)


def _items_31(scope: Scope) -> list[Item]:
    return [
        _procedure_item(
            p,
            p.online_level in ONLINE,
            str(OnlineLevel(p.online_level).label)
            if p.online_level in ONLINE
            else "Chưa cung cấp trực tuyến",
        )
        for p in scope_procedures(scope).only("code", "name", "online_level").order_by("code")
    ]


def _has_fact(scope: Scope, **conditions) -> Exists:
    """Whether the procedure has a dossier received in the period (with these conditions): one
    probe of a partial index (`fact_online_procedure`, `fact_fee_procedure`, …) per procedure."""
    p = scope.period
    return Exists(
        DossierFact.objects.filter(
            fact_scope(scope),
            procedure=OuterRef("pk"),
            received_at__gte=p.low,
            received_at__lte=p.high,
            **conditions,
        )
    )


def _items_32(scope: Scope) -> list[Item]:
    procedures = (
        scope_procedures(scope)
        .filter(online_level__in=ONLINE)
        .annotate(used=_has_fact(scope, channel=Channel.ONLINE))
        .only("code", "name")
        .order_by("code")
    )
    return [
        _procedure_item(
            p, p.used, "Có hồ sơ nộp trực tuyến trong kỳ" if p.used else "Không có hồ sơ trực tuyến"
        )
        for p in procedures
    ]


def _items_35(scope: Scope) -> list[Item]:
    procedures = (
        scope_procedures(scope)
        .annotate(
            charged=_has_fact(scope, financial_obligation=True),
            paid=_has_fact(scope, paid_online=True),
        )
        .filter(charged=True)
        .only("code", "name")
        .order_by("code")
    )
    return [
        _procedure_item(
            p,
            p.paid,
            "Có hồ sơ thanh toán phí, lệ phí trực tuyến trong kỳ"
            if p.paid
            else "Có hồ sơ phải nộp phí, lệ phí nhưng chưa hồ sơ nào thanh toán trực tuyến",
        )
        for p in procedures
    ]


def _procedure_item(procedure: Procedure, counted: bool, reason: str) -> Item:
    return Item("procedure", procedure.code, procedure.name, "", counted, reason)


# --------------------------------------------------------------------------- feedback


def _feedback(scope: Scope) -> QuerySet[Feedback]:
    p = scope.period
    rows = Feedback.objects.filter(submitted_at__gte=p.low, submitted_at__lte=p.high)
    if scope.agency_ids is not None:
        rows = rows.filter(agency_id__in=scope.agency_ids)
    return rows.select_related("agency").order_by("submitted_at", "pk")


def _feedback_rows(scope: Scope) -> list[dict]:
    """Each feedback of the period with the terms of DOMAIN §6's satisfaction rate it falls
    in: overdue (a limit missed, or running and passed at the period end), majority-dislike,
    repeated."""
    when = scope.period.judged_at
    rows = _feedback(scope).annotate(
        likes=Count("votes", filter=Q(votes__value=Vote.LIKE)),
        dislikes=Count("votes", filter=Q(votes__value=Vote.DISLIKE)),
        repeated=Exists(Feedback.objects.filter(repeat_of=OuterRef("pk"))),
    )
    running_over = set(
        _feedback(scope).filter(feedback_selectors.overdue_q(when)).values_list("pk", flat=True)
    )
    result = []
    for f in rows:
        overdue = bool(f.late_limits) or f.pk in running_over
        disliked = f.status == FeedbackStatus.PUBLISHED and f.dislikes > f.likes
        result.append(
            {"feedback": f, "overdue": overdue, "disliked": disliked, "repeated": f.repeated}
        )
    return result


def _feedback_item(row: dict, counted: bool, reason: str) -> Item:
    f = row["feedback"]
    return Item("feedback", f.code, f.title, f.agency.name, counted, reason)


def _items_51(scope: Scope, rows: list[dict] | None = None) -> list[Item]:
    return [
        _feedback_item(
            r,
            r["feedback"].category == FeedbackCategory.REGULATION,
            str(FeedbackCategory(r["feedback"].category).label),
        )
        for r in (_feedback_rows(scope) if rows is None else rows)
    ]


def _items_52(scope: Scope, rows: list[dict] | None = None) -> list[Item]:
    return [
        _feedback_item(r, not r["overdue"], "Quá hạn xử lý" if r["overdue"] else "Đúng hạn")
        for r in (_feedback_rows(scope) if rows is None else rows)
    ]


def _items_53(scope: Scope, rows: list[dict] | None = None) -> list[Item]:
    items = []
    for r in _feedback_rows(scope) if rows is None else rows:
        terms = [
            label
            for flag, label in (
                ("overdue", "quá hạn"),
                ("disliked", "đa số không đồng tình với câu trả lời"),
                ("repeated", "bị phản ánh lại về cùng kết quả"),
            )
            if r[flag]
        ]
        item = _feedback_item(r, not terms, "Hài lòng" if not terms else "Trừ: " + "; ".join(terms))
        item.extra["deductions"] = len(terms)
        items.append(item)
    return items


ITEM_BUILDERS: dict[str, Callable[..., list[Item]]] = {
    "1.1": _items_11,
    "1.2": _items_12,
    "1.3": _items_13,
    "3.1": _items_31,
    "3.2": _items_32,
    "3.5": _items_35,
    "5.1": _items_51,
    "5.2": _items_52,
    "5.3": _items_53,
}


def listed_figure(code: str, items: list[Item]) -> tuple[int, int]:
    """(numerator, denominator) of a listed indicator: the counted items — for 5.3, the total
    less every term an item falls in, as DOMAIN §6's formula subtracts them."""
    if code == "5.3":
        return max(0, len(items) - sum(i.extra["deductions"] for i in items)), len(items)
    return sum(1 for i in items if i.counted), len(items)


# --------------------------------------------------------------------------- the index


@dataclass
class IndicatorResult:
    indicator: Indicator
    figure: Figure


@dataclass
class GroupResult:
    code: str
    name: StrOrPromise
    max_points: int
    indicators: list[IndicatorResult]

    @property
    def points(self) -> Decimal:
        return _round(sum((r.figure.points or 0 for r in self.indicators), Decimal(0)))


@dataclass
class IndexResult:
    scope: Scope
    groups: list[GroupResult]

    @property
    def total_points(self) -> Decimal:
        return _round(sum((g.points for g in self.groups), Decimal(0)))

    max_points: int = 100

    def indicator(self, code: str) -> IndicatorResult:
        return next(r for g in self.groups for r in g.indicators if r.indicator.code == code)


def assemble(scope: Scope, dossier: dict[str, tuple[int, int]]) -> IndexResult:
    groups = []
    feedback = None
    for code, name, max_points in GROUPS:
        results = []
        for indicator in (i for i in INDICATORS if i.group == code):
            if indicator.kind == "none":
                figure = Figure(None, None, None, None, available=False)
            elif indicator.kind == "dossier":
                figure = indicator.score(*dossier[indicator.code])
            elif indicator.kind == "feedback":
                if feedback is None:
                    feedback = _feedback_rows(scope)  # read once for 5.1–5.3
                items = ITEM_BUILDERS[indicator.code](scope, feedback)
                figure = indicator.score(*listed_figure(indicator.code, items))
            else:
                items = ITEM_BUILDERS[indicator.code](scope)
                figure = indicator.score(*listed_figure(indicator.code, items))
            results.append(IndicatorResult(indicator, figure))
        groups.append(GroupResult(code, name, max_points, results))
    return IndexResult(scope, groups)


def compute(scope: Scope) -> IndexResult:
    """The whole index of a scope (province, agency or commune, any period)."""
    return assemble(scope, dossier_figures(scope))


def items(scope: Scope, code: str) -> list[Item] | QuerySet[DossierFact]:
    """The drill-down of one indicator (a queryset for dossier indicators: paginate it)."""
    indicator = BY_CODE[code]
    if indicator.kind == "dossier":
        return dossier_items(scope, code)
    if indicator.kind == "none":
        return []
    return ITEM_BUILDERS[code](scope)
