"""The permission matrix: every role against every action, allowed and denied."""

import pytest

from tests.factories import AgencyFactory, MembershipFactory, UserFactory
from tthc.core.errors import PermissionDenied
from tthc.org.models import Role
from tthc.org.policy import Action, can, require

P = "province-wide"
OWN = "own agency only"
NO = "denied"

# What each role may do. OWN: on the agency where the role is held and the ones below it.
MATRIX = {
    Role.RECEPTION_OFFICER: {
        Action.CATALOG_IMPORT: NO,
        Action.CATALOG_EDIT: NO,
        Action.CATALOG_PUBLISH: NO,
        Action.CATALOG_EXPORT: NO,
        Action.CATALOG_VIEW_INTERNAL: P,
        Action.ORG_MANAGE_UNITS: NO,
        Action.ORG_MANAGE_AGENCY: NO,
        Action.ORG_MANAGE_STAFF: NO,
        Action.CALENDAR_MANAGE: NO,
        Action.DOSSIER_RECEIVE: OWN,
        Action.DOSSIER_PROCESS: NO,
        Action.DOSSIER_VIEW: OWN,
        Action.DOSSIER_ASSIGN: NO,
        Action.FEEDBACK_RECEIVE: OWN,
        Action.FEEDBACK_PROCESS: NO,
        Action.FEEDBACK_APPROVE: NO,
        Action.FEEDBACK_VIEW: OWN,
        Action.FEEDBACK_REPORT: NO,
        Action.AUDIT_VIEW: NO,
        Action.SIMPLIFICATION_EDIT: NO,
        Action.SIMPLIFICATION_APPROVE: NO,
        Action.CONTENT_EDIT: NO,
        Action.PLAN_MANAGE: NO,
        Action.PLAN_VIEW: NO,
        Action.PLAN_REPORT: NO,
        Action.VISITS_VIEW: NO,
        Action.REPORT_VIEW: NO,
        Action.INDEX_VIEW: NO,
    },
    Role.SPECIALIST: {
        Action.CATALOG_IMPORT: NO,
        Action.CATALOG_EDIT: NO,
        Action.CATALOG_PUBLISH: NO,
        Action.CATALOG_EXPORT: NO,
        Action.CATALOG_VIEW_INTERNAL: P,
        Action.ORG_MANAGE_UNITS: NO,
        Action.ORG_MANAGE_AGENCY: NO,
        Action.ORG_MANAGE_STAFF: NO,
        Action.CALENDAR_MANAGE: NO,
        Action.DOSSIER_RECEIVE: NO,
        Action.DOSSIER_PROCESS: OWN,
        Action.DOSSIER_VIEW: OWN,
        Action.DOSSIER_ASSIGN: NO,
        Action.FEEDBACK_RECEIVE: NO,
        Action.FEEDBACK_PROCESS: OWN,
        Action.FEEDBACK_APPROVE: NO,
        Action.FEEDBACK_VIEW: OWN,
        Action.FEEDBACK_REPORT: NO,
        Action.AUDIT_VIEW: NO,
        Action.SIMPLIFICATION_EDIT: NO,
        Action.SIMPLIFICATION_APPROVE: NO,
        Action.CONTENT_EDIT: NO,
        Action.PLAN_MANAGE: NO,
        Action.PLAN_VIEW: OWN,
        Action.PLAN_REPORT: OWN,
        Action.VISITS_VIEW: NO,
        Action.REPORT_VIEW: NO,
        Action.INDEX_VIEW: NO,
    },
    Role.AGENCY_LEADER: {
        Action.CATALOG_IMPORT: NO,
        Action.CATALOG_EDIT: NO,
        Action.CATALOG_PUBLISH: NO,
        Action.CATALOG_EXPORT: P,
        Action.CATALOG_VIEW_INTERNAL: P,
        Action.ORG_MANAGE_UNITS: NO,
        Action.ORG_MANAGE_AGENCY: OWN,
        Action.ORG_MANAGE_STAFF: OWN,
        Action.CALENDAR_MANAGE: OWN,
        Action.DOSSIER_RECEIVE: NO,
        Action.DOSSIER_PROCESS: OWN,
        Action.DOSSIER_VIEW: OWN,
        Action.DOSSIER_ASSIGN: OWN,
        Action.FEEDBACK_RECEIVE: NO,
        Action.FEEDBACK_PROCESS: OWN,
        Action.FEEDBACK_APPROVE: OWN,
        Action.FEEDBACK_VIEW: OWN,
        Action.FEEDBACK_REPORT: P,
        Action.AUDIT_VIEW: NO,
        Action.SIMPLIFICATION_EDIT: OWN,
        Action.SIMPLIFICATION_APPROVE: NO,
        Action.CONTENT_EDIT: NO,
        Action.PLAN_MANAGE: NO,
        Action.PLAN_VIEW: OWN,
        Action.PLAN_REPORT: OWN,
        Action.VISITS_VIEW: NO,
        Action.REPORT_VIEW: OWN,
        Action.INDEX_VIEW: OWN,
    },
    Role.CONTROL_OFFICER: {
        Action.CATALOG_IMPORT: P,
        Action.CATALOG_EDIT: P,
        Action.CATALOG_PUBLISH: P,
        Action.CATALOG_EXPORT: P,
        Action.CATALOG_VIEW_INTERNAL: P,
        Action.ORG_MANAGE_UNITS: NO,
        Action.ORG_MANAGE_AGENCY: NO,
        Action.ORG_MANAGE_STAFF: NO,
        Action.CALENDAR_MANAGE: P,
        Action.DOSSIER_RECEIVE: NO,
        Action.DOSSIER_PROCESS: NO,
        Action.DOSSIER_VIEW: P,
        Action.DOSSIER_ASSIGN: NO,
        Action.FEEDBACK_RECEIVE: P,
        Action.FEEDBACK_PROCESS: P,
        Action.FEEDBACK_APPROVE: P,
        Action.FEEDBACK_VIEW: P,
        Action.FEEDBACK_REPORT: P,
        Action.AUDIT_VIEW: NO,
        Action.SIMPLIFICATION_EDIT: P,
        Action.SIMPLIFICATION_APPROVE: P,
        Action.CONTENT_EDIT: NO,
        Action.PLAN_MANAGE: P,
        Action.PLAN_VIEW: P,
        Action.PLAN_REPORT: P,
        Action.VISITS_VIEW: P,
        Action.REPORT_VIEW: P,
        Action.INDEX_VIEW: P,
    },
    Role.EDITOR: {
        Action.CATALOG_IMPORT: NO,
        Action.CATALOG_EDIT: NO,
        Action.CATALOG_PUBLISH: NO,
        Action.CATALOG_EXPORT: NO,
        Action.CATALOG_VIEW_INTERNAL: NO,
        Action.ORG_MANAGE_UNITS: NO,
        Action.ORG_MANAGE_AGENCY: NO,
        Action.ORG_MANAGE_STAFF: NO,
        Action.CALENDAR_MANAGE: NO,
        Action.DOSSIER_RECEIVE: NO,
        Action.DOSSIER_PROCESS: NO,
        Action.DOSSIER_VIEW: NO,
        Action.DOSSIER_ASSIGN: NO,
        Action.FEEDBACK_RECEIVE: NO,
        Action.FEEDBACK_PROCESS: NO,
        Action.FEEDBACK_APPROVE: NO,
        Action.FEEDBACK_VIEW: NO,
        Action.FEEDBACK_REPORT: NO,
        Action.AUDIT_VIEW: NO,
        Action.SIMPLIFICATION_EDIT: NO,
        Action.SIMPLIFICATION_APPROVE: NO,
        Action.CONTENT_EDIT: P,
        Action.PLAN_MANAGE: NO,
        Action.PLAN_VIEW: OWN,
        Action.PLAN_REPORT: OWN,
        Action.VISITS_VIEW: P,
        Action.REPORT_VIEW: NO,
        Action.INDEX_VIEW: NO,
    },
    Role.ADMINISTRATOR: {
        Action.CATALOG_IMPORT: P,
        Action.CATALOG_EDIT: P,
        Action.CATALOG_PUBLISH: NO,
        Action.CATALOG_EXPORT: P,
        Action.CATALOG_VIEW_INTERNAL: P,
        Action.ORG_MANAGE_UNITS: P,
        Action.ORG_MANAGE_AGENCY: P,
        Action.ORG_MANAGE_STAFF: P,
        Action.CALENDAR_MANAGE: P,
        Action.DOSSIER_RECEIVE: NO,
        Action.DOSSIER_PROCESS: NO,
        Action.DOSSIER_VIEW: NO,
        Action.DOSSIER_ASSIGN: NO,
        Action.FEEDBACK_RECEIVE: NO,
        Action.FEEDBACK_PROCESS: NO,
        Action.FEEDBACK_APPROVE: NO,
        Action.FEEDBACK_VIEW: NO,
        Action.FEEDBACK_REPORT: NO,
        Action.AUDIT_VIEW: P,
        Action.SIMPLIFICATION_EDIT: NO,
        Action.SIMPLIFICATION_APPROVE: NO,
        Action.CONTENT_EDIT: P,
        Action.PLAN_MANAGE: P,
        Action.PLAN_VIEW: P,
        Action.PLAN_REPORT: NO,
        Action.VISITS_VIEW: P,
        Action.REPORT_VIEW: NO,
        Action.INDEX_VIEW: NO,
    },
}


def test_matrix_covers_every_role_and_action():
    assert set(MATRIX) == set(Role)
    for role, actions in MATRIX.items():
        assert set(actions) == set(Action), role


CASES = [
    (role, action, expected) for role, row in MATRIX.items() for action, expected in row.items()
]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "action", "expected"), CASES)
def test_permission(role, action, expected):
    home = AgencyFactory()
    child = AgencyFactory(parent=home)
    other = AgencyFactory()
    user = MembershipFactory(role=role, agency=home).user

    assert can(user, action, home) is (expected != NO)
    assert can(user, action, child) is (expected != NO), "a grant reaches agencies below"
    assert can(user, action, other) is (expected == P)
    if expected == NO:
        with pytest.raises(PermissionDenied) as denied:
            require(user, action, home)
        assert denied.value.status == 403
        assert denied.value.message  # a Vietnamese sentence, shown to the user


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(Action))
def test_anonymous_inactive_and_roleless_are_denied(action, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    agency = AgencyFactory()
    assert not can(AnonymousUser(), action, agency)
    assert not can(UserFactory(), action, agency)
    inactive = MembershipFactory(role=Role.ADMINISTRATOR, agency=agency).user
    inactive.is_active = False
    assert not can(inactive, action, agency)


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(Action))
def test_superuser_may_do_everything(action):
    user = UserFactory(is_superuser=True)
    assert can(user, action, AgencyFactory())


@pytest.mark.django_db
def test_granted_agencies_lists_where_an_agency_grant_is_held():
    from tthc.org.policy import granted_agencies

    agency = AgencyFactory()
    officer = MembershipFactory(role=Role.RECEPTION_OFFICER, agency=agency).user
    assert granted_agencies(officer, Action.DOSSIER_RECEIVE) == {agency.pk}
    assert granted_agencies(officer, Action.DOSSIER_PROCESS) == set()
    control = MembershipFactory(role=Role.CONTROL_OFFICER, agency=agency).user
    assert granted_agencies(control, Action.DOSSIER_VIEW) is None  # province-wide
    assert granted_agencies(UserFactory(is_superuser=True), Action.DOSSIER_VIEW) is None
