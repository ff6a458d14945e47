"""Open311 GeoReport v2: the `georeport` client from PyPI against a running server; raw JSON and
XML POSTs checked against the spec's required fields and error format."""

from xml.etree import ElementTree as ET

import pytest
from georeport import GeoReport

from tests.feedback.test_public import publish
from tthc.feedback.models import Feedback

FORM = {
    "service_code": "regulation",
    "address_string": "Hoàn Kiếm, Hà Nội",
    "description": "Thủ tục cấp phiếu lý lịch tư pháp yêu cầu nộp bản sao thừa.",
    "first_name": "An",
    "last_name": "Nguyễn Văn",
    "phone": "0912345678",
}


@pytest.mark.django_db(transaction=True)
def test_georeport_client_lists_services_and_reads_requests(live_server, office, control):
    from django.core.cache import cache

    cache.clear()
    client = GeoReport(f"{live_server.url}/open311/v2")
    services = client.get_service_list()
    assert {s["service_code"] for s in services} == {"regulation", "conduct"}
    assert all(s["metadata"] is False for s in services)
    xml_client = GeoReport(f"{live_server.url}/open311/v2", output_format="xml")
    assert {s["service_code"] for s in xml_client.get_service_list()} == {"regulation", "conduct"}

    import requests

    created = requests.post(f"{live_server.url}/open311/v2/requests.json", data=FORM).json()
    code = created[0]["service_request_id"]
    fb = Feedback.objects.get(code=code)
    assert fb.channel == "api" and fb.sender_name == "Nguyễn Văn An"

    one = client.get_service_request(code)
    assert one["status"] == "open" and one["description"] == ""  # not published yet
    assert "0912345678" not in str(one) and "Nguyễn" not in str(one)
    publish(fb, control, answer="Đã đề nghị bỏ yêu cầu bản sao.")
    one = client.get_service_request(code)
    assert one["status"] == "closed" and one["status_notes"] == "Đã đề nghị bỏ yêu cầu bản sao."
    listed = client.get_service_requests(status="closed", service_code="regulation")
    assert [r["service_request_id"] for r in listed] == [code]
    xml_one = xml_client.get_service_request(code)
    assert xml_one["service_request_id"] == code and xml_one["status"] == "closed"
    definition = client.get_service_definition("conduct")
    assert definition["service_code"] == "conduct"


@pytest.mark.django_db
def test_raw_posts_and_spec_errors(client, office):
    ok = client.post("/open311/v2/requests.json", FORM)
    assert ok.status_code == 200
    body = ok.json()
    assert set(body[0]) == {"service_request_id", "service_notice", "account_id"}

    xml = client.post("/open311/v2/requests.xml", {**FORM, "phone": "0987654321"})
    root = ET.fromstring(xml.content)
    assert root.tag == "service_requests"
    assert root.find("request/service_request_id").text.startswith("PA-")

    for missing in ("service_code", "description", "address_string"):
        data = {k: v for k, v in FORM.items() if k != missing}
        response = client.post("/open311/v2/requests.json", data)
        assert response.status_code == 400
        errors = response.json()
        assert errors[0]["code"] == 400 and errors[0]["description"]
    # a location given as lat/long is accepted
    geo = {k: v for k, v in FORM.items() if k != "address_string"}
    geo |= {"lat": "21.0285", "long": "105.8542", "phone": "0977000111"}
    assert client.post("/open311/v2/requests.json", geo).status_code == 200
    # unidentified sender
    anon = {k: v for k, v in FORM.items() if k not in ("first_name", "last_name")}
    assert client.post("/open311/v2/requests.json", anon).status_code == 400

    error = client.post("/open311/v2/requests.xml", {"service_code": "nope"})
    root = ET.fromstring(error.content)
    assert error.status_code == 400 and root.tag == "errors"
    assert root.find("error/code").text == "400" and root.find("error/description").text

    missing = client.get("/open311/v2/requests/PA-000000-XXXXXX.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404
    assert client.get("/open311/v2/requests.json", {"status": "bad"}).status_code == 400
    too_long = client.get(
        "/open311/v2/requests.json",
        {"start_date": "2024-01-01T00:00:00Z", "end_date": "2024-06-01T00:00:00Z"},
    )
    assert too_long.status_code == 400

    discovery = client.get("/open311/v2/discovery.json").json()
    assert discovery["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert ET.fromstring(client.get("/open311/v2/discovery.xml").content).tag == "discovery"


@pytest.mark.django_db
def test_api_key_when_configured(client, office, settings):
    # no keys configured: api_key ignored
    assert client.post("/open311/v2/requests.json", {**FORM, "api_key": "x"}).status_code == 200
    settings.TTHC_OPEN311_API_KEYS = ["khoa-bi-mat-1"]
    missing = client.post("/open311/v2/requests.json", {**FORM, "phone": "0911111111"})
    assert missing.status_code == 403
    assert missing.json()[0]["code"] == 403 and "api_key" in missing.json()[0]["description"]
    wrong = client.post(
        "/open311/v2/requests.xml", {**FORM, "phone": "0911111112", "api_key": "sai"}
    )
    root = ET.fromstring(wrong.content)
    assert wrong.status_code == 403 and root.find("error/code").text == "403"
    ok = client.post(
        "/open311/v2/requests.json", {**FORM, "phone": "0911111113", "api_key": "khoa-bi-mat-1"}
    )
    assert ok.status_code == 200
    assert client.get("/open311/v2/services.json").status_code == 200  # GET needs no key
    assert "api_key" in client.get("/open311/v2/discovery.json").json()["key_service"]


@pytest.mark.django_db
def test_media_url_for_public_attachments(client, office, control, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.feedback.conftest import feedback_input
    from tthc.feedback import services

    settings.MEDIA_ROOT = tmp_path
    fb = services.submit(
        data=feedback_input(),
        attachments=[SimpleUploadedFile("anh.png", b"\x89PNG data")],
        ip="203.0.113.20",
    )
    url = f"/open311/v2/requests/{fb.code}.json"
    assert client.get(url).json()[0]["media_url"] == ""
    fb = publish(fb, control)
    assert client.get(url).json()[0]["media_url"] == ""  # published, but the file is not public
    attachment = fb.attachments.get()
    services.set_attachment_public(user=control, attachment=attachment, public=True)
    media = client.get(url).json()[0]["media_url"]
    assert media == f"http://testserver/phan-anh/{fb.code}/tep/{attachment.pk}/"
    assert client.get(media).status_code == 200
    listed = client.get("/open311/v2/requests.json", {"service_request_id": fb.code}).json()
    assert listed[0]["media_url"] == media
    xml = ET.fromstring(client.get(f"/open311/v2/requests/{fb.code}.xml").content)
    assert xml.find("request/media_url").text == media
