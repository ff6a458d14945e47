"""Payment of the financial obligation records whether it was paid online (index 766, 3.6):
the service, the staff page's form, the staff API and the public lookup."""

import pytest

from tthc.dossiers import selectors, services
from tthc.dossiers.models import Status

pytestmark = pytest.mark.django_db

BASE = "/api/v1/staff/dossiers"


@pytest.fixture
def awaiting_payment(received, specialist):
    def make():
        dossier = services.start_processing(user=specialist, dossier=received())
        return services.request_payment(user=specialist, dossier=dossier, amount=8000)

    return make


def test_service_records_the_method(awaiting_payment, specialist):
    dossier = services.confirm_payment(user=specialist, dossier=awaiting_payment(), online=True)
    assert dossier.status == Status.PROCESSING
    assert dossier.events.last().data == {"online": True}
    dossier = services.confirm_payment(user=specialist, dossier=awaiting_payment())
    assert dossier.events.last().data == {"online": False}


def test_page_offers_the_online_payment_choice(client, officer, awaiting_payment):
    dossier = awaiting_payment()
    client.force_login(officer)
    page = client.get(f"/quan-tri/ho-so/{dossier.code}/").content.decode()
    assert 'name="online" value="1"' in page
    assert "Thanh toán trực tuyến" in page
    response = client.post(
        f"/quan-tri/ho-so/{dossier.code}/thao-tac/",
        {"action": "confirm_payment", "online": "1", "note": "Biên lai điện tử"},
    )
    assert response.status_code in (200, 302)
    event = dossier.events.last()
    assert (event.action, event.data, event.note) == (
        "confirm_payment",
        {"online": True},
        "Biên lai điện tử",
    )
    # the timeline says how it was paid
    assert (
        "Thanh toán trực tuyến</p>"
        in client.get(f"/quan-tri/ho-so/{dossier.code}/").content.decode()
    )


def test_page_default_is_paid_at_the_desk(client, officer, awaiting_payment):
    dossier = awaiting_payment()
    client.force_login(officer)
    client.post(
        f"/quan-tri/ho-so/{dossier.code}/thao-tac/",
        {"action": "confirm_payment", "online": "0"},
    )
    assert dossier.events.last().data == {"online": False}


@pytest.mark.parametrize("body, online", [({"online": True}, True), ({}, False)])
def test_api_payload_online(client, specialist, awaiting_payment, body, online):
    dossier = awaiting_payment()
    client.force_login(specialist)
    response = client.post(
        f"{BASE}/{dossier.code}/actions/confirm_payment", data=body, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.PROCESSING
    assert dossier.events.last().data == {"online": online}
    detail = client.get(f"{BASE}/{dossier.code}").json()
    assert detail["events"][-1]["data"] == {"online": online}


def test_openapi_describes_the_online_field(client):
    schema = client.get("/api/v1/openapi.json").json()
    action_in = schema["components"]["schemas"]["ActionIn"]
    assert action_in["properties"]["online"]["type"] == "boolean"
    assert "`confirm_payment`" in action_in["description"]
    assert "`online`" in action_in["description"]


def test_public_lookup_says_paid_online(awaiting_payment, specialist):
    dossier = services.confirm_payment(user=specialist, dossier=awaiting_payment(), online=True)
    labels = [s["label"] for s in selectors.lookup(dossier.code)["steps"]]
    assert "Đã thực hiện nghĩa vụ tài chính (đã thanh toán trực tuyến)" in labels
    other = services.confirm_payment(user=specialist, dossier=awaiting_payment())
    labels = [s["label"] for s in selectors.lookup(other.code)["steps"]]
    assert "Đã thực hiện nghĩa vụ tài chính" in labels
