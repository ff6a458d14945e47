"""Reception: boundary-free intake, applicant validation, documents, permissions."""

from dataclasses import replace
from datetime import date

import pytest

from tests.dossiers.conftest import DOCUMENTS, PERSON, staff
from tests.factories import make_procedure
from tthc.core.errors import PermissionDenied, ValidationError
from tthc.dossiers import services
from tthc.dossiers.models import ApplicantKind, Channel, Dossier, Status
from tthc.dossiers.personal import ApplicantInput, validate_citizen_id
from tthc.dossiers.services import DocumentInput
from tthc.org.models import Role

pytestmark = pytest.mark.django_db


def test_boundary_free_reception_keeps_both_agencies(received, point, commune, department):
    dossier = received()
    assert dossier.reception_point == point
    assert dossier.receiving_agency == commune
    assert dossier.resolving_agency == department
    assert dossier.current_agency == department  # handed over on acceptance
    assert dossier.code.startswith(commune.code + "-")
    assert dossier.status == Status.RECEIVED
    assert dossier.procedure_version == dossier.procedure.current_version.number
    assert [(d.name, d.form) for d in dossier.documents.all()] == [
        (DOCUMENTS[0], "original"),
        (DOCUMENTS[1], "copy"),
    ]
    event = dossier.events.get()
    assert (event.from_status, event.to_status, event.action) == (None, 2, "receive")


def test_without_boundary_free_the_desk_receives_only_for_its_agency(
    procedure, point, department, officer
):
    make_procedure(code="1.001193", boundary_free=False)  # a new version of the procedure
    procedure.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.receive(
            user=officer,
            procedure=procedure,
            reception_point=point,
            resolving_agency=department,
            applicant=PERSON,
            documents=[DocumentInput("Tờ khai đăng ký khai sinh")],
        )
    assert error.value.field == "resolving_agency"
    assert Dossier.objects.count() == 0


def test_postal_dossier_is_channel_3(received):
    assert received(channel=Channel.POSTAL).channel == 3


def test_officer_of_another_agency_gets_403(received, other_agency):
    stranger = staff(Role.RECEPTION_OFFICER, other_agency)
    with pytest.raises(PermissionDenied) as denied:
        received(user=stranger)
    assert denied.value.status == 403
    assert denied.value.message.startswith("Chỉ công chức tiếp nhận")


def test_only_the_responsible_agency_processes(
    received, officer, specialist, commune, other_agency
):
    dossier = received()
    commune_specialist = staff(Role.SPECIALIST, commune)
    for user in (officer, commune_specialist, staff(Role.SPECIALIST, other_agency)):
        with pytest.raises(PermissionDenied) as denied:
            services.start_processing(user=user, dossier=dossier)
        assert denied.value.message == (
            "Chỉ cán bộ của cơ quan đang chịu trách nhiệm xử lý hồ sơ được thực hiện thao tác này."
        )
    dossier = services.start_processing(user=specialist, dossier=dossier)
    # After a transfer the new agency is responsible and the old one may no longer act.
    dossier = services.transfer(user=specialist, dossier=dossier, to_agency=other_agency)
    with pytest.raises(PermissionDenied):
        services.resolve(user=specialist, dossier=dossier)
    services.resolve(user=staff(Role.AGENCY_LEADER, other_agency), dossier=dossier)


def test_result_returned_at_the_desk(received, officer, specialist):
    dossier = services.start_processing(user=specialist, dossier=received())
    dossier = services.resolve(user=specialist, dossier=dossier)
    dossier = services.return_result(user=officer, dossier=dossier)
    assert dossier.status == Status.RETURNED
    returned = dossier.events.get(action="return_result")
    assert returned.data["method"] == 1, "by default the way the dossier came in (counter)"


@pytest.mark.parametrize(("method", "expected"), [(3, 3), ("2", 2)])
def test_result_returned_by_post_or_online_is_recorded(
    received, officer, specialist, method, expected
):
    dossier = services.start_processing(user=specialist, dossier=received())
    dossier = services.resolve(user=specialist, dossier=dossier)
    dossier = services.return_result(user=officer, dossier=dossier, method=method)
    assert dossier.events.get(action="return_result").data["method"] == expected


def test_an_unknown_return_method_is_refused_and_changes_nothing(received, officer, specialist):
    dossier = services.start_processing(user=specialist, dossier=received())
    dossier = services.resolve(user=specialist, dossier=dossier)
    with pytest.raises(ValidationError, match="Hình thức trả kết quả không hợp lệ"):
        services.return_result(user=officer, dossier=dossier, method="fax")
    dossier.refresh_from_db()
    assert dossier.status == Status.RESOLVED


def test_online_submission_is_accepted_by_the_receiving_agency_only(
    submitted, officer, other_agency
):
    dossier = submitted()
    assert (dossier.status, dossier.channel, dossier.reception_point) == (1, 2, None)
    with pytest.raises(PermissionDenied):
        services.accept(user=staff(Role.RECEPTION_OFFICER, other_agency), dossier=dossier)
    assert services.accept(user=officer, dossier=dossier).status == Status.RECEIVED


@pytest.mark.parametrize(
    ("value", "birth", "ok"),
    [
        ("001090012345", None, True),
        ("001090012345", date(1990, 5, 1), True),
        ("001290012345", date(1990, 5, 1), False),  # century digit says 2000s
        ("001091012345", date(1990, 5, 1), False),  # year digits say 1991
        ("00109001234", None, False),
        ("0010900123456", None, False),
        ("00109001234a", None, False),
        ("000090012345", None, False),  # province code 000
        ("099090012345", None, False),
        ("001890012345", None, False),  # century digit 8
    ],
)
def test_citizen_id(value, birth, ok):
    if ok:
        assert validate_citizen_id(value, birth) == value
    else:
        with pytest.raises(ValidationError) as error:
            validate_citizen_id(value, birth)
        assert error.value.field == "citizen_id"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"full_name": " "}, "full_name"),
        ({"citizen_id": "123"}, "citizen_id"),
        ({"phone": "12345"}, "phone"),
        ({"email": "khong-hop-le"}, "email"),
        ({"phone": "", "email": ""}, "phone"),
        ({"date_of_birth": date(2999, 1, 1)}, "date_of_birth"),
    ],
)
def test_invalid_applicant_is_refused(received, change, field):
    with pytest.raises(ValidationError) as error:
        received(applicant=replace(PERSON, **change))
    assert error.value.field == field
    assert Dossier.objects.count() == 0


def test_organisation_applicant(received):
    organisation = ApplicantInput(
        kind=ApplicantKind.ORGANISATION,
        organisation_name="Công ty TNHH Ánh Dương",
        tax_code="0101234567",
        representative="Phạm Thị Bình",
        phone="+84 24 3825 1234",
    )
    applicant = received(applicant=organisation).applicant
    assert (applicant.tax_code, applicant.phone) == ("0101234567", "02438251234")
    with pytest.raises(ValidationError) as error:
        received(applicant=replace(organisation, tax_code="12"))
    assert error.value.field == "tax_code"


def test_documents_must_belong_to_the_procedure(procedure, point, department, officer):
    for documents in ([DocumentInput("Giấy tờ lạ")], [], [DocumentInput(DOCUMENTS[0])] * 2):
        with pytest.raises(ValidationError) as error:
            services.receive(
                user=officer,
                procedure=procedure,
                reception_point=point,
                resolving_agency=department,
                applicant=PERSON,
                documents=documents,
            )
        assert error.value.field == "documents"


def test_fee_must_be_whole_vnd(procedure, point, department, officer):
    with pytest.raises(ValidationError) as error:
        services.receive(
            user=officer,
            procedure=procedure,
            reception_point=point,
            resolving_agency=department,
            applicant=PERSON,
            documents=[DocumentInput(DOCUMENTS[0])],
            fee_due=-1,
        )
    assert error.value.field == "fee_due"


def test_a_service_centre_receives_for_the_agencies_of_its_unit(procedure, department):
    """Decree 118/2025: the public administration service centre is the one-stop desk of the
    agencies of its administrative unit, boundary-free or not."""
    from tests.factories import AgencyFactory
    from tthc.org.models import AgencyKind, ReceptionPoint

    make_procedure(code="1.001193", boundary_free=False)
    procedure.refresh_from_db()
    centre = AgencyFactory(
        code="000.00.99.H26",
        name="Trung tâm Phục vụ hành chính công",
        kind=AgencyKind.SERVICE_CENTRE,
        unit=department.unit,
    )
    desk = ReceptionPoint.objects.create(agency=centre, name="Chi nhánh số 1")
    dossier = services.receive(
        user=staff(Role.RECEPTION_OFFICER, centre),
        procedure=procedure,
        reception_point=desk,
        resolving_agency=department,
        applicant=PERSON,
        documents=[DocumentInput(DOCUMENTS[0])],
    )
    assert dossier.receiving_agency == centre and dossier.current_agency == department
    from tthc.dossiers import routing

    assert routing.desks(procedure, department) == [desk]
