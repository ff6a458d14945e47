"""Messages to the applicant (email and SMS) on receipt, supplement request, result ready and
apology / delay.

`schedule(event)` runs inside the service's transaction. With the database task queue (the
default) it queues the background task *in that transaction*: the task commits with the event or
not at all, so a web process killed right after the commit, or a database that drops just then,
loses no message (queued after commit, `transaction.on_commit`, it would be lost). Other
backends (the immediate one of the tests) queue it after commit, so a rolled-back action sends
nothing. The task creates one `Notification` row per (event, channel) and sends them in turn:
the unique constraint means a message is sent at most once however often the task runs; a
failure is recorded and retried by a task of its own, with a growing delay up to
`MAX_ATTEMPTS`.

The work is done by background tasks (`tthc.dossiers.tasks`, which import this module, never
the other way): `DossiersConfig.ready` hands them to `connect_tasks`, and `schedule` and `resume`
queue them.

`resume()` queues again what a killed worker or a database outage left undone (an event without
its rows, a row never tried): `tthc db_worker` runs it when it starts and when the database comes
back, the clock every ten minutes. Running it twice sends nothing twice: a row is sent under a
row lock and only while pending. The one gap left is a worker killed between handing the
message to the mail server and committing "sent": that message goes again (at least once).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.db import router, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks.base import Task

from tthc.core import lookupcode
from tthc.core.dates import fmt_date, fmt_time
from tthc.dossiers import sms
from tthc.dossiers.models import (
    DossierEvent,
    Notification,
    NotificationChannel,
    NotificationStatus,
)
from tthc.dossiers.pdf import lookup_url
from tthc.dossiers.transitions import Action
from tthc.org import directory
from tthc.workdays.engine import to_local

logger = logging.getLogger("tthc.dossiers.notifications")

MAX_ATTEMPTS = 5
BACKOFF = timedelta(minutes=2)

# Which events the applicant hears about, and the message kind.
KINDS: dict[str, str] = {
    Action.SUBMIT: "submitted",
    Action.RECEIVE: "received",
    Action.ACCEPT: "received",
    Action.REQUEST_SUPPLEMENT: "supplement",
    Action.REQUEST_COMPLETION: "supplement",
    Action.RESOLVE: "result_ready",
    Action.APOLOGISE: "apology",
    Action.REFUSE: "refused",
    Action.DEADLINE_CHANGED: "rescheduled",
}
SUBJECTS = {
    "submitted": gettext_lazy("Đã nhận hồ sơ nộp trực tuyến"),
    "received": gettext_lazy("Hồ sơ đã được tiếp nhận"),
    "supplement": gettext_lazy("Yêu cầu bổ sung, hoàn thiện hồ sơ"),
    "result_ready": gettext_lazy("Đã có kết quả giải quyết hồ sơ"),
    "apology": gettext_lazy("Thư xin lỗi và hẹn lại ngày trả kết quả"),
    "refused": gettext_lazy("Hồ sơ không được tiếp nhận"),
    "rescheduled": gettext_lazy("Thay đổi ngày hẹn trả kết quả"),
}


@dataclass(frozen=True)
class Tasks:
    notify_event: Task  # (event id): create the event's notifications and send them
    deliver: Task  # (notification id): send one


_connected: list[Tasks] = []


def connect_tasks(*, notify_event: Task, deliver: Task) -> None:
    """The background tasks that do the work (called once the app is ready)."""
    _connected[:] = [Tasks(notify_event=notify_event, deliver=deliver)]


def _tasks() -> Tasks:
    if not _connected:
        raise ImproperlyConfigured("tthc.dossiers chưa sẵn sàng: chưa nối các tác vụ thông báo.")
    return _connected[0]


def schedule(event: DossierEvent) -> None:
    """Queue the applicant's notifications of `event` (in the caller's transaction)."""
    if event.action not in KINDS:
        return
    notify_event_task = _tasks().notify_event
    event_id = event.pk
    if _queued_with(notify_event_task, DossierEvent):
        notify_event_task.enqueue(event_id)  # in the event's transaction
        return

    def enqueue() -> None:
        notify_event_task.enqueue(event_id)

    transaction.on_commit(enqueue)


def _queued_with(task, model) -> bool:
    """Does `task` queue into the same database as `model` is written to (one transaction)?"""
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    return isinstance(task.get_backend(), DatabaseBackend) and router.db_for_write(
        DBTaskResult
    ) == router.db_for_write(model)


# How far back `resume` looks, and how old undone work must be before the clock's periodic run
# queues it again (the worker's own run, after a restart or an outage, takes everything).
RESUME_WINDOW = timedelta(days=7)
RESUME_GRACE = timedelta(minutes=10)


def resume(*, older_than: timedelta = timedelta(0), window: timedelta = RESUME_WINDOW) -> int:
    """Queue again the notification work left undone within `window`: events that should notify
    and have no `Notification` row yet (their task was lost: a killed worker, a task failed on a
    database error), and pending rows never tried, or whose retry is long overdue (the retry was
    lost). Only work older than `older_than`. Returns how many tasks were queued."""
    tasks = _tasks()
    notify_event_task, deliver_notification_task = tasks.notify_event, tasks.deliver
    now = timezone.now()
    since, until = now - window, now - older_than
    events = DossierEvent.objects.filter(
        action__in=list(KINDS), at__gte=since, at__lte=until, notifications__isnull=True
    ).values_list("pk", flat=True)
    queued = 0
    for event_id in events.iterator():
        notify_event_task.enqueue(event_id)
        queued += 1
    rows = Notification.objects.filter(
        status=NotificationStatus.PENDING, created_at__gte=since, created_at__lte=until
    ).values_list("pk", "attempts", "created_at")
    for notification_id, attempts, created_at in rows.iterator():
        # Retries wait BACKOFF, 2×, 4×…: after `attempts` failures the last retry was due by
        # BACKOFF × (2^attempts − 1); give it RESUME_GRACE more before taking it as lost.
        overdue = created_at + BACKOFF * (2**attempts - 1) + RESUME_GRACE <= now
        if attempts == 0 or overdue:
            deliver_notification_task.enqueue(notification_id)
            queued += 1
    if queued:
        logger.info("Đã đưa lại %s tác vụ thông báo vào hàng đợi", queued)
    return queued


def _fmt(moment) -> str:
    """“17 giờ 00 phút, ngày 05/02/2025”."""
    if not moment:
        return ""
    return _("%(time)s, ngày %(date)s") % {"time": fmt_time(moment), "date": fmt_date(moment)}


def _context(event: DossierEvent) -> dict:
    dossier = event.dossier
    return {
        "kind": KINDS[event.action],
        "dossier": dossier,
        "event": event,
        "appointment": _fmt(dossier.appointment_at),
        "appointment_short": (
            f"{to_local(dossier.appointment_at):%H:%M %d/%m/%Y}" if dossier.appointment_at else ""
        ),
        "missing": (event.data or {}).get("missing", []),
        "lookup_url": lookup_url(dossier),
        # The secret that shows the details on the lookup page (not in a public view).
        "lookup_secret": lookupcode.display(dossier.lookup_secret),
        "province": settings.TTHC_PROVINCE_NAME,
    }


def email_message(event: DossierEvent) -> tuple[str, str]:
    """(subject, body) of the event's email."""
    subject = f"[{event.dossier.code}] {SUBJECTS[KINDS[event.action]]}"
    return subject, render_to_string("dossiers/notifications/email.txt", _context(event))


def sms_text(event: DossierEvent) -> str:
    """The event's SMS, on one line, at most 480 characters."""
    text = render_to_string("dossiers/notifications/sms.txt", _context(event))
    return " ".join(text.split())[:480]


# What the templates of the messages read, with the event, in one query; the agencies and the
# desk come from the organisation's directory (kept by the process), not from three more joins.
MESSAGE_RELATIONS = ("dossier__applicant", "dossier__procedure")


def _attach_organisation(dossier) -> None:
    known = directory.current()
    for field in ("receiving_agency", "resolving_agency"):
        agency = known.agencies.get(getattr(dossier, f"{field}_id"))
        if agency is not None:  # else read when the template asks (made since the directory)
            setattr(dossier, field, agency)
    point = known.points.get(dossier.reception_point_id)
    if point is not None:
        dossier.reception_point = point


def event_to_notify(event_id: int) -> DossierEvent | None:
    """The event with what its messages show (dossier, applicant, procedure, agencies, desk),
    if it is one the applicant hears about."""
    event = DossierEvent.objects.select_related(*MESSAGE_RELATIONS).filter(pk=event_id).first()
    if event is None or event.action not in KINDS:
        return None
    _attach_organisation(event.dossier)
    return event


def prepare(event: DossierEvent) -> list[int]:
    """Create the event's notification rows (once; a second call finds them) and return the
    ids still to send."""
    applicant = event.dossier.applicant
    recipients = {
        NotificationChannel.EMAIL: "" if applicant.erased_at else applicant.email,
        NotificationChannel.SMS: "" if applicant.erased_at else applicant.phone,
    }
    # One insert of both rows; a row a concurrent or earlier run made stays as it is.
    Notification.objects.bulk_create(
        [
            Notification(
                event=event,
                channel=channel,
                kind=KINDS[event.action],
                recipient=recipient,
                status=NotificationStatus.PENDING if recipient else NotificationStatus.SKIPPED,
            )
            for channel, recipient in recipients.items()
        ],
        ignore_conflicts=True,
    )
    return list(
        Notification.objects.filter(event=event, status=NotificationStatus.PENDING).values_list(
            "pk", flat=True
        )
    )


def _send(notification: Notification) -> None:
    if notification.channel == NotificationChannel.EMAIL:
        subject, body = email_message(notification.event)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [notification.recipient])
    else:
        sms.gateway().send(notification.recipient, sms_text(notification.event))


DELIVERY_FIELDS = ["attempts", "status", "sent_at", "last_error"]


def deliver(notification_id: int, *, event: DossierEvent | None = None) -> bool:
    """Send one pending notification (of `event`, when the caller has read it). Returns True
    when a retry should be queued.

    The row is locked while sending, so two workers never send the same message; a sent (or
    failed for good) row is left alone. Only the notification's row: the dossier stays free
    for the staff meanwhile."""
    with transaction.atomic():
        rows = Notification.objects.select_for_update(of=("self",)).filter(pk=notification_id)
        if event is None:
            rows = rows.select_related(*(f"event__{name}" for name in MESSAGE_RELATIONS))
        notification = next(iter(rows), None)
        if notification is None or notification.status != NotificationStatus.PENDING:
            return False
        if event is None:
            _attach_organisation(notification.event.dossier)
        else:
            notification.event = event
        notification.attempts += 1
        try:
            _send(notification)
        except Exception as exc:
            logger.warning("Gửi thông báo %s thất bại: %s", notification_id, exc)
            notification.last_error = str(exc)[:2000]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = NotificationStatus.FAILED
            notification.save(update_fields=DELIVERY_FIELDS)
            return notification.status == NotificationStatus.PENDING
        notification.status = NotificationStatus.SENT
        notification.sent_at = timezone.now()
        notification.last_error = ""
        notification.save(update_fields=DELIVERY_FIELDS)
        return False


def retry_delay(attempts: int) -> timedelta:
    return BACKOFF * (2 ** max(attempts - 1, 0))
