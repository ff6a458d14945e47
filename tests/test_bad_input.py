"""Bad input never answers 500, with DEBUG on or off (issue 13): out-of-range pagination, a
malformed multipart body, too many query parameters, a body over the size limit. The API answers
400/422 with `{"detail", "code"}`; pages answer 400 with a Vietnamese error page."""

import pytest
from django.test import Client

from tests.factories import AgencyFactory, MembershipFactory, UserFactory
from tthc.org.models import Role

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
# 2 MB under `multipart/form-data; boundary=x` with no boundary in it.
MALFORMED = b"a" * (2 * 1024 * 1024)


@pytest.fixture(params=[False, True], ids=["production", "development"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.fixture
def client():
    # raise_request_exception=False: a 500 is answered as a real server would, not raised.
    return Client(raise_request_exception=False)


@pytest.fixture
def staff_client(client):
    user = MembershipFactory(
        role=Role.RECEPTION_OFFICER, agency=AgencyFactory(), user=UserFactory()
    ).user
    user.save()
    client.force_login(user)
    return client


def assert_api_error(response, status=None):
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    if status is not None:
        assert response.status_code == status
    body = response.json()
    assert body["detail"] and isinstance(body["detail"], str)
    assert body["code"] and isinstance(body["code"], str)
    return body


def assert_error_page(response):
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert '<html lang="vi"' in html
    assert "Yêu cầu không hợp lệ" in html
    assert "Traceback" not in html


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/procedures?page={HUGE}",
        f"/api/v1/procedures?page_size={HUGE}",
        "/api/v1/procedures?page=-5",
        f"/api/v1/procedures?field={HUGE}",
        f"/api/v1/agencies?page={HUGE}",
        f"/api/v1/feedback/published?offset={HUGE}",
        f"/api/v1/feedback/published?limit={HUGE}",
        f"/api/v1/feedback/published?agency={HUGE}",
        f"/api/v1/workdays/calendar/{HUGE}",
    ],
)
def test_out_of_range_numbers_are_refused_by_the_api(debug, client, url):
    body = assert_api_error(client.get(url), 422)
    assert body["code"] == "invalid"


def test_out_of_range_page_of_the_staff_queue(debug, staff_client):
    assert_api_error(staff_client.get(f"/api/v1/staff/dossiers?page={HUGE}"), 422)


def test_a_page_past_the_end_is_an_empty_page(client):
    body = client.get("/api/v1/procedures?page=100000").json()
    assert body == {"items": [], "count": 0}


def test_malformed_multipart_body_to_the_api(debug, client):
    response = client.generic(
        "POST",
        "/api/v1/dossiers",
        MALFORMED,
        content_type="multipart/form-data; boundary=x",
    )
    assert assert_api_error(response, 400)["code"] == "malformed_body"


def test_malformed_multipart_body_to_a_page(debug, client):
    response = client.generic(
        "POST",
        "/phan-anh/gui/",
        MALFORMED,
        content_type="multipart/form-data; boundary=x",
    )
    assert_error_page(response)


def test_too_many_query_parameters_to_the_api(debug, client, settings):
    query = "&".join(f"p{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.get(f"/api/v1/procedures?{query}")
    assert assert_api_error(response, 400)["code"] == "too_many_fields"


def test_too_many_query_parameters_to_a_page(debug, client, settings):
    query = "&".join(f"p{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    assert_error_page(client.get(f"/phan-anh/?{query}"))


def test_too_many_form_fields_to_a_page(debug, client, settings):
    fields = {f"p{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    assert_error_page(client.post("/phan-anh/gui/", fields))


def test_body_over_the_size_limit_to_the_api(debug, client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post(
        "/api/v1/compliance-cost", b"{" + b" " * 4096 + b"}", content_type="application/json"
    )
    assert assert_api_error(response, 400)["code"] == "request_too_large"


def test_malformed_json_body_to_the_api(debug, client):
    response = client.post("/api/v1/compliance-cost", b"{nope", content_type="application/json")
    assert assert_api_error(response, 400)["code"] == "malformed_body"


def test_the_error_page_speaks_english_when_chosen(debug, client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    query = "&".join(f"p{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.get(f"/phan-anh/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="en"' in html and "Bad request" in html
    assert "too many parameters" in html


def test_the_api_error_speaks_english_when_chosen(debug, client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(f"/api/v1/procedures?page={HUGE}")
    assert response.json()["detail"] == "Invalid parameters."
