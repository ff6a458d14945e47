"""Reminders: N working days before the due date on the real calendar, once on the first working
day after it is overdue, never twice."""

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from tests.plans.conftest import make_plan, report, staff_user
from tthc.org.models import Role
from tthc.plans import services
from tthc.plans.models import TaskReminder
from tthc.plans.tasks import run_reminders, send_due_reminders

pytestmark = pytest.mark.django_db

ICT = ZoneInfo("Asia/Ho_Chi_Minh")
D = datetime.date


def at(day, hour=9):
    return time_machine.travel(datetime.datetime(*day, hour, 0, tzinfo=ICT), tick=False)


@pytest.fixture
def task(control, justice, justice_user):
    """Due Tuesday 24/2/2026, the day after the first working day after Tết."""
    staff_user(Role.RECEPTION_OFFICER, justice, user__email="motcua@example.vn")  # not a reporter
    staff_user(Role.AGENCY_LEADER, justice, user__email="lanhdao@example.vn")
    _, (task,) = make_plan(control, tasks=[(1, "Chuyên mục cải cách", justice, [], D(2026, 2, 24))])
    return task


def _run(day):
    with at(day):
        return run_reminders()


def test_due_soon_reminder_five_working_days_before_skipping_tet(task, settings):
    settings.TTHC_PLAN_REMINDER_WORKING_DAYS = 5
    # Working days before 24/2: 23/2, then Tết (16–20/2) and two weekends are skipped: 13, 12,
    # 11, 10/2. A count of weekdays would have said 17/2.
    assert _run((2026, 2, 9)) == {"sent": 0, "without_recipient": 0}
    assert _run((2026, 2, 10)) == {"sent": 1, "without_recipient": 0}
    (message,) = mail.outbox
    assert message.to == ["lanhdao@example.vn", "tuphap@example.vn"]
    assert "sắp đến hạn" in message.subject
    assert "còn 5 ngày làm việc đến thời hạn 24/02/2026" in message.body
    assert f"/quan-tri/ke-hoach/nhiem-vu/{task.pk}/" in message.body
    for day in [(2026, 2, 10), (2026, 2, 11), (2026, 2, 17), (2026, 2, 24)]:
        assert _run(day)["sent"] == 0
    assert len(mail.outbox) == 1


def test_overdue_reminder_once_on_the_first_working_day_after(task):
    _run((2026, 2, 10))
    mail.outbox.clear()
    assert _run((2026, 2, 24))["sent"] == 0  # due today: not overdue yet
    assert _run((2026, 2, 25))["sent"] == 1
    (message,) = mail.outbox
    assert "đã quá hạn" in message.subject
    assert "đã quá hạn 1 ngày làm việc" in message.body
    assert _run((2026, 2, 26))["sent"] == 0
    assert _run((2026, 3, 2))["sent"] == 0
    assert TaskReminder.objects.filter(task=task).count() == 2


def test_no_reminder_on_a_day_off_it_waits_for_the_next_working_day(control, justice):
    _, (_task,) = make_plan(control, tasks=[(1, "Trước 30/4", justice, [], D(2026, 4, 29))])
    assert _run((2026, 4, 27))["sent"] == 0  # Giỗ Tổ (observed): no mail on a day off
    assert _run((2026, 4, 28))["sent"] == 1  # the first working day of the window
    assert _run((2026, 4, 30))["sent"] == 0  # overdue since this morning, but a holiday
    assert _run((2026, 5, 1))["sent"] == 0
    assert _run((2026, 5, 2))["sent"] == 0  # Saturday
    assert _run((2026, 5, 4))["sent"] == 1
    assert [r.kind for r in TaskReminder.objects.order_by("sent_at", "id")] == [
        "due_soon",
        "overdue",
    ]


def test_done_tasks_and_draft_plans_are_not_reminded(task, control, justice, justice_user):
    with at((2026, 2, 2)):
        report(justice_user, task, 100)
    make_plan(control, issue=False, tasks=[(1, "Dự thảo", justice, [], D(2026, 2, 24))])
    assert _run((2026, 2, 25))["sent"] == 0
    assert mail.outbox == []


def test_without_agency_addresses_the_control_office_is_told(control, finance):
    _, (_task,) = make_plan(control, tasks=[(1, "Sở chưa có ai", finance, [], D(2026, 3, 3))])
    assert _run((2026, 3, 3))["sent"] == 1
    assert mail.outbox[0].to == ["kiemsoat@example.vn"]


def test_a_failed_mail_is_retried_on_the_next_run(task):
    with mock.patch("tthc.plans.tasks.send_mail", side_effect=OSError("SMTP down")):
        assert _run((2026, 2, 10))["sent"] == 0
    assert not TaskReminder.objects.exists()
    assert _run((2026, 2, 11))["sent"] == 1


def test_a_new_due_date_re_arms_the_reminders(task, control):
    _run((2026, 2, 10))
    services.update_task(
        user=control,
        task=task,
        data=services.TaskInput(
            title=task.title, lead_agency=task.lead_agency, due_on=D(2026, 3, 31)
        ),
    )
    assert _run((2026, 2, 11))["sent"] == 0
    assert _run((2026, 3, 24))["sent"] == 1  # 5 working days before 31/3


def test_the_periodic_task_runs_through_the_tasks_api(task):
    with at((2026, 2, 10)):
        result = send_due_reminders.enqueue()
    assert result.return_value == {"sent": 1, "without_recipient": 0}


def test_query_count_stays_flat_as_due_tasks_grow(control, justice):
    """Reminded tasks are looked up once for the run, addresses once per lead agency: not a few
    queries per task every hour."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts(n):
        make_plan(
            control, tasks=[(1, f"Nhiệm vụ {i}", justice, [], D(2026, 2, 24)) for i in range(n)]
        )
        with at((2026, 2, 10)), CaptureQueriesContext(connection) as first:
            run_reminders()
        with at((2026, 2, 11)), CaptureQueriesContext(connection) as again:
            assert run_reminders()["sent"] == 0
        return len(first), len(again)

    first_small, again_small = counts(2)
    TaskReminder.objects.all().delete()
    first_big, again_big = counts(12)
    assert again_big == again_small
    # Sending: a claim per task (its savepoint and insert), the addresses once per agency.
    assert first_big - first_small <= 3 * 12
