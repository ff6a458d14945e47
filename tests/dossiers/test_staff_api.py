"""Staff API under /api/v1/staff/: session authentication, queues, detail with the logged read,
actions with their 401 / 403 / 409 / 422 answers, the OpenAPI schema."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.dossiers.conftest import staff
from tthc.dossiers.models import AccessLog, Status
from tthc.org.models import Role

pytestmark = pytest.mark.django_db

BASE = "/api/v1/staff/dossiers"


def act(client, dossier, action, **body):
    return client.post(
        f"{BASE}/{dossier.code}/actions/{action}", data=body, content_type="application/json"
    )


def test_unauthenticated_is_401(client, received):
    dossier = received()
    assert client.get(BASE).status_code == 401
    assert client.get(f"{BASE}/{dossier.code}").status_code == 401
    assert act(client, dossier, "start").status_code == 401


def test_csrf_is_checked_on_actions(received, specialist):
    dossier = received()
    client = Client(enforce_csrf_checks=True)
    client.force_login(specialist)
    assert client.get(BASE).status_code == 200  # safe method: no token needed
    response = act(client, dossier, "start")
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def test_queue_tabs_pagination_and_flat_queries(client, officer, received, submitted):
    client.force_login(officer)
    submitted()
    body = client.get(BASE).json()  # reception officers start on the new online dossiers
    assert body["count"] == 1 and body["items"][0]["status"] == Status.SUBMITTED
    for _ in range(3):
        received()
    with CaptureQueriesContext(connection) as few:
        client.get(f"{BASE}?tab=dang-xu-ly")
    for _ in range(4):
        received()
    with CaptureQueriesContext(connection) as many:
        body = client.get(f"{BASE}?tab=dang-xu-ly&page_size=5").json()
    assert len(many) == len(few)
    assert body["count"] == 7 and len(body["items"]) == 5
    assert body["items"][0]["status_label"] == "Đã tiếp nhận"
    body = client.get(f"{BASE}?tab=dang-xu-ly&page_size=5&page=2").json()
    assert len(body["items"]) == 2


def test_queue_refuses_unknown_tab_and_users_without_a_dossier_role(client, officer, db):
    client.force_login(officer)
    response = client.get(f"{BASE}?tab=khong-co")
    assert response.status_code == 422
    assert response.json()["field"] == "tab"
    from tests.factories import UserFactory

    user = UserFactory()
    user.save()
    client.force_login(user)
    response = client.get(BASE)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_queue_shows_only_the_users_agencies(client, received, other_agency):
    received()
    client.force_login(staff(Role.SPECIALIST, other_agency))
    assert client.get(f"{BASE}?tab=dang-xu-ly").json()["count"] == 0


def test_detail_has_events_and_full_applicant_and_logs_the_read(client, specialist, received):
    dossier = received()
    client.force_login(specialist)
    response = client.get(f"{BASE}/{dossier.code}")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == dossier.code
    assert body["applicant"]["citizen_id"] == "001090012345"
    assert body["applicant"]["masked"] is False
    assert [e["action"] for e in body["events"]] == ["receive"]
    assert "start" in body["allowed_actions"]
    log = AccessLog.objects.get()
    assert (log.user, log.dossier) == (specialist, dossier)


def test_detail_wrong_agency_is_403_and_not_logged(client, received, other_agency):
    dossier = received()
    client.force_login(staff(Role.SPECIALIST, other_agency))
    response = client.get(f"{BASE}/{dossier.code}")
    assert response.status_code == 403
    assert response.json()["detail"] == "Bạn không có quyền xem hồ sơ này."
    assert not AccessLog.objects.exists()


def test_detail_unknown_code_is_404(client, specialist):
    client.force_login(specialist)
    response = client.get(f"{BASE}/KHONG-CO")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Không tìm thấy hồ sơ có mã này.",
        "code": "not_found",
        "field": "code",
    }


def test_actions_through_the_whole_processing(client, specialist, officer, received):
    dossier = received()
    client.force_login(specialist)
    response = act(client, dossier, "start", note="Giao xử lý")
    assert response.status_code == 200
    assert response.json()["status"] == Status.PROCESSING
    response = act(client, dossier, "request_supplement", reason="Thiếu", missing=["Giấy"])
    assert response.json()["status"] == Status.SUPPLEMENT_REQUESTED
    assert act(client, dossier, "complete_supplement").json()["status"] == Status.PROCESSING
    later = (dossier.due_at + timedelta(days=5)).isoformat()
    response = act(client, dossier, "apologise", reason="Chậm", new_appointment=later)
    assert response.status_code == 200
    response = act(client, dossier, "resolve", result_code="KQ-1", electronic=True)
    assert response.json()["status"] == Status.RESOLVED
    client.force_login(officer)
    assert act(client, dossier, "return_result").json()["status"] == Status.RETURNED
    dossier.refresh_from_db()
    resolved = dossier.events.get(action="resolve")
    assert resolved.data == {"result_code": "KQ-1", "electronic": True}
    assert resolved.actor == specialist


def test_refused_transition_is_409(client, specialist, received):
    dossier = received()
    client.force_login(specialist)
    response = act(client, dossier, "resolve")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "invalid_transition"
    assert "Đã tiếp nhận" in body["detail"]


def test_wrong_agency_is_403(client, received, other_agency):
    dossier = received()
    client.force_login(staff(Role.SPECIALIST, other_agency))
    response = act(client, dossier, "start")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "cơ quan đang chịu trách nhiệm" in response.json()["detail"]
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("stop", {"reason": " "}, "note"),
        ("request_payment", {}, "amount"),
        ("request_payment", {"amount": 0}, "amount"),
        ("transfer", {"to_agency": "KHONG-CO"}, "to_agency"),
        ("apologise", {"reason": "Chậm"}, "new_appointment"),
        ("khong-co", {}, "action"),
        ("receive", {}, "action"),
    ],
)
def test_invalid_input_is_422_with_field(client, specialist, received, action, body, field):
    dossier = received()
    client.force_login(specialist)
    act(client, dossier, "start")
    response = act(client, dossier, action, **body)
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_transfer_by_agency_code(client, specialist, received, other_agency):
    dossier = received()
    client.force_login(specialist)
    response = act(client, dossier, "transfer", to_agency=other_agency.code, note="Liên thông")
    assert response.status_code == 200
    assert response.json()["current_agency"] == other_agency.name


def test_openapi_lists_the_staff_paths(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert "get" in paths["/api/v1/staff/dossiers"]
    assert "get" in paths["/api/v1/staff/dossiers/{code}"]
    operation = paths["/api/v1/staff/dossiers/{code}/actions/{action}"]["post"]
    assert {"401", "403", "409", "422"} <= set(operation["responses"])
    assert operation.get("security")
