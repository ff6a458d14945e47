"""Which desk receives a dossier (one rule, `tthc.dossiers.routing`) and who sees it: the desk
that received it, the agency resolving it, the agencies consulted in inter-agency steps — and
nobody else (control officers oversee province-wide)."""

from datetime import datetime

import pytest
from django.core import checks
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.dossiers.conftest import PERSON, staff
from tests.factories import AgencyFactory, UnitFactory, make_procedure
from tthc.catalog.models import ProcedureAgency
from tthc.core.errors import PermissionDenied, ValidationError
from tthc.dossiers import queues, routing, selectors, services
from tthc.dossiers.models import Dossier, DossierAgency, Involvement, Status
from tthc.dossiers.services import DocumentInput
from tthc.org.models import AgencyKind, ReceptionPoint, Role
from tthc.workdays.engine import VN_TZ

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DOCUMENT = "Tờ khai đăng ký khai sinh"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def city():
    """A province with its centre (two branches), a department, two wards each with its
    committee and its centre: the shape of the 2025 organisation."""
    province_centre = AgencyFactory(
        code="000.00.16.H26", name="Trung tâm PVHCC Thành phố", kind=AgencyKind.SERVICE_CENTRE
    )
    unit = province_centre.unit
    department = AgencyFactory(
        code="000.00.03.H26", name="Sở Tư pháp Thành phố", short_name="Sở Tư pháp", unit=unit
    )
    wards = {}
    for number, name in ((21, "Hoàn Kiếm"), (22, "Cửa Nam")):
        ward_unit = UnitFactory(name=f"Phường {name}", parent=unit)
        committee = AgencyFactory(
            code=f"000.00.{number}.H26",
            name=f"UBND phường {name}",
            kind=AgencyKind.PEOPLES_COMMITTEE,
            unit=ward_unit,
        )
        centre = AgencyFactory(
            code=f"000.01.{number}.H26",
            name=f"Trung tâm PVHCC phường {name}",
            kind=AgencyKind.SERVICE_CENTRE,
            unit=ward_unit,
            parent=committee,
        )
        desk = ReceptionPoint.objects.create(agency=centre, name=f"Một cửa phường {name}")
        wards[name] = {"committee": committee, "centre": centre, "desk": desk}
    branches = [
        ReceptionPoint.objects.create(agency=province_centre, name=f"Chi nhánh số {n}")
        for n in (1, 2)
    ]
    return {
        "province_centre": province_centre,
        "branches": branches,
        "department": department,
        "wards": wards,
    }


def commune_procedure(city, **overrides):
    procedure = make_procedure(
        code="1.001193",
        levels=["commune"],
        online_level="partial",
        documents=[{"name": DOCUMENT, "originals": 1, "copies": 0}],
        **overrides,
    )
    for ward in city["wards"].values():
        ProcedureAgency.objects.create(
            procedure=procedure, agency=ward["committee"], role="implementing"
        )
    return procedure


def province_procedure(city, code="1.000426", **overrides):
    procedure = make_procedure(
        code=code,
        name="Cấp thẻ tư vấn viên pháp luật",
        levels=["province"],
        online_level="partial",
        documents=[{"name": DOCUMENT, "originals": 1, "copies": 0}],
        **overrides,
    )
    ProcedureAgency.objects.create(
        procedure=procedure, agency=city["department"], role="implementing"
    )
    return procedure


def submit(procedure, resolving, point=None):
    return services.submit_online_request(
        procedure_code=procedure.code,
        resolving_agency_code=resolving.code,
        reception_point_id=point.pk if point else None,
        applicant=PERSON,
        files={"file_1": SimpleUploadedFile("to-khai.pdf", PDF)},
    )


# --------------------------------------------------------------------------- the rule


def test_a_commune_procedure_goes_to_the_communes_centre(city):
    hoan_kiem = city["wards"]["Hoàn Kiếm"]
    officer = staff(Role.RECEPTION_OFFICER, hoan_kiem["centre"])
    staff(Role.RECEPTION_OFFICER, city["wards"]["Cửa Nam"]["centre"])
    procedure = commune_procedure(city)

    assert routing.desks(procedure, hoan_kiem["committee"]) == [hoan_kiem["desk"]]
    dossier = submit(procedure, hoan_kiem["committee"])  # the citizen chose no desk

    assert dossier.reception_point == hoan_kiem["desk"]
    assert dossier.receiving_agency == hoan_kiem["centre"]
    assert [d.code for d in selectors.queue(officer, "moi")] == [dossier.code]
    services.accept(user=officer, dossier=dossier)  # the desk's officer may act on it


def test_another_communes_desk_is_refused_for_a_commune_procedure(city):
    for ward in city["wards"].values():
        staff(Role.RECEPTION_OFFICER, ward["centre"])
    procedure = commune_procedure(city)
    with pytest.raises(ValidationError) as refused:
        submit(procedure, city["wards"]["Hoàn Kiếm"]["committee"], city["wards"]["Cửa Nam"]["desk"])
    assert refused.value.field == "reception_point"
    assert "Một cửa phường Hoàn Kiếm" in refused.value.message
    assert not Dossier.objects.exists()


def test_a_province_procedure_goes_to_the_province_centre_unless_the_catalog_names_the_department(
    city,
):
    staff(Role.RECEPTION_OFFICER, city["province_centre"])
    own_desk = ReceptionPoint.objects.create(agency=city["department"], name="Một cửa Sở Tư pháp")
    staff(Role.RECEPTION_OFFICER, city["department"])
    procedure = province_procedure(city)

    assert routing.desks(procedure, city["department"]) == [*city["branches"], own_desk]
    assert submit(procedure, city["department"]).reception_point == city["branches"][0]

    named = province_procedure(
        city, code="1.000390", reception_address="Bộ phận một cửa Sở Tư pháp, số 1 Tràng Thi"
    )
    assert routing.desks(named, city["department"])[0] == own_desk


def test_a_boundary_free_procedure_is_received_at_the_desk_the_citizen_chose(city):
    for ward in city["wards"].values():
        staff(Role.RECEPTION_OFFICER, ward["centre"])
    procedure = commune_procedure(city, boundary_free=True)
    hoan_kiem = city["wards"]["Hoàn Kiếm"]
    cua_nam = city["wards"]["Cửa Nam"]

    offered = routing.desks(procedure, hoan_kiem["committee"])
    assert offered[0] == hoan_kiem["desk"] and cua_nam["desk"] in offered
    dossier = submit(procedure, hoan_kiem["committee"], cua_nam["desk"])
    assert dossier.receiving_agency == cua_nam["centre"]
    assert dossier.resolving_agency == hoan_kiem["committee"]


def test_a_desk_nobody_serves_is_never_offered(city, client):
    hoan_kiem = city["wards"]["Hoàn Kiếm"]
    procedure = commune_procedure(city)

    assert routing.desks(procedure, hoan_kiem["committee"]) == []
    with pytest.raises(ValidationError) as refused:
        submit(procedure, hoan_kiem["committee"])
    assert refused.value.code == "no_desk"
    assert "nộp trực tiếp" in refused.value.message

    page = client.get(f"/nop-truc-tuyen/{procedure.code}/").content.decode()
    assert "Hiện chưa có bộ phận một cửa nào tiếp nhận trực tuyến" in page
    assert 'name="file_1"' not in page


def test_the_apply_form_offers_only_staffed_agencies_and_desks(city, client):
    staff(Role.RECEPTION_OFFICER, city["wards"]["Cửa Nam"]["centre"])
    procedure = commune_procedure(city)
    page = client.get(f"/nop-truc-tuyen/{procedure.code}/").content.decode()
    assert "UBND phường Cửa Nam" in page and "Một cửa phường Cửa Nam" in page
    assert "UBND phường Hoàn Kiếm" not in page and "Một cửa phường Hoàn Kiếm" not in page
    assert "Bộ phận một cửa của cơ quan giải quyết" not in page


def test_an_inactive_officer_does_not_serve_a_desk(city):
    officer = staff(Role.RECEPTION_OFFICER, city["wards"]["Hoàn Kiếm"]["centre"])
    officer.is_active = False
    officer.save()
    assert city["wards"]["Hoàn Kiếm"]["desk"] in routing.unserved_desks()


def test_an_officer_at_the_committee_serves_the_centre_below_it(city):
    staff(Role.RECEPTION_OFFICER, city["wards"]["Hoàn Kiếm"]["committee"])
    assert city["wards"]["Hoàn Kiếm"]["desk"] not in routing.unserved_desks()


def test_counter_reception_follows_the_same_rule(city):
    hoan_kiem = city["wards"]["Hoàn Kiếm"]
    branch_officer = staff(Role.RECEPTION_OFFICER, city["province_centre"])
    procedure = commune_procedure(city)
    with pytest.raises(ValidationError) as refused:
        services.receive(
            user=branch_officer,
            procedure=procedure,
            reception_point=city["branches"][0],
            resolving_agency=hoan_kiem["committee"],
            applicant=PERSON,
            documents=[DocumentInput(DOCUMENT)],
        )
    assert refused.value.field == "resolving_agency"


# --------------------------------------------------------------------------- who sees it


@pytest.fixture
def journey(city):
    """A ward dossier received at the ward's centre, resolved by the ward, consulted with the
    ward police, and the people around it."""
    hoan_kiem = city["wards"]["Hoàn Kiếm"]
    police = AgencyFactory(
        code="000.02.21.H26",
        name="Công an phường Hoàn Kiếm",
        kind=AgencyKind.CENTRAL,
        unit=hoan_kiem["committee"].unit,
    )
    people = {
        "desk": staff(Role.RECEPTION_OFFICER, hoan_kiem["centre"]),
        "specialist": staff(Role.SPECIALIST, hoan_kiem["committee"]),
        "leader": staff(Role.AGENCY_LEADER, hoan_kiem["committee"]),
        "police": staff(Role.SPECIALIST, police),
        "other_desk": staff(Role.RECEPTION_OFFICER, city["wards"]["Cửa Nam"]["centre"]),
        "other_specialist": staff(Role.SPECIALIST, city["wards"]["Cửa Nam"]["committee"]),
        "department": staff(Role.SPECIALIST, city["department"]),
        "control": staff(Role.CONTROL_OFFICER, city["province_centre"]),
        "editor": staff(Role.EDITOR, city["province_centre"]),
    }
    procedure = commune_procedure(city)
    dossier = submit(procedure, hoan_kiem["committee"])
    services.accept(user=people["desk"], dossier=dossier)
    services.start_processing(user=people["specialist"], dossier=dossier)
    services.transfer(user=people["specialist"], dossier=dossier, to_agency=police)
    services.transfer(user=people["police"], dossier=dossier, to_agency=hoan_kiem["committee"])
    dossier.refresh_from_db()
    return dossier, people, police


SEES = {"desk", "specialist", "leader", "police", "control"}
BLIND = {"other_desk", "other_specialist", "department", "editor"}


@pytest.mark.parametrize("who", sorted(SEES | BLIND))
def test_only_the_agencies_involved_see_the_dossier(journey, who):
    dossier, people, _ = journey
    user = people[who]
    expected = who in SEES
    assert selectors.may_view(user, dossier) is expected
    in_queue = dossier.code in {d.code for d in selectors.queue(user, "dang-xu-ly")}
    assert in_queue is expected
    if expected:
        assert services.read_applicant(user=user, dossier=dossier).full_name == PERSON.full_name
    else:
        with pytest.raises(PermissionDenied):
            services.read_applicant(user=user, dossier=dossier)


@pytest.mark.parametrize("who", sorted(BLIND))
def test_the_staff_page_refuses_those_not_involved(journey, who, client):
    dossier, people, _ = journey
    client.force_login(people[who])
    assert client.get(f"/quan-tri/ho-so/{dossier.code}/").status_code == 403


def test_the_consulted_agency_keeps_seeing_the_dossier_after_handing_it_back(journey):
    dossier, people, police = journey
    assert dossier.current_agency != police
    roles = set(DossierAgency.objects.filter(dossier=dossier).values_list("agency_id", "role"))
    assert (police.pk, Involvement.CONSULTED) in roles
    # ... but may no longer act on it.
    with pytest.raises(PermissionDenied):
        services.resolve(user=people["police"], dossier=dossier)


# --------------------------------------------------------------------------- unserved desks


def test_the_database_check_lists_desks_nobody_serves(city):
    staff(Role.RECEPTION_OFFICER, city["province_centre"])
    found = checks.run_checks(tags=[checks.Tags.database], databases=["default"])
    warned = {m.obj for m in found if m.id == "dossiers.W001"}
    assert warned == {ward["desk"] for ward in city["wards"].values()}


def test_the_staff_home_shows_administrators_the_unserved_desks(city, client):
    admin = staff(Role.ADMINISTRATOR, city["province_centre"])
    client.force_login(admin)
    page = client.get("/quan-tri/").content.decode()
    assert "Điểm tiếp nhận chưa có cán bộ" in page
    assert "Một cửa phường Cửa Nam" in page and "Chi nhánh số 1" in page


def test_the_reception_home_counts_the_desks_queues(city, client):
    hoan_kiem = city["wards"]["Hoàn Kiếm"]
    officer = staff(Role.RECEPTION_OFFICER, hoan_kiem["centre"])
    procedure = commune_procedure(city)
    submit(procedure, hoan_kiem["committee"])
    submit(procedure, hoan_kiem["committee"])
    client.force_login(officer)
    page = client.get("/quan-tri/").content.decode()
    assert "Hồ sơ cần xử lý" in page
    summary = {i["tab"]: i["count"] for i in selectors.desk_summary(officer)}
    assert summary == {"moi": 2, "sap-den-han": 0, "qua-han": 0, "bo-sung": 0, "cho-tra": 0}
    assert "Điểm tiếp nhận chưa có cán bộ" not in page  # not an administrator


# --------------------------------------------------------------------------- time left


def test_the_queue_names_working_days_left_and_late(city, client, travel):
    hoan_kiem = city["wards"]["Hoàn Kiếm"]
    officer = staff(Role.RECEPTION_OFFICER, hoan_kiem["centre"])
    procedure = commune_procedure(city)
    travel(2026, 2, 9, 9)  # Monday before Tết 2026 (16–20/2 off)
    dossier = submit(procedure, hoan_kiem["committee"])
    services.accept(user=officer, dossier=dossier)
    dossier.refresh_from_db()
    due = dossier.due_at.astimezone(VN_TZ).date()
    assert due == datetime(2026, 2, 10).date()  # 1 working day

    (row,) = selectors.queue_rows(
        queues.items([dossier.pk]), now=datetime(2026, 2, 9, 10, tzinfo=VN_TZ)
    )
    assert (row.left, row.left_class, row.overdue) == ("Còn 1 ngày làm việc", "", False)
    # Due Tuesday 10/2; on Monday 23/2 it is late by 4 working days (11, 12, 13, 23 Feb).
    (row,) = selectors.queue_rows(
        queues.items([dossier.pk]), now=datetime(2026, 2, 23, 9, tzinfo=VN_TZ)
    )
    assert (row.left, row.left_class, row.overdue) == ("Trễ 4 ngày làm việc", "ds-late", True)

    travel(2026, 2, 23, 9)
    client.force_login(officer)
    page = client.get("/quan-tri/ho-so/?the=qua-han").content.decode()
    assert dossier.code in page and "Trễ 4 ngày làm việc" in page
    assert dossier.status == Status.RECEIVED


def test_the_time_left_follows_the_resolving_agencys_own_calendar(city, travel):
    from tthc.workdays.models import CalendarOverride

    hoan_kiem = city["wards"]["Hoàn Kiếm"]
    officer = staff(Role.RECEPTION_OFFICER, hoan_kiem["centre"])
    travel(2026, 2, 9, 9)
    dossier = services.accept(
        user=officer, dossier=submit(commune_procedure(city), hoan_kiem["committee"])
    )
    monday = datetime(2026, 2, 23, 9, tzinfo=VN_TZ)

    def left():
        (row,) = selectors.queue_rows(queues.items([dossier.pk]), now=monday)
        return row.left

    assert left() == "Trễ 4 ngày làm việc"  # 11, 12, 13 and 23 February
    closed = CalendarOverride.objects.create(
        date=datetime(2026, 2, 12).date(),
        is_working=False,
        name="Nghỉ bù của phường",
        agency=hoan_kiem["committee"],
    )
    assert left() == "Trễ 3 ngày làm việc"
    closed.delete()
    assert left() == "Trễ 4 ngày làm việc"


# --------------------------------------------------------------------------- the demo province


def test_the_demo_province_serves_every_desk_and_routes_its_journeys(settings, tmp_path):
    from tthc.catalog.models import Procedure
    from tthc.demo.services import build_demo
    from tthc.org.models import Agency

    build_demo(password="mat-khau-dai-12")
    assert routing.unserved_desks() == []
    assert checks.run_checks(tags=[checks.Tags.database], databases=["default"]) == []
    ward = Agency.objects.get(code="000.00.21.H26")
    justice = Agency.objects.get(short_name="Sở Tư pháp")
    khai_sinh = Procedure.objects.get(code="1.001193")
    assert [p.agency.code for p in routing.desks(khai_sinh, ward)] == ["000.01.21.H26"]
    the_card = Procedure.objects.get(code="1.000426")
    assert {p.agency.code for p in routing.desks(the_card, justice)} == {"000.00.16.H26"}
    # Every ward's committee is reachable online through its own centre.
    for committee in Agency.objects.filter(
        kind=AgencyKind.PEOPLES_COMMITTEE, unit__level="commune"
    ):
        (desk,) = routing.desks(khai_sinh, committee)
        assert desk.agency.parent == committee
