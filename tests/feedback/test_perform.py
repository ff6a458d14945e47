"""The one dispatcher of staff actions (`services.perform`): every action of the staff pages
reaches its service with the fields it takes, parsed in one place; anything else is refused."""

import inspect

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import AgencyFactory
from tests.feedback.conftest import feedback_input
from tthc.core.errors import NotFound, ValidationError
from tthc.core.handoffs import SIMPLIFY_FEEDBACK, handoff, register_handoff
from tthc.feedback import services
from tthc.feedback.models import FeedbackEvent, Status
from tthc.feedback.transitions import STAFF_ACTIONS, Action


def test_every_staff_action_has_a_step_whose_fields_reach_its_service():
    recorded = {Action.PROPOSE_SIMPLIFICATION, Action.MARK_REPEAT, Action.ATTACHMENT_PUBLIC}
    assert set(services.STEPS) == set(STAFF_ACTIONS) | recorded
    for action, step in services.STEPS.items():
        parameters = inspect.signature(step.service).parameters
        assert "user" in parameters, action
        if step.subject is not None:
            assert step.subject in parameters, action
        for param, _parse in step.fields.values():
            assert param in parameters, (action, param)


def test_a_feedback_through_every_transition_by_perform(submit, control, department):
    feedback = submit()
    other = submit(sender_phone="0911000002")
    perform = services.perform

    assert perform(action="receive", user=control, obj=feedback, note="").status == Status.RECEIVED
    feedback = perform(
        action=Action.TRANSFER, user=control, obj=feedback, to_agency=str(department.pk), note="Sở"
    )
    assert feedback.agency == department
    feedback = perform(action="return", user=control, obj=feedback, note="Không đúng thẩm quyền")
    assert feedback.agency != department
    feedback = perform(action="request_supplement", user=control, obj=feedback, note="Thiếu")
    feedback = perform(action="complete_supplement", user=control, obj=feedback, note="Đã đủ")
    feedback = perform(action="start", user=control, obj=feedback)
    feedback = perform(action="draft_answer", user=control, obj=feedback, answer="Trả lời A")
    feedback = perform(action="reject_draft", user=control, obj=feedback, note="Sửa")
    feedback = perform(action="draft_answer", user=control, obj=feedback, answer="Trả lời B")
    feedback = perform(action="approve", user=control, obj=feedback)
    feedback = perform(action="publish", user=control, obj=feedback)
    assert feedback.status == Status.PUBLISHED and feedback.answer == "Trả lời B"
    refused = perform(action="refuse", user=control, obj=other, note="Không thuộc phạm vi")
    assert refused.status == Status.REFUSED

    # the actions recorded without a status change return the feedback as they left it
    later = submit(sender_phone="0911000003")
    assert (
        perform(
            action="mark_repeat", user=control, obj=later, repeat_of_code=feedback.code.lower()
        ).pk
        == later.pk
    )
    later.refresh_from_db()
    assert later.repeat_of == feedback
    actions = list(FeedbackEvent.objects.filter(feedback=feedback).values_list("action", flat=True))
    assert actions == [
        "submit",
        "receive",
        "transfer",
        "return",
        "request_supplement",
        "complete_supplement",
        "start",
        "draft_answer",
        "reject_draft",
        "draft_answer",
        "approve",
        "publish",
    ]


def test_agencies_by_code_or_id_and_an_unknown_one(submit, control, department):
    feedback = submit()
    moved = services.perform(
        action="transfer", user=control, obj=feedback, to_agency=department.code, note="Sở"
    )
    assert moved.agency == department
    with pytest.raises(ValidationError, match="Cần chọn cơ quan nhận"):
        services.perform(
            action="transfer", user=control, obj=moved, to_agency="KHONG-CO", note="Sở"
        )
    inactive = AgencyFactory(is_active=False)
    with pytest.raises(ValidationError, match="Cần chọn cơ quan nhận"):
        services.perform(
            action="transfer", user=control, obj=moved, to_agency=inactive.pk, note="Sở"
        )


def test_attachments_by_id_among_the_feedbacks_own(office, control, submit):
    pdf = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 noi dung", content_type="application/pdf")
    with_file = services.submit(data=feedback_input(), attachments=[pdf], ip="203.0.113.9")
    attachment = with_file.attachments.get()
    services.perform(
        action="attachment_public",
        user=control,
        obj=with_file,
        attachment=str(attachment.pk),
        public="1",
    )
    attachment.refresh_from_db()
    assert attachment.public
    services.perform(
        action="attachment_public", user=control, obj=with_file, attachment=attachment.pk
    )
    attachment.refresh_from_db()
    assert not attachment.public  # a flag left out is off
    with pytest.raises(NotFound):  # another feedback's file
        services.perform(
            action="attachment_public",
            user=control,
            obj=submit(sender_phone="0911000004"),
            attachment=attachment.pk,
            public="1",
        )


def test_unknown_fields_and_actions_are_refused_and_nothing_is_written(submit, control):
    feedback = submit()
    with pytest.raises(ValidationError) as refused:
        services.perform(action="publish", user=control, obj=feedback, note="x")
    assert refused.value.code == "unknown_field" and refused.value.field == "note"
    assert "không nhận thông tin: note" in refused.value.message
    with pytest.raises(ValidationError, match="không nhận thông tin: reason, to_agency"):
        services.perform(
            action="receive", user=control, obj=feedback, reason="x", to_agency="1", note=""
        )
    for action in ("", "fly", Action.SUBMIT, Action.DEADLINE_CHANGED, "personal_data_erased"):
        with pytest.raises(ValidationError, match="Thao tác không hợp lệ"):
            services.perform(action=action, user=control, obj=feedback)
    feedback.refresh_from_db()
    assert feedback.status == Status.WAITING
    assert list(feedback.events.values_list("action", flat=True)) == ["submit"]


def test_propose_simplification_by_perform(submit, control):
    seen = []

    def handler(*, feedback, user, note):
        seen.append((feedback.code, note))
        return "DGH-1"

    installed = handoff(SIMPLIFY_FEEDBACK)  # the simplification app's, restored below
    register_handoff(SIMPLIFY_FEEDBACK, handler)
    try:
        feedback = submit()
        assert (
            services.perform(
                action="propose_simplification", user=control, obj=feedback, note="Bỏ giấy"
            ).pk
            == feedback.pk
        )
    finally:
        register_handoff(SIMPLIFY_FEEDBACK, installed)
    assert seen == [(feedback.code, "Bỏ giấy")]
    assert feedback.events.get(action="propose_simplification").data == {"proposal": "DGH-1"}


def test_the_staff_page_posts_through_perform(client, submit, control):
    feedback = submit()
    client.force_login(control)
    url = f"/quan-tri/phan-anh/{feedback.code}/thao-tac/"
    page = client.post(url, {"action": "receive", "note": "", "user": "1"}, follow=True)
    assert "không nhận thông tin: user" not in page.content.decode()  # the page's own argument
    feedback.refresh_from_db()
    assert feedback.status == Status.RECEIVED
    page = client.post(url, {"action": "start", "answer": "x"}, follow=True)
    assert "Thao tác “Giao xử lý” không nhận thông tin: answer." in page.content.decode()
    page = client.post(url, {"action": "fly"}, follow=True)
    assert "Thao tác không hợp lệ." in page.content.decode()
    feedback.refresh_from_db()
    assert feedback.status == Status.RECEIVED
