"""Reminders to the lead agency of a plan task, run hourly by `tthc clock`.

For every task of an issued plan that is not done, on the lead agency's working calendar
(holidays, swapped Saturdays and local overrides, `tthc.workdays`):
  - "due_soon": from the day when `TTHC_PLAN_REMINDER_WORKING_DAYS` working days remain before
    the due date (a due date on a day off counting as the next working day) up to the due date;
  - "overdue": from the first working day after the due date.
Reminders go out on working days only. Each (task, kind, due date) is reminded at most once:
the `TaskReminder` row is claimed first (unique constraint), so two workers or a re-run send
nothing more; a failed e-mail releases the claim, so the next run tries again.
Recipients: the staff of the lead agency whose role grants PLAN_REPORT there (leader,
specialist, editor); when none has an e-mail address, the control office.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from tthc.org.models import Membership
from tthc.org.policy import AGENCY, PROVINCE, RULES, Action

from . import selectors
from .models import PlanStatus, PlanTask, ReminderKind, TaskReminder

logger = logging.getLogger("tthc.plans.reminders")


def recipients(task_obj: PlanTask) -> list[str]:
    report_roles = [g.role for g in RULES[Action.PLAN_REPORT] if g.scope == AGENCY]
    emails = Membership.objects.filter(
        agency_id=task_obj.lead_agency_id, role__in=report_roles, user__is_active=True
    ).values_list("user__email", flat=True)
    found = sorted({e for e in emails if e})
    if found:
        return found
    manage_roles = [g.role for g in RULES[Action.PLAN_MANAGE] if g.scope == PROVINCE]
    emails = Membership.objects.filter(role__in=manage_roles, user__is_active=True).values_list(
        "user__email", flat=True
    )
    return sorted({e for e in emails if e})


def due_kind(state: selectors.TaskState, calendar, today) -> str | None:
    """Which reminder is due today for this state, if any."""
    if state.status == selectors.DONE or not calendar.is_working_day(today):
        return None
    if state.status == selectors.OVERDUE:
        return ReminderKind.OVERDUE
    if state.days_left is not None and state.days_left <= selectors.reminder_margin():
        return ReminderKind.DUE_SOON
    return None


def _message(task_obj: PlanTask, state: selectors.TaskState, kind: str) -> tuple[str, str]:
    url = settings.TTHC_PUBLIC_BASE_URL.rstrip("/") + reverse(
        "plans:task-detail", args=[task_obj.pk]
    )
    due = f"{task_obj.due_on:%d/%m/%Y}"
    if kind == ReminderKind.OVERDUE:
        subject = f"[Nhắc hạn] Nhiệm vụ kế hoạch truyền thông đã quá hạn: {task_obj.title}"
        when = f"đã quá hạn {state.days_late} ngày làm việc (thời hạn {due})"
    else:
        subject = f"[Nhắc hạn] Nhiệm vụ kế hoạch truyền thông sắp đến hạn: {task_obj.title}"
        when = f"còn {state.days_left} ngày làm việc đến thời hạn {due}"
    body = "\n".join(
        [
            f"Kính gửi {task_obj.lead_agency.name},",
            "",
            f"Nhiệm vụ “{task_obj.title}” thuộc {task_obj.plan.title} {when}.",
            f"Tiến độ đã báo cáo: {task_obj.percent_done}%.",
            f"Sản phẩm dự kiến: {task_obj.expected_output or '—'}.",
            "",
            f"Đề nghị cơ quan báo cáo kết quả thực hiện tại: {url}",
        ]
    )
    return subject[:250], body


def run_reminders(today=None) -> dict:
    today = today or timezone.localdate()
    tasks = list(
        PlanTask.objects.filter(plan__status=PlanStatus.ISSUED, percent_done__lt=100)
        .select_related("plan", "lead_agency")
        .order_by("due_on", "pk")
    )
    calendars = selectors.Calendars({t.lead_agency_id for t in tasks})
    due = []
    for task_obj in tasks:
        calendar = calendars.of(task_obj.lead_agency_id)
        state = selectors.task_state(task_obj, calendar, today)
        kind = due_kind(state, calendar, today)
        if kind is not None:
            due.append((task_obj, state, kind))
    # One query for the reminders already sent (not one per task); the unique claim below
    # still decides between two workers.
    claimed = set(
        TaskReminder.objects.filter(task_id__in=[t.pk for t, _, _ in due]).values_list(
            "task_id", "kind", "due_on"
        )
    )
    addresses: dict[int, list[str]] = {}  # per lead agency
    sent = without_recipient = 0
    for task_obj, state, kind in due:
        if (task_obj.pk, kind, task_obj.due_on) in claimed:
            continue
        if task_obj.lead_agency_id not in addresses:
            addresses[task_obj.lead_agency_id] = recipients(task_obj)
        emails = addresses[task_obj.lead_agency_id]
        try:
            with transaction.atomic():
                claim = TaskReminder.objects.create(
                    task=task_obj, kind=kind, due_on=task_obj.due_on, recipients=emails
                )
        except IntegrityError:  # another worker claimed it
            continue
        if not emails:
            without_recipient += 1
            logger.warning("Nhiệm vụ %s: không có địa chỉ nhận nhắc hạn", task_obj.pk)
            continue
        subject, body = _message(task_obj, state, kind)
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, emails)
        except Exception:
            logger.exception("Không gửi được nhắc hạn nhiệm vụ %s", task_obj.pk)
            claim.delete()  # released: the next run tries again
            continue
        sent += 1
    return {"sent": sent, "without_recipient": without_recipient}


@task()
def send_due_reminders() -> dict:
    """Hourly: remind lead agencies of plan tasks due soon or overdue (once each)."""
    return run_reminders()
