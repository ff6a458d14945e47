"""Notifications to the applicant: after commit, once per (event, channel), retried on
failure; email through Django (checked in the outbox and delivered to a real local SMTP server)
and SMS through the pluggable gateway."""

import json
import socket
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.db import transaction

from tests.dossiers.conftest import PERSON
from tthc.dossiers import notifications, services, sms
from tthc.dossiers.models import Notification, NotificationStatus
from tthc.dossiers.tasks import notify_event_task

pytestmark = pytest.mark.django_db

SENT: list[tuple[str, str]] = []


class FlakyGateway:
    """Fails on the first call of each message, then works."""

    failures = 1

    def send(self, phone, text):
        if FlakyGateway.failures > 0:
            FlakyGateway.failures -= 1
            raise sms.SmsError("Cổng SMS tạm thời không phản hồi.")
        SENT.append((phone, text))


class BrokenGateway:
    calls = 0

    def send(self, phone, text):
        BrokenGateway.calls += 1
        raise sms.SmsError("hỏng")


@pytest.fixture(autouse=True)
def _reset():
    SENT.clear()
    FlakyGateway.failures = 1
    BrokenGateway.calls = 0


def test_receipt_sends_one_email_and_one_sms_after_commit(
    received, mailoutbox, django_capture_on_commit_callbacks, caplog, travel
):
    travel(2025, 1, 22, 10)
    caplog.set_level("INFO", logger="tthc.dossiers.sms")
    with django_capture_on_commit_callbacks(execute=True):
        dossier = received()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["an.nguyen@example.vn"]
    assert mail.subject == f"[{dossier.code}] Hồ sơ đã được tiếp nhận"
    assert "17 giờ 00 phút, ngày 05/02/2025" in mail.body
    assert f"/tra-cuu-ho-so/?ma={dossier.code}" in mail.body
    assert "SMS tới 0912345678" in caplog.text and "17:00 05/02/2025" in caplog.text
    rows = {n.channel: n.status for n in Notification.objects.all()}
    assert rows == {"email": "sent", "sms": "sent"}


def test_nothing_is_sent_when_the_transaction_rolls_back(received, mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        received()
        raise RuntimeError("rollback")
    assert mailoutbox == [] and Notification.objects.count() == 0


def test_running_the_task_again_sends_nothing_more(
    received, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = received()
    event = dossier.events.get()
    notify_event_task.enqueue(event.pk)
    notify_event_task.enqueue(event.pk)
    assert len(mailoutbox) == 1
    assert Notification.objects.count() == 2


def test_a_failing_gateway_is_retried_and_the_sms_sent_once(
    settings, received, django_capture_on_commit_callbacks
):
    settings.TTHC_SMS_GATEWAY = "tests.dossiers.test_notifications.FlakyGateway"
    with django_capture_on_commit_callbacks(execute=True):
        dossier = received()
    sms_row = Notification.objects.get(channel="sms")
    assert sms_row.status == NotificationStatus.SENT and sms_row.attempts == 2
    assert len(SENT) == 1 and dossier.code in SENT[0][1]
    notify_event_task.enqueue(sms_row.event_id)  # a duplicate run
    assert len(SENT) == 1


def test_a_gateway_that_keeps_failing_gives_up(
    settings, received, django_capture_on_commit_callbacks
):
    settings.TTHC_SMS_GATEWAY = "tests.dossiers.test_notifications.BrokenGateway"
    with django_capture_on_commit_callbacks(execute=True):
        received()
    row = Notification.objects.get(channel="sms")
    assert row.status == NotificationStatus.FAILED
    assert row.attempts == notifications.MAX_ATTEMPTS == BrokenGateway.calls
    assert row.last_error == "hỏng"
    assert Notification.objects.get(channel="email").status == NotificationStatus.SENT


def test_no_address_no_message(received, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        received(applicant=replace(PERSON, email=""))
    assert mailoutbox == []
    assert Notification.objects.get(channel="email").status == NotificationStatus.SKIPPED


def test_supplement_result_and_apology_are_notified(
    received, specialist, mailoutbox, django_capture_on_commit_callbacks, travel
):
    travel(2025, 1, 22, 10)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = received()
        dossier = services.request_supplement(
            user=specialist, dossier=dossier, reason="Thiếu giấy.", missing=["Giấy chứng sinh"]
        )
        dossier = services.complete_supplement(user=specialist, dossier=dossier)
        dossier = services.apologise(
            user=specialist,
            dossier=dossier,
            new_appointment=dossier.due_at.replace(day=20),
            reason="Cần xác minh thêm.",
        )
        services.resolve(user=specialist, dossier=dossier)
    subjects = [m.subject.split("] ", 1)[1] for m in mailoutbox]
    assert subjects == [
        "Hồ sơ đã được tiếp nhận",
        "Yêu cầu bổ sung, hoàn thiện hồ sơ",
        "Thư xin lỗi và hẹn lại ngày trả kết quả",
        "Đã có kết quả giải quyết hồ sơ",
    ]
    assert "  - Giấy chứng sinh" in mailoutbox[1].body
    assert "ngày 20/02/2025" in mailoutbox[2].body


def test_http_gateway_posts_json(settings):
    received_bodies = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            received_bodies.append(
                (json.loads(self.rfile.read(length)), self.headers["Authorization"])
            )
            self.send_response(202)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        gateway = sms.HttpGateway(url=f"http://127.0.0.1:{server.server_port}/sms", token="k")
        gateway.send("0912345678", "Hồ sơ đã có kết quả")
    finally:
        server.shutdown()
    body, auth = received_bodies[0]
    assert body["to"] == "0912345678" and body["text"] == "Hồ sơ đã có kết quả"
    assert auth == "Bearer k"
    with pytest.raises(sms.SmsError):
        sms.HttpGateway(url="http://127.0.0.1:9/sms", timeout=1).send("0912345678", "x")


def test_email_delivered_once_to_a_real_smtp_server(
    settings, received, django_capture_on_commit_callbacks
):
    from aiosmtpd.controller import Controller

    messages = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            messages.append(envelope)
            return "250 OK"

    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        with django_capture_on_commit_callbacks(execute=True):
            dossier = received()
        notify_event_task.enqueue(dossier.events.get().pk)  # a duplicate run
    finally:
        controller.stop()
    assert len(messages) == 1
    assert messages[0].rcpt_tos == ["an.nguyen@example.vn"]
    content = messages[0].content.decode()
    assert dossier.code in content


def test_a_calendar_change_that_moves_the_appointment_is_notified(
    received, department, mailoutbox, travel, django_capture_on_commit_callbacks
):
    from datetime import date

    from tests.factories import MembershipFactory
    from tthc.workdays import services as workdays_services

    travel(2025, 1, 22, 10)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = received()
    mailoutbox.clear()
    leader = MembershipFactory(role="agency_leader", agency=department).user
    with django_capture_on_commit_callbacks(execute=True):
        workdays_services.add_override(
            user=leader,
            date=date(2025, 2, 4),
            is_working=False,
            name="Nghỉ theo quyết định của Sở",
            agency=department,
        )
    assert [m.subject for m in mailoutbox] == [f"[{dossier.code}] Thay đổi ngày hẹn trả kết quả"]
    assert "17 giờ 00 phút, ngày 06/02/2025" in mailoutbox[0].body
