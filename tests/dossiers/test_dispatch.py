"""One dispatcher for the staff actions (`services.perform`): the staff page and the staff API
reach every action through it and normalise their fields the same way (time zone, amount,
agencies, specialists, files); a field an action does not take is refused."""

from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.dossiers.conftest import staff
from tthc.core.errors import ValidationError
from tthc.dossiers import services
from tthc.dossiers.models import DossierEvent, EventAttachment, ProcessStep, Status
from tthc.dossiers.transitions import STAFF_ACTIONS, Action
from tthc.org.models import Role
from tthc.workdays.engine import VN_TZ

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"

# How to bring a new dossier to a status: intake, then these actions with these fields.
ROUTES = {
    Status.SUBMITTED: ("online", []),
    Status.RECEIVED: ("counter", []),
    Status.PROCESSING: ("counter", [(Action.START, {})]),
    Status.SUPPLEMENT_REQUESTED: (
        "counter",
        [(Action.START, {}), (Action.REQUEST_SUPPLEMENT, {"reason": "Bổ sung giấy chứng sinh"})],
    ),
    Status.AWAITING_PAYMENT: (
        "counter",
        [(Action.START, {}), (Action.REQUEST_PAYMENT, {"amount": 50000})],
    ),
    Status.RESOLVED: ("counter", [(Action.START, {}), (Action.RESOLVE, {})]),
}

# Every staff action: the status it starts from, the page's form fields (strings, as a browser
# posts them) and the API's JSON body for the same input. `{specialist}` and `{agency}` are
# filled in by the test.
CASES = [
    (Action.ACCEPT, Status.SUBMITTED, {"note": "Đủ giấy tờ"}, {"note": "Đủ giấy tờ"}),
    (Action.REFUSE, Status.SUBMITTED, {"reason": "Sai thủ tục"}, {"reason": "Sai thủ tục"}),
    (
        Action.REQUEST_COMPLETION,
        Status.SUBMITTED,
        {"reason": "Ảnh mờ", "missing": ["Tờ khai"], "missing_other": "Giấy chứng sinh"},
        {"reason": "Ảnh mờ", "missing": ["Tờ khai", "Giấy chứng sinh"]},
    ),
    (Action.SUBMIT_COMPLETION, Status.SUBMITTED, {"note": "Đã nhận"}, {"note": "Đã nhận"}),
    (Action.START, Status.RECEIVED, {"note": ""}, {}),
    (
        Action.REQUEST_SUPPLEMENT,
        Status.PROCESSING,
        {"reason": "Bổ sung", "missing": ["Giấy chứng sinh"]},
        {"reason": "Bổ sung", "missing": ["Giấy chứng sinh"]},
    ),
    (Action.COMPLETE_SUPPLEMENT, Status.SUPPLEMENT_REQUESTED, {"note": "Đủ"}, {"note": "Đủ"}),
    (
        Action.REQUEST_PAYMENT,
        Status.PROCESSING,
        {"amount": " 150000 ", "note": "Lệ phí"},
        {"amount": 150000, "note": "Lệ phí"},
    ),
    (Action.CONFIRM_PAYMENT, Status.AWAITING_PAYMENT, {"online": "1"}, {"online": True}),
    (Action.TRANSFER, Status.PROCESSING, {"to_agency": "{agency}"}, {"to_agency": "{agency}"}),
    (
        Action.RESOLVE,
        Status.PROCESSING,
        {"result_code": "KQ-01", "electronic": "1"},
        {"result_code": "KQ-01", "electronic": True},
    ),
    (Action.RETURN_RESULT, Status.RESOLVED, {"return_method": "3"}, {"return_method": 3}),
    (Action.STOP, Status.PROCESSING, {"reason": "Không bổ sung"}, {"reason": "Không bổ sung"}),
    (Action.WITHDRAW, Status.RECEIVED, {"reason": "Có đơn rút"}, {"reason": "Có đơn rút"}),
    (
        Action.APOLOGISE,
        Status.PROCESSING,
        # The page's datetime-local and the API's naive ISO time: both Vietnamese time.
        {"new_appointment": "2099-01-02T17:00", "reason": "Cần xác minh"},
        {"new_appointment": "2099-01-02T17:00:00", "reason": "Cần xác minh"},
    ),
    (
        Action.ASSIGN,
        Status.PROCESSING,
        {"assignee": "{specialist}", "note": "Xử lý gấp"},
        {"assignee": "{specialist}", "note": "Xử lý gấp"},
    ),
    (Action.COMPLETE_STEP, Status.PROCESSING, {"note": "Đã thẩm định"}, {"note": "Đã thẩm định"}),
    (
        Action.RETURN_STEP,
        Status.PROCESSING,
        {"reason": "Thẩm định lại"},
        {"reason": "Thẩm định lại"},
    ),
]


def test_the_dispatcher_and_the_cases_cover_every_staff_action():
    assert set(services.ACTIONS) == set(STAFF_ACTIONS)
    assert [case[0] for case in CASES] == list(services.ACTIONS)
    for _service, fields in services.ACTIONS.values():
        assert set(fields) <= set(services.FIELDS)


@pytest.fixture
def root(root):
    root.save()  # the factory sets the password after saving: keep the session hash valid
    return root


@pytest.fixture
def bring(received, submitted, root):
    def make(status):
        intake, steps = ROUTES[status]
        dossier = submitted() if intake == "online" else received()
        for action, fields in steps:
            dossier = services.perform(action=action, user=root, obj=dossier, **fields)
        assert dossier.status == status
        return dossier

    return make


def two_steps(dossier, at_step: int) -> None:
    ProcessStep.objects.get_or_create(
        procedure=dossier.procedure,
        agency=None,
        order=1,
        defaults={"name": "Thẩm định", "role": Role.SPECIALIST, "share_percent": 60},
    )
    ProcessStep.objects.get_or_create(
        procedure=dossier.procedure,
        agency=None,
        order=2,
        defaults={"name": "Phê duyệt", "role": Role.AGENCY_LEADER, "share_percent": 40},
    )
    type(dossier).objects.filter(pk=dossier.pk).update(current_step=at_step)


def filled(fields: dict, values: dict) -> dict:
    return {
        name: value.format(**values) if isinstance(value, str) else value
        for name, value in fields.items()
    }


def outcome(dossier) -> tuple:
    event = DossierEvent.objects.filter(dossier=dossier).latest("pk")
    dossier.refresh_from_db()
    return (
        event.action,
        event.to_status,
        event.note,
        event.data,
        dossier.current_agency_id,
        dossier.assignee_id,
        dossier.new_appointment_at,
        dossier.current_step,
    )


@pytest.mark.parametrize(
    ("action", "status", "form", "body"), CASES, ids=[case[0].value for case in CASES]
)
def test_every_action_through_the_page_and_the_api_gives_the_same_result(
    client, bring, root, department, other_agency, action, status, form, body
):
    specialist = staff(Role.SPECIALIST, department)
    values = {"specialist": specialist.username, "agency": other_agency.code}
    by_page, by_api = bring(status), bring(status)
    if action in (Action.COMPLETE_STEP, Action.RETURN_STEP):
        for dossier in (by_page, by_api):
            two_steps(dossier, 1 if action == Action.COMPLETE_STEP else 2)
    client.force_login(root)

    response = client.post(
        reverse("dossiers:staff-action", args=[by_page.code]),
        {"action": action.value, **filled(form, values)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].startswith(reverse("dossiers:staff-dossier", args=[by_page.code]))
    response = client.post(
        f"/api/v1/staff/dossiers/{by_api.code}/actions/{action.value}",
        filled(body, values),
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()

    page_result, api_result = outcome(by_page), outcome(by_api)
    assert page_result[0] == action
    assert page_result == api_result


def test_a_naive_appointment_is_vietnamese_time_from_both_doors(client, bring, root):
    by_page, by_api = bring(Status.PROCESSING), bring(Status.PROCESSING)
    client.force_login(root)
    client.post(
        reverse("dossiers:staff-action", args=[by_page.code]),
        {"action": "apologise", "new_appointment": "2099-01-02T17:00", "reason": "Chậm"},
    )
    client.post(
        f"/api/v1/staff/dossiers/{by_api.code}/actions/apologise",
        {"new_appointment": "2099-01-02T17:00:00", "reason": "Chậm"},
        content_type="application/json",
    )
    expected = datetime(2099, 1, 2, 17, 0, tzinfo=VN_TZ)
    by_page.refresh_from_db()
    by_api.refresh_from_db()
    assert by_page.new_appointment_at == by_api.new_appointment_at == expected
    # An aware time keeps its own zone: 10:00 UTC is 17:00 in Hà Nội.
    other = bring(Status.PROCESSING)
    services.perform(
        action=Action.APOLOGISE,
        user=root,
        obj=other,
        new_appointment="2099-01-02T10:00:00+00:00",
        reason="Chậm",
    )
    other.refresh_from_db()
    assert other.new_appointment_at == expected


def test_files_are_checked_and_attached_by_the_dispatcher(bring, root):
    dossier = bring(Status.PROCESSING)
    with pytest.raises(ValidationError) as refused:
        services.perform(
            action=Action.RESOLVE,
            user=root,
            obj=dossier,
            files=[SimpleUploadedFile("ket-qua.exe", b"MZ\x90\x00 not a document")],
        )
    assert (refused.value.field, refused.value.code) == ("files", "upload_type")
    assert not EventAttachment.objects.filter(event__dossier=dossier).exists()
    services.perform(
        action=Action.RESOLVE,
        user=root,
        obj=dossier,
        result_code="KQ-02",
        files=[SimpleUploadedFile("ket qua.pdf", PDF)],
    )
    attachment = EventAttachment.objects.get(event__dossier=dossier)
    assert attachment.name == "ket qua.pdf"


def test_the_page_refuses_a_bad_file_with_the_same_message(client, bring, root):
    dossier = bring(Status.PROCESSING)
    client.force_login(root)
    response = client.post(
        reverse("dossiers:staff-action", args=[dossier.code]),
        {
            "action": "resolve",
            "result_code": "KQ-03",
            "files": SimpleUploadedFile("ket-qua.exe", b"MZ\x90\x00 not a document"),
        },
    )
    assert response.status_code == 422
    with pytest.raises(ValidationError) as refused:
        services.perform(
            action=Action.RESOLVE,
            user=root,
            obj=dossier,
            files=[SimpleUploadedFile("ket-qua.exe", b"MZ\x90\x00 not a document")],
        )
    assert refused.value.message in response.content.decode()


def test_a_field_the_action_does_not_take_is_refused(bring, root):
    dossier = bring(Status.RECEIVED)
    with pytest.raises(ValidationError) as refused:
        services.perform(action=Action.START, user=root, obj=dossier, reason="Không dùng")
    assert (refused.value.field, refused.value.code) == ("reason", "unknown_field")
    assert "không nhận thông tin: reason" in refused.value.message
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def test_an_action_staff_do_not_perform_is_refused(bring, root):
    dossier = bring(Status.RECEIVED)
    with pytest.raises(ValidationError) as refused:
        services.perform(action=Action.SUBMIT, user=root, obj=dossier)
    assert refused.value.code == "unknown_action"


@pytest.mark.parametrize(
    ("action", "fields", "field", "message"),
    [
        (Action.REQUEST_PAYMENT, {"amount": "năm mươi nghìn"}, "amount", r"số nguyên \(đồng\)"),
        (Action.REQUEST_PAYMENT, {}, "amount", r"số nguyên \(đồng\)"),
        (Action.TRANSFER, {"to_agency": "khong-co"}, "to_agency", "chọn cơ quan nhận"),
        (Action.APOLOGISE, {"new_appointment": "mai", "reason": "x"}, "new_appointment", "hẹn"),
        (Action.ASSIGN, {"assignee": "khong-co"}, "assignee", "chọn chuyên viên"),
    ],
)
def test_fields_are_normalised_with_vietnamese_messages(
    bring, root, action, fields, field, message
):
    dossier = bring(Status.PROCESSING)
    with pytest.raises(ValidationError, match=message) as refused:
        services.perform(action=action, user=root, obj=dossier, **fields)
    assert refused.value.field == field
