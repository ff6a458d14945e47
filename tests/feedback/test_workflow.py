"""Every status change of the table and its limit on the real calendar (Tết 2024), transfers
restarting the clock, returns, overdue detection, recompute on a calendar change, reminders."""

import pytest
from django.core import mail

from tests.feedback.conftest import at
from tthc.core.errors import Conflict, PermissionDenied, ValidationError
from tthc.core.handoffs import SIMPLIFY_FEEDBACK, handoff, register_handoff
from tthc.feedback import deadlines, selectors, services
from tthc.feedback.models import Feedback, FeedbackEvent, Limit, Reminder, Status
from tthc.feedback.tasks import send_reminders_task
from tthc.feedback.transitions import TRANSITIONS, Action
from tthc.workdays import services as workdays_services

pytestmark = pytest.mark.django_db


def test_limits_from_submission_on_the_real_calendar(travel, submit, office):
    # Friday 02/02/2024 09:00; Tết holidays 08–14/02/2024.
    travel(2024, 2, 2, 9)
    fb = submit()
    assert fb.status == Status.WAITING and fb.agency == office
    assert fb.code.startswith("PA-240202-")
    assert fb.refuse_due_at == at(2024, 2, 6, 17)  # 05, 06
    assert fb.supplement_due_at == at(2024, 2, 16, 17)  # 05, 06, 07, 15, 16
    assert fb.handle_due_at == at(2024, 3, 1, 17)  # 15 working days
    assert fb.publish_due_at is None
    assert any("Tết" in step for step in fb.due_explanations["supplement"])


def test_happy_path_meets_every_limit(
    travel, submit, control, department, specialist, leader, django_capture_on_commit_callbacks
):
    travel(2024, 2, 2, 9)
    fb = submit()
    travel(2024, 2, 5, 10)
    fb = services.receive(user=control, feedback=fb)
    assert fb.status == Status.RECEIVED
    fb = services.transfer(user=control, feedback=fb, to_agency=department, note="Thẩm quyền")
    assert fb.agency == department and fb.status == Status.RECEIVED
    # the transfer restarts the clock: 15 working days from Monday 05/02 10:00
    assert fb.clock_start_at == at(2024, 2, 5, 10)
    assert fb.handle_due_at == at(2024, 3, 4, 17)
    travel(2024, 2, 6, 9)
    fb = services.start(user=specialist, feedback=fb)
    fb = services.draft_answer(user=specialist, feedback=fb, answer="Không yêu cầu sổ hộ khẩu.")
    assert fb.status == Status.DRAFTED
    with pytest.raises(PermissionDenied):
        services.approve(user=specialist, feedback=fb)
    fb = services.reject_draft(user=leader, feedback=fb, note="Nêu căn cứ pháp lý")
    assert fb.status == Status.PROCESSING
    fb = services.draft_answer(
        user=specialist, feedback=fb, answer="Theo Luật Cư trú 2020, không yêu cầu sổ hộ khẩu."
    )
    travel(2024, 2, 7, 9)
    fb = services.approve(user=leader, feedback=fb)
    assert fb.status == Status.APPROVED
    assert fb.ready_at == at(2024, 2, 7, 9)
    assert fb.publish_due_at == at(2024, 2, 16, 17)  # 2 working days after, across Tết
    travel(2024, 2, 15, 9)
    with django_capture_on_commit_callbacks(execute=True):
        fb = services.publish(user=leader, feedback=fb)
    assert fb.status == Status.PUBLISHED and fb.late_limits == []
    assert [e.action for e in fb.events.all()] == [
        "submit", "receive", "transfer", "start", "draft_answer", "reject_draft",
        "draft_answer", "approve", "publish",
    ]  # fmt: skip
    assert len(mail.outbox) == 1 and "đã có câu trả lời" in mail.outbox[0].subject
    assert "Luật Cư trú" in mail.outbox[0].body


def test_refuse_late_is_recorded(travel, submit, control, django_capture_on_commit_callbacks):
    travel(2024, 2, 2, 9)
    fb = submit()
    travel(2024, 2, 7, 9)  # after 17:00 06/02
    assert deadlines.overdue_limits(fb, at(2024, 2, 7, 9)) == [Limit.REFUSE]
    with django_capture_on_commit_callbacks(execute=True):
        fb = services.refuse(user=control, feedback=fb, reason="Không thuộc phạm vi")
    assert fb.status == Status.REFUSED and fb.late_limits == ["refuse"]
    assert "không được tiếp nhận" in mail.outbox[0].subject
    with pytest.raises(ValidationError):
        services.refuse(user=control, feedback=Feedback.objects.get(), reason="")


def test_supplement_request_and_its_limit(travel, submit, control):
    travel(2024, 2, 2, 9)
    fb = submit()
    fb = services.request_supplement(user=control, feedback=fb, note="Ghi rõ ngày nộp hồ sơ")
    assert fb.status == Status.SUPPLEMENT_REQUESTED and fb.first_supplement_at is not None
    fb = services.complete_supplement(user=control, feedback=fb, note="Đã bổ sung qua điện thoại")
    assert fb.status == Status.RECEIVED
    assert not deadlines.is_active(fb, Limit.SUPPLEMENT)
    # a second feedback: the first request after 5 working days is refused
    fb2 = submit(sender_phone="0987654321")
    services.receive(user=control, feedback=fb2)
    travel(2024, 2, 19, 9)
    with pytest.raises(Conflict, match="5 ngày làm việc"):
        services.request_supplement(user=control, feedback=fb2, note="Bổ sung")


def test_transitions_outside_the_table_are_refused(submit, control):
    fb = submit()
    with pytest.raises(Conflict) as exc:
        services.publish(user=control, feedback=fb)
    assert exc.value.code == "invalid_transition"
    for (status, action), new in TRANSITIONS.items():
        assert status in Status and new in Status and action in Action


def test_return_to_the_agency_that_transferred(travel, submit, control, department, specialist):
    travel(2024, 3, 4, 9)
    fb = submit()
    with pytest.raises(Conflict):
        services.return_back(user=control, feedback=fb, note="Không phải của tôi")
    fb = services.transfer(user=control, feedback=fb, to_agency=department, note="Thẩm quyền")
    assert fb.status == Status.WAITING and fb.refuse_due_at == at(2024, 3, 6, 17)
    travel(2024, 3, 5, 14)
    office = fb.events.first().agency
    fb = services.return_back(user=specialist, feedback=fb, note="Không thuộc thẩm quyền Sở")
    assert fb.agency == office and fb.clock_start_at == at(2024, 3, 5, 14)
    assert fb.refuse_due_at == at(2024, 3, 7, 17)


def test_overdue_list_and_reminders_once_per_limit(travel, submit, control):
    travel(2024, 3, 4, 9)
    fb = submit()
    travel(2024, 3, 7, 9)
    assert list(selectors.staff_list(control, overdue=True)) == [fb]
    result = send_reminders_task.call()
    assert result["sent"] == 1
    assert Reminder.objects.get().limit == Limit.REFUSE
    assert mail.outbox[-1].to == ["kiemsoat@example.vn"]
    assert "đã quá hạn" in mail.outbox[-1].subject
    assert send_reminders_task.call()["sent"] == 0  # once per item and limit


def test_calendar_change_recomputes_open_limits(
    travel, submit, control, django_capture_on_commit_callbacks
):
    travel(2024, 3, 4, 9)
    fb = submit()
    assert fb.refuse_due_at == at(2024, 3, 6, 17)
    with django_capture_on_commit_callbacks(execute=True):
        workdays_services.add_override(
            user=control, date=at(2024, 3, 5, 0).date(), is_working=False, name="Nghỉ địa phương"
        )
    fb.refresh_from_db()
    assert fb.refuse_due_at == at(2024, 3, 7, 17)
    event = FeedbackEvent.objects.filter(feedback=fb, action=Action.DEADLINE_CHANGED).first()
    assert event is not None and event.data["limit"] in {"refuse", "supplement", "handle"}


def test_simplification_extension_point(submit, control):
    fb = submit()
    installed = handoff(SIMPLIFY_FEEDBACK)  # the simplification app's, restored below
    register_handoff(SIMPLIFY_FEEDBACK, None)
    try:
        with pytest.raises(Conflict):
            services.propose_simplification(user=control, feedback=fb)
        calls = []
        register_handoff(SIMPLIFY_FEEDBACK, lambda **kw: calls.append(kw) or "DX-001")
        assert services.propose_simplification(user=control, feedback=fb, note="Bỏ yêu cầu") == (
            "DX-001"
        )
    finally:
        register_handoff(SIMPLIFY_FEEDBACK, installed)
    assert calls[0]["feedback"] == fb
    assert fb.events.last().data == {"proposal": "DX-001"}


def test_officer_entry(control, office):
    from tests.feedback.conftest import feedback_input

    fb = services.enter(user=control, data=feedback_input(), channel="phone")
    assert fb.channel == "phone" and fb.created_by == control
    with pytest.raises(ValidationError):
        services.enter(user=control, data=feedback_input(), channel="online")


def test_events_are_append_only(submit):
    event = submit().events.get()
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
