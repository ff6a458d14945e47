"""The clock's daily task erases the personal data of senders of feedback closed more than
`TTHC_FEEDBACK_RETENTION_DAYS` ago (the `feedback_erase_expired` command's work, now automatic):
open and recent feedback untouched, a second run changes nothing, batched."""

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from django.utils.module_loading import import_string

from tests.feedback.test_public import publish
from tthc.feedback import services
from tthc.feedback.models import Feedback, FeedbackEvent

pytestmark = pytest.mark.django_db

TASK = "tthc.feedback.tasks.erase_expired_task"


def run_the_clocks_task():
    assert TASK in [path for _, path in django_settings.TTHC_PERIODIC_TASKS]
    return import_string(TASK).enqueue().return_value


def test_the_daily_task_erases_old_closed_feedback_only(settings, travel, submit, control):
    settings.TTHC_FEEDBACK_RETENTION_DAYS = 365
    travel(2023, 3, 1, 9)
    old = publish(submit(sender_phone="0911000001"), control)
    refused = services.refuse(
        user=control, feedback=submit(sender_phone="0911000002"), reason="Không thuộc phạm vi."
    )
    still_open = submit(sender_phone="0911000003")
    travel(2024, 2, 1, 9)
    recent = publish(submit(sender_phone="0911000004"), control)
    travel(2024, 4, 15, 9)
    assert run_the_clocks_task() == 2
    for fb in (old, refused):
        fb.refresh_from_db()
        assert (fb.sender_name, fb.sender_phone, fb.sender_email, fb.sender_address) == (
            services.ERASED,
            "",
            "",
            services.ERASED,
        )
        assert fb.personal_data_erased_at == timezone.now()
        assert fb.category and fb.agency_id and fb.submitted_at and fb.status
    for fb in (still_open, recent):
        fb.refresh_from_db()
        assert fb.sender_name == "Nguyễn Văn An" and fb.personal_data_erased_at is None
    events = FeedbackEvent.objects.count()
    travel(2024, 4, 16, 9)
    assert run_the_clocks_task() == 0
    assert FeedbackEvent.objects.count() == events
    assert Feedback.objects.filter(personal_data_erased_at__isnull=False).count() == 2


def test_erasure_in_batches(settings, travel, submit, control):
    settings.TTHC_FEEDBACK_RETENTION_DAYS = 30
    travel(2024, 3, 4, 9)
    made = [publish(submit(sender_phone=f"091100001{i}"), control) for i in range(3)]
    travel(2024, 5, 4, 9)
    assert services.erase_expired(batch_size=1) == [fb.code for fb in made]
    assert FeedbackEvent.objects.filter(action="personal_data_erased").count() == 3
    assert services.erase_expired(batch_size=1) == []


def test_the_period_is_a_setting_from_the_environment():
    assert django_settings.TTHC_FEEDBACK_RETENTION_DAYS == 5 * 365
