"""Fixtures: a boundary-free procedure (5 working days), a commune centre that receives and a
department that resolves, and staff of each."""

from datetime import datetime

import pytest
import time_machine

from tests.factories import AgencyFactory, MembershipFactory, UserFactory, make_procedure
from tthc.dossiers import services
from tthc.dossiers.models import Channel
from tthc.dossiers.personal import ApplicantInput
from tthc.dossiers.services import DocumentInput
from tthc.org.models import AgencyKind, ReceptionPoint, Role
from tthc.workdays.engine import VN_TZ

DOCUMENTS = ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
PERSON = ApplicantInput(
    full_name="Nguyễn Văn An",
    citizen_id="001090012345",
    phone="0912345678",
    email="an.nguyen@example.vn",
    address="Số 1 phố Tràng Tiền, phường Hoàn Kiếm, Hà Nội",
)


@pytest.fixture(autouse=True)
def _clear_cache():
    """The verification throttle counts in the cache; codes repeat from test to test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def at(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


@pytest.fixture
def travel():
    """Move the clock: `travel(2025, 1, 22, 10)`; every later call moves it again."""
    current = []

    def go(*args):
        if current:
            current.pop().stop()
        traveller = time_machine.travel(at(*args), tick=False)
        traveller.start()
        current.append(traveller)

    yield go
    if current:
        current.pop().stop()


@pytest.fixture
def procedure(db):
    return make_procedure(
        code="1.001193",
        boundary_free=True,
        channels=[
            {
                "channel": "in_person",
                "processing_time": {"amount": "5", "unit": "working_days", "text": "5 ngày"},
                "fees": [{"amount_vnd": 8000, "text": "8.000 đồng"}],
            }
        ],
        documents=[
            {"name": DOCUMENTS[0], "group": "", "form": "", "originals": 1, "copies": 0},
            {"name": DOCUMENTS[1], "group": "", "form": "", "originals": 0, "copies": 1},
        ],
    )


@pytest.fixture
def commune(db):
    return AgencyFactory(
        code="000.00.31.H26", name="Ủy ban nhân dân phường Hoàn Kiếm", kind=AgencyKind.OTHER
    )


@pytest.fixture
def department(db):
    return AgencyFactory(code="000.00.15.H26", name="Sở Tư pháp thành phố Hà Nội")


@pytest.fixture
def other_agency(db):
    return AgencyFactory(code="000.00.16.H26", name="Sở Xây dựng thành phố Hà Nội")


@pytest.fixture
def point(commune):
    return ReceptionPoint.objects.create(
        agency=commune,
        name="Trung tâm phục vụ hành chính công phường Hoàn Kiếm",
        address="Số 126 phố Hàng Trống",
    )


def staff(role, agency):
    user = MembershipFactory(role=role, agency=agency, user=UserFactory()).user
    user.save()  # the factory sets the password after saving: keep the session hash valid
    return user


@pytest.fixture
def officer(commune):
    return staff(Role.RECEPTION_OFFICER, commune)


@pytest.fixture
def specialist(department):
    return staff(Role.SPECIALIST, department)


@pytest.fixture
def root(db):
    return UserFactory(is_superuser=True, username="quantri")


@pytest.fixture
def received(procedure, point, department, officer):
    """Receive a dossier at the commune centre for the department (boundary-free)."""

    def make(applicant=PERSON, channel=Channel.IN_PERSON, user=None):
        return services.receive(
            user=user or officer,
            procedure=procedure,
            reception_point=point,
            resolving_agency=department,
            applicant=applicant,
            documents=[DocumentInput(DOCUMENTS[0]), DocumentInput(DOCUMENTS[1], form="copy")],
            fee_due=8000,
            channel=channel,
        )

    return make


@pytest.fixture
def submitted(procedure, commune, department):
    def make(applicant=PERSON, then=None):
        return services.submit_online(
            procedure=procedure,
            receiving_agency=commune,
            resolving_agency=department,
            applicant=applicant,
            documents=[DocumentInput(DOCUMENTS[0], form="electronic")],
            then=then,
        )

    return make
