"""Reads: the public lookup by code, the finished-dossier classification (index 766, 2.1),
and the open records for the workdays registry."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from tthc.catalog.documents import document_sections
from tthc.dossiers import deadlines, routing
from tthc.dossiers.models import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    Channel,
    Dossier,
    DossierAgency,
    DossierEvent,
    Status,
)
from tthc.dossiers.personal import applicant_view, verifies
from tthc.dossiers.transitions import ACTION_LABELS, Action
from tthc.workdays.engine import classify_finish, to_local

Classification = Literal["early", "on_time", "late"]

# The event that ends a dossier for the index (DOMAIN §8 2.1): resolved, else returned, else
# stopped / refused / withdrawn.
FINISH_ORDER = (
    Action.RESOLVE,
    Action.RETURN_RESULT,
    Action.STOP,
    Action.REFUSE,
    Action.WITHDRAW,
)


def _events() -> Prefetch:
    return Prefetch("events", queryset=DossierEvent.objects.order_by("at", "id"))


def dossier_by_code(code: str) -> Dossier | None:
    code = (code or "").strip()
    if not code or len(code) > 64:
        return None
    return (
        Dossier.objects.select_related(
            "procedure",
            "applicant",
            "receiving_agency",
            "resolving_agency",
            "current_agency",
            "reception_point",
        )
        .prefetch_related(_events(), "documents")
        .filter(code=code)
        .first()
    )


def open_dossiers() -> QuerySet[Dossier]:
    """Accepted, unfinished dossiers: their deadline may still move."""
    return (
        Dossier.objects.filter(status__in=OPEN_STATUSES, received_at__isnull=False)
        .prefetch_related(_events())
        .order_by("pk")
    )


def supplement_count(dossier: Dossier) -> int:
    return sum(1 for e in dossier.events.all() if e.action == Action.REQUEST_SUPPLEMENT)


def finished_at(dossier: Dossier) -> datetime | None:
    events = list(dossier.events.all())
    for action in FINISH_ORDER:
        hits = [e.at for e in events if e.action == action]
        if hits:
            return hits[-1]
    return None


def classify(dossier: Dossier) -> Classification | None:
    """early / on_time / late for a finished dossier that was accepted; None otherwise.

    More than one supplement request counts late (DOMAIN §4, §8 2.1). Otherwise the finish time
    is compared with the legal deadline extended by the supplement pause (the apology's new
    appointment does not excuse the delay). A pause still open at the finish ends there.
    """
    if dossier.status not in FINISHED_STATUSES or dossier.received_at is None:
        return None
    if supplement_count(dossier) > 1:
        return "late"
    finish = finished_at(dossier)
    if finish is None:
        return None
    pauses = deadlines.pauses_from_events(dossier.events.all(), until=finish)
    deadline = deadlines.compute_with(dossier, pauses)
    return classify_finish(finish, deadline.due_at)


# --------------------------------------------------------------------------- public lookup


def _fmt_date(moment: datetime | None) -> str:
    return f"{to_local(moment):%d/%m/%Y}" if moment else ""


def _fmt_time(moment: datetime | None) -> str:
    if not moment:
        return ""
    local = to_local(moment)
    return f"{local:%H} giờ {local:%M} phút"


def public_steps(dossier: Dossier) -> list[dict]:
    """The history as shown to the public: what happened and when, no internal notes."""
    steps = []
    for event in dossier.events.all():
        try:
            label = ACTION_LABELS[Action(event.action)]
        except ValueError:
            label = event.action
        if event.action == Action.CONFIRM_PAYMENT and (event.data or {}).get("online"):
            label = f"{label} (đã thanh toán trực tuyến)"
        steps.append(
            {
                "action": event.action,
                "label": label,
                "at": event.at,
                "date": _fmt_date(event.at),
                "time": _fmt_time(event.at),
                "status": event.to_status,
                "status_label": Status(event.to_status).label,
            }
        )
    return steps


# The key is the dossier's lookup secret (personal.verifies), never anything the masked view
# shows. After this many wrong verifications of one code in the window, further attempts are
# refused (details stay masked) until the window ends. The counter lives
# in the shared cache, so it holds across web processes when CACHE_URL points at Redis.
# (TTHC_DOSSIER_LOOKUP_VERIFY_ATTEMPTS, TTHC_DOSSIER_LOOKUP_VERIFY_WINDOW_SECONDS: settings.py)


def _verify_key(code: str) -> str:
    return f"dossiers:verify-failures:{code}"


def _verify(dossier: Dossier, verify: str | None) -> tuple[bool, bool]:
    """(verified, blocked)."""
    if not verify:
        return False, False
    key = _verify_key(dossier.code)
    if cache.get(key, 0) >= settings.TTHC_DOSSIER_LOOKUP_VERIFY_ATTEMPTS:
        return False, True
    if verifies(dossier, verify):
        return True, False
    cache.add(key, 0, settings.TTHC_DOSSIER_LOOKUP_VERIFY_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, settings.TTHC_DOSSIER_LOOKUP_VERIFY_WINDOW_SECONDS)
    return False, False


def lookup(code: str, *, verify: str | None = None) -> dict | None:
    """The public view of a dossier by code; personal details in full only when `verify` is
    the dossier's lookup secret (receipt, confirmation page, notifications), masked otherwise."""
    dossier = dossier_by_code(code)
    if dossier is None:
        return None
    verified, blocked = _verify(dossier, verify)
    appointment = dossier.appointment_at
    return {
        "code": dossier.code,
        "procedure_code": dossier.procedure.code,
        "procedure_name": dossier.procedure.name,
        "channel": dossier.channel,
        "channel_label": Channel(dossier.channel).label,
        "status": dossier.status,
        "status_label": Status(dossier.status).label,
        "receiving_agency": dossier.receiving_agency.name,
        "resolving_agency": dossier.resolving_agency.name,
        "reception_point": dossier.reception_point.name if dossier.reception_point else "",
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "received_date": _fmt_date(dossier.received_at),
        "appointment_at": appointment,
        "appointment_date": _fmt_date(appointment),
        "appointment_time": _fmt_time(appointment),
        "rescheduled": dossier.new_appointment_at is not None,
        "steps": public_steps(dossier),
        "verified": verified,
        "verify_blocked": blocked,
        "applicant": applicant_view(dossier.applicant, full=verified),
    }


# --------------------------------------------------------------------------- online intake

# Roles of a procedure's agencies that resolve dossiers.
RESOLVING_ROLES = ("implementing", "competent", "authorised")


def online_procedure(code: str):
    """The procedure if it takes online submissions (level full or partial, not abolished,
    with a current version), else None."""
    from tthc.catalog.models import Procedure

    procedure = (
        Procedure.objects.select_related("current_version").filter(code=(code or "")[:50]).first()
    )
    if (
        procedure is None
        or procedure.current_version is None
        or procedure.status == "abolished"
        or procedure.online_level not in ("full", "partial")
    ):
        return None
    return procedure


# Words by which a document's name says it is needed only in some case (“… trong trường hợp
# ủy quyền”, “(nếu có)”, “nếu nộp hồ sơ trực tiếp”): not every applicant must upload it.
_CONDITIONAL_WORDS = ("nếu có", "trong trường hợp", "đối với trường hợp", "(nếu ", "nếu nộp")


def _named_optional(name: str) -> bool:
    # Also for versions stored before documents carried `mandatory`.
    folded = " ".join(name.lower().lstrip("-+• ").split())
    return folded.startswith("trường hợp") or any(w in folded for w in _CONDITIONAL_WORDS)


def required_documents(version_data: dict) -> list[dict]:
    """The procedure version's documents, numbered from 1 as the upload fields are
    (`file_1`, ...), each with its condition ("Trường hợp …", "" for every applicant), whether
    it is mandatory, the originals and copies asked for and its form template."""
    rows = []
    for position, document in enumerate(version_data.get("documents") or [], start=1):
        name = document.get("name", "")
        optional = document.get("mandatory") is False or _named_optional(name)
        rows.append(
            {
                "position": position,
                "field": f"file_{position}",
                "name": name,
                "label": name.lstrip("-+• ").strip() or name,
                "optional": optional,
                "condition": document.get("condition") or "",
                "group": document.get("group") or "",
                "originals": document.get("originals"),
                "copies": document.get("copies"),
                "template": document.get("form") or "",
            }
        )
    return rows


def checklist_groups(rows: list[dict]) -> list[dict]:
    """The rows in the catalog's sections (`tthc.catalog.documents`): the documents always
    needed first, then one section per group and condition, as the procedure page shows them."""
    by_position = {row["position"]: row for row in rows}
    sections = document_sections(
        [
            {"name": row["name"], "position": row["position"], "condition": row["condition"]}
            | ({"group": row["group"]} if row.get("group") else {})
            for row in rows
        ]
    )
    return [
        {
            "heading": " — ".join(part for part in (s.group, s.condition) if part),
            "condition": s.condition,
            "rows": [by_position[d["position"]] for d in s.documents],
        }
        for s in sections
    ]


def quantity_text(row: dict) -> str:
    """“1 bản chính, 1 bản sao” as the catalog asks; empty when it does not say."""
    parts = []
    if row.get("originals"):
        parts.append(f"{row['originals']} bản chính")
    if row.get("copies"):
        parts.append(f"{row['copies']} bản sao")
    return ", ".join(parts)


def resolving_agencies(procedure):
    """Agencies that resolve the procedure (from its agency links), active ones."""
    from tthc.org.models import Agency

    return (
        Agency.objects.filter(
            is_active=True,
            procedure_links__procedure=procedure,
            procedure_links__role__in=RESOLVING_ROLES,
        )
        .distinct()
        .order_by("name")
    )


# --------------------------------------------------------------------------- staff queues

QUEUE_TABS: dict[str, str] = {
    "moi": "Mới nộp trực tuyến",
    "dang-xu-ly": "Đang giải quyết",
    "sap-den-han": "Sắp đến hạn",
    "qua-han": "Quá hạn",
    "bo-sung": "Chờ bổ sung",
    "cho-tra": "Chờ trả kết quả",
    "da-xong": "Đã trả, kết thúc",
    "cua-toi": "Của tôi",
}
_RUNNING = (Status.RECEIVED, Status.PROCESSING, Status.AWAITING_PAYMENT)


def staff_agencies(user) -> set[int] | None:
    """Agencies whose dossiers the user sees (roles of DOSSIER_VIEW held there, and the
    agencies below); None means every agency (province-wide grant, superuser)."""
    from tthc.org.policy import Action as Policy
    from tthc.org.policy import granted_agencies

    ids = granted_agencies(user, Policy.DOSSIER_VIEW)
    if ids is None:
        return None
    return routing.with_descendants(ids) if ids else set()


def _involving(agencies: set[int]):
    """A condition on dossiers: one of `agencies` received, resolves or was consulted on it."""
    return Exists(DossierAgency.objects.filter(dossier_id=OuterRef("pk"), agency_id__in=agencies))


def due_soon_limit(now: datetime | None = None) -> datetime:
    """The end of the N-th working day from today (N = TTHC_DUE_SOON_WORKING_DAYS)."""
    from datetime import time

    from django.conf import settings
    from django.utils import timezone

    from tthc.workdays.engine import VN_TZ
    from tthc.workdays.selectors import calendar_for

    today = to_local(now or timezone.now()).date()
    calendar = calendar_for(None)
    day = calendar.add_working_days(today, settings.TTHC_DUE_SOON_WORKING_DAYS)
    return datetime.combine(day, time(23, 59, 59), tzinfo=VN_TZ)


def queue(user, tab: str, *, now: datetime | None = None) -> QuerySet[Dossier]:
    """One tab of the staff queue, restricted to the user's agencies: the definition of the
    tab, every row. The pages and the API read `tthc.dossiers.queues.page` (keyset pages over
    index ranges, the same rows in the same order) and `queue_counts`."""
    from django.utils import timezone

    now = now or timezone.now()
    rows = Dossier.objects.select_related(
        "procedure", "receiving_agency", "current_agency", "reception_point", "assignee"
    )
    agencies = staff_agencies(user)
    if agencies is not None:
        rows = rows.filter(_involving(agencies))
    if tab == "moi":
        return rows.filter(status=Status.SUBMITTED).order_by("submitted_at", "pk")
    if tab == "cua-toi":  # assigned to the user by the agency's leader, not finished
        return rows.filter(assignee_id=user.pk, status__in=OPEN_STATUSES).order_by("due_at", "pk")
    if tab == "sap-den-han":
        return rows.filter(
            status__in=_RUNNING, due_at__gte=now, due_at__lte=due_soon_limit(now)
        ).order_by("due_at", "pk")
    if tab == "qua-han":
        return rows.filter(status__in=_RUNNING, due_at__lt=now).order_by("due_at", "pk")
    if tab == "bo-sung":
        return rows.filter(status=Status.SUPPLEMENT_REQUESTED).order_by("due_at", "pk")
    if tab == "cho-tra":
        return rows.filter(status=Status.RESOLVED).order_by("due_at", "pk")
    if tab == "da-xong":
        return rows.filter(
            status__in=(Status.RETURNED, Status.NOT_RECEIVED, Status.WITHDRAWN, Status.STOPPED)
        ).order_by("-submitted_at", "-pk")
    return rows.filter(status__in=_RUNNING).order_by("due_at", "pk")


def queue_counts(user, *, now: datetime | None = None, agencies=...) -> dict[str, int]:
    """Every tab's count in one query (`queues.counts`: “da-xong” capped at
    `queues.DONE_COUNT_CAP` + 1, meaning more)."""
    from tthc.dossiers import queues

    return queues.counts(user, now=now, agencies=agencies)


# The queues a reception desk watches, shown as counts on the staff home and the queue page.
DESK_SUMMARY = ("moi", "sap-den-han", "qua-han", "bo-sung", "cho-tra")


def desk_summary(user, *, now: datetime | None = None) -> list[dict]:
    """Counts of the desk's queues (new online, due soon, overdue, waiting for a supplement,
    ready to return) over the dossiers the user sees."""
    counts = queue_counts(user, now=now)
    return [{"tab": tab, "label": QUEUE_TABS[tab], "count": counts[tab]} for tab in DESK_SUMMARY]


def with_time_left(dossiers, *, now: datetime | None = None) -> list[Dossier]:
    """Set `time_left` on each running dossier: working days left before its deadline, or
    late after it, on the resolving agency's calendar (the province's for every agency without
    overrides of its own: one query finds those with some, one calendar each)."""
    from django.utils import timezone

    from tthc.workdays.models import CalendarOverride
    from tthc.workdays.selectors import calendar_for

    now = now or timezone.now()
    today = to_local(now).date()
    calendars: dict[int | None, object] = {}
    rows = list(dossiers)
    running = {d.resolving_agency_id for d in rows if d.due_at is not None and d.status in _RUNNING}
    # An agency without overrides of its own has the province's calendar: one calendar (and
    # one query) for all of them, whatever the number of agencies on the page.
    own = (
        set(
            CalendarOverride.objects.filter(agency_id__in=running)
            .values_list("agency_id", flat=True)
            .distinct()
        )
        if running
        else set()
    )
    for dossier in rows:
        dossier.time_left = None
        if dossier.due_at is None or dossier.status not in _RUNNING:
            continue
        key = dossier.resolving_agency_id if dossier.resolving_agency_id in own else None
        calendar = calendars.get(key)
        if calendar is None:
            calendar = calendars[key] = calendar_for(key)
        due_day = to_local(dossier.due_at).date()
        if dossier.due_at < now:
            days = max(1, calendar.working_days_between(due_day, today))
            dossier.time_left = {"late": True, "days": days}
        else:
            dossier.time_left = {
                "late": False,
                "days": calendar.working_days_between(today, due_day),
            }
    return rows


def staff_dossier(code: str) -> Dossier | None:
    """A dossier with everything its staff page shows."""
    code = (code or "").strip()
    if not code or len(code) > 64:
        return None
    return (
        Dossier.objects.select_related(
            "procedure",
            "applicant",
            "receiving_agency",
            "resolving_agency",
            "current_agency",
            "reception_point",
            "assignee",
        )
        .prefetch_related(
            Prefetch(
                "events",
                queryset=DossierEvent.objects.select_related("actor", "agency")
                .prefetch_related("attachments")
                .order_by("at", "id"),
            ),
            "documents",
        )
        .filter(code=code)
        .first()
    )


def allowed_actions(user, dossier: Dossier) -> list[Action]:
    """The staff actions the transition table and the user's permissions allow now."""
    from tthc.core.errors import PermissionDenied
    from tthc.dossiers.services import check_permission
    from tthc.dossiers.transitions import STAFF_ACTIONS, target

    allowed = []
    for action in STAFF_ACTIONS:
        if target(dossier.status, action) is None:
            continue
        try:
            check_permission(user, dossier, action)
        except PermissionDenied:
            continue
        allowed.append(action)
    return allowed


def involved_agencies(dossier: Dossier) -> list:
    """The agencies that received, resolve or were consulted on the dossier."""
    from tthc.org.models import Agency

    return list(
        Agency.objects.filter(
            pk__in=DossierAgency.objects.filter(dossier=dossier).values("agency_id")
        ).select_related("parent")
    )


def may_view(user, dossier: Dossier) -> bool:
    """Staff of the desk that received the dossier, of the agency resolving it and of the
    agencies consulted in inter-agency steps see it (and control officers province-wide, for
    oversight); nobody else."""
    from tthc.org.policy import Action as Policy
    from tthc.org.policy import can

    return any(can(user, Policy.DOSSIER_VIEW, agency) for agency in involved_agencies(dossier))


def open_request(dossier: Dossier) -> DossierEvent | None:
    """The supplement request (status 5) or the completion request before acceptance (status
    1) still waiting for the applicant, else None."""
    events = list(dossier.events.all())
    if dossier.status == Status.SUPPLEMENT_REQUESTED:
        wanted, answer = Action.REQUEST_SUPPLEMENT, Action.COMPLETE_SUPPLEMENT
    elif dossier.status == Status.SUBMITTED:
        wanted, answer = Action.REQUEST_COMPLETION, Action.SUBMIT_COMPLETION
    else:
        return None
    for event in reversed(events):
        if event.action == answer:
            return None
        if event.action == wanted:
            return event
    return None


def missing_documents(dossier: Dossier) -> list[str]:
    """What the open request asks for (empty when none is open)."""
    request = open_request(dossier)
    return list((request.data or {}).get("missing") or []) if request else []


def intake_procedure(code: str):
    """A procedure the counter may receive (current version, not abolished), else None."""
    from tthc.catalog.models import Procedure

    procedure = (
        Procedure.objects.select_related("current_version").filter(code=(code or "")[:50]).first()
    )
    if procedure is None or procedure.current_version is None or procedure.status == "abolished":
        return None
    return procedure


def open_status_of(dossier: Dossier) -> str | None:
    """within_time / due_soon / overdue while the clock runs; None otherwise."""
    from tthc.workdays.selectors import open_status

    if dossier.status not in (Status.RECEIVED, Status.PROCESSING, Status.AWAITING_PAYMENT):
        return None
    if dossier.due_at is None:
        return None
    return open_status(dossier.due_at, agency=dossier.resolving_agency_id)


def tracking_rows(*, user, start: datetime, end: datetime, agency=None) -> QuerySet[Dossier]:
    """Dossiers received (or submitted) in [start, end] for the tracking book."""
    rows = (
        Dossier.objects.filter(submitted_at__gte=start, submitted_at__lte=end)
        .select_related(
            "procedure", "applicant", "receiving_agency", "resolving_agency", "reception_point"
        )
        .prefetch_related(_events())
        .order_by("submitted_at", "pk")
    )
    agencies = staff_agencies(user)
    if agencies is not None:
        rows = rows.filter(_involving(agencies))
    if agency is not None:
        rows = rows.filter(_involving({agency.pk}))
    return rows


def citizen_actions(code: str) -> dict:
    """What the verified applicant may do on the lookup page: upload the documents of an open
    supplement request; rate the service once the result was returned (once)."""
    from tthc.dossiers.models import SatisfactionRating

    dossier = dossier_by_code(code)
    if dossier is None:
        return {}
    rating = SatisfactionRating.objects.filter(dossier=dossier).first()
    supplement = None
    request = open_request(dossier)
    if request is not None:
        supplement = {"note": request.note, "missing": (request.data or {}).get("missing", [])}
    return {
        "supplement": supplement,
        "can_rate": dossier.status == Status.RETURNED and rating is None,
        "rating": rating,
        "results": electronic_results(dossier),
    }


def electronic_results(dossier) -> list:
    """The files of the dossier's electronic result (valid as the paper one), which the
    verified applicant may download once the dossier is resolved; none for a paper result."""
    from tthc.dossiers.models import EventAttachment

    if dossier.status not in (Status.RESOLVED, Status.RETURNED):
        return []
    resolved = dossier.events.filter(action=Action.RESOLVE).order_by("-pk").first()
    if resolved is None or not (resolved.data or {}).get("electronic"):
        return []
    return list(EventAttachment.objects.filter(event=resolved).order_by("pk"))


# --------------------------------------------------------------------------- process steps

DEFAULT_STEP_NAME = "Thẩm định, giải quyết hồ sơ"


def process_definition(procedure_id: int, agency_id: int | None) -> list:
    """The steps that apply to dossiers of `procedure_id` resolved by `agency_id`: the
    agency's own definition, else the procedure's general one, else one default step (unsaved,
    100 % of the time, a specialist of the resolving agency)."""
    from tthc.dossiers.models import ProcessStep
    from tthc.org.models import Role

    steps = list(
        ProcessStep.objects.filter(procedure_id=procedure_id, agency_id=agency_id)
        .select_related("responsible_agency")
        .order_by("order")
        if agency_id is not None
        else []
    )
    if not steps:
        steps = list(
            ProcessStep.objects.filter(procedure_id=procedure_id, agency__isnull=True)
            .select_related("responsible_agency")
            .order_by("order")
        )
    if not steps:
        steps = [
            ProcessStep(
                procedure_id=procedure_id,
                order=1,
                name=DEFAULT_STEP_NAME,
                role=Role.SPECIALIST,
                share_percent=100,
            )
        ]
    return steps


def current_step(dossier: Dossier) -> dict | None:
    """The dossier's current internal step with its planned end (share × legal time from the
    acceptance, workdays engine); None before acceptance."""
    from tthc.core.errors import ValidationError
    from tthc.org.models import Role

    if dossier.received_at is None:
        return None
    steps = process_definition(dossier.procedure_id, dossier.resolving_agency_id)
    number = max(1, min(dossier.current_step, len(steps)))
    step = steps[number - 1]
    cumulative = sum(s.share_percent for s in steps[:number])
    try:
        due = deadlines.step_due(dossier, cumulative)
    except ValidationError:
        due = None
    agency = step.responsible_agency or dossier.resolving_agency
    return {
        "number": number,
        "total": len(steps),
        "name": step.name,
        "agency": agency.name,
        "role": Role(step.role).label,
        "share_percent": step.share_percent,
        "cumulative_percent": cumulative,
        "due_at": due,
        "is_last": number == len(steps),
        "previous": steps[number - 2].name if number > 1 else None,
    }


def specialists_of(agency_id: int):
    """Active users holding the specialist role at the agency (whom its leader may assign)."""
    from django.contrib.auth import get_user_model

    from tthc.org.models import Role

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__role=Role.SPECIALIST,
            memberships__agency_id=agency_id,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


# --------------------------------------------------------------------------- audit trail

AUDIT_KINDS = {
    "event": "Thay đổi hồ sơ",
    "read": "Xem dữ liệu cá nhân (hồ sơ)",
    "feedback_read": "Xem dữ liệu cá nhân (phản ánh, kiến nghị)",
}


def audit_entries(
    *,
    username: str = "",
    start: datetime | None = None,
    end: datetime | None = None,
    code: str = "",
):
    """The audit trail as one queryset of rows (kind, at, username, code, what, note, id),
    newest first: dossier events (changes), staff reads of a dossier's personal data and, when
    the feedback app is installed, of a feedback's. One UNION query: a page costs a count and
    a select whatever its size. `end` is exclusive."""
    from django.apps import apps
    from django.db.models import CharField, F, TextField, Value

    from tthc.dossiers.models import AccessLog

    def narrowed(rows, *, user_field: str, code_field: str):
        if username:
            rows = rows.filter(**{f"{user_field}__username": username})
        if start is not None:
            rows = rows.filter(at__gte=start)
        if end is not None:
            rows = rows.filter(at__lt=end)
        if code:
            rows = rows.filter(**{code_field: code})
        return rows

    def columns(rows, kind: str, *, user_field: str, code_field: str, what: str, note):
        return (
            rows.order_by()
            .annotate(
                a_kind=Value(kind, output_field=CharField()),
                a_at=F("at"),
                a_user=F(f"{user_field}__username"),
                a_code=F(code_field),
                a_what=F(what),
                a_note=note,
                a_id=F("id"),
            )
            .values_list("a_kind", "a_at", "a_user", "a_code", "a_what", "a_note", "a_id")
        )

    parts = [
        columns(
            narrowed(DossierEvent.objects.all(), user_field="actor", code_field="dossier__code"),
            "event",
            user_field="actor",
            code_field="dossier__code",
            what="action",
            note=F("note"),
        ),
        columns(
            narrowed(AccessLog.objects.all(), user_field="user", code_field="dossier__code"),
            "read",
            user_field="user",
            code_field="dossier__code",
            what="what",
            note=Value("", output_field=TextField()),
        ),
    ]
    if apps.is_installed("tthc.feedback"):
        feedback_log = apps.get_model("feedback", "AccessLog")
        parts.append(
            columns(
                narrowed(
                    feedback_log.objects.all(), user_field="user", code_field="feedback__code"
                ),
                "feedback_read",
                user_field="user",
                code_field="feedback__code",
                what="what",
                note=Value("", output_field=TextField()),
            )
        )
    first, *others = parts
    return first.union(*others, all=True).order_by("-a_at", "-a_id")


def audit_rows(rows) -> list[dict]:
    """A page of `audit_entries` as dicts with labels (no further queries)."""
    out = []
    for kind, at, username, code, what, note, pk in rows:
        label = what
        if kind == "event" and what in set(Action):
            label = ACTION_LABELS[Action(what)]
        out.append(
            {
                "kind": kind,
                "kind_label": AUDIT_KINDS[kind],
                "at": at,
                "username": username or "",
                "code": code,
                "what": label,
                "note": note or "",
                "id": pk,
            }
        )
    return out
