"""Background work of feedback: reminders to the responsible staff before and after a limit
passes, and the daily erasure of personal data past the retention period. The messages to the
sender are queued by the services through `tthc.feedback.notifications` (its
`notify_sender_task`). This module is the top of the app: it imports the services; only the
commands and the clock (`TTHC_PERIODIC_TASKS`) use it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from tthc.feedback import deadlines, services
from tthc.feedback.models import OPEN_STATUSES, Feedback, Limit, Reminder
from tthc.org.models import Membership
from tthc.org.policy import AGENCY, PROVINCE, RULES
from tthc.org.policy import Action as Policy
from tthc.workdays.engine import to_local
from tthc.workdays.selectors import open_status

LIMIT_POLICY = {
    Limit.REFUSE: Policy.FEEDBACK_RECEIVE,
    Limit.SUPPLEMENT: Policy.FEEDBACK_PROCESS,
    Limit.HANDLE: Policy.FEEDBACK_PROCESS,
    Limit.PUBLISH: Policy.FEEDBACK_APPROVE,
}


def recipients(feedback: Feedback, limit: Limit) -> list[str]:
    """E-mail addresses of who must act: holders of the limit's role at the responsible agency;
    when nobody there has an address, the province-wide holders (the control office)."""
    grants = RULES[LIMIT_POLICY[limit]]
    for scope in (AGENCY, PROVINCE):
        roles = [g.role for g in grants if g.scope == scope]
        memberships = Membership.objects.filter(role__in=roles, user__is_active=True)
        if scope == AGENCY:
            memberships = memberships.filter(agency_id=feedback.agency_id)
        emails = sorted({e for e in memberships.values_list("user__email", flat=True) if e})
        if emails:
            return emails
    return []


@task()
def send_reminders_task() -> dict:
    """Remind once per feedback, limit and deadline, when the limit is due soon or overdue."""
    now = timezone.now()
    sent = skipped = 0
    queryset = Feedback.objects.filter(status__in=OPEN_STATUSES).select_related("agency")
    for feedback in queryset.iterator():
        for limit, due in deadlines.active_limits(feedback):
            state = open_status(due, now=now, agency=feedback.agency_id)
            if state == "within_time":
                continue
            if Reminder.objects.filter(feedback=feedback, limit=limit, due_at=due).exists():
                continue
            emails = recipients(feedback, limit)
            try:
                with transaction.atomic():
                    Reminder.objects.create(
                        feedback=feedback, limit=limit, due_at=due, recipients=emails
                    )
            except IntegrityError:  # another worker sent it
                continue
            if not emails:
                skipped += 1
                continue
            names = {
                "code": feedback.code,
                "title": feedback.title,
                "state": _("đã quá hạn") if state == "overdue" else _("sắp đến hạn"),
                "task": deadlines.LIMIT_SHORT[limit],
            }
            send_mail(
                _("[Nhắc hạn] Phản ánh %(code)s %(state)s: %(task)s") % names,
                _(
                    "Phản ánh, kiến nghị “%(title)s” (mã %(code)s) %(state)s.\n"
                    "Việc cần làm: %(task)s.\n"
                    "Hạn: %(due)s.\n"
                    "Xem: %(url)s"
                )
                % {
                    **names,
                    "due": f"{to_local(due):%H:%M %d/%m/%Y}",
                    "url": f"{settings.TTHC_PUBLIC_BASE_URL.rstrip('/')}/quan-tri/phan-anh/"
                    f"{feedback.code}/",
                },
                settings.DEFAULT_FROM_EMAIL,
                emails,
            )
            sent += 1
    return {"sent": sent, "without_recipient": skipped}


@task()
def erase_expired_task() -> int:
    """Periodic (the clock, daily): erase the personal data of senders of feedback closed
    before the retention period (`services.erase_expired`); returns how many were erased."""
    return len(services.erase_expired())
