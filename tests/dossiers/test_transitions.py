"""Every allowed and every refused (status, action) of the transition table."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.dossiers.conftest import staff
from tthc.core.errors import Conflict, PermissionDenied, ValidationError
from tthc.dossiers import selectors, services
from tthc.dossiers.models import Dossier, DossierEvent, ProcessStep, Status
from tthc.dossiers.transitions import STAFF_ACTIONS, TRANSITIONS, Action, allowed_actions
from tthc.org.models import Role

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


def two_steps(dossier, at_step=1):
    """A two-step internal process for the dossier's procedure, the dossier at `at_step`."""
    if not ProcessStep.objects.filter(procedure=dossier.procedure).exists():
        ProcessStep.objects.create(
            procedure=dossier.procedure,
            order=1,
            name="Thẩm định",
            role="specialist",
            share_percent=60,
        )
        ProcessStep.objects.create(
            procedure=dossier.procedure,
            order=2,
            name="Phê duyệt",
            role="agency_leader",
            share_percent=40,
        )
    Dossier.objects.filter(pk=dossier.pk).update(current_step=at_step)
    dossier.current_step = at_step


def perform(action, dossier, user, other_agency):
    if action == Action.COMPLETE_STEP:
        two_steps(dossier, 1)
    if action == Action.RETURN_STEP:
        two_steps(dossier, 2)
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
        Action.ASSIGN: lambda: services.assign(
            user=user, dossier=dossier, assignee=staff(Role.SPECIALIST, dossier.current_agency)
        ),
        Action.COMPLETE_STEP: lambda: services.complete_step(user=user, dossier=dossier),
        Action.RETURN_STEP: lambda: services.return_step(
            user=user, dossier=dossier, reason="Thẩm định lại"
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


# --------------------------------------------------------------------------- inside status 4


def test_assignment_by_the_leader_shows_in_the_specialists_queue(dossier_in, client):
    dossier = dossier_in(Status.PROCESSING)
    leader = staff(Role.AGENCY_LEADER, dossier.current_agency)
    specialist = staff(Role.SPECIALIST, dossier.current_agency)
    colleague = staff(Role.SPECIALIST, dossier.current_agency)
    dossier = services.assign(user=leader, dossier=dossier, assignee=specialist, note="Xử lý")
    assert (dossier.status, dossier.assignee) == (Status.PROCESSING, specialist)
    event = dossier.events.order_by("-id").first()
    assert (event.action, event.data["assignee"]) == ("assign", specialist.username)
    client.force_login(specialist)
    page = client.get("/quan-tri/ho-so/?the=cua-toi").content.decode()
    assert "Của tôi" in page and dossier.code in page
    client.force_login(colleague)
    assert dossier.code not in client.get("/quan-tri/ho-so/?the=cua-toi").content.decode()


def test_only_the_leader_assigns_and_only_to_a_specialist_of_the_agency(dossier_in, other_agency):
    dossier = dossier_in(Status.PROCESSING)
    specialist = staff(Role.SPECIALIST, dossier.current_agency)
    with pytest.raises(PermissionDenied) as denied:
        services.assign(user=specialist, dossier=dossier, assignee=specialist)
    assert "lãnh đạo" in denied.value.message
    with pytest.raises(PermissionDenied):
        services.assign(
            user=staff(Role.AGENCY_LEADER, other_agency), dossier=dossier, assignee=specialist
        )
    leader = staff(Role.AGENCY_LEADER, dossier.current_agency)
    for wrong in (staff(Role.SPECIALIST, other_agency), leader, None):
        with pytest.raises(ValidationError) as invalid:
            services.assign(user=leader, dossier=dossier, assignee=wrong)
        assert invalid.value.field == "assignee"
    assert dossier.events.filter(action="assign").count() == 0


def test_transfer_clears_the_assignment(dossier_in, root, other_agency):
    dossier = dossier_in(Status.PROCESSING)
    specialist = staff(Role.SPECIALIST, dossier.current_agency)
    services.assign(user=root, dossier=dossier, assignee=specialist)
    dossier = services.transfer(user=root, dossier=dossier, to_agency=other_agency)
    assert dossier.assignee is None


def test_steps_advance_and_return_within_processing(dossier_in, other_agency):
    dossier = dossier_in(Status.PROCESSING)
    two_steps(dossier, 1)
    specialist = staff(Role.SPECIALIST, dossier.current_agency)
    with pytest.raises(ValidationError, match="bước đầu tiên"):
        services.return_step(user=specialist, dossier=dossier, reason="Làm lại")
    dossier = services.complete_step(user=specialist, dossier=dossier, note="Đã thẩm định")
    assert (dossier.status, dossier.current_step) == (Status.PROCESSING, 2)
    # The second step is the leader's: a specialist may neither complete it nor resolve.
    with pytest.raises(PermissionDenied, match="lãnh đạo cơ quan") as refused:
        services.complete_step(user=specialist, dossier=dossier)
    assert refused.value.code == "step_role"
    with pytest.raises(PermissionDenied):
        services.resolve(user=specialist, dossier=dossier)
    assert Action.RESOLVE not in services.allowed_actions(user=specialist, dossier=dossier)
    leader = staff(Role.AGENCY_LEADER, dossier.current_agency)
    with pytest.raises(ValidationError, match="bước cuối"):
        services.complete_step(user=leader, dossier=dossier)
    with pytest.raises(ValidationError) as missing:
        services.return_step(user=specialist, dossier=dossier, reason=" ")
    assert missing.value.field == "note"
    with pytest.raises(PermissionDenied):
        services.return_step(
            user=staff(Role.SPECIALIST, other_agency), dossier=dossier, reason="Sai"
        )
    dossier = services.return_step(user=specialist, dossier=dossier, reason="Thẩm định lại")
    assert (dossier.status, dossier.current_step) == (Status.PROCESSING, 1)
    event = dossier.events.order_by("-id").first()
    assert (event.action, event.data) == ("return_step", {"from_step": 2, "to_step": 1})
    assert selectors.current_step(dossier)["name"] == "Thẩm định"


def test_assign_and_return_step_on_the_staff_page(dossier_in, client):
    dossier = dossier_in(Status.PROCESSING)
    two_steps(dossier, 2)
    leader = staff(Role.AGENCY_LEADER, dossier.current_agency)
    specialist = staff(Role.SPECIALIST, dossier.current_agency)
    client.force_login(leader)
    url = f"/quan-tri/ho-so/{dossier.code}/"
    page = client.get(url).content.decode()
    assert 'value="assign"' in page and specialist.username in page
    response = client.post(url + "thao-tac/", {"action": "assign", "assignee": specialist.username})
    assert response.status_code == 302
    client.force_login(specialist)
    page = client.get(url).content.decode()
    assert 'value="assign"' not in page and 'value="return_step"' in page
    response = client.post(url + "thao-tac/", {"action": "return_step", "reason": "Làm lại"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.assignee, dossier.current_step) == (specialist, 1)


def test_assign_through_the_api(dossier_in, client):
    dossier = dossier_in(Status.PROCESSING)
    leader = staff(Role.AGENCY_LEADER, dossier.current_agency)
    specialist = staff(Role.SPECIALIST, dossier.current_agency)
    client.force_login(leader)
    url = f"/api/v1/staff/dossiers/{dossier.code}/actions/assign"
    response = client.post(url, {"assignee": "khong-co"}, content_type="application/json")
    assert (response.status_code, response.json()["field"]) == (422, "assignee")
    response = client.post(url, {"assignee": specialist.username}, content_type="application/json")
    assert response.status_code == 200
    client.force_login(specialist)
    body = client.get("/api/v1/staff/dossiers?tab=cua-toi").json()
    assert [row["code"] for row in body["items"]] == [dossier.code]
    assert body["items"][0]["assignee"] == specialist.username
