import datetime

import pytest

from tests.factories import AgencyFactory, MembershipFactory, make_procedure, procedure_data
from tthc.org.models import Role


@pytest.fixture
def agency(db):
    return AgencyFactory(name="Sở Tư pháp")


@pytest.fixture
def other_agency(db):
    return AgencyFactory(name="Sở Xây dựng")


def staff_user(role, agency):
    user = MembershipFactory(role=role, agency=agency).user
    user.save()  # stores the password set after creation, so force_login sessions stay valid
    return user


@pytest.fixture
def control(db):
    return staff_user(Role.CONTROL_OFFICER, AgencyFactory())


@pytest.fixture
def leader(agency):
    return staff_user(Role.AGENCY_LEADER, agency)


@pytest.fixture
def procedure(db):
    data = procedure_data(
        documents=[
            {"name": "Tờ khai", "originals": 1, "copies": 0},
            {"name": "Bản sao sổ hộ khẩu", "originals": 0, "copies": 2},
            {"name": "Giấy chứng sinh", "originals": 1, "copies": 0},
        ],
        steps=["Nộp hồ sơ", "Bổ sung hồ sơ", "Nhận kết quả"],
    )
    data["channels"][0]["fees"] = [
        {"amount_vnd": 100_000, "text": "Tổ chức"},
        {"amount_vnd": 50_000, "text": "Cá nhân"},
    ]
    return make_procedure("1.000001", **data)


@pytest.fixture
def road_procedure(db):
    return make_procedure("1.000002", name="Cấp giấy phép xây dựng", field="Xây dựng")


DECISION_DATE = datetime.date(2024, 6, 1)
