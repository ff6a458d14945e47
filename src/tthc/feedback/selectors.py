"""Reads: the public archive, the sender's lookup, the staff list, the figures (index 5.1–5.3)
and DOMAIN §6's satisfaction rate.

Archive search: the folded query's words must all occur in `search_folded` (fold of title,
content and answer), with `icontains`. The archive holds published answers only (thousands, not
the catalog's full text with ranking), so a plain substring match is exact, behaves the same on
SQLite and PostgreSQL and needs no search index; on PostgreSQL a trigram index on
`search_folded` is the upgrade path if it grows large.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tthc.core import lookupcode
from tthc.core.contact import mask_digits, mask_name, redact_contacts
from tthc.core.errors import PermissionDenied
from tthc.core.handoffs import SIMPLIFY_FEEDBACK, handoff
from tthc.core.text import fold_words
from tthc.feedback import deadlines
from tthc.feedback.models import (
    CLOSED_STATUSES,
    Attachment,
    Category,
    Feedback,
    FeedbackEvent,
    Limit,
    Status,
    Vote,
)
from tthc.feedback.transitions import (
    ACTION_LABELS,
    ACTION_RULES,
    NO_STATUS_CHANGE,
    Action,
    allowed_actions,
)
from tthc.org.models import Agency, Membership
from tthc.org.policy import AGENCY, RULES, can, can_somewhere
from tthc.org.policy import Action as Policy
from tthc.workdays.engine import VN_TZ, to_local

MAX_QUERY_WORDS = 12


def _with_votes(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(
        likes=Count("votes", filter=Q(votes__value=Vote.LIKE)),
        dislikes=Count("votes", filter=Q(votes__value=Vote.DISLIKE)),
    )


# --------------------------------------------------------------------------- public archive


def archive(
    *,
    q: str = "",
    agency: int | None = None,
    procedure: str = "",
    category: str = "",
) -> QuerySet[Feedback]:
    """Published answers, newest first, with like / dislike counts."""
    queryset = Feedback.objects.filter(status=Status.PUBLISHED)
    for word in fold_words(q)[:MAX_QUERY_WORDS]:
        queryset = queryset.filter(search_folded__icontains=word)
    if agency:
        queryset = queryset.filter(agency_id=agency)
    if procedure:
        queryset = queryset.filter(procedure__code=procedure.strip()[:40])
    if category in Category.values:
        queryset = queryset.filter(category=category)
    return _with_votes(queryset.select_related("agency", "procedure")).order_by(
        "-published_at", "-id"
    )


def public_view(feedback: Feedback) -> dict:
    """What the public sees of a published answer: never the sender's personal data; phone
    numbers, e-mail addresses and identity numbers written in the text are redacted."""
    return {
        "code": feedback.code,
        "title": redact_contacts(feedback.title),
        "content": redact_contacts(feedback.content),
        "answer": feedback.answer,
        "category": feedback.category,
        "category_label": str(Category(feedback.category).label),
        "agency": feedback.agency.name,
        "procedure_code": feedback.procedure.code if feedback.procedure_id else "",
        "procedure_name": feedback.procedure.name if feedback.procedure_id else "",
        "submitted_at": feedback.submitted_at,
        "published_at": feedback.published_at,
        "likes": getattr(feedback, "likes", 0),
        "dislikes": getattr(feedback, "dislikes", 0),
    }


def published(code: str) -> Feedback | None:
    code = (code or "").strip().upper()[:32]
    return archive().filter(code=code).first() if code else None


def public_files(feedback: Feedback) -> QuerySet[Attachment]:
    """The attachments an officer marked public, shown with the published answer."""
    return feedback.attachments.filter(public=True).order_by("pk")


def public_attachment(code: str, pk: int) -> Attachment | None:
    """A file the public may download: marked public, of a published answer."""
    return (
        Attachment.objects.select_related("feedback")
        .filter(
            pk=pk,
            public=True,
            feedback__code=(code or "").strip().upper()[:32],
            feedback__status=Status.PUBLISHED,
        )
        .first()
    )


def filter_agencies() -> QuerySet[Agency]:
    ids = Feedback.objects.filter(status=Status.PUBLISHED).values("agency_id")
    return Agency.objects.filter(pk__in=ids).order_by("name")


# --------------------------------------------------------------------------- sender lookup


def by_code(code: str) -> Feedback | None:
    code = (code or "").strip().upper()[:32]
    return Feedback.objects.filter(code=code).first() if code else None


def verify_blocked(code: str) -> bool:
    attempts = cache.get(f"feedback:verify:{code}") or 0
    return attempts >= settings.TTHC_FEEDBACK_LOOKUP_VERIFY_ATTEMPTS


def verify_failed(code: str) -> None:
    key = f"feedback:verify:{code}"
    cache.add(key, 0, timeout=settings.TTHC_FEEDBACK_LOOKUP_VERIFY_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:
        cache.add(key, 1, timeout=settings.TTHC_FEEDBACK_LOOKUP_VERIFY_WINDOW_SECONDS)


def verifies(feedback: Feedback, verify: str | None) -> bool:
    """`verify`: the feedback's lookup secret (8 characters, `ABCD-EFGH`; case, spaces and
    hyphens ignored), or the sender's whole e-mail address. Nothing the lookup shows (masked
    name, last 3 digits of the phone; never the e-mail) is accepted: the digits of the phone no
    longer are (issue 13). Never after the sender's data was erased."""
    verify = (verify or "").strip()
    if feedback.personal_data_erased_at is not None:
        return False
    if "@" in verify:
        if not feedback.sender_email:
            return False
        # As bytes: compare_digest refuses str with non-ASCII characters (a 500 on "ạ@b").
        return hmac.compare_digest(feedback.sender_email.lower().encode(), verify.lower().encode())
    return lookupcode.matches(feedback.lookup_secret, verify)


def lookup(code: str, verify: str) -> dict | None:
    """Status and answer for the sender, after verification. None: no such code. The result
    has `verified` False (and nothing else) when the verification fails or is blocked after
    too many attempts."""
    code = (code or "").strip().upper()[:32]
    feedback = (
        Feedback.objects.select_related("agency").prefetch_related("events").filter(code=code)
    ).first()
    if feedback is None:
        return None
    if feedback.personal_data_erased_at is not None:
        # Nothing left to verify against; the answer, if published, is in the public archive.
        return {"code": code, "verified": False, "blocked": False, "erased": True}
    if verify_blocked(code):
        return {"code": code, "verified": False, "blocked": True, "erased": False}
    if not verifies(feedback, verify):
        verify_failed(code)
        return {"code": code, "verified": False, "blocked": False, "erased": False}
    steps = [
        {
            "label": str(ACTION_LABELS.get(Action(e.action), e.action)),
            "at": e.at,
            "status_label": str(Status(e.to_status).label),
        }
        for e in feedback.events.all()
        if e.action not in NO_STATUS_CHANGE
    ]
    public_note = ""
    if feedback.status in (Status.REFUSED, Status.SUPPLEMENT_REQUESTED):
        last = [e for e in feedback.events.all() if e.to_status == feedback.status]
        public_note = last[-1].note if last else ""
    return {
        "code": feedback.code,
        "verified": True,
        "blocked": False,
        "erased": False,
        "title": feedback.title,
        "status": feedback.status,
        "status_label": str(Status(feedback.status).label),
        "agency": feedback.agency.name,
        "submitted_at": feedback.submitted_at,
        "sender_name": mask_name(feedback.sender_name),
        "sender_phone": mask_digits(feedback.sender_phone),
        "handle_due_at": feedback.handle_due_at,
        "answer": feedback.answer if feedback.status == Status.PUBLISHED else "",
        "note": public_note,
        "steps": steps,
    }


# --------------------------------------------------------------------------- staff


def require_staff(user, action: Policy) -> None:
    """Entry to a staff screen: `action` held at some agency (each item is checked again on its
    own agency)."""
    if not can_somewhere(user, action):
        raise PermissionDenied(_("Bạn không có quyền xem phản ánh, kiến nghị."))


def staff_menu(user) -> dict[str, bool]:
    """Which entries the staff list offers."""
    return {
        "may_enter": can_somewhere(user, Policy.FEEDBACK_RECEIVE),
        "may_report": can_somewhere(user, Policy.FEEDBACK_REPORT),
    }


def staff_item(user, code: str) -> Feedback | None:
    """One feedback for its staff page, with its history and files; None: no such code.
    `PermissionDenied` when `user` may not view it (`feedback.view` on its agency)."""
    feedback = (
        Feedback.objects.select_related("agency", "procedure", "repeat_of")
        .prefetch_related("events__actor", "attachments")
        .filter(code=(code or "").strip().upper()[:32])
        .first()
    )
    if feedback is not None and not can(user, Policy.FEEDBACK_VIEW, feedback.agency):
        raise PermissionDenied(_("Bạn không có quyền xem phản ánh, kiến nghị này."))
    return feedback


def staff_attachment(feedback: Feedback, pk: int) -> Attachment | None:
    return feedback.attachments.filter(pk=pk).first()


def staff_actions(user, feedback: Feedback) -> dict:
    """What the staff page offers `user` on `feedback`: the transitions the table allows from
    its status that `user` may perform (`transitions.ACTION_RULES`: on its agency), and the
    actions recorded without a status change."""

    def may(action: Action) -> bool:
        return ACTION_RULES.allows(user, feedback, action)

    return {
        "actions": [
            {"value": a.value, "label": ACTION_LABELS[a]}
            for a in allowed_actions(feedback.status)
            if may(a)
        ],
        "show_simplification": (
            handoff(SIMPLIFY_FEEDBACK) is not None
            and feedback.category == Category.REGULATION
            and may(Action.PROPOSE_SIMPLIFICATION)
        ),
        "may_mark_repeat": may(Action.MARK_REPEAT),
        "may_publish_files": may(Action.ATTACHMENT_PUBLIC),
    }


def transfer_agencies(feedback: Feedback) -> QuerySet[Agency]:
    """Where the feedback may be transferred: every other active agency."""
    return Agency.objects.filter(is_active=True).exclude(pk=feedback.agency_id)


def active_agencies() -> QuerySet[Agency]:
    return Agency.objects.filter(is_active=True).order_by("name")


def agency_name(pk: int | None) -> str | None:
    return Agency.objects.filter(pk=pk).values_list("name", flat=True).first() if pk else None


def visible_agency_ids(user) -> set[int] | None:
    """None: every agency (a province-wide grant); else the agencies (and those below) where the
    user holds a role that may view feedback."""
    if can(user, Policy.FEEDBACK_VIEW, None):
        return None
    roles = [g.role for g in RULES[Policy.FEEDBACK_VIEW] if g.scope == AGENCY]
    frontier = set(
        Membership.objects.filter(user=user, role__in=roles).values_list("agency_id", flat=True)
    )
    ids: set[int] = set()
    while frontier:
        ids |= frontier
        frontier = (
            set(Agency.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        )
    return ids


def staff_list(user, *, status: str = "", q: str = "", overdue: bool = False) -> QuerySet:
    queryset = Feedback.objects.select_related("agency", "procedure")
    ids = visible_agency_ids(user)
    if ids is not None:
        queryset = queryset.filter(agency_id__in=ids)
    if status in Status.values:
        queryset = queryset.filter(status=status)
    for word in fold_words(q)[:MAX_QUERY_WORDS]:
        queryset = queryset.filter(search_folded__icontains=word)
    if overdue:
        queryset = queryset.filter(overdue_q(timezone.now()))
    return queryset.order_by("-submitted_at", "-id")


def overdue_q(now: datetime) -> Q:
    """Feedback with a running limit already passed (database-side, for lists and counts)."""
    q = Q()
    for limit, statuses in deadlines.ACTIVE_IN.items():
        part = Q(status__in=statuses, **{f"{deadlines.FIELDS[limit]}__lt": now})
        if limit == Limit.SUPPLEMENT:
            part &= Q(first_supplement_at__isnull=True)
        q |= part
    return q


def deadline_rows(feedback: Feedback, now: datetime | None = None) -> list[dict]:
    now = now or timezone.now()
    rows = []
    for limit in Limit:
        due = deadlines.due_of(feedback, limit)
        if due is None:
            continue
        active = deadlines.is_active(feedback, limit)
        rows.append(
            {
                "limit": limit.value,
                "label": limit.label,
                "due": due,
                "active": active,
                "overdue": active and now > due,
                "late": limit.value in (feedback.late_limits or []),
                "explanation": (feedback.due_explanations or {}).get(limit.value, []),
            }
        )
    return rows


# --------------------------------------------------------------------------- figures


@dataclass
class Figures:
    start: date
    end: date
    total: int = 0
    by_category: list[dict] = field(default_factory=list)
    by_agency: list[dict] = field(default_factory=list)
    by_status: list[dict] = field(default_factory=list)
    timeliness: dict[str, int] = field(default_factory=dict)
    majority_dislike: int = 0
    overdue: int = 0
    repeated: int = 0
    satisfaction: float | None = None


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time.min, tzinfo=VN_TZ),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=VN_TZ),
    )


def figures(*, start: date, end: date, agency: int | None = None, now=None) -> Figures:
    """Feedback submitted from `start` to `end` (inclusive): counts by category, agency and
    status; timeliness (closed on time / closed late / open within time / open overdue); and
    the satisfaction rate of DOMAIN §6:

        (total − majority-dislike − overdue − repeated complaints about the same result) / total

    * majority-dislike: published answers with more dislikes than likes;
    * overdue: a limit missed (met late, or running and passed at `now`);
    * repeated: items someone complained about again (`repeat_of`) about the same result.
    Each term counts items; an item in two terms is subtracted twice, as the formula reads, and
    the rate is floored at 0. None when there is nothing in the period.
    """
    now = now or timezone.now()
    low, high = _bounds(start, end)
    base = Feedback.objects.filter(submitted_at__gte=low, submitted_at__lt=high)
    if agency:
        base = base.filter(agency_id=agency)
    result = Figures(start=start, end=end, total=base.count())
    result.by_category = [
        {"category": row["category"], "label": Category(row["category"]).label, "count": row["n"]}
        for row in base.values("category").annotate(n=Count("id")).order_by("category")
    ]
    result.by_status = [
        {"status": row["status"], "label": Status(row["status"]).label, "count": row["n"]}
        for row in base.values("status").annotate(n=Count("id")).order_by("status")
    ]
    result.by_agency = [
        {"agency_id": row["agency_id"], "agency": row["agency__name"], "count": row["n"]}
        for row in base.values("agency_id", "agency__name")
        .annotate(n=Count("id"))
        .order_by("-n", "agency__name")
    ]
    late_ids = {pk for pk, late in base.values_list("pk", "late_limits") if late}
    running_over = set(base.filter(overdue_q(now)).values_list("pk", flat=True))
    overdue_ids = late_ids | running_over
    closed = set(base.filter(status__in=CLOSED_STATUSES).values_list("pk", flat=True))
    result.timeliness = {
        "closed_on_time": len(closed - overdue_ids),
        "closed_late": len(closed & overdue_ids),
        "open_within_time": result.total - len(closed) - len(overdue_ids - closed),
        "open_overdue": len(overdue_ids - closed),
    }
    result.majority_dislike = (
        _with_votes(base.filter(status=Status.PUBLISHED)).filter(dislikes__gt=F("likes")).count()
    )
    result.overdue = len(overdue_ids)
    result.repeated = base.filter(repeats__isnull=False).distinct().count()
    if result.total:
        satisfied = result.total - result.majority_dislike - result.overdue - result.repeated
        result.satisfaction = max(0.0, satisfied / result.total)
    return result


def is_overdue(feedback: Feedback, now: datetime | None = None) -> bool:
    return bool(deadlines.overdue_limits(feedback, now or timezone.now()))


def local(moment: datetime | None) -> str:
    return f"{to_local(moment):%H:%M %d/%m/%Y}" if moment else ""


# --------------------------------------------------------------------------- retention


def expired(*, cutoff: datetime) -> QuerySet[Feedback]:
    """Closed feedback (refused, or published) whose sender's data is not erased yet and that
    closed before `cutoff`. Open feedback is never included."""
    refused = FeedbackEvent.objects.filter(action=Action.REFUSE, at__lt=cutoff).values(
        "feedback_id"
    )
    return Feedback.objects.filter(personal_data_erased_at__isnull=True).filter(
        Q(status=Status.PUBLISHED, published_at__lt=cutoff)
        | Q(status=Status.REFUSED, pk__in=refused)
    )
