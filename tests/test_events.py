"""The shared history base (`tthc.core.models.Event`) and its one writer, `append_event`."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from tests.factories import UserFactory
from tthc.core.events import append_event
from tthc.dossiers.models import DossierEvent
from tthc.feedback.models import FeedbackEvent
from tthc.simplification.models import ProposalEvent, SimplificationProposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal():
    return SimplificationProposal.objects.create(code="DGH-2025-00001", title="Đơn giản hóa")


def test_each_history_names_its_subject_and_shares_the_common_fields():
    common = {"at", "actor", "action", "note", "data"}
    for model, subject in (
        (DossierEvent, "dossier"),
        (FeedbackEvent, "feedback"),
        (ProposalEvent, "proposal"),
    ):
        assert model.subject_field == subject
        assert common <= {f.name for f in model._meta.fields}
        assert model._meta.get_field("action").max_length == 40


def test_an_event_records_who_when_and_the_model_s_own_fields(proposal):
    user = UserFactory()
    at = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)
    event = append_event(
        ProposalEvent,
        proposal,
        action="submit",
        user=user,
        at=at,
        note="Trình duyệt",
        data={"n": 1},
        from_status="draft",
        to_status="submitted",
    )
    event.refresh_from_db()
    assert (event.proposal, event.actor, event.at, event.action) == (proposal, user, at, "submit")
    assert (event.note, event.data) == ("Trình duyệt", {"n": 1})
    assert (event.from_status, event.to_status) == ("draft", "submitted")


def test_an_anonymous_or_system_event_has_no_actor_and_defaults_to_now(proposal):
    before = timezone.now()
    anonymous = append_event(ProposalEvent, proposal, action="create", user=AnonymousUser())
    system = append_event(ProposalEvent, proposal, action="update", user=None)
    for event in (anonymous, system):
        event.refresh_from_db()
        assert event.actor is None
        assert event.at >= before
        assert (event.note, event.data) == ("", {})


def test_an_event_is_never_changed(proposal):
    event = append_event(ProposalEvent, proposal, action="create", user=None)
    event.note = "sửa"
    with pytest.raises(RuntimeError, match="chỉ được ghi thêm"):
        event.save()
