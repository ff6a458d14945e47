"""Every allowed and every refused (status, action) of the transition table."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tthc.core.errors import Conflict
from tthc.dossiers import services
from tthc.dossiers.models import DossierEvent, Status
from tthc.dossiers.transitions import STAFF_ACTIONS, TRANSITIONS, Action, allowed_actions

pytestmark = pytest.mark.django_db

# How to bring a new dossier to each status (actions after reception).
PATHS = {
    Status.SUBMITTED: ("online", []),
    Status.RECEIVED: ("counter", []),
    Status.NOT_RECEIVED: ("online", [Action.REFUSE]),
    Status.PROCESSING: ("counter", [Action.START]),
    Status.SUPPLEMENT_REQUESTED: ("counter", [Action.START, Action.REQUEST_SUPPLEMENT]),
    Status.AWAITING_PAYMENT: ("counter", [Action.START, Action.REQUEST_PAYMENT]),
    Status.WITHDRAWN: ("counter", [Action.WITHDRAW]),
    Status.STOPPED: ("counter", [Action.START, Action.STOP]),
    Status.RESOLVED: ("counter", [Action.START, Action.RESOLVE]),
    Status.RETURNED: ("counter", [Action.START, Action.RESOLVE, Action.RETURN_RESULT]),
}


def perform(action, dossier, user, other_agency):
    calls = {
        Action.ACCEPT: lambda: services.accept(user=user, dossier=dossier),
        Action.REFUSE: lambda: services.refuse(user=user, dossier=dossier, reason="Thiếu giấy tờ"),
        Action.START: lambda: services.start_processing(user=user, dossier=dossier),
        Action.REQUEST_COMPLETION: lambda: services.request_completion(
            user=user, dossier=dossier, reason="Ảnh tờ khai bị mờ", missing=["Tờ khai"]
        ),
        Action.SUBMIT_COMPLETION: lambda: services.submit_completion(user=user, dossier=dossier),
        Action.REQUEST_SUPPLEMENT: lambda: services.request_supplement(
            user=user,
            dossier=dossier,
            reason="Bổ sung giấy chứng sinh",
            missing=["Giấy chứng sinh"],
        ),
        Action.COMPLETE_SUPPLEMENT: lambda: services.complete_supplement(
            user=user, dossier=dossier
        ),
        Action.REQUEST_PAYMENT: lambda: services.request_payment(
            user=user, dossier=dossier, amount=50000
        ),
        Action.CONFIRM_PAYMENT: lambda: services.confirm_payment(user=user, dossier=dossier),
        Action.WITHDRAW: lambda: services.withdraw(
            user=user, dossier=dossier, reason="Người nộp có đơn xin rút"
        ),
        Action.STOP: lambda: services.stop(user=user, dossier=dossier, reason="Không bổ sung"),
        Action.RESOLVE: lambda: services.resolve(user=user, dossier=dossier, result_code="KQ1"),
        Action.RETURN_RESULT: lambda: services.return_result(user=user, dossier=dossier),
        Action.TRANSFER: lambda: services.transfer(
            user=user, dossier=dossier, to_agency=other_agency
        ),
        Action.APOLOGISE: lambda: services.apologise(
            user=user,
            dossier=dossier,
            new_appointment=timezone.now() + timedelta(days=60),
            reason="Cần xác minh thêm",
        ),
    }
    return calls[action]()


@pytest.fixture
def dossier_in(received, submitted, root, other_agency):
    def make(status):
        channel, actions = PATHS[status]
        dossier = submitted() if channel == "online" else received()
        for action in actions:
            dossier = perform(action, dossier, root, other_agency)
        assert dossier.status == status
        return dossier

    return make


def test_paths_cover_every_status_and_every_status_is_in_the_table():
    assert set(PATHS) == set(Status)
    sources = {status for status, _ in TRANSITIONS}
    # Every status that is not final has a way out; the final ones have none.
    assert sources == set(Status) - {
        Status.NOT_RECEIVED,
        Status.WITHDRAWN,
        Status.STOPPED,
        Status.RETURNED,
    }
    assert set(STAFF_ACTIONS) == {action for _, action in TRANSITIONS}


ALLOWED = sorted(TRANSITIONS.items(), key=lambda item: (item[0][0], item[0][1]))
REFUSED = [
    (status, action)
    for status in Status
    for action in STAFF_ACTIONS
    if (status, action) not in TRANSITIONS
]


@pytest.mark.parametrize(
    ("source", "action", "expected"),
    [(s, a, t) for (s, a), t in ALLOWED],
    ids=[f"{s.name}-{a}" for (s, a), _ in ALLOWED],
)
def test_allowed_transition(dossier_in, root, other_agency, source, action, expected):
    dossier = dossier_in(source)
    before = dossier.events.count()
    dossier = perform(action, dossier, root, other_agency)
    assert dossier.status == expected
    dossier.refresh_from_db()
    assert dossier.status == expected
    assert dossier.events.count() == before + 1
    event = dossier.events.order_by("-at", "-id").first()
    assert (event.action, event.from_status, event.to_status) == (action, source, expected)
    assert event.actor == root


@pytest.mark.parametrize(("source", "action"), REFUSED, ids=[f"{s.name}-{a}" for s, a in REFUSED])
def test_refused_transition(dossier_in, root, other_agency, source, action):
    dossier = dossier_in(source)
    before = dossier.events.count()
    with pytest.raises(Conflict) as refused:
        perform(action, dossier, root, other_agency)
    assert refused.value.status == 409
    assert Status(source).label in refused.value.message
    dossier.refresh_from_db()
    assert dossier.status == source
    assert dossier.events.count() == before


def test_allowed_actions_lists_the_table():
    assert set(allowed_actions(Status.SUBMITTED)) == {
        Action.ACCEPT,
        Action.REFUSE,
        Action.WITHDRAW,
        Action.REQUEST_COMPLETION,
        Action.SUBMIT_COMPLETION,
    }
    assert allowed_actions(Status.RETURNED) == []


def test_transfer_keeps_processing_and_moves_responsibility(dossier_in, root, other_agency):
    dossier = dossier_in(Status.PROCESSING)
    due = dossier.due_at
    dossier = services.transfer(
        user=root, dossier=dossier, to_agency=other_agency, note="Liên thông"
    )
    assert (dossier.status, dossier.current_agency, dossier.due_at) == (
        Status.PROCESSING,
        other_agency,
        due,
    )
    assert dossier.events.order_by("-id").first().agency == other_agency


def test_apology_sets_a_new_appointment_but_keeps_the_legal_deadline(dossier_in, root):
    dossier = dossier_in(Status.PROCESSING)
    due = dossier.due_at
    later = due + timedelta(days=3)
    dossier = services.apologise(user=root, dossier=dossier, new_appointment=later, reason="Chậm")
    assert dossier.due_at == due
    assert dossier.appointment_at == later
    with pytest.raises(Exception, match="Ngày hẹn mới phải sau"):
        services.apologise(user=root, dossier=dossier, new_appointment=due, reason="Chậm")


def test_events_are_append_only(dossier_in):
    event = dossier_in(Status.RECEIVED).events.get()
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    assert DossierEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda d, u: services.refuse(user=u, dossier=d, reason=" "), "note"),
        (lambda d, u: services.request_payment(user=u, dossier=d, amount=0), "amount"),
    ],
)
def test_required_inputs(dossier_in, root, call, field):
    dossier = dossier_in(Status.SUBMITTED)
    with pytest.raises(Exception) as error:
        call(dossier, root)
    assert getattr(error.value, "field", None) == field
