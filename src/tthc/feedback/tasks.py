"""Background work: e-mail to the sender when the feedback is received (the acknowledgement),
refused, needs more information or is answered; reminders to the responsible staff before and
after a limit passes. Every message to the sender carries the code and the lookup secret (the
lookup page asks for both).

SMS goes through the dossiers app's gateway (`tthc.dossiers.sms`, chosen by `TTHC_SMS_GATEWAY`)
when that app is installed: a short text with the code, the lookup address and the secret.
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from tthc.core import lookupcode
from tthc.feedback import deadlines
from tthc.feedback.models import OPEN_STATUSES, Feedback, Limit, Reminder
from tthc.org.models import Membership
from tthc.org.policy import AGENCY, PROVINCE, RULES
from tthc.org.policy import Action as Policy
from tthc.workdays.engine import to_local
from tthc.workdays.selectors import open_status

logger = logging.getLogger(__name__)

SUBJECTS = {
    "submitted": "Đã nhận phản ánh, kiến nghị {code}",
    "refused": "Phản ánh, kiến nghị {code} không được tiếp nhận",
    "supplement": "Phản ánh, kiến nghị {code}: đề nghị bổ sung thông tin",
    "published": "Phản ánh, kiến nghị {code} đã có câu trả lời",
}

LIMIT_POLICY = {
    Limit.REFUSE: Policy.FEEDBACK_RECEIVE,
    Limit.SUPPLEMENT: Policy.FEEDBACK_PROCESS,
    Limit.HANDLE: Policy.FEEDBACK_PROCESS,
    Limit.PUBLISH: Policy.FEEDBACK_APPROVE,
}


def _lookup_url(feedback: Feedback) -> str:
    return f"{settings.TTHC_PUBLIC_BASE_URL.rstrip('/')}/phan-anh/tra-cuu/?ma={feedback.code}"


SMS_TEXTS = {
    "submitted": "Da nhan PAKN {code}. Tra cuu: {url}",
    "refused": "PAKN {code} khong duoc tiep nhan. Xem ly do: {url}",
    "supplement": "PAKN {code} can bo sung thong tin. Xem: {url}",
    "published": "PAKN {code} da co cau tra loi. Xem: {url}",
}


def _secret(feedback: Feedback) -> str:
    return lookupcode.display(feedback.lookup_secret)


def _sms(feedback: Feedback, kind: str) -> bool:
    if not feedback.sender_phone or not apps.is_installed("tthc.dossiers"):
        return False
    from tthc.dossiers.sms import gateway

    text = SMS_TEXTS[kind].format(code=feedback.code, url=_lookup_url(feedback))
    if feedback.lookup_secret:
        text += f" Ma tra cuu: {_secret(feedback)}"
    gateway().send(feedback.sender_phone, text)
    return True


@task()
def notify_sender_task(feedback_id: int, kind: str) -> dict:
    """E-mail and SMS to the sender (whichever contact was given)."""
    feedback = Feedback.objects.filter(pk=feedback_id).first()
    if feedback is None or kind not in SUBJECTS:
        return {"email": False, "sms": False}
    sms = _sms(feedback, kind)
    if not feedback.sender_email:
        return {"email": False, "sms": sms}
    last = feedback.events.order_by("-at", "-id").first()
    lines = [f"Kính gửi Ông/Bà {feedback.sender_name},", ""]
    if kind == "submitted":
        lines += [
            f"Đã nhận phản ánh, kiến nghị “{feedback.title}” của Ông/Bà, mã {feedback.code}.",
            f"Hạn xử lý: {to_local(feedback.handle_due_at):%H:%M %d/%m/%Y}."
            if feedback.handle_due_at
            else "",
        ]
    elif kind == "published":
        lines += [
            f"Phản ánh, kiến nghị “{feedback.title}” (mã {feedback.code}) đã được trả lời:",
            "",
            feedback.answer,
        ]
    elif kind == "refused":
        lines += [
            f"Phản ánh, kiến nghị “{feedback.title}” (mã {feedback.code}) không được tiếp nhận.",
            f"Lý do: {last.note if last else ''}",
        ]
    else:
        lines += [
            f"Để xử lý phản ánh, kiến nghị “{feedback.title}” (mã {feedback.code}), đề nghị "
            "Ông/Bà bổ sung thông tin sau:",
            last.note if last else "",
        ]
    lines += ["", f"Tra cứu: {_lookup_url(feedback)}"]
    if feedback.lookup_secret:
        lines.append(
            f"Mã tra cứu (giữ riêng, nhập trên trang tra cứu cùng mã phản ánh): {_secret(feedback)}"
        )
    send_mail(
        SUBJECTS[kind].format(code=feedback.code),
        "\n".join(lines),
        settings.DEFAULT_FROM_EMAIL,
        [feedback.sender_email],
    )
    return {"email": True, "sms": sms}


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
            word = "đã quá hạn" if state == "overdue" else "sắp đến hạn"
            send_mail(
                f"[Nhắc hạn] Phản ánh {feedback.code} {word}: {deadlines.LIMIT_SHORT[limit]}",
                f"Phản ánh, kiến nghị “{feedback.title}” (mã {feedback.code}) {word}.\n"
                f"Việc cần làm: {deadlines.LIMIT_SHORT[limit]}.\n"
                f"Hạn: {to_local(due):%H:%M %d/%m/%Y}.\n"
                f"Xem: {settings.TTHC_PUBLIC_BASE_URL.rstrip('/')}/quan-tri/phan-anh/"
                f"{feedback.code}/",
                settings.DEFAULT_FROM_EMAIL,
                emails,
            )
            sent += 1
    return {"sent": sent, "without_recipient": skipped}


@task()
def erase_expired_task() -> int:
    """Periodic (the clock, daily): erase the personal data of senders of feedback closed
    before the retention period (`services.erase_expired`); returns how many were erased."""
    from tthc.feedback import services

    return len(services.erase_expired())
