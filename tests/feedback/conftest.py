"""Fixtures: the province office (default PAKN desk) with a control officer, a department with a
specialist and a leader, a procedure, and a clock that can be moved."""

from datetime import datetime

import pytest
import time_machine

from tests.factories import AgencyFactory, MembershipFactory, make_procedure
from tthc.feedback import services
from tthc.feedback.models import Category
from tthc.org.models import AgencyKind, Role
from tthc.workdays.engine import VN_TZ


def at(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def travel():
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
def office(db):
    return AgencyFactory(name="Văn phòng UBND thành phố", kind=AgencyKind.OFFICE)


@pytest.fixture
def department(db):
    return AgencyFactory(name="Sở Tư pháp", kind=AgencyKind.DEPARTMENT)


@pytest.fixture
def control(office):
    user = MembershipFactory(role=Role.CONTROL_OFFICER, agency=office).user
    user.email = "kiemsoat@example.vn"
    user.save()
    return user


@pytest.fixture
def specialist(department):
    user = MembershipFactory(role=Role.SPECIALIST, agency=department).user
    user.email = "chuyenvien@example.vn"
    user.save()
    return user


@pytest.fixture
def leader(department):
    user = MembershipFactory(role=Role.AGENCY_LEADER, agency=department).user
    user.email = "lanhdao@example.vn"
    user.save()
    return user


@pytest.fixture
def procedure(db):
    return make_procedure()


def feedback_input(**overrides):
    data = {
        "category": Category.REGULATION,
        "title": "Thủ tục đăng ký khai sinh yêu cầu giấy tờ thừa",
        "content": "Khi đăng ký khai sinh cho con, cán bộ yêu cầu nộp bản sao sổ hộ khẩu.",
        "sender_name": "Nguyễn Văn An",
        "sender_address": "Số 1 phố Tràng Tiền, phường Hoàn Kiếm, Hà Nội",
        "sender_phone": "0912345678",
        "sender_email": "an.nguyen@example.vn",
    }
    data.update(overrides)
    return services.FeedbackInput(**data)


@pytest.fixture
def submit(office):
    def go(ip="203.0.113.5", **overrides):
        return services.submit(data=feedback_input(**overrides), ip=ip)

    return go
