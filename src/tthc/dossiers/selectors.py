"""Reads: the public lookup by code, the finished-dossier classification (index 766, 2.1),
and the open records for the workdays registry."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet

from tthc.dossiers import deadlines
from tthc.dossiers.models import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    Channel,
    Dossier,
    DossierEvent,
    Status,
)
from tthc.dossiers.personal import applicant_view, verifies
from tthc.dossiers.transitions import ACTION_LABELS, Action
from tthc.workdays.engine import classify_finish, to_local

Classification = Literal["early", "on_time", "late"]

# The event that ends a dossier for the index (DOMAIN §8 2.1): resolved, else returned, else
# stopped / refused / withdrawn.
_FINISH_ORDER = (
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
    for action in _FINISH_ORDER:
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


# Four digits are guessable: after this many wrong verifications of one code in the window,
# further attempts are refused (details stay masked) until the window ends. The counter lives
# in the shared cache, so it holds across web processes when CACHE_URL points at Redis.
VERIFY_ATTEMPTS = 5
VERIFY_WINDOW_SECONDS = 15 * 60


def _verify_key(code: str) -> str:
    return f"dossiers:verify-failures:{code}"


def _verify(dossier: Dossier, verify: str | None) -> tuple[bool, bool]:
    """(verified, blocked)."""
    if not verify:
        return False, False
    key = _verify_key(dossier.code)
    if cache.get(key, 0) >= VERIFY_ATTEMPTS:
        return False, True
    if verifies(dossier.applicant, verify):
        return True, False
    cache.add(key, 0, VERIFY_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, VERIFY_WINDOW_SECONDS)
    return False, False


def lookup(code: str, *, verify: str | None = None) -> dict | None:
    """The public view of a dossier by code; personal details in full only when `verify` is
    the last 4 digits of the applicant's citizen ID or phone, masked otherwise."""
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
