"""Reads: the public lookup by code, the finished-dossier classification (index 766, 2.1),
and the open records for the workdays registry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import CharField, Exists, F, OuterRef, Prefetch, QuerySet, TextField, Value
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

from tthc.catalog import search as catalog_search
from tthc.catalog.documents import document_sections
from tthc.catalog.models import Procedure
from tthc.core import accesslog, revisions
from tthc.core.dates import fmt_date, fmt_time
from tthc.core.errors import NotFound, PermissionDenied, ValidationError
from tthc.dossiers import deadlines, processes, queues, routing
from tthc.dossiers.models import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    Channel,
    Dossier,
    DossierAgency,
    DossierDocument,
    DossierEvent,
    EventAttachment,
    ProcessStep,
    SatisfactionRating,
    Status,
)
from tthc.dossiers.personal import applicant_view, verifies
from tthc.dossiers.transitions import ACTION_LABELS, Action
from tthc.org.models import Agency, ReceptionPoint, Role
from tthc.org.policy import DENIED_MESSAGES, can, can_somewhere, granted_agencies
from tthc.org.policy import Action as Policy
from tthc.workdays.engine import classify_finish, to_local
from tthc.workdays.selectors import agencies_with_own_calendar, calendar_for, open_status

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


def public_steps(dossier: Dossier) -> list[dict]:
    """The history as shown to the public: what happened and when, no internal notes."""
    steps = []
    for event in dossier.events.all():
        try:
            label = str(ACTION_LABELS[Action(event.action)])
        except ValueError:
            label = event.action
        if event.action == Action.CONFIRM_PAYMENT and (event.data or {}).get("online"):
            label = _("%(label)s (đã thanh toán trực tuyến)") % {"label": label}
        steps.append(
            {
                "action": event.action,
                "label": label,
                "at": event.at,
                "date": fmt_date(event.at),
                "time": fmt_time(event.at),
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
        "received_date": fmt_date(dossier.received_at),
        "appointment_at": appointment,
        "appointment_date": fmt_date(appointment),
        "appointment_time": fmt_time(appointment),
        "rescheduled": dossier.new_appointment_at is not None,
        "steps": public_steps(dossier),
        "verified": verified,
        "verify_blocked": blocked,
        "applicant": applicant_view(dossier.applicant, full=verified),
    }


# --------------------------------------------------------------------------- online intake

# Roles of a procedure's agencies that resolve dossiers.
RESOLVING_ROLES = ("implementing", "competent", "authorised")


@dataclass(frozen=True)
class OnlineOffer:
    """What a procedure offers online: the procedure (its current version read), its active
    resolving agencies by name and the documents to upload (`required_documents`). Each
    process keeps it until the catalog changes (revision "catalog", which agencies and links
    raise too); shared by every request: read it, never change it."""

    procedure: Procedure
    resolving: tuple[Agency, ...]
    documents: tuple[dict, ...]


def _online_offer(code: str) -> OnlineOffer | None:
    procedure = (
        Procedure.objects.select_related("current_version")
        .defer("name_folded", "body_folded")  # the search's columns: not kept for nothing
        .filter(code=code)
        .first()
    )
    if (
        procedure is None
        or procedure.current_version is None
        or procedure.status == "abolished"
        or procedure.online_level not in ("full", "partial")
    ):
        return None
    return OnlineOffer(
        procedure=procedure,
        resolving=tuple(resolving_agencies(procedure)),
        documents=tuple(required_documents(procedure.current_version.data)),
    )


# About 60 KiB each (the version's data): at most 500 per process, the oldest dropped first.
_ONLINE_OFFERS = revisions.Derived(catalog_search.REVISION, _online_offer, limit=500)


def online_offer(code: str) -> OnlineOffer | None:
    """The procedure's online offer if it takes online submissions (level full or partial,
    not abolished, with a current version), else None."""
    return _ONLINE_OFFERS.get((code or "")[:50])


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


def channel_fee(version_data: dict, channel: str) -> int:
    """The first fee in figures of the channel (else of any channel), 0 when none."""
    channels = version_data.get("channels") or []
    ordered = [c for c in channels if c.get("channel") == channel] + channels
    for item in ordered:
        for fee in item.get("fees") or []:
            if isinstance(fee.get("amount_vnd"), int) and fee["amount_vnd"] >= 0:
                return fee["amount_vnd"]
    return 0


def resolving_agencies(procedure: Procedure) -> QuerySet[Agency]:
    """Agencies that resolve the procedure (from its agency links), active ones."""
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
    "moi": gettext_lazy("Mới nộp trực tuyến"),
    "dang-xu-ly": gettext_lazy("Đang giải quyết"),
    "sap-den-han": gettext_lazy("Sắp đến hạn"),
    "qua-han": gettext_lazy("Quá hạn"),
    "bo-sung": gettext_lazy("Chờ bổ sung"),
    "cho-tra": gettext_lazy("Chờ trả kết quả"),
    "da-xong": gettext_lazy("Đã trả, kết thúc"),
    "cua-toi": gettext_lazy("Của tôi"),
}
_RUNNING = (Status.RECEIVED, Status.PROCESSING, Status.AWAITING_PAYMENT)


def default_tab(user) -> str:
    """The queue's tab when none (or an unknown one) is asked for: the desk's new online
    dossiers for reception officers, the dossiers being processed for everyone else."""
    return "moi" if can_somewhere(user, Policy.DOSSIER_RECEIVE) else "dang-xu-ly"


def _involving(agencies: set[int]):
    """A condition on dossiers: one of `agencies` received, resolves or was consulted on it."""
    return Exists(DossierAgency.objects.filter(dossier_id=OuterRef("pk"), agency_id__in=agencies))


def queue(user, tab: str, *, now: datetime | None = None) -> QuerySet[Dossier]:
    """One tab of the staff queue, restricted to the user's agencies: the definition of the
    tab, every row. The pages and the API read `tthc.dossiers.queues.page` (keyset pages over
    index ranges, the same rows in the same order) and `queue_counts`."""
    now = now or timezone.now()
    rows = Dossier.objects.select_related(
        "procedure", "receiving_agency", "current_agency", "reception_point", "assignee"
    )
    agencies = routing.staff_agencies(user)
    if agencies is not None:
        rows = rows.filter(_involving(agencies))
    if tab == "moi":
        return rows.filter(status=Status.SUBMITTED).order_by("submitted_at", "pk")
    if tab == "cua-toi":  # assigned to the user by the agency's leader, not finished
        return rows.filter(assignee_id=user.pk, status__in=OPEN_STATUSES).order_by("due_at", "pk")
    if tab == "sap-den-han":
        return rows.filter(
            status__in=_RUNNING, due_at__gte=now, due_at__lte=queues.due_soon_limit(now)
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
    return queues.counts(user, now=now, agencies=agencies)


# The queues a reception desk watches, shown as counts on the staff home and the queue page.
DESK_SUMMARY = ("moi", "sap-den-han", "qua-han", "bo-sung", "cho-tra")


def desk_summary(user, *, now: datetime | None = None) -> list[dict]:
    """Counts of the desk's queues (new online, due soon, overdue, waiting for a supplement,
    ready to return) over the dossiers the user sees."""
    counts = queue_counts(user, now=now)
    return [{"tab": tab, "label": QUEUE_TABS[tab], "count": counts[tab]} for tab in DESK_SUMMARY]


@dataclass(frozen=True)
class QueueRow:
    """One line of the staff queue, every cell already written out: the page shows 25 of them
    per request, and formatting them here costs a fraction of what the template engine's
    filters and tags do per cell."""

    code: str
    url: str
    channel: str
    procedure: str
    status: int
    status_label: str
    submitted: str
    due: str  # "" when the dossier has no deadline
    overdue: bool  # past its deadline and still running
    new_appointment: str
    left: str  # working days left or late, "" when not running
    left_class: str  # "ds-late", "ds-soon" or ""
    agency: str


_PROCEDURE_CHARS = 110


def _shortened(name: str) -> str:
    # Truncator walks every character (combining marks are not counted): a name no longer
    # than the limit in code points — most of them — is short enough as it is.
    return name if len(name) <= _PROCEDURE_CHARS else Truncator(name).chars(_PROCEDURE_CHARS)


def _moment(value: datetime | None) -> str:
    return f"{to_local(value):%H:%M %d/%m/%Y}" if value else ""


def queue_rows(dossiers, *, now: datetime | None = None) -> list[QueueRow]:
    """The queue's lines: working days left before each running dossier's deadline, or late
    after it, on the resolving agency's calendar (the province's for every agency without
    overrides of its own; those with some are kept by the process, one calendar each)."""
    now = now or timezone.now()
    today = to_local(now).date()
    calendars: dict[int | None, object] = {}
    rows = list(dossiers)
    # An agency without overrides of its own has the province's calendar: one calendar for
    # all of them, whatever the number of agencies on the page.
    own = agencies_with_own_calendar()
    # The link of one dossier, with the code swapped in: one `reverse` per page, not per row.
    marker = "~code~"
    link = reverse("dossiers:staff-dossier", args=[marker])
    lines = []
    for dossier in rows:
        left, left_class = "", ""
        is_running = dossier.due_at is not None and dossier.status in _RUNNING
        if is_running:
            key = dossier.resolving_agency_id if dossier.resolving_agency_id in own else None
            calendar = calendars.get(key)
            if calendar is None:
                calendar = calendars[key] = calendar_for(key)
            due_day = to_local(dossier.due_at).date()
            if dossier.due_at < now:
                days = max(1, calendar.working_days_between(due_day, today))
                left_class = "ds-late"
                left = ngettext(
                    "Trễ %(days)s ngày làm việc", "Trễ %(days)s ngày làm việc", days
                ) % {"days": days}
            else:
                days = calendar.working_days_between(today, due_day)
                if days == 0:
                    left, left_class = _("Hạn trong hôm nay"), "ds-soon"
                else:
                    left = ngettext(
                        "Còn %(days)s ngày làm việc", "Còn %(days)s ngày làm việc", days
                    ) % {"days": days}
        lines.append(
            QueueRow(
                code=dossier.code,
                url=link.replace(marker, quote(dossier.code)),
                channel=str(Channel(dossier.channel).label),
                procedure=_shortened(dossier.procedure_name),
                status=dossier.status,
                status_label=str(Status(dossier.status).label),
                submitted=_moment(dossier.submitted_at),
                due=_moment(dossier.due_at),
                overdue=is_running and dossier.due_at < now,
                new_appointment=fmt_date(dossier.new_appointment_at),
                left=left,
                left_class=left_class,
                agency=dossier.current_agency.name,
            )
        )
    return lines


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


def staff_dossier_url(code: str) -> str:
    """The staff page of a dossier."""
    return reverse("dossiers:staff-dossier", args=[code])


def involved_agencies(dossier: Dossier) -> list[Agency]:
    """The agencies that received, resolve or were consulted on the dossier."""
    return list(
        Agency.objects.filter(
            pk__in=DossierAgency.objects.filter(dossier=dossier).values("agency_id")
        ).select_related("parent")
    )


def may_view(user, dossier: Dossier) -> bool:
    """Staff of the desk that received the dossier, of the agency resolving it and of the
    agencies consulted in inter-agency steps see it (and control officers province-wide, for
    oversight); nobody else."""
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
    procedure = (
        Procedure.objects.select_related("current_version").filter(code=(code or "")[:50]).first()
    )
    if procedure is None or procedure.current_version is None or procedure.status == "abolished":
        return None
    return procedure


def open_status_of(dossier: Dossier) -> str | None:
    """within_time / due_soon / overdue while the clock runs; None otherwise."""
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
    agencies = routing.staff_agencies(user)
    if agencies is not None:
        rows = rows.filter(_involving(agencies))
    if agency is not None:
        rows = rows.filter(_involving({agency.pk}))
    return rows


def citizen_actions(code: str) -> dict:
    """What the verified applicant may do on the lookup page: upload the documents of an open
    supplement request; rate the service once the result was returned (once)."""
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


def electronic_results(dossier: Dossier) -> list[EventAttachment]:
    """The files of the dossier's electronic result (valid as the paper one), which the
    verified applicant may download once the dossier is resolved; none for a paper result."""
    if dossier.status not in (Status.RESOLVED, Status.RETURNED):
        return []
    resolved = dossier.events.filter(action=Action.RESOLVE).order_by("-pk").first()
    if resolved is None or not (resolved.data or {}).get("electronic"):
        return []
    return list(EventAttachment.objects.filter(event=resolved).order_by("pk"))


# --------------------------------------------------------------------------- process steps

# Translated where it is shown (`process_definition`, the process page).
DEFAULT_STEP_NAME = gettext_noop("Thẩm định, giải quyết hồ sơ")


def process_definition(procedure_id: int, agency_id: int | None) -> list[ProcessStep]:
    """The steps that apply to dossiers of `procedure_id` resolved by `agency_id`: the
    agency's own definition, else the procedure's general one, else one default step (unsaved,
    100 % of the time, a specialist of the resolving agency)."""
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
                name=_(DEFAULT_STEP_NAME),
                role=Role.SPECIALIST,
                share_percent=100,
            )
        ]
    return steps


def current_step(dossier: Dossier) -> dict | None:
    """The dossier's current internal step with its planned end (share × legal time from the
    acceptance, workdays engine); None before acceptance."""
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

# The audit trail's own rows: the dossiers' events (changes); the reads of personal data come
# from every access log registered in `tthc.core.accesslog` (dossiers' and feedback's).
AUDIT_EVENT_KIND = "event"
AUDIT_EVENT_LABEL = gettext_lazy("Thay đổi hồ sơ")


def audit_entries(
    *,
    username: str = "",
    start: datetime | None = None,
    end: datetime | None = None,
    code: str = "",
) -> QuerySet:
    """The audit trail as one queryset of rows (kind, at, username, code, what, note, id),
    newest first: dossier events (changes) and the staff reads of personal data of every
    registered access log (`tthc.core.accesslog`: a dossier's, a feedback's). One UNION query:
    a page costs a count and a select whatever its size. `end` is exclusive."""

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

    first = columns(
        narrowed(DossierEvent.objects.all(), user_field="actor", code_field="dossier__code"),
        AUDIT_EVENT_KIND,
        user_field="actor",
        code_field="dossier__code",
        what="action",
        note=F("note"),
    )
    others = [
        columns(
            narrowed(
                source.model.objects.all(),
                user_field=source.user_field,
                code_field=source.code_field,
            ),
            source.kind,
            user_field=source.user_field,
            code_field=source.code_field,
            what=source.what_field,
            note=Value("", output_field=TextField()),
        )
        for source in accesslog.access_log_sources()
    ]
    return first.union(*others, all=True).order_by("-a_at", "-a_id")


def audit_rows(rows) -> list[dict]:
    """A page of `audit_entries` as dicts with labels and the link to the record's staff page
    (no further queries)."""
    sources = {source.kind: source for source in accesslog.access_log_sources()}
    out = []
    for kind, at, username, code, what, note, pk in rows:
        label = what
        if kind == AUDIT_EVENT_KIND and what in set(Action):
            label = ACTION_LABELS[Action(what)]
        source = sources.get(kind)
        if kind == AUDIT_EVENT_KIND:
            kind_label, url = AUDIT_EVENT_LABEL, staff_dossier_url(code)
        else:
            kind_label, url = source.label, source.url(code) if source.url else ""
        out.append(
            {
                "kind": kind,
                "kind_label": kind_label,
                "url": url,
                "at": at,
                "username": username or "",
                "code": code,
                "what": label,
                "note": note or "",
                "id": pk,
            }
        )
    return out


# --------------------------------------------------------------------------- staff pages
# What the staff pages and the staff API read, with the permission each one needs checked here
# (PermissionDenied, the policy's message): the views only parse, call and render.


def _require_somewhere(user, action: Policy) -> None:
    if not can_somewhere(user, action):
        raise PermissionDenied(str(DENIED_MESSAGES[action]))


@dataclass(frozen=True)
class QueueView:
    tab: str
    page: queues.Page
    counts: dict[str, int]
    now: datetime
    may_receive: bool


def queue_view(
    user,
    *,
    tab: str = "",
    size: int,
    after: str | None = None,
    before: str | None = None,
    offset: int = 0,
    now: datetime | None = None,
) -> QueueView:
    """One page of a tab of the staff queue (the user's default tab when `tab` is empty) and
    every tab's count, over the dossiers the user sees; staff who see none are refused."""
    _require_somewhere(user, Policy.DOSSIER_VIEW)
    if tab and tab not in QUEUE_TABS:
        raise ValidationError(_("Thẻ hàng đợi không hợp lệ."), field="tab")
    now = now or timezone.now()
    tab = tab or default_tab(user)
    agencies = routing.staff_agencies(user)
    page = queues.page(
        user, tab, size=size, after=after, before=before, offset=offset, now=now, agencies=agencies
    )
    return QueueView(
        tab=tab,
        page=page,
        counts=queue_counts(user, now=now, agencies=agencies),
        now=now,
        may_receive=can_somewhere(user, Policy.DOSSIER_RECEIVE),
    )


def home_panel(user) -> dict | None:
    """The staff home's panel: counts of the desk's queues for staff who see dossiers, and the
    desks nobody serves for those who manage staff (administrators); None for anyone else."""
    sees = can_somewhere(user, Policy.DOSSIER_VIEW)
    manages = can(user, Policy.ORG_MANAGE_STAFF, None)
    if not sees and not manages:
        return None
    return {
        "summary": desk_summary(user) if sees else [],
        "unserved": routing.unserved_desks() if manages else [],
    }


@dataclass(frozen=True)
class Counter:
    """The counter's choices for a procedure: its resolving agencies (every active agency when
    the catalog links none) and the desks where the user receives."""

    agencies: list[Agency]
    points: list[ReceptionPoint]


def counter(user, procedure: Procedure) -> Counter:
    """For staff who receive somewhere (`require_reception`)."""
    agencies = list(resolving_agencies(procedure)) or active_agencies()
    points = ReceptionPoint.objects.filter(is_active=True).select_related("agency")
    ids = granted_agencies(user, Policy.DOSSIER_RECEIVE)
    if ids is not None:
        points = points.filter(agency_id__in=routing.with_descendants(ids))
    return Counter(agencies=agencies, points=list(points.order_by("name")))


def require_reception(user) -> None:
    """Refuse staff who receive dossiers nowhere (the counter's procedure picker)."""
    _require_somewhere(user, Policy.DOSSIER_RECEIVE)


def active_agencies() -> list[Agency]:
    """Every active agency by name (codes and names only)."""
    return list(Agency.objects.filter(is_active=True).order_by("name").only("code", "name"))


def transfer_agencies(dossier: Dossier) -> QuerySet[Agency]:
    """The agencies a dossier may be transferred to: every active one but the current."""
    return (
        Agency.objects.filter(is_active=True)
        .exclude(pk=dossier.current_agency_id)
        .order_by("name")
        .only("code", "name")
    )


def version_data(dossier: Dossier) -> dict:
    """The data of the procedure version the dossier was received under."""
    version = dossier.procedure.versions.filter(number=dossier.procedure_version).first()
    return version.data if version else {}


def require_view(user, dossier: Dossier) -> None:
    """Refuse a user who may not see the dossier (`may_view`)."""
    if not may_view(user, dossier):
        raise PermissionDenied(str(DENIED_MESSAGES[Policy.DOSSIER_VIEW]))


def dossier_file(user, dossier: Dossier, *, kind: str, pk: int) -> tuple[FieldFile, str] | None:
    """A document (`kind` "giay-to") or an event's attachment of the dossier, with its name to
    download it under, to staff who see the dossier; None when there is no such file."""
    require_view(user, dossier)
    if kind == "giay-to":
        document = DossierDocument.objects.filter(dossier=dossier, pk=pk).first()
        found = (document.file, document.file_name or document.name) if document else None
    else:
        attachment = EventAttachment.objects.filter(event__dossier=dossier, pk=pk).first()
        found = (attachment.file, attachment.name) if attachment else None
    return found if found and found[0] else None


@dataclass(frozen=True)
class TrackingChoice:
    agencies: QuerySet[Agency]  # the agencies the user may choose
    agency: Agency | None  # the one chosen (None: all the user sees)


def tracking_choice(user, agency_code: str = "") -> TrackingChoice:
    """The tracking book's agencies for the user, and the chosen one (checked: the user must see
    its dossiers)."""
    _require_somewhere(user, Policy.DOSSIER_VIEW)
    choices = Agency.objects.filter(is_active=True).order_by("name").only("code", "name")
    agencies = routing.staff_agencies(user)
    if agencies is not None:
        choices = choices.filter(pk__in=agencies)
    agency = choices.filter(code=agency_code).first() if agency_code else None
    if agency is not None and not can(user, Policy.DOSSIER_VIEW, agency):
        raise PermissionDenied(str(DENIED_MESSAGES[Policy.DOSSIER_VIEW]))
    return TrackingChoice(agencies=choices, agency=agency)


@dataclass(frozen=True)
class ProcessPage:
    """The internal process of a procedure as its page edits it: for one resolving agency
    (`agency`), or the general one (None)."""

    procedure: Procedure
    agency: Agency | None
    resolving: list[Agency]
    steps: list[ProcessStep]
    agencies: list[Agency]  # those a step may name as responsible


def process_page(user, *, procedure_code: str, agency_code: str = "") -> ProcessPage:
    """NotFound when the procedure or the agency does not exist; PermissionDenied for a user
    who may not edit this process (`processes.may_edit_process`)."""
    procedure = intake_procedure(procedure_code)
    if procedure is None:
        raise NotFound(_("Không tìm thấy thủ tục."))
    resolving = list(resolving_agencies(procedure))
    agency = next((a for a in resolving if a.code == agency_code), None)
    if agency_code and agency is None:
        agency = Agency.objects.filter(code=agency_code, is_active=True).first()
        if agency is None:
            raise NotFound(_("Không tìm thấy cơ quan."))
    if not processes.may_edit_process(user, agency):
        raise PermissionDenied(_("Bạn không có quyền sửa quy trình nội bộ của thủ tục này."))
    steps = list(
        ProcessStep.objects.filter(procedure=procedure, agency=agency)
        .select_related("responsible_agency")
        .order_by("order")
    )
    return ProcessPage(
        procedure=procedure,
        agency=agency,
        resolving=resolving,
        steps=steps,
        agencies=active_agencies(),
    )


def audit_trail(user, **filters) -> QuerySet:
    """`audit_entries` for those who may read the audit trail (administrators)."""
    if not can(user, Policy.AUDIT_VIEW):
        raise PermissionDenied(str(DENIED_MESSAGES[Policy.AUDIT_VIEW]))
    return audit_entries(**filters)
