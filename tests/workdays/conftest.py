import pytest

from tests.factories import AgencyFactory, MembershipFactory, UserFactory
from tests.workdays.helpers import MemorySource
from tthc.workdays import registry


@pytest.fixture(autouse=True)
def _isolated_registry(monkeypatch):
    """Sources registered by other apps (in their ``ready()``) stay out of these tests."""
    monkeypatch.setattr(registry, "_sources", {})


@pytest.fixture
def memory_source():
    with MemorySource() as source:
        yield source


@pytest.fixture
def user_with_role(db):
    """A user holding ``role`` at ``agency`` (a new agency if none is given)."""

    def make(role: str, agency=None):
        membership = MembershipFactory(role=role, agency=agency or AgencyFactory())
        user = membership.user
        user.save()  # the factory sets the password without saving it (login needs it stored)
        return user

    return make


@pytest.fixture
def control_officer(user_with_role):
    return user_with_role("control_officer")


@pytest.fixture
def specialist(user_with_role):
    return user_with_role("specialist")


@pytest.fixture
def plain_user(db):
    user = UserFactory()
    user.save()
    return user
