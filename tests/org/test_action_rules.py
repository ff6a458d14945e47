"""`ActionRules`: the permissions of a state machine's actions, checked on its object's agencies."""

from types import SimpleNamespace

import pytest

from tests.factories import AgencyFactory, MembershipFactory
from tthc.core.errors import PermissionDenied
from tthc.org.models import Role
from tthc.org.policy import DENIED_MESSAGES, Action, ActionRules

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    return AgencyFactory(name="Bộ phận một cửa")


@pytest.fixture
def department():
    return AgencyFactory(name="Sở Tư pháp")


def member(role, agency):
    return MembershipFactory(role=role, agency=agency).user


def test_one_policy_is_checked_on_the_agency_of_the_object(department):
    rules = ActionRules({"start": Action.FEEDBACK_PROCESS}, agency=lambda obj: obj.agency)
    item = SimpleNamespace(agency=department)
    specialist = member(Role.SPECIALIST, department)
    elsewhere = member(Role.SPECIALIST, AgencyFactory())
    assert rules.allows(specialist, item, "start")
    rules.check(specialist, item, "start")
    assert not rules.allows(elsewhere, item, "start")
    with pytest.raises(PermissionDenied) as refused:
        rules.check(elsewhere, item, "start")
    assert refused.value.message == str(DENIED_MESSAGES[Action.FEEDBACK_PROCESS])
    assert isinstance(refused.value.message, str)
    assert not rules.allows(None, item, "start")


def test_any_named_grant_suffices_and_a_refusal_says_the_last(desk, department):
    rules = ActionRules(
        {
            "return": (
                (Action.DOSSIER_RECEIVE, "receiving"),
                (Action.DOSSIER_PROCESS, "current"),
            )
        },
        agency={"receiving": lambda d: d.receiving, "current": lambda d: d.current},
    )
    dossier = SimpleNamespace(receiving=desk, current=department)
    assert rules.allows(member(Role.RECEPTION_OFFICER, desk), dossier, "return")
    assert rules.allows(member(Role.SPECIALIST, department), dossier, "return")
    # A reception officer of the department, a specialist of the desk: neither grant holds.
    for user in (member(Role.RECEPTION_OFFICER, department), member(Role.SPECIALIST, desk)):
        with pytest.raises(PermissionDenied, match="cơ quan đang chịu trách nhiệm xử lý"):
            rules.check(user, dossier, "return")
