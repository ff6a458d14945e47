"""The legal time limits of a feedback (DOMAIN §6), computed by the workdays engine.

All limits are in working days, counted with the calendar of the agency now responsible
(statutory + province + agency overrides):

* refuse      ≤ 2 from the clock start (submission, or the latest transfer in): receive or refuse;
* supplement  ≤ 5 from the clock start: the first request for more information;
* handle      ≤ 15 from the clock start: the answer is ready (approved);
* publish     ≤ 2 from the moment the answer is ready: published.

A limit is *active* while the step it governs has not happened; the registry
(`tthc.workdays.registry`) recomputes active limits when the calendar changes.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from tthc.feedback.models import Feedback, Limit, Status
from tthc.workdays.engine import Deadline, WorkingCalendar, compute_deadline
from tthc.workdays.selectors import calendar_for

LIMIT_DAYS: dict[Limit, int] = {
    Limit.REFUSE: 2,
    Limit.SUPPLEMENT: 5,
    Limit.HANDLE: 15,
    Limit.PUBLISH: 2,
}

FIELDS: dict[Limit, str] = {
    Limit.REFUSE: "refuse_due_at",
    Limit.SUPPLEMENT: "supplement_due_at",
    Limit.HANDLE: "handle_due_at",
    Limit.PUBLISH: "publish_due_at",
}

# Statuses in which each limit still runs.
ACTIVE_IN: dict[Limit, tuple[Status, ...]] = {
    Limit.REFUSE: (Status.WAITING,),
    Limit.SUPPLEMENT: (Status.WAITING, Status.RECEIVED, Status.PROCESSING),
    Limit.HANDLE: (
        Status.WAITING,
        Status.RECEIVED,
        Status.SUPPLEMENT_REQUESTED,
        Status.PROCESSING,
        Status.DRAFTED,
    ),
    Limit.PUBLISH: (Status.APPROVED,),
}

LIMIT_SHORT = {
    Limit.REFUSE: _("Tiếp nhận hoặc từ chối"),
    Limit.SUPPLEMENT: _("Yêu cầu bổ sung lần đầu"),
    Limit.HANDLE: _("Có câu trả lời"),
    Limit.PUBLISH: _("Công khai câu trả lời"),
}


def start_of(feedback: Feedback, limit: Limit) -> datetime | None:
    if limit == Limit.PUBLISH:
        return feedback.ready_at
    return feedback.clock_start_at


def is_active(feedback: Feedback, limit: Limit) -> bool:
    if feedback.status not in ACTIVE_IN[limit]:
        return False
    if limit == Limit.SUPPLEMENT and feedback.first_supplement_at is not None:
        return False
    return start_of(feedback, limit) is not None


def calendar(feedback: Feedback) -> WorkingCalendar:
    return calendar_for(feedback.agency_id)


def compute(feedback: Feedback, limit: Limit, cal: WorkingCalendar | None = None) -> Deadline:
    start = start_of(feedback, limit)
    if start is None:
        raise ValueError(f"{limit} has no start yet")
    return compute_deadline(start, LIMIT_DAYS[limit], "working_days", cal or calendar(feedback))


def store(feedback: Feedback, limit: Limit, deadline: Deadline | None) -> None:
    """Set the limit's field and explanation on the instance (the caller saves)."""
    setattr(feedback, FIELDS[limit], deadline.due_at if deadline else None)
    explanations = dict(feedback.due_explanations or {})
    if deadline is None:
        explanations.pop(limit.value, None)
    else:
        explanations[limit.value] = deadline.explanation
    feedback.due_explanations = explanations


def restart_clock(feedback: Feedback, now: datetime) -> None:
    """Submission or transfer in: the refuse, supplement and handle limits count from `now`."""
    feedback.clock_start_at = now
    cal = calendar(feedback)
    for limit in (Limit.REFUSE, Limit.SUPPLEMENT, Limit.HANDLE):
        store(
            feedback, limit, compute(feedback, limit, cal) if is_active(feedback, limit) else None
        )


def due_of(feedback: Feedback, limit: Limit) -> datetime | None:
    return getattr(feedback, FIELDS[limit])


def active_limits(feedback: Feedback) -> list[tuple[Limit, datetime]]:
    return [
        (limit, due)
        for limit in Limit
        if is_active(feedback, limit) and (due := due_of(feedback, limit)) is not None
    ]


def overdue_limits(feedback: Feedback, now: datetime) -> list[Limit]:
    return [limit for limit, due in active_limits(feedback) if now > due]
