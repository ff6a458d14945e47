"""Process definitions: ordered internal steps with shares of the legal time, the default
single step, the editing screen, the current step and its planned end on the dossier page."""

import pytest

from tests.dossiers.conftest import at, staff
from tthc.catalog.models import ProcedureAgency
from tthc.core.errors import PermissionDenied, ValidationError
from tthc.dossiers import deadlines, processes, selectors
from tthc.dossiers.models import ProcessStep
from tthc.dossiers.processes import StepInput
from tthc.org.models import Role

pytestmark = pytest.mark.django_db

THREE = [
    StepInput("Thụ lý, kiểm tra hồ sơ", Role.SPECIALIST, 20),
    StepInput("Thẩm định", Role.SPECIALIST, 30),
    StepInput("Lãnh đạo phê duyệt", Role.AGENCY_LEADER, 50),
]


def test_without_a_definition_a_single_default_step_ends_at_the_deadline(received, travel):
    travel(2025, 1, 22, 10)
    dossier = received()
    step = selectors.current_step(dossier)
    assert (step["number"], step["total"], step["name"]) == (1, 1, selectors.DEFAULT_STEP_NAME)
    assert step["agency"] == dossier.resolving_agency.name
    assert step["due_at"] == dossier.due_at == at(2025, 2, 5, 17)


def test_shares_must_sum_to_100(procedure, root):
    with pytest.raises(ValidationError) as error:
        processes.save_process(
            user=root,
            procedure=procedure,
            steps=[StepInput("A", Role.SPECIALIST, 60), StepInput("B", Role.SPECIALIST, 30)],
        )
    assert "phải bằng 100%" in error.value.message
    assert "90%" in error.value.message
    assert not ProcessStep.objects.exists()


@pytest.mark.parametrize(
    ("step", "text"),
    [
        (StepInput(" ", Role.SPECIALIST, 100), "tên bước"),
        (StepInput("A", "khong-co", 100), "vai trò"),
        (StepInput("A", Role.SPECIALIST, 0), "từ 1 đến 100"),
    ],
)
def test_each_step_is_validated(procedure, root, step, text):
    with pytest.raises(ValidationError, match=text):
        processes.save_process(user=root, procedure=procedure, steps=[step])


def test_step_dues_are_shares_of_the_legal_time(procedure, received, root, travel):
    processes.save_process(user=root, procedure=procedure, steps=THREE)
    travel(2025, 1, 22, 10)
    dossier = received()
    step = selectors.current_step(dossier)
    assert (step["number"], step["total"], step["name"]) == (1, 3, "Thụ lý, kiểm tra hồ sơ")
    # 20 % of 5 working days = 1 working day after the day of reception.
    assert step["due_at"] == at(2025, 1, 23, 17)
    # 50 % = 2.5 days, rounded up to 3: 23/01, 24/01, then the Tết holidays, 03/02.
    assert deadlines.step_due(dossier, 50) == at(2025, 2, 3, 17)
    assert deadlines.step_due(dossier, 100) == dossier.due_at


def test_an_agency_definition_overrides_the_general_one(procedure, department, root):
    processes.save_process(user=root, procedure=procedure, steps=THREE)
    processes.save_process(
        user=root,
        procedure=procedure,
        agency=department,
        steps=[StepInput("Giải quyết", Role.SPECIALIST, 100)],
    )
    assert [s.name for s in selectors.process_definition(procedure.pk, department.pk)] == [
        "Giải quyết"
    ]
    assert len(selectors.process_definition(procedure.pk, None)) == 3
    # No steps: the definition is removed.
    processes.save_process(user=root, procedure=procedure, agency=department, steps=[])
    assert len(selectors.process_definition(procedure.pk, department.pk)) == 3


def test_who_may_edit(procedure, department, other_agency, specialist):
    leader = staff(Role.AGENCY_LEADER, department)
    one = [StepInput("Giải quyết", Role.SPECIALIST, 100)]
    with pytest.raises(PermissionDenied):
        processes.save_process(user=specialist, procedure=procedure, steps=one)
    with pytest.raises(PermissionDenied):
        processes.save_process(user=leader, procedure=procedure, steps=one)  # the general one
    with pytest.raises(PermissionDenied):
        processes.save_process(user=leader, procedure=procedure, agency=other_agency, steps=one)
    processes.save_process(user=leader, procedure=procedure, agency=department, steps=one)
    processes.save_process(
        user=staff(Role.CONTROL_OFFICER, other_agency), procedure=procedure, steps=one
    )
    assert ProcessStep.objects.count() == 2


def test_editing_screen(client, procedure, department, root):
    ProcedureAgency.objects.create(procedure=procedure, agency=department, role="implementing")
    url = f"/quan-tri/quy-trinh/{procedure.code}/"
    root.save()  # the factory sets the password after saving: keep the session hash valid
    client.force_login(root)
    response = client.get(url)
    assert response.status_code == 200
    assert department.name in response.content.decode()
    rows = {"name_1": "Thẩm định", "role_1": "specialist", "share_1": "70", "agency_1": ""}
    rows |= {"name_2": "Phê duyệt", "role_2": "agency_leader", "share_2": "20", "agency_2": ""}
    rows |= {"name_3": "", "role_3": "specialist", "share_3": "", "agency_3": ""}
    response = client.post(url, {**rows, "co_quan": department.code})
    assert response.status_code == 422
    assert "phải bằng 100%" in response.content.decode()
    rows["share_2"] = "30"
    response = client.post(url, {**rows, "co_quan": department.code})
    assert response.status_code == 302
    saved = ProcessStep.objects.filter(agency=department).order_by("order")
    assert [(s.name, s.share_percent) for s in saved] == [("Thẩm định", 70), ("Phê duyệt", 30)]
    assert "Phê duyệt" in client.get(f"{url}?co_quan={department.code}").content.decode()


def test_editing_screen_is_refused_to_specialists(client, procedure, specialist):
    client.force_login(specialist)
    assert client.get(f"/quan-tri/quy-trinh/{procedure.code}/").status_code == 403


def test_dossier_page_shows_the_current_step(client, procedure, received, root, specialist):
    processes.save_process(user=root, procedure=procedure, steps=THREE)
    dossier = received()
    client.force_login(specialist)
    page = client.get(f"/quan-tri/ho-so/{dossier.code}/").content.decode()
    assert "Bước 1/3: Thụ lý, kiểm tra hồ sơ" in page
    assert "hạn bước" in page
