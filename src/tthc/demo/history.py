"""A year of realistic history for the demo province (issue 14, point 8): one-stop dossiers and
feedback (PAKN) over the last 12 months, so that the index 766, report 06 and the public late
lists show meaningful figures on a fresh `make run`.

How it is built
---------------
1. A *plan* per dossier (`DossierPlan`): the procedure, resolving agency and desk (as
   `dossiers.routing` offers them), the channel, the applicant, the checklist and the steps —
   each step an action of `dossiers.transitions` at a moment, done by a role (the desk's
   reception officer, a specialist or the leader of the resolving agency) with the note and
   the event data **exactly as the service of that action writes them**. Times are drawn in
   office hours of the real calendar (`workdays`: Tết, moved days…), and the deadline is the
   real engine's (`workdays.engine.compute_deadline`, with the dossier's supplement pauses),
   so "late" is late by the engine's classification.
2. The plans become rows (`dossier_rows`): the status, deadline, appointment and step are
   folded from the steps as the services derive them; steps after now are not written (the
   dossiers of the last weeks are still open: within time, due soon, overdue, waiting on a
   supplement). Rows are written with `bulk_create`: thousands of dossiers in seconds, and the
   same row logic serves the benchmark's million.
3. Feedback plans the same way (`FeedbackPlan`), folded with the feedback app's own deadline
   functions (`feedback.deadlines`) and limit bookkeeping (`feedback.services.MEETS`).

`tests/demo/test_history.py` replays one plan of every scenario through the real services
(under `time_machine`) and checks the events, status and deadlines are the same.

Idempotent: nothing is added when a dossier code counter exists for a day of the period (the
history, or real intake on those days, is already there), nor feedback when some was sent
before today. Codes follow the dossier code rule and the counters are set to the last number
issued, so later intake on those days continues the sequence.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tthc.catalog.models import OnlineLevel, Procedure
from tthc.catalog.models import Status as ProcedureStatus
from tthc.core import lookupcode
from tthc.core.text import fold, normalize_space
from tthc.dossiers import codes, deadlines, routing, selectors
from tthc.dossiers.models import (
    Applicant,
    ApplicantKind,
    Channel,
    DocumentForm,
    Dossier,
    DossierAgency,
    DossierCodeCounter,
    DossierDocument,
    DossierEvent,
    EventAttachment,
    Involvement,
    Notification,
    NotificationChannel,
    NotificationStatus,
    ProcessStep,
    SatisfactionRating,
    Status,
)
from tthc.dossiers.notifications import KINDS as NOTIFYING
from tthc.dossiers.personal import ApplicantInput
from tthc.dossiers.transitions import Action, target
from tthc.org.models import Agency, AgencyKind, Membership, Role, UnitLevel
from tthc.workdays.engine import VN_TZ, OfficeHours, Pause, Unit, classify_finish, compute_deadline
from tthc.workdays.selectors import calendar_for

DEFAULT_DAYS = 365
DEFAULT_PER_DAY = 16  # dossiers per working day, province-wide
DEFAULT_SEED = 766
FEEDBACK_PER_DAY = 1.2  # feedback items per working day

DESK, SPECIALIST, LEADER, CONTROL, APPLICANT = "desk", "specialist", "leader", "control", ""

# How much worse (or better) than the province each agency does: the share of dossiers
# resolved late, of feedback answered late, of digitised counter files. Keyed by agency code;
# agencies not named get the province's rates.
LATE_RATE = 0.045
AGENCY_QUALITY = {
    "000.00.07.H26": {"late": 0.16, "feedback_late": 0.30, "digitised": 0.25},  # Sở Xây dựng
    "000.00.30.H26": {"late": 0.18, "feedback_late": 0.35, "digitised": 0.15},  # xã Ba Vì
    "000.00.29.H26": {"late": 0.13, "feedback_late": 0.25, "digitised": 0.20},  # xã Hương Sơn
    "000.00.00.H26": {"late": 0.08},  # UBND Thành phố (liên ngành, nhiều bước)
    "000.00.03.H26": {"late": 0.04, "digitised": 0.70},  # Sở Tư pháp
    "000.00.21.H26": {"late": 0.02, "feedback_late": 0.03, "digitised": 0.80},  # Hoàn Kiếm
    "000.00.23.H26": {"late": 0.03, "digitised": 0.65},  # Ba Đình
}
# Dossiers per agency relative to the others (population, business activity).
AGENCY_VOLUME = {
    "000.00.21.H26": 1.3,
    "000.00.22.H26": 1.0,
    "000.00.23.H26": 1.2,
    "000.00.24.H26": 0.9,
    "000.00.25.H26": 1.0,
    "000.00.26.H26": 1.1,
    "000.00.27.H26": 0.5,
    "000.00.28.H26": 0.8,
    "000.00.29.H26": 0.6,
    "000.00.30.H26": 0.8,
}
# Procedures everybody needs (certified copies, civil status) come far more often.
POPULAR = {"2.000908": 10.0, "1.001193": 6.0, "2.000528": 1.5, "1.000894": 3.0, "1.000656": 3.0}

# A tiny valid PDF: every digitised document and electronic result of the history points to
# this one stored file (disk use stays a few hundred bytes).
SAMPLE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
SAMPLE_DOCUMENT = "dossiers/documents/mau/ban-so-hoa-mau.pdf"
SAMPLE_RESULT = "dossiers/events/mau/ket-qua-dien-tu-mau.pdf"


# --------------------------------------------------------------------------- fake people

FAMILY = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trịnh Mai Tạ"
MIDDLE_M = "Văn Đức Minh Quang Hữu Thành Công Xuân Ngọc Gia"
MIDDLE_F = "Thị Thu Ngọc Thanh Minh Phương Hồng Kim Bích Mai"
GIVEN_M = (
    "An Bình Cường Dũng Hải Hùng Khang Khánh Long Nam Phong Quân Sơn Tâm Thắng Trung Tuấn Việt"
)
GIVEN_F = "Anh Chi Dung Giang Hà Hạnh Hoa Hương Lan Linh Loan Mai Ngân Nhung Oanh Phương Thảo Trang"
STREETS = {
    "000.00.21.H26": ["phố Hàng Bông", "phố Hàng Gai", "phố Lý Thái Tổ", "phố Hàng Bạc"],
    "000.00.22.H26": [
        "phố Bà Triệu",
        "phố Hai Bà Trưng",
        "phố Trần Hưng Đạo",
        "phố Lý Thường Kiệt",
    ],
    "000.00.23.H26": ["phố Đội Cấn", "phố Liễu Giai", "phố Quán Thánh", "phố Phan Đình Phùng"],
    "000.00.24.H26": ["phố Ngọc Hà", "phố Hoàng Hoa Thám", "phố Đội Cấn", "phố Văn Cao"],
    "000.00.25.H26": ["phố Giảng Võ", "phố Kim Mã", "phố Cát Linh", "phố Huỳnh Thúc Kháng"],
    "000.00.26.H26": ["phố Phúc Tân", "phố Chương Dương Độ", "đường Bạch Đằng", "phố Hàng Muối"],
    "000.00.27.H26": ["thôn Giang Cao", "thôn Kim Lan", "thôn Văn Đức", "thôn Bát Tràng"],
    "000.00.28.H26": ["thôn Thượng Hội", "thôn Đại Phùng", "thôn Phương Đình", "thôn Hạ Hội"],
    "000.00.29.H26": ["thôn Hội Xá", "thôn Phú Yên", "thôn Đục Khê", "thôn Yến Vĩ"],
    "000.00.30.H26": ["thôn Yên Bồ", "thôn Mít", "thôn Hợp Nhất", "thôn Đồng Sổ"],
}
COMPANY = [
    "Công ty TNHH Xây dựng Thăng Long",
    "Công ty cổ phần Tư vấn thiết kế Sông Hồng",
    "Công ty TNHH Thương mại Hồ Gươm",
    "Công ty cổ phần Đầu tư Ba Vì Xanh",
    "Văn phòng luật sư Minh Khai",
    "Công ty TNHH Gốm sứ Bát Tràng Việt",
    "Công ty cổ phần Kiến trúc Đông Dương",
    "Hợp tác xã Nông nghiệp Đan Phượng",
]


def _words(text: str) -> list[str]:
    return text.split()


@dataclass(frozen=True)
class Person:
    name: str
    female: bool


def fake_person(rng: random.Random) -> Person:
    female = rng.random() < 0.5
    middle = rng.choice(_words(MIDDLE_F if female else MIDDLE_M))
    given = rng.choice(_words(GIVEN_F if female else GIVEN_M))
    return Person(f"{rng.choice(_words(FAMILY))} {middle} {given}", female)


def fake_citizen_id(rng: random.Random, birth: date, female: bool) -> str:
    """A 12-digit number of the right shape (Hà Nội, century/sex, birth year) whose last six
    digits start with 99: a series kept for samples, never a real person's number."""
    century = (birth.year // 100 - 19) * 2 + (1 if female else 0)
    return f"001{century}{birth.year % 100:02d}99{rng.randrange(10_000):04d}"


def fake_phone(rng: random.Random) -> str:
    return f"0900{rng.randrange(1_000_000):06d}"


def fake_address(rng: random.Random, agency_code: str, unit_name: str) -> str:
    streets = STREETS.get(agency_code) or [s for v in STREETS.values() for s in v]
    return f"Số {rng.randint(1, 199)} {rng.choice(streets)}, {unit_name}, Thành phố Hà Nội"


def fake_applicant(rng: random.Random, *, today: date, home: Agency, organisation: bool):
    unit = home.unit.name if home.unit_id else "Thành phố Hà Nội"
    address = fake_address(rng, home.code, unit)
    if organisation:
        person = fake_person(rng)
        return ApplicantInput(
            kind=ApplicantKind.ORGANISATION,
            organisation_name=rng.choice(COMPANY),
            tax_code=f"0199{rng.randrange(1_000_000):06d}",
            representative=person.name,
            phone=fake_phone(rng),
            email=f"lienhe{rng.randrange(10_000)}@example.com",
            address=address,
        )
    person = fake_person(rng)
    birth = date(today.year - rng.randint(18, 80), rng.randint(1, 12), rng.randint(1, 28))
    email = ""
    if rng.random() < 0.55:
        email = f"{fold(person.name).replace(' ', '.')}{rng.randrange(1000)}@example.com"
    return ApplicantInput(
        full_name=person.name,
        citizen_id=fake_citizen_id(rng, birth, person.female),
        date_of_birth=birth,
        phone=fake_phone(rng),
        email=email,
        address=address,
    )


# --------------------------------------------------------------------------- notes

SUPPLEMENT_REASONS = [
    "Bản sao giấy tờ không rõ nét, đề nghị nộp bản chụp rõ hoặc bản sao chứng thực.",
    "Tờ khai còn thiếu chữ ký của người yêu cầu và thông tin nơi cư trú.",
    "Thông tin trong tờ khai chưa khớp với giấy tờ tùy thân, đề nghị điều chỉnh.",
    "Thiếu văn bản ủy quyền của người có yêu cầu.",
    "Hồ sơ thiếu bản vẽ, sơ đồ theo mẫu quy định.",
]
COMPLETION_REASONS = [
    "Tệp đính kèm không đọc được, đề nghị tải lại bản quét rõ nét.",
    "Chưa đính kèm giấy tờ bắt buộc theo thành phần hồ sơ.",
]
REFUSE_REASONS = [
    "Thủ tục không thuộc thẩm quyền giải quyết của cơ quan đã chọn.",
    "Hồ sơ nộp trùng với hồ sơ đã tiếp nhận trước đó.",
    "Người nộp không bổ sung, hoàn thiện hồ sơ theo yêu cầu.",
]
WITHDRAW_REASONS = [
    "Người nộp có đơn xin rút hồ sơ để bổ sung thông tin.",
    "Người nộp không còn nhu cầu giải quyết.",
]
STOP_REASONS = ["Quá thời hạn bổ sung, người nộp không bổ sung hồ sơ theo yêu cầu."]
APOLOGY_REASONS = [
    "Hồ sơ cần xác minh thêm với cơ quan liên quan nên chưa kịp trả kết quả đúng hẹn.",
    "Số lượng hồ sơ tăng đột biến, cơ quan xin lỗi và hẹn lại ngày trả kết quả.",
    "Hệ thống phần mềm gặp sự cố trong ngày hẹn, cơ quan xin lỗi ông/bà.",
]
UNSATISFIED = [
    "Chờ đợi lâu hơn ngày hẹn, không được thông báo trước.",
    "Phải đi lại nhiều lần để bổ sung giấy tờ.",
    "Cán bộ hướng dẫn chưa rõ ràng.",
]
SATISFIED = ["Cán bộ hướng dẫn nhiệt tình.", "Trả kết quả sớm hơn hẹn.", ""]


# --------------------------------------------------------------------------- time


@dataclass
class Clock:
    """Office-hour moments on one agency's working calendar."""

    calendar: object
    hours: OfficeHours

    def minutes(self, day: date) -> list[tuple[datetime, datetime]]:
        h = self.hours
        return [
            (
                datetime.combine(day, h.morning_start, VN_TZ),
                datetime.combine(day, h.morning_end, VN_TZ),
            ),
            (
                datetime.combine(day, h.afternoon_start, VN_TZ),
                datetime.combine(day, h.afternoon_end, VN_TZ),
            ),
        ]

    def closing(self, day: date) -> datetime:
        return datetime.combine(day, self.hours.afternoon_end, VN_TZ)

    def working_day(self, day: date) -> date:
        return self.calendar.working_day_on_or_after(day)

    def add_days(self, day: date, count: int) -> date:
        return self.calendar.add_working_days(day, count) if count else self.working_day(day)

    def between(self, rng: random.Random, lo: datetime, hi: datetime) -> datetime:
        """A random office moment strictly after `lo` and not after `hi` (a minute after `lo`
        when office hours leave no room)."""
        lo, hi = lo.astimezone(VN_TZ), hi.astimezone(VN_TZ)
        options = []
        day = lo.date()
        while day <= hi.date() and len(options) < 40:
            if self.calendar.is_working_day(day):
                for start, end in self.minutes(day):
                    start, end = max(start, lo + timedelta(minutes=1)), min(end, hi)
                    if start < end:
                        options.append((start, end))
            day += timedelta(days=1)
        if not options:
            return lo + timedelta(minutes=1)
        start, end = rng.choice(options)
        return start + timedelta(seconds=rng.randrange(int((end - start).total_seconds())))

    def after(self, rng: random.Random, moment: datetime, working_days: int) -> datetime:
        """An office moment `working_days` working days after `moment` (0: later that day if
        office hours allow, else the next working day)."""
        local = moment.astimezone(VN_TZ)
        day = self.add_days(local.date(), working_days) if working_days else local.date()
        lo = local if not working_days else max(local, datetime.combine(day, time(0), VN_TZ))
        found = self.between(rng, lo, self.closing(day))
        if (working_days == 0 and found.date() != local.date()) or found <= local:
            nxt = self.calendar.next_working_day(local.date())
            found = self.between(rng, datetime.combine(nxt, time(0), VN_TZ), self.closing(nxt))
        return found

    def slot(self, rng: random.Random, day: date) -> datetime:
        return self.between(rng, datetime.combine(day, time(0), VN_TZ), self.closing(day))


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


# --------------------------------------------------------------------------- routes


@dataclass(frozen=True)
class Route:
    """Where a dossier of one procedure, resolved by one agency, is received and how long it
    may take: the demo's procedure × resolving agency × desk."""

    procedure: Procedure
    version: object
    resolving: Agency
    desks: tuple  # ReceptionPoint, the routing order (the first is the default)
    step_roles: tuple[str, ...]  # role of each internal step (the last one resolves)
    online: bool
    weight: float
    late_rate: float
    digitised_rate: float
    feedback_late_rate: float
    hours: OfficeHours
    calendar: object
    documents: tuple  # (name, form, quantity) of the required documents


def _step_roles(procedure: Procedure, agency: Agency, defined: set[int]) -> tuple | None:
    """Role of each internal step; None when a step is done at another agency (inter-agency
    processing is not part of the history)."""
    if procedure.pk not in defined:
        return (Role.SPECIALIST,)
    steps = selectors.process_definition(procedure.pk, agency.pk)
    if any(s.responsible_agency_id for s in steps):
        return None
    return tuple(s.role for s in steps)


def _documents(data: dict) -> tuple:
    rows, seen = [], set()
    for row in selectors.required_documents(data):
        name = normalize_space(row["name"])
        if row["optional"] or not name or name in seen or len(name) > 1000:
            continue
        seen.add(name)
        originals, copies = row.get("originals") or 0, row.get("copies") or 0
        form = DocumentForm.ORIGINAL if originals or not copies else DocumentForm.COPY
        rows.append((name, form, max(1, min(99, int(originals or copies or 1)))))
    if not rows:
        first = next(iter(data.get("documents") or []), None)
        if first and normalize_space(first.get("name", "")):
            rows.append((normalize_space(first["name"]), DocumentForm.ORIGINAL, 1))
    return tuple(rows)


def routes(rng: random.Random) -> list[Route]:
    """Every (procedure, resolving agency) of the demo that can take dossiers: a current
    version with a processing time in figures, a resolving agency and a staffed desk."""
    defined = set(ProcessStep.objects.values_list("procedure_id", flat=True))
    hours_cache, calendars = {}, {}
    points, staffed = list(routing.active_points()), routing.staffed_agency_ids()
    found = []
    procedures = (
        Procedure.objects.select_related("current_version")
        .exclude(status=ProcedureStatus.ABOLISHED)
        .exclude(current_version=None)
        .order_by("code")
    )
    for procedure in procedures:
        version = procedure.current_version
        try:
            deadlines.processing_time(version.data, Channel.IN_PERSON)
        except Exception:  # no processing time in figures: cannot be received
            continue
        documents = _documents(version.data)
        if not documents:
            continue
        agencies = list(selectors.resolving_agencies(procedure).select_related("unit"))
        if not agencies:
            continue
        # routing.desks_by_agency, with the desks and staffed agencies read once for all
        # procedures (the same rule, `routing.rank_desks`).
        desks = {a.pk: routing.rank_desks(procedure, a, points, staffed) for a in agencies}
        popularity = POPULAR.get(procedure.code, rng.lognormvariate(0, 0.6))
        for agency in agencies:
            roles = _step_roles(procedure, agency, defined)
            if roles is None or not desks.get(agency.pk):
                continue
            key = procedure.pk
            if key not in hours_cache:
                probe = Dossier(procedure=procedure, procedure_version=version.number)
                hours_cache[key] = deadlines.procedure_office_hours(probe)
            hours = hours_cache[key]
            if (agency.pk, hours) not in calendars:
                calendars[(agency.pk, hours)] = calendar_for(agency.pk, hours=hours)
            quality = AGENCY_QUALITY.get(agency.code, {})
            province = agency.unit is not None and agency.unit.level == UnitLevel.PROVINCE
            found.append(
                Route(
                    procedure=procedure,
                    version=version,
                    resolving=agency,
                    desks=tuple(desks[agency.pk]),
                    step_roles=roles,
                    online=procedure.online_level in (OnlineLevel.FULL, OnlineLevel.PARTIAL),
                    weight=popularity
                    * AGENCY_VOLUME.get(agency.code, 1.0)
                    * (2.5 if province else 1.0),
                    late_rate=quality.get("late", LATE_RATE),
                    digitised_rate=quality.get("digitised", 0.4),
                    feedback_late_rate=quality.get("feedback_late", 0.08),
                    hours=hours,
                    calendar=calendars[(agency.pk, hours)],
                    documents=documents,
                )
            )
    return found


# --------------------------------------------------------------------------- dossier plans


@dataclass
class Step:
    """One action as its service performs it: `data` is the event's data as the service
    writes it; `role` who does it (DESK, SPECIALIST, LEADER); `files` result files attached."""

    action: Action
    at: datetime
    role: str
    note: str = ""
    data: dict = field(default_factory=dict)
    files: int = 0


@dataclass
class DocumentLine:
    name: str
    form: str
    quantity: int
    digitised: bool


@dataclass
class DossierPlan:
    scenario: str
    route: Route
    desk: object  # ReceptionPoint
    channel: int
    submitted_at: datetime
    applicant: ApplicantInput
    documents: list[DocumentLine]
    fee_due: int
    steps: list[Step]
    rating: tuple[bool, str, datetime] | None = None
    code: str = ""  # issued when the rows are written

    @property
    def receiving(self) -> Agency:
        return self.desk.agency


def channel_time(route: Route, channel: int) -> tuple[Decimal, Unit]:
    return deadlines.processing_time(route.version.data, channel)


def legal_due(plan: DossierPlan, received_at: datetime, pauses, as_of=None):
    """The deadline as `deadlines.compute_with` computes it (same engine, calendar of the
    resolving agency with the procedure's office hours)."""
    amount, unit = channel_time(plan.route, plan.channel)
    exact = Fraction(amount)
    return compute_deadline(
        received_at,
        int(exact) if exact.denominator == 1 else exact,
        unit.value,
        plan.route.calendar,
        pauses=pauses,
        as_of=as_of,
        office_hours=plan.route.hours,
    )


def _fee(route: Route, channel: int) -> int:
    kind = "online" if channel == Channel.ONLINE else "in_person"
    return selectors.channel_fee(route.version.data, kind)


SCENARIOS = (
    "returned",  # on time or early, result returned
    "supplemented",  # one supplement request
    "supplemented_twice",  # two requests: late by the rule
    "late",  # resolved after the deadline, apology letter with a new appointment
    "late_no_apology",
    "paid",  # financial obligation paid (online or at the desk)
    "completion",  # online: completion asked before acceptance
    "refused",  # online: not received
    "withdrawn_new",  # online: withdrawn before acceptance
    "withdrawn",  # withdrawn during processing
    "stopped",  # supplement never arrived: processing stopped
    "stuck",  # overdue, still open, apology sent
    "unreturned",  # resolved, result not collected yet
    "steps",  # a procedure with a two-step internal process
)


def plan_dossier(
    rng: random.Random,
    route: Route,
    *,
    channel: int,
    submitted_at: datetime,
    applicant: ApplicantInput,
    scenario: str | None = None,
    force: dict | None = None,
) -> DossierPlan:
    """One dossier's plan. `scenario` None draws the outcome by the mix of the module's
    rates; a named scenario forces it (tests). `force` overrides single draws."""
    force = force or {}
    clock = Clock(route.calendar, route.hours)
    desk = (
        route.desks[0] if rng.random() < 0.85 or len(route.desks) == 1 else rng.choice(route.desks)
    )
    online = channel == Channel.ONLINE
    documents = [
        DocumentLine(
            name,
            DocumentForm.ELECTRONIC if online else form,
            1 if online else quantity,
            online or rng.random() < route.digitised_rate,
        )
        for name, form, quantity in route.documents
    ]
    fee = _fee(route, channel)
    plan = DossierPlan(
        scenario=scenario or "",
        route=route,
        desk=desk,
        channel=channel,
        submitted_at=submitted_at,
        applicant=applicant,
        documents=documents,
        fee_due=fee,
        steps=[],
    )
    steps = plan.steps
    missing_names = [d.name for d in documents]

    def add(action, at, role, note="", data=None, files=0):
        if steps and at <= steps[-1].at:
            at = steps[-1].at + timedelta(minutes=1)
        steps.append(Step(Action(action), at, role, note, dict(data or {}), files))
        return at

    draw = rng.random
    # --- intake
    if online:
        if scenario == "completion" or (scenario is None and draw() < 0.06):
            t = add(
                Action.REQUEST_COMPLETION,
                clock.after(rng, submitted_at, 0),
                DESK,
                rng.choice(COMPLETION_REASONS),
                {"missing": [rng.choice(missing_names)[:500]]},
            )
            add(
                Action.SUBMIT_COMPLETION,
                clock.after(rng, t, rng.randint(1, 3)),
                DESK,
                "Người nộp đã gửi bổ sung tệp.",
            )
        first = clock.after(rng, steps[-1].at if steps else submitted_at, rng.choice((0, 0, 1)))
        if scenario == "refused" or (scenario is None and draw() < 0.04):
            plan.scenario = "refused"
            add(Action.REFUSE, first, DESK, rng.choice(REFUSE_REASONS))
            return plan
        if scenario == "withdrawn_new" or (scenario is None and draw() < 0.01):
            plan.scenario = "withdrawn_new"
            add(Action.WITHDRAW, first, DESK, rng.choice(WITHDRAW_REASONS))
            return plan
        received_at = add(Action.ACCEPT, first, DESK)
    else:
        received_at = submitted_at
    start = add(Action.START, clock.after(rng, received_at, rng.choice((0, 0, 0, 1))), SPECIALIST)
    due0 = legal_due(plan, received_at, []).due_at

    # --- what happens
    if scenario is None:
        r = draw()
        old = submitted_at < timezone.now() - timedelta(days=45)
        if r < 0.012:
            scenario = "withdrawn"
        elif r < 0.020:
            scenario = "stopped"
        elif r < 0.020 + route.late_rate * 0.06 and old:
            scenario = "stuck"
        else:
            r = draw()
            scenario = (
                "supplemented_twice" if r < 0.02 else "supplemented" if r < 0.14 else "returned"
            )
        plan.scenario = scenario
    late = force.get("late")
    if late is None:
        late = scenario in ("late", "late_no_apology", "stuck") or (
            scenario not in ("withdrawn", "stopped") and draw() < route.late_rate
        )
    apologise = force.get("apologise")

    if scenario == "withdrawn":
        add(
            Action.WITHDRAW,
            clock.between(rng, start, max(due0, start + timedelta(hours=1))),
            DESK,
            rng.choice(WITHDRAW_REASONS),
        )
        return plan

    pauses, t = [], start
    supplements = {"supplemented": 1, "supplemented_twice": 2, "stopped": 1}.get(scenario, 0)
    for number in range(supplements):
        span = max(
            0,
            plan.route.calendar.working_days_between(
                t.astimezone(VN_TZ).date(), due0.astimezone(VN_TZ).date()
            )
            // 2,
        )
        request = add(
            Action.REQUEST_SUPPLEMENT,
            clock.after(rng, t, rng.randint(0, span)),
            SPECIALIST,
            rng.choice(SUPPLEMENT_REASONS),
            {"missing": [rng.choice(missing_names)[:500]]},
        )
        if scenario == "stopped":
            add(
                Action.STOP,
                clock.after(rng, request, rng.randint(10, 20)),
                SPECIALIST,
                rng.choice(STOP_REASONS),
            )
            return plan
        t = add(
            Action.COMPLETE_SUPPLEMENT,
            clock.after(rng, request, rng.randint(1, 6)),
            DESK if number % 2 == 0 else SPECIALIST,
            "Người nộp đã bổ sung giấy tờ.",
        )
        pauses.append(Pause(request, t))
    due = legal_due(plan, received_at, pauses).due_at

    if fee > 0 or scenario == "paid":
        amount = fee or 50_000
        requested = add(
            Action.REQUEST_PAYMENT,
            clock.after(rng, t, rng.choice((0, 0, 1))),
            SPECIALIST,
            "Đề nghị nộp phí, lệ phí theo quy định.",
            {"amount_vnd": amount},
        )
        paid_online = force.get("paid_online")
        if paid_online is None:
            paid_online = draw() < (0.7 if online else 0.12)
        t = add(
            Action.CONFIRM_PAYMENT,
            clock.after(rng, requested, rng.choice((0, 0, 1, 2))),
            DESK,
            "",
            {"online": bool(paid_online)},
        )

    # --- the result
    if late:
        delay = rng.choice((1, 1, 1, 2, 2, 3, 4, 6, 9))
        finish = clock.slot(rng, clock.add_days(due.astimezone(VN_TZ).date(), delay))
        finish = max(finish, t + timedelta(hours=1))
    else:
        due_day = due.astimezone(VN_TZ).date()
        early = rng.random() < 0.75
        limit = due
        if early:
            before = datetime.combine(due_day, time(0), VN_TZ)
            if before > t + timedelta(minutes=30):
                limit = before
        finish = clock.between(rng, t, limit)
    if apologise is None:  # most late dossiers get the apology letter the rule requires
        apologise = (
            scenario in ("late", "stuck")
            or ((late or finish > due) and scenario != "late_no_apology" and draw() < 0.8)
            or (scenario == "supplemented_twice" and draw() < 0.5)
        )
    if apologise:
        appointment = due
        lo = max(t, due - timedelta(days=2))
        when = clock.between(rng, lo, min(finish, max(due, lo + timedelta(hours=1))))
        new = clock.closing(clock.add_days(finish.astimezone(VN_TZ).date(), rng.choice((0, 1, 2))))
        if scenario == "stuck":
            new = clock.closing(clock.add_days(due.astimezone(VN_TZ).date(), rng.randint(5, 10)))
        if new <= appointment:
            new = clock.closing(clock.add_days(appointment.astimezone(VN_TZ).date(), 1))
        t = add(
            Action.APOLOGISE,
            when,
            SPECIALIST,
            rng.choice(APOLOGY_REASONS),
            {"new_appointment": new.isoformat()},
        )
    if scenario == "stuck":
        return plan
    roles = route.step_roles
    for number in range(1, len(roles)):
        t = add(
            Action.COMPLETE_STEP,
            clock.between(rng, t, finish),
            LEADER if roles[number - 1] == Role.AGENCY_LEADER else SPECIALIST,
            "",
            {"from_step": number, "to_step": number + 1},
        )
    electronic = force.get("electronic")
    if electronic is None:
        electronic = draw() < (0.7 if online else 0.2)
    year = finish.astimezone(VN_TZ).year
    resolved = add(
        Action.RESOLVE,
        max(finish, t + timedelta(minutes=1)),
        LEADER if roles[-1] == Role.AGENCY_LEADER else SPECIALIST,
        "",
        {"result_code": f"{rng.randint(1, 9999)}/{year}/KQ", "electronic": bool(electronic)},
        files=1 if electronic else 0,
    )
    if scenario == "unreturned" or (scenario is None and draw() < 0.015):
        return plan
    method = (
        Channel.ONLINE
        if electronic
        else (channel if channel != Channel.ONLINE else Channel.IN_PERSON)
    )
    returned = add(
        Action.RETURN_RESULT,
        clock.after(rng, resolved, 0 if electronic else rng.randint(0, 5)),
        DESK,
        "",
        {"method": int(method), "method_label": str(Channel(method).label)},
    )
    rate = force.get("rate")
    if rate is None:
        rate = draw() < 0.35
    if rate:
        satisfied = draw() < (0.55 if late or supplements > 1 else 0.93 - route.late_rate / 2)
        comment = rng.choice(SATISFIED) if satisfied else rng.choice(UNSATISFIED)
        plan.rating = (satisfied, comment, returned + timedelta(hours=rng.randint(1, 72)))
    return plan


# --------------------------------------------------------------------------- dossier rows


@dataclass
class DossierRows:
    applicant: Applicant
    dossier: Dossier
    documents: list[DossierDocument]
    agencies: list[DossierAgency]
    events: list[DossierEvent]
    results: list[int]  # indexes into `events` of events with a result file
    rating: SatisfactionRating | None
    classification: str | None
    open_status: str | None


def dossier_rows(plan: DossierPlan, *, code: str, now: datetime, staff: dict) -> DossierRows:
    """The rows of a plan as the services would have written them by `now`: the status,
    deadline, appointment and step folded from the steps (steps after `now` not written).
    `staff[(agency_id, role)]` is the user id acting for a role."""
    from tthc.dossiers.personal import clean_applicant

    route = plan.route
    applicant = Applicant(**clean_applicant(plan.applicant, today=plan.submitted_at.date()))
    amount, unit = channel_time(route, plan.channel)
    online = plan.channel == Channel.ONLINE
    dossier = Dossier(
        code=code,
        procedure=route.procedure,
        procedure_version=route.version.number,
        channel=plan.channel,
        reception_point=plan.desk,
        receiving_agency=plan.receiving,
        resolving_agency=route.resolving,
        current_agency=plan.receiving if online else route.resolving,
        lookup_secret=lookupcode.new_code(),
        fee_due=plan.fee_due,
        submitted_at=_utc(plan.submitted_at),
        time_amount=amount,
        time_unit=unit.value,
        status=Status.SUBMITTED,
    )
    desk_user = staff.get((plan.receiving.pk, DESK))

    def actor(role):
        if role == DESK:
            return desk_user
        if role == LEADER:
            return staff.get((route.resolving.pk, LEADER))
        return staff.get((route.resolving.pk, SPECIALIST))

    events = []

    def event(action, at, from_status, to_status, note="", data=None, actor_id=None):
        events.append(
            DossierEvent(
                at=_utc(at),
                actor_id=actor_id,
                action=action,
                from_status=from_status,
                to_status=to_status,
                agency_id=dossier.current_agency_id,
                note=note,
                data=data or {},
            )
        )

    pauses: list[Pause] = []
    open_pause = None

    def store_deadline():
        closed = list(pauses)
        as_of = None
        if open_pause is not None:
            closed.append(Pause(open_pause, None))
            as_of = open_pause
        deadline = legal_due(plan, dossier.received_at, closed, as_of=as_of)
        dossier.due_at, dossier.due_explanation = deadline.due_at, deadline.explanation

    if online:
        event(Action.SUBMIT, plan.submitted_at, None, Status.SUBMITTED, data={"code": code})
    else:
        dossier.status = Status.RECEIVED
        dossier.received_at = dossier.submitted_at
        event(
            Action.RECEIVE,
            plan.submitted_at,
            None,
            Status.RECEIVED,
            data={"code": code},
            actor_id=desk_user,
        )
        store_deadline()
    results = []
    returned_at = None
    for step in plan.steps:
        if step.at > now:
            break
        new = target(dossier.status, step.action)
        if new is None:
            raise ValueError(f"{plan.scenario}: {step.action} from {dossier.status}")
        if step.action == Action.ACCEPT:
            dossier.current_agency = route.resolving
        old, dossier.status = dossier.status, new
        event(step.action, step.at, old, new, step.note, step.data, actor(step.role))
        if step.files:
            results.append(len(events) - 1)
        if step.action == Action.ACCEPT:
            dossier.received_at = _utc(step.at)
            store_deadline()
        elif step.action == Action.REQUEST_SUPPLEMENT:
            open_pause = step.at
            store_deadline()
        elif step.action == Action.COMPLETE_SUPPLEMENT:
            pauses.append(Pause(open_pause, step.at))
            open_pause = None
            store_deadline()
        elif step.action == Action.APOLOGISE:
            dossier.new_appointment_at = datetime.fromisoformat(step.data["new_appointment"])
        elif step.action == Action.COMPLETE_STEP:
            dossier.current_step = step.data["to_step"]
        elif step.action == Action.RETURN_RESULT:
            returned_at = step.at
    rating = None
    if plan.rating and returned_at is not None and plan.rating[2] <= now:
        satisfied, comment, at = plan.rating
        rating = SatisfactionRating(satisfied=satisfied, comment=comment, at=_utc(at))
    documents = [
        DossierDocument(
            position=i,
            name=line.name,
            form=line.form,
            quantity=line.quantity,
            file=SAMPLE_DOCUMENT if line.digitised else "",
            file_name=f"giay-to-{i}.pdf" if line.digitised else "",
        )
        for i, line in enumerate(plan.documents, start=1)
    ]
    agencies = [
        DossierAgency(agency=plan.receiving, role=Involvement.RECEIVING),
        DossierAgency(agency=route.resolving, role=Involvement.RESOLVING),
    ]
    return DossierRows(
        applicant=applicant,
        dossier=dossier,
        documents=documents,
        agencies=agencies,
        events=events,
        results=results,
        rating=rating,
        classification=classify_rows(plan, dossier, events),
        open_status=_open_status(plan, dossier, now),
    )


_FINISH = (Action.RESOLVE, Action.RETURN_RESULT, Action.STOP, Action.REFUSE, Action.WITHDRAW)


def classify_rows(plan: DossierPlan, dossier: Dossier, events: list[DossierEvent]) -> str | None:
    """`selectors.classify` on the rows before they are saved (same rule, same engine)."""
    from tthc.dossiers.models import FINISHED_STATUSES

    if dossier.status not in FINISHED_STATUSES or dossier.received_at is None:
        return None
    if sum(1 for e in events if e.action == Action.REQUEST_SUPPLEMENT) > 1:
        return "late"
    finish = next(
        (hits[-1] for a in _FINISH if (hits := [e.at for e in events if e.action == a])), None
    )
    if finish is None:
        return None
    pauses = deadlines.pauses_from_events(events, until=finish)
    return classify_finish(finish, legal_due(plan, dossier.received_at, pauses).due_at)


def _open_status(plan: DossierPlan, dossier: Dossier, now: datetime) -> str | None:
    from tthc.dossiers.models import OPEN_STATUSES

    if dossier.status not in OPEN_STATUSES or dossier.due_at is None:
        return None
    if dossier.status == Status.SUPPLEMENT_REQUESTED:
        return "supplement"
    if now > dossier.due_at:
        return "overdue"
    days = plan.route.calendar.working_days_between(
        now.astimezone(VN_TZ).date(), dossier.due_at.astimezone(VN_TZ).date()
    )
    return "due_soon" if days <= 1 else "within_time"


# --------------------------------------------------------------------------- staff


def _slug(agency: Agency) -> str:
    name = fold(
        agency.unit.name
        if agency.unit and agency.unit.level == UnitLevel.COMMUNE
        else (agency.short_name or agency.name)
    )
    for word in ("phuong ", "xa ", "thanh pho ha noi", "uy ban nhan dan "):
        name = name.replace(word, "")
    return "".join(ch for ch in name if ch.isalnum())[:24] or str(agency.pk)


def history_staff(routes_: Iterable[Route]) -> dict:
    """(agency id, role) -> user id of who acts in the history: the demo's accounts where they
    exist, else a specialist `cv.<agency>` and a leader `ld.<agency>` created without a usable
    password (they appear as the officers in the timelines; nobody signs in as them)."""
    user_model = get_user_model()
    staff: dict = {}
    roles = {DESK: Role.RECEPTION_OFFICER, SPECIALIST: Role.SPECIALIST, LEADER: Role.AGENCY_LEADER}
    members = defaultdict(list)
    for agency_id, role, user_id in (
        Membership.objects.filter(user__is_active=True)
        .order_by("user__username")
        .values_list("agency_id", "role", "user_id")
    ):
        members[(agency_id, role)].append(user_id)
    rng = random.Random(DEFAULT_SEED)
    for route in routes_:
        for desk in route.desks:
            if (desk.agency_id, DESK) not in staff:
                ids = members.get((desk.agency_id, Role.RECEPTION_OFFICER)) or members.get(
                    (desk.agency.parent_id, Role.RECEPTION_OFFICER)
                )
                staff[(desk.agency_id, DESK)] = ids[0] if ids else None
        agency = route.resolving
        for key, prefix in ((SPECIALIST, "cv"), (LEADER, "ld")):
            if (agency.pk, key) in staff:
                continue
            ids = members.get((agency.pk, roles[key]))
            if not ids:
                user, created = user_model.objects.get_or_create(
                    username=f"{prefix}.{_slug(agency)}",
                    defaults={"full_name": fake_person(rng).name},
                )
                if created:
                    user.set_unusable_password()
                    user.save()
                Membership.objects.get_or_create(user=user, agency=agency, role=roles[key])
                ids = [user.pk]
            staff[(agency.pk, key)] = ids[0]
    control = Membership.objects.filter(role=Role.CONTROL_OFFICER).order_by("user__username")
    staff[(None, CONTROL)] = control.values_list("user_id", flat=True).first()
    return staff


# --------------------------------------------------------------------------- feedback

FEEDBACK_TOPICS = {
    "regulation": [
        (
            "Đề nghị giảm thành phần hồ sơ {p}",
            "Thủ tục {p} yêu cầu nhiều bản sao giấy tờ đã có trong cơ sở dữ liệu quốc gia về dân cư. Đề nghị xem xét cắt giảm để người dân không phải nộp lại.",
        ),
        (
            "Thời hạn giải quyết {p} còn dài",
            "Thời hạn giải quyết thủ tục {p} theo quy định còn dài so với nhu cầu thực tế. Đề nghị rút ngắn thời gian giải quyết.",
        ),
        (
            "Hướng dẫn nộp trực tuyến {p} chưa rõ",
            "Khi nộp hồ sơ trực tuyến thủ tục {p}, hướng dẫn trên cổng chưa nêu rõ cần tải lên những giấy tờ nào. Đề nghị bổ sung hướng dẫn.",
        ),
        (
            "Kiến nghị về mức lệ phí {p}",
            "Mức lệ phí của thủ tục {p} chưa phù hợp với hộ gia đình có hoàn cảnh khó khăn. Đề nghị xem xét miễn, giảm.",
        ),
    ],
    "conduct": [
        (
            "Phản ánh thái độ tiếp công dân tại bộ phận một cửa",
            "Ngày đến nộp hồ sơ, cán bộ tiếp nhận hướng dẫn chưa nhiệt tình, yêu cầu nộp thêm giấy tờ không có trong quy định.",
        ),
        (
            "Phản ánh việc trả kết quả chậm so với giấy hẹn",
            "Hồ sơ của tôi đã quá ngày hẹn trả kết quả nhưng chưa nhận được thông báo hay thư xin lỗi của cơ quan giải quyết.",
        ),
        (
            "Phản ánh việc hướng dẫn hồ sơ nhiều lần",
            "Tôi phải bổ sung hồ sơ nhiều lần, mỗi lần cán bộ hướng dẫn một nội dung khác nhau.",
        ),
    ],
}
ANSWERS = [
    "Cơ quan đã tiếp thu phản ánh, kiểm tra và chấn chỉnh việc thực hiện thủ tục tại bộ phận một cửa. Ông/bà vui lòng liên hệ để được hướng dẫn cụ thể.",
    "Nội dung kiến nghị thuộc quy định của văn bản quy phạm pháp luật do Trung ương ban hành; cơ quan đã tổng hợp, đề xuất cơ quan có thẩm quyền xem xét sửa đổi.",
    "Qua kiểm tra, cơ quan đã nhắc nhở công chức liên quan và xin lỗi ông/bà vì sự chậm trễ; hồ sơ đã được giải quyết và trả kết quả.",
    "Cơ quan đã cập nhật hướng dẫn trên Cổng Dịch vụ công và niêm yết tại bộ phận một cửa theo kiến nghị của ông/bà.",
]
FEEDBACK_REFUSALS = [
    "Nội dung không thuộc phạm vi phản ánh, kiến nghị về quy định hành chính.",
    "Phản ánh không có thông tin liên hệ xác thực của người gửi.",
]


@dataclass
class FeedbackStep:
    action: str
    at: datetime
    role: str
    note: str = ""
    data: dict = field(default_factory=dict)  # besides the "limits" the services add
    to_agency: Agency | None = None


@dataclass
class FeedbackPlan:
    scenario: str
    agency: Agency
    channel: str
    submitted_at: datetime
    category: str
    title: str
    content: str
    sender: Person
    sender_phone: str
    sender_email: str
    sender_address: str
    procedure: Procedure | None
    dossier_code: str
    steps: list[FeedbackStep]
    votes: tuple[int, int] = (0, 0)


def plan_feedback(
    rng: random.Random,
    *,
    agency: Agency,
    submitted_at: datetime,
    late_rate: float,
    procedure: Procedure | None,
    dossier_code: str = "",
    transfer_to: Agency | None = None,
    scenario: str | None = None,
    calendars: dict | None = None,
) -> FeedbackPlan:
    from tthc.feedback.models import Category
    from tthc.feedback.models import Channel as FeedbackChannel
    from tthc.feedback.transitions import Action as F

    calendars = {} if calendars is None else calendars

    def calendar_of(agency_id):
        if agency_id not in calendars:
            calendars[agency_id] = calendar_for(agency_id)
        return calendars[agency_id]

    calendar = calendar_of(agency.pk)
    clock = Clock(calendar, calendar.office_hours)
    category = Category.REGULATION if rng.random() < 0.6 else Category.CONDUCT
    if dossier_code and rng.random() < 0.5:
        category = Category.CONDUCT
    title, content = rng.choice(FEEDBACK_TOPICS[category])
    pname = (procedure.name[:80] if procedure else "thủ tục hành chính").rstrip(". ")
    title, content = title.format(p=pname)[:250], content.format(p=pname)
    if dossier_code:
        content += f" Mã hồ sơ: {dossier_code}."
    channel = rng.choices(
        [
            FeedbackChannel.ONLINE,
            FeedbackChannel.API,
            FeedbackChannel.PHONE,
            FeedbackChannel.LETTER,
            FeedbackChannel.COUNTER,
        ],
        weights=[55, 5, 15, 10, 15],
    )[0]
    sender = fake_person(rng)
    plan = FeedbackPlan(
        scenario=scenario or "",
        agency=agency,
        channel=channel,
        submitted_at=submitted_at,
        category=category,
        title=title,
        content=content,
        sender=sender,
        sender_phone=fake_phone(rng),
        sender_email=(
            f"{fold(sender.name).replace(' ', '.')}@example.com" if rng.random() < 0.6 else ""
        ),
        sender_address=fake_address(
            rng, agency.code, agency.unit.name if agency.unit_id else "Hà Nội"
        ),
        procedure=procedure,
        dossier_code=dossier_code,
        steps=[],
    )
    steps = plan.steps
    late = rng.random() < late_rate if scenario is None else scenario == "late"

    def add(action, at, role, note="", data=None, to_agency=None):
        if steps and at <= steps[-1].at:
            at = steps[-1].at + timedelta(minutes=1)
        steps.append(FeedbackStep(action, at, role, note, dict(data or {}), to_agency))
        return at

    first = clock.after(
        rng, submitted_at, rng.choice((0, 1, 1, 2) if rng.random() < 0.97 else (3,))
    )
    if scenario == "refused" or (scenario is None and rng.random() < 0.06):
        plan.scenario = "refused"
        add(F.REFUSE, first, CONTROL, rng.choice(FEEDBACK_REFUSALS))
        return plan
    t = add(F.RECEIVE, first, CONTROL)
    processor = SPECIALIST
    if transfer_to is not None:
        plan.scenario = plan.scenario or "transferred"
        t = add(
            F.TRANSFER,
            clock.after(rng, t, rng.randint(0, 1)),
            CONTROL,
            "Chuyển cơ quan có thẩm quyền giải quyết.",
            {"from": agency.pk, "to": transfer_to.pk, "to_name": transfer_to.name},
            to_agency=transfer_to,
        )
        calendar = calendar_of(transfer_to.pk)
        clock = Clock(calendar, calendar.office_hours)
    if scenario == "supplemented" or (scenario is None and rng.random() < 0.08):
        t = add(
            F.REQUEST_SUPPLEMENT,
            clock.after(rng, t, rng.randint(0, 2)),
            processor,
            "Đề nghị cung cấp thêm thời gian, địa điểm và mã hồ sơ liên quan.",
        )
        t = add(
            F.COMPLETE_SUPPLEMENT,
            clock.after(rng, t, rng.randint(1, 4)),
            processor,
            "Người gửi đã cung cấp thêm thông tin qua điện thoại.",
            {"by_sender": False, "files": []},
        )
    t = add(F.START, clock.after(rng, t, rng.randint(0, 2)), processor)
    answer = rng.choice(ANSWERS)
    handle_days = rng.randint(18, 28) if late else rng.randint(3, 12)
    t = add(
        F.DRAFT_ANSWER,
        clock.after(rng, t, max(1, handle_days - 3)),
        processor,
        "",
        {"answer": answer},
    )
    if rng.random() < 0.1:
        t = add(
            F.REJECT_DRAFT, clock.after(rng, t, 1), LEADER, "Đề nghị nêu rõ biện pháp khắc phục."
        )
        t = add(F.DRAFT_ANSWER, clock.after(rng, t, 1), processor, "", {"answer": answer})
    t = add(F.APPROVE, clock.after(rng, t, rng.randint(1, 2)), LEADER)
    add(
        F.PUBLISH,
        clock.after(rng, t, rng.choice((0, 0, 0, 1, 1, 2) if not late else (1, 2, 3))),
        LEADER,
    )
    likes = rng.randint(0, 20)
    dislikes = (
        rng.randint(0, 4) if rng.random() > 0.1 + late_rate else rng.randint(likes + 1, likes + 8)
    )
    plan.votes = (likes, dislikes)
    return plan


def feedback_rows(plan: FeedbackPlan, *, code: str, now: datetime, staff: dict, calendars: dict):
    """(Feedback, events, votes) of a plan as the feedback services would have written them
    by `now`, using the app's own deadline functions and limit bookkeeping."""
    from tthc.feedback import deadlines as fd
    from tthc.feedback.models import Feedback, FeedbackEvent, Limit, Vote
    from tthc.feedback.models import Status as FStatus
    from tthc.feedback.services import MEETS, search_text
    from tthc.feedback.transitions import Action as F
    from tthc.feedback.transitions import target as ftarget

    def cal(agency_id):
        if agency_id not in calendars:
            calendars[agency_id] = calendar_for(agency_id)
        return calendars[agency_id]

    def as_stored(fb):  # what the services read back from the database: UTC datetimes
        for name in fd.FIELDS.values():
            if getattr(fb, name) is not None:
                setattr(fb, name, _utc(getattr(fb, name)))

    def restart(fb, at):
        fb.clock_start_at = _utc(at)
        for limit in (Limit.REFUSE, Limit.SUPPLEMENT, Limit.HANDLE):
            fd.store(
                fb,
                limit,
                fd.compute(fb, limit, cal(fb.agency_id)) if fd.is_active(fb, limit) else None,
            )
        as_stored(fb)

    control = staff.get((None, CONTROL))
    entered = plan.channel in ("phone", "letter", "counter")
    fb = Feedback(
        code=code,
        category=plan.category,
        title=plan.title,
        content=plan.content,
        procedure=plan.procedure,
        dossier_code=plan.dossier_code,
        channel=plan.channel,
        agency=plan.agency,
        sender_name=plan.sender.name,
        sender_phone=plan.sender_phone,
        sender_email=plan.sender_email,
        sender_address=plan.sender_address,
        lookup_secret=lookupcode.new_code(),
        submitted_at=_utc(plan.submitted_at),
        status=FStatus.WAITING,
        created_by_id=control if entered else None,
    )
    fb.search_folded = search_text(feedback=fb)
    restart(fb, plan.submitted_at)
    events = [
        FeedbackEvent(
            at=_utc(plan.submitted_at),
            actor_id=control if entered else None,
            action=F.ENTER if entered else F.SUBMIT,
            from_status="",
            to_status=FStatus.WAITING,
            agency_id=fb.agency_id,
            data={"code": code, "channel": plan.channel},
        )
    ]
    for step in plan.steps:
        if step.at > now:
            break
        action = F(step.action)
        new = ftarget(fb.status, action)
        if new is None:
            raise ValueError(f"feedback {plan.scenario}: {action} from {fb.status}")
        at = _utc(step.at)
        if step.to_agency is not None:
            fb.agency = step.to_agency
        met = []
        for limit in MEETS.get(action, ()):
            if not fd.is_active(fb, limit):
                continue
            due = fd.due_of(fb, limit)
            late = due is not None and at > due
            if late and limit.value not in fb.late_limits:
                fb.late_limits = [*fb.late_limits, limit.value]
            met.append(
                {"limit": limit.value, "due": due.isoformat() if due else None, "late": late}
            )
        old, fb.status = fb.status, new
        if action == F.REQUEST_SUPPLEMENT and fb.first_supplement_at is None:
            fb.first_supplement_at = at
        elif action in (F.TRANSFER, F.RETURN):
            restart(fb, at)
        elif action == F.DRAFT_ANSWER:
            fb.answer = step.data["answer"]
            fb.search_folded = search_text(feedback=fb)
        elif action == F.APPROVE:
            fb.ready_at = at
            fd.store(fb, Limit.PUBLISH, fd.compute(fb, Limit.PUBLISH, cal(fb.agency_id)))
            as_stored(fb)
        elif action == F.PUBLISH:
            fb.published_at = at
        data = dict(step.data)
        if met:
            data["limits"] = met
        role_agency = (
            None if step.role == CONTROL or fb.agency.kind == AgencyKind.OFFICE else fb.agency_id
        )
        actor = staff.get((role_agency, CONTROL if role_agency is None else step.role), control)
        events.append(
            FeedbackEvent(
                at=at,
                actor_id=actor,
                action=action,
                from_status=old,
                to_status=new,
                agency_id=fb.agency_id,
                note=step.note,
                data=data,
            )
        )
    votes = []
    if fb.status == FStatus.PUBLISHED:
        likes, dislikes = plan.votes
        for i in range(likes + dislikes):
            key = f"{code}-{i}"
            votes.append(
                Vote(
                    value=Vote.LIKE if i < likes else Vote.DISLIKE,
                    cookie_key=f"mau-{key}",
                    client_key=f"mau-{key}",
                )
            )
    return fb, events, votes


# --------------------------------------------------------------------------- building


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _submission_moment(rng, clock: Clock, day: date, channel: int) -> datetime | None:
    """When a dossier of `day` is submitted: office hours of a working day at the desk;
    online at any hour (evenings and weekends too)."""
    if channel == Channel.ONLINE:
        if clock.calendar.is_working_day(day) and rng.random() < 0.7:
            return clock.slot(rng, day)
        hour = rng.choice((6, 12, 18, 19, 20, 21, 22, 23))
        return datetime.combine(day, time(hour, rng.randrange(60)), VN_TZ)
    if not clock.calendar.is_working_day(day):
        return None
    return clock.slot(rng, day)


def _pick_channel(rng: random.Random, route: Route) -> int:
    r = rng.random()
    if route.online and r < 0.5:
        return Channel.ONLINE
    return Channel.POSTAL if rng.random() < 0.06 else Channel.IN_PERSON


def already_built(start: date, today: date) -> bool:
    return DossierCodeCounter.objects.filter(day__gte=start, day__lt=today).exists()


def _sample_files() -> None:
    for name in (SAMPLE_DOCUMENT, SAMPLE_RESULT):
        if not default_storage.exists(name):
            stored = default_storage.save(name, ContentFile(SAMPLE_PDF))
            if stored != name:  # pragma: no cover - storage renamed it
                raise RuntimeError(f"Không lưu được tệp mẫu {name}.")


def build_history(
    *,
    days: int = DEFAULT_DAYS,
    per_day: float = DEFAULT_PER_DAY,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    feedback_per_day: float = FEEDBACK_PER_DAY,
) -> dict:
    """Dossiers and feedback of the `days` days before `today` (the demo province must exist:
    `tthc.demo.services.build_demo`). Returns the counts; `{"skipped": True}` when the history
    is already there."""
    now = timezone.now()
    today = today or timezone.localdate()
    start = today - timedelta(days=days)
    if already_built(start, today):
        return {"skipped": True}
    rng = random.Random(seed)
    found = routes(rng)
    if not found:
        raise RuntimeError("Chưa có thủ tục, cơ quan của tỉnh mẫu: chạy build_demo trước.")
    staff = history_staff(found)
    weights = [r.weight for r in found]
    communes = sorted(
        {r.resolving for r in found if r.resolving.unit.level == UnitLevel.COMMUNE},
        key=lambda a: a.code,
    ) or [found[0].resolving]
    plans: list[DossierPlan] = []
    for day in _days(start, today - timedelta(days=1)):
        reference = Clock(found[0].calendar, found[0].hours)
        working = reference.calendar.is_working_day(day)
        # Fewer dossiers in the weeks around Tết and in summer, more before year end.
        season = {1: 1.15, 2: 0.75, 7: 0.9, 8: 0.9, 12: 1.1}.get(day.month, 1.0)
        count = rng.gauss(per_day * season, per_day * 0.15) if working else per_day * 0.12
        for _ in range(max(0, round(count))):
            route = rng.choices(found, weights)[0]
            channel = Channel.ONLINE if not working else _pick_channel(rng, route)
            if channel == Channel.ONLINE and not route.online:
                continue
            clock = Clock(route.calendar, route.hours)
            moment = _submission_moment(rng, clock, day, channel)
            if moment is None or moment >= now:
                continue
            commune = route.resolving.unit.level == UnitLevel.COMMUNE
            home = route.resolving if commune else rng.choice(communes)
            organisation = route.resolving.unit.level == UnitLevel.PROVINCE and rng.random() < 0.25
            applicant = fake_applicant(rng, today=day, home=home, organisation=organisation)
            plans.append(
                plan_dossier(rng, route, channel=channel, submitted_at=moment, applicant=applicant)
            )
    counts = write_dossiers(plans, now=now, staff=staff)
    counts.update(
        build_feedback(
            rng, plans, start=start, today=today, now=now, staff=staff, per_day=feedback_per_day
        )
    )
    return counts


def assign_codes(plans: list[DossierPlan]) -> tuple[list[str], dict]:
    """Codes by the rule, numbered per receiving agency and local day in submission order;
    and the counters' last numbers."""
    order = sorted(range(len(plans)), key=lambda i: (plans[i].submitted_at, i))
    last: Counter = Counter()
    result = [""] * len(plans)
    for i in order:
        plan = plans[i]
        day = plan.submitted_at.astimezone(VN_TZ).date()
        key = (plan.receiving.pk, day)
        last[key] += 1
        result[i] = codes.format_code(plan.receiving.code, day, last[key])
    return result, dict(last)


BATCH = 2000


@transaction.atomic
def write_dossiers(plans: list[DossierPlan], *, now: datetime, staff: dict) -> dict:
    _sample_files()
    codes_, counters = assign_codes(plans)
    for plan, code in zip(plans, codes_, strict=True):
        plan.code = code
    rows = [
        dossier_rows(p, code=c, now=now, staff=staff) for p, c in zip(plans, codes_, strict=True)
    ]
    Applicant.objects.bulk_create([r.applicant for r in rows], batch_size=BATCH)
    for r in rows:
        r.dossier.applicant = r.applicant
    Dossier.objects.bulk_create([r.dossier for r in rows], batch_size=BATCH)
    ids = [r.dossier.pk for r in rows]
    for start in range(0, len(ids), BATCH):  # created when submitted, not when generated
        Dossier.objects.filter(pk__in=ids[start : start + BATCH]).update(
            created_at=F("submitted_at")
        )
    documents, agencies, events, ratings = [], [], [], []
    for r in rows:
        for row in r.documents:
            row.dossier = r.dossier
        for row in r.agencies:
            row.dossier = r.dossier
        for row in r.events:
            row.dossier = r.dossier
        documents += r.documents
        agencies += r.agencies
        events += r.events
        if r.rating is not None:
            r.rating.dossier = r.dossier
            ratings.append(r.rating)
    DossierDocument.objects.bulk_create(documents, batch_size=BATCH)
    DossierAgency.objects.bulk_create(agencies, batch_size=BATCH)
    DossierEvent.objects.bulk_create(events, batch_size=BATCH)
    EventAttachment.objects.bulk_create(
        [
            EventAttachment(event=r.events[i], name="ket-qua-dien-tu.pdf", file=SAMPLE_RESULT)
            for r in rows
            for i in r.results
        ],
        batch_size=BATCH,
    )
    # The messages of the year were sent at the time: without their rows, the worker's
    # recovery (`notifications.resume`) would take the last week's as lost and send them now.
    Notification.objects.bulk_create(
        [
            Notification(
                event=event,
                channel=channel,
                kind=NOTIFYING[event.action],
                recipient=recipient,
                status=NotificationStatus.SENT if recipient else NotificationStatus.SKIPPED,
                attempts=1 if recipient else 0,
                sent_at=event.at if recipient else None,
            )
            for r in rows
            for event in r.events
            if event.action in NOTIFYING
            for channel, recipient in (
                (NotificationChannel.EMAIL, r.applicant.email),
                (NotificationChannel.SMS, r.applicant.phone),
            )
        ],
        batch_size=BATCH,
    )
    SatisfactionRating.objects.bulk_create(ratings, batch_size=BATCH)
    DossierCodeCounter.objects.bulk_create(
        [DossierCodeCounter(agency_id=a, day=d, last=n) for (a, d), n in counters.items()],
        batch_size=BATCH,
    )
    return summarise(rows)


def summarise(rows: list[DossierRows]) -> dict:
    status = Counter(r.dossier.status for r in rows)
    channel = Counter(r.dossier.channel for r in rows)
    classes = Counter(r.classification for r in rows if r.classification)
    opens = Counter(r.open_status for r in rows if r.open_status)
    paid = [
        e.data.get("online") for r in rows for e in r.events if e.action == Action.CONFIRM_PAYMENT
    ]
    return {
        "dossiers": len(rows),
        "online": channel[Channel.ONLINE],
        "in_person": channel[Channel.IN_PERSON],
        "postal": channel[Channel.POSTAL],
        "status": {int(k): v for k, v in sorted(status.items())},
        "early": classes["early"],
        "on_time": classes["on_time"],
        "late": classes["late"],
        "open": sum(opens.values()),
        "open_by": dict(opens),
        "supplemented": sum(
            1 for r in rows if any(e.action == Action.REQUEST_SUPPLEMENT for e in r.events)
        ),
        "apologised": sum(1 for r in rows if r.dossier.new_appointment_at is not None),
        "paid": len(paid),
        "paid_online": sum(1 for p in paid if p),
        "electronic_results": sum(len(r.results) for r in rows),
        "ratings": sum(1 for r in rows if r.rating),
        "unsatisfied": sum(1 for r in rows if r.rating and not r.rating.satisfied),
    }


@transaction.atomic
def build_feedback(rng, plans, *, start, today, now, staff, per_day) -> dict:
    from tthc.feedback.models import Feedback, FeedbackEvent, Vote
    from tthc.feedback.services import CODE_ALPHABET, default_agency

    if Feedback.objects.filter(submitted_at__date__lt=today).exists():
        return {"feedback": 0}
    office = default_agency()
    handlers = sorted({p.route.resolving for p in plans}, key=lambda a: a.code)
    quality = {a.pk: AGENCY_QUALITY.get(a.code, {}).get("feedback_late", 0.08) for a in handlers}
    by_agency = defaultdict(list)
    for p in plans:
        if p.steps and p.steps[-1].at < now:
            by_agency[p.route.resolving.pk].append(p)
    reference = calendar_for(office.pk)
    calendars = {office.pk: reference}
    feedback_plans = []
    for day in _days(start, today - timedelta(days=1)):
        if not reference.is_working_day(day):
            continue
        for _ in range(sum(1 for _ in range(3) if rng.random() < per_day / 3)):
            moment = Clock(reference, reference.office_hours).slot(rng, day)
            if moment >= now:
                continue
            agency = office if rng.random() < 0.35 else rng.choice(handlers)
            dossier_code, procedure, transfer_to = "", None, None
            related = by_agency.get(agency.pk)
            if related and rng.random() < 0.3:
                earlier = [p for p in related[-400:] if p.submitted_at < moment]
                if earlier:
                    chosen = rng.choice(earlier[-200:])
                    procedure, dossier_code = chosen.route.procedure, chosen.code
            if procedure is None and related and rng.random() < 0.5:
                procedure = rng.choice(related).route.procedure
            if agency is office and rng.random() < 0.15:
                transfer_to = rng.choice(handlers)
            plan = plan_feedback(
                rng,
                agency=agency,
                submitted_at=moment,
                late_rate=quality.get((transfer_to or agency).pk, 0.08),
                procedure=procedure,
                dossier_code=dossier_code,
                transfer_to=transfer_to,
                calendars=calendars,
            )
            feedback_plans.append(plan)
    rows, taken = [], set()
    for plan in feedback_plans:
        while True:
            suffix = "".join(rng.choice(CODE_ALPHABET) for _ in range(6))
            code = f"PA-{plan.submitted_at.astimezone(VN_TZ):%y%m%d}-{suffix}"
            if code not in taken:
                taken.add(code)
                break
        rows.append(feedback_rows(plan, code=code, now=now, staff=staff, calendars=calendars))
    Feedback.objects.bulk_create([fb for fb, _, _ in rows], batch_size=BATCH)
    ids = [fb.pk for fb, _, _ in rows]
    Feedback.objects.filter(pk__in=ids).update(created_at=F("submitted_at"))
    events, votes = [], []
    for fb, evs, vs in rows:
        for e in evs:
            e.feedback = fb
        for v in vs:
            v.feedback = fb
        events += evs
        votes += vs
    FeedbackEvent.objects.bulk_create(events, batch_size=BATCH)
    Vote.objects.bulk_create(votes, batch_size=BATCH)
    statuses = Counter(fb.status for fb, _, _ in rows)
    return {
        "feedback": len(rows),
        "feedback_published": statuses["published"],
        "feedback_refused": statuses["refused"],
        "feedback_open": len(rows) - statuses["published"] - statuses["refused"],
        "feedback_late": sum(1 for fb, _, _ in rows if fb.late_limits),
        "feedback_regulation": sum(1 for fb, _, _ in rows if fb.category == "regulation"),
    }


def summary_line(counts: dict) -> str:
    if counts.get("skipped"):
        return "Lịch sử 12 tháng: đã có từ trước, không thêm."
    return (
        f"Lịch sử 12 tháng: {counts['dossiers']} hồ sơ ({counts['online']} trực tuyến, "
        f"{counts['late']} trễ hạn, {counts['open']} đang xử lý), "
        f"{counts.get('feedback', 0)} phản ánh kiến nghị."
    )
