"""A small known province for the public index pages (tests/metrics/test_public_index.py and
the browser test): dossiers built through the real services under time travel, then facts
refreshed.

Every dossier is received on Wednesday 22/1/2025 10:00 for a procedure of 5 working days, so
its deadline is Wednesday 5/2/2025 17:00 (across Tết 2025, 25/1–2/2 off).

* the department (Sở Tư pháp): A resolved 4/2 (early); C resolved 7/2, 2 working days late,
  after an apology on 5/2 with a new appointment 7/2 17:00; F never resolved (overdue now);
* the ward (a commune's people's committee): W1 resolved 3/2, W2 resolved 4/2 (both early),
  W3 submitted online 21/1 evening, accepted 22/1, resolved 5/2 (on time);
* one feedback about the department, sent 10/2.

The applicant is `PERSON` of tests.dossiers.conftest (name and ID must never show).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import time_machine

from tests.dossiers.conftest import DOCUMENTS, PERSON, staff
from tests.factories import AgencyFactory, UnitFactory, make_procedure
from tests.feedback.conftest import feedback_input
from tthc.catalog.models import AgencyRole, ProcedureAgency
from tthc.dossiers import services
from tthc.dossiers.services import DocumentInput
from tthc.feedback import services as feedback_services
from tthc.metrics import facts
from tthc.org.models import Agency, AgencyKind, ReceptionPoint, Role, UnitLevel
from tthc.workdays.engine import VN_TZ


def at(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


@dataclass
class World:
    department: Agency
    other_department: Agency
    ward: Agency
    dossiers: dict = field(default_factory=dict)


def _at(when: tuple):
    return time_machine.travel(at(*when), tick=False)


def build(*, procedure_code: str = "1.001193", department=None, other=None, ward=None) -> World:
    """The world of the module docstring; agencies made unless given (the demo's)."""
    province_unit = department.unit if department else UnitFactory(level=UnitLevel.PROVINCE)
    department = department or AgencyFactory(
        code="000.00.03.H26",
        name="Sở Tư pháp Thành phố Hà Nội",
        kind=AgencyKind.DEPARTMENT,
        unit=province_unit,
    )
    other = other or AgencyFactory(
        code="000.00.07.H26",
        name="Sở Xây dựng Thành phố Hà Nội",
        kind=AgencyKind.DEPARTMENT,
        unit=province_unit,
    )
    ward = ward or AgencyFactory(
        code="000.00.21.H26",
        name="Ủy ban nhân dân phường Hoàn Kiếm",
        kind=AgencyKind.PEOPLES_COMMITTEE,
        unit=UnitFactory(level=UnitLevel.COMMUNE, name="Phường Hoàn Kiếm"),
    )
    point = ReceptionPoint.objects.create(
        agency=ward, name="Trung tâm Phục vụ hành chính công phường Hoàn Kiếm"
    )
    officer = staff(Role.RECEPTION_OFFICER, ward)
    specialist = staff(Role.SPECIALIST, department)
    ward_specialist = staff(Role.SPECIALIST, ward)
    with _at((2024, 12, 2, 9)):
        procedure = make_procedure(
            code=procedure_code,
            boundary_free=True,
            online_level="partial",
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
        for agency in (department, ward):
            ProcedureAgency.objects.create(
                procedure=procedure, agency=agency, role=AgencyRole.IMPLEMENTING
            )
    world = World(department, other, ward)
    made = world.dossiers

    with _at((2025, 1, 22, 10)):
        for letter, resolver in (("A", department), ("C", department), ("F", department)):
            made[letter] = _receive(officer, procedure, point, resolver)
        for letter in ("W1", "W2"):
            made[letter] = _receive(officer, procedure, point, ward)
    with _at((2025, 1, 21, 20)):
        online = services.submit_online(
            procedure=procedure,
            receiving_agency=ward,
            resolving_agency=ward,
            applicant=PERSON,
            documents=[DocumentInput(DOCUMENTS[0], form="electronic")],
        )
    with _at((2025, 1, 22, 10)):
        made["W3"] = services.accept(user=officer, dossier=online)

    def go(letter, when, action, user, **kwargs):
        with _at(when):
            made[letter] = action(user=user, dossier=made[letter], **kwargs)

    for letter in ("A", "C", "F"):
        go(letter, (2025, 1, 22, 14), services.start_processing, specialist)
    for letter in ("W1", "W2", "W3"):
        go(letter, (2025, 1, 22, 14), services.start_processing, ward_specialist)
    go("W3", (2025, 2, 5, 10), services.resolve, ward_specialist, electronic=True)
    go("W1", (2025, 2, 3, 9), services.resolve, ward_specialist)
    go("W2", (2025, 2, 4, 9), services.resolve, ward_specialist, electronic=True)
    go("A", (2025, 2, 4, 9), services.resolve, specialist, electronic=True)
    go(
        "C",
        (2025, 2, 5, 16),
        services.apologise,
        specialist,
        new_appointment=at(2025, 2, 7, 17),
        reason="Cần xác minh thêm với cơ quan khác",
    )
    go("C", (2025, 2, 7, 9), services.resolve, specialist)
    with _at((2025, 2, 10, 9)):
        feedback_services.submit(
            data=feedback_input(agency=department, title="Hồ sơ trả chậm"), ip="203.0.113.5"
        )
    with _at((2025, 3, 3, 9)):
        facts.refresh_all()
    return world


def _receive(officer, procedure, point, resolver):
    return services.receive(
        user=officer,
        procedure=procedure,
        reception_point=point,
        resolving_agency=resolver,
        applicant=PERSON,
        documents=[DocumentInput(DOCUMENTS[0]), DocumentInput(DOCUMENTS[1], form="copy")],
        fee_due=8000,
    )
