"""The database unreachable (issue 13): every request answers 503 with the Vietnamese message and
`Retry-After` — JSON `{"detail", "code": "service_unavailable"}` under /api/, the 503 page
elsewhere — never a 500, with DEBUG on or off, whether the error comes from a view, the API or a
middleware (the session of a signed-in officer); once the database is back the next request works
with no one acting. Runs on SQLite and on PostgreSQL (`DATABASE_URL`).

The outage is simulated below the ORM, where a real one surfaces: the driver raises its own
`OperationalError` / `InterfaceError` when Django asks for a cursor (the server closed the
connection) or for a new connection (refused), and Django's error wrapper turns it into
`django.db.OperationalError` and marks the connection as having seen an error.
"""

from __future__ import annotations

from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from tests.factories import AgencyFactory, MembershipFactory, UserFactory
from tthc.org.models import Role

pytestmark = pytest.mark.django_db(transaction=True)

MESSAGE = "Hệ thống đang tạm gián đoạn kết nối cơ sở dữ liệu, vui lòng thử lại sau ít phút."


@contextmanager
def database_down(kind: str = "closed"):
    """`closed`: the kept connection's server went away; `refused`: no new connection can be
    opened (PostgreSQL stopped); `interface`: the driver's connection object is already closed."""
    driver = connection.Database
    errors = {
        "closed": driver.OperationalError("server closed the connection unexpectedly"),
        "refused": driver.OperationalError("connection failed: Connection refused"),
        "interface": driver.InterfaceError("the connection is closed"),
    }

    def fail(*args, **kwargs):
        raise errors[kind]

    if kind == "refused":
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            pytest.skip("SQLite trong bộ nhớ không đóng kết nối: cần PostgreSQL hoặc tệp SQLite")
        connection.close()
    with (
        mock.patch.object(connection, "create_cursor", side_effect=fail),
        mock.patch.object(connection, "get_new_connection", side_effect=fail),
    ):
        yield


@pytest.fixture(params=[False, True], ids=["production", "development"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.fixture
def client():
    # A 500 is answered as a real server would, not raised in the test.
    return Client(raise_request_exception=False)


def assert_api_outage(response):
    assert response.status_code == 503, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "service_unavailable"
    assert body["detail"].startswith(MESSAGE)
    assert int(response["Retry-After"]) > 0
    assert "no-store" in response["Cache-Control"]


def assert_outage_page(response):
    assert response.status_code == 503, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("text/html")
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert '<html lang="vi"' in html
    assert MESSAGE in html
    assert "css/site.css" in html  # the site's look
    assert "<script" not in html and "Traceback" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("kind", ["closed", "refused", "interface"])
def test_api_answers_503_with_the_vietnamese_message(client, debug, kind):
    with database_down(kind):
        response = client.get("/api/v1/procedures")
    assert_api_outage(response)


@pytest.mark.parametrize("kind", ["closed", "refused"])
def test_a_page_answers_the_503_page(client, debug, kind):
    with database_down(kind):
        response = client.get("/thu-tuc/")
    assert_outage_page(response)


def test_the_home_page_of_wagtail_answers_503_too(client, debug):
    with database_down():
        response = client.get("/")
    assert_outage_page(response)


@pytest.fixture
def officer_client(client):
    user = MembershipFactory(
        role=Role.RECEPTION_OFFICER, agency=AgencyFactory(), user=UserFactory()
    ).user
    user.save()
    client.force_login(user)
    return client


def test_a_signed_in_officer_whose_session_cannot_be_read_gets_503(officer_client, debug):
    """The session and the user are read by middleware, before any view: Django has made the
    error a 500 by then; the outage middleware answers 503 instead."""
    with database_down():
        page = officer_client.get("/quan-tri/")
        api = officer_client.get("/api/v1/staff/dossiers")
    assert_outage_page(page)
    assert_api_outage(api)


def test_the_test_client_sees_no_exception_from_a_view(debug):
    """Answered by the middleware or the API handler, the outage is no uncaught exception."""
    strict = Client()  # raises any exception Django did not turn into a response
    with database_down():
        assert strict.get("/api/v1/procedures").status_code == 503
        assert strict.get("/thu-tuc/").status_code == 503


def test_after_the_outage_the_next_request_works(client):
    with database_down():
        assert client.get("/api/v1/procedures").status_code == 503
    assert connection.errors_occurred  # Django will check the connection before keeping it
    assert client.get("/api/v1/procedures").status_code == 200
    assert client.get("/thu-tuc/").status_code == 200


def test_a_connection_broken_mid_request_is_dropped_and_a_fresh_one_opened(client):
    """What Django does at the end of the request (`close_old_connections`) with a connection
    that saw the error and no longer answers: close it, so the next request connects anew."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("SQLite trong bộ nhớ giữ một kết nối duy nhất: cần PostgreSQL")
    with database_down():
        assert client.get("/api/v1/procedures").status_code == 503
    with mock.patch.object(connection, "is_usable", return_value=False):
        close_old_connections()
    assert connection.connection is None
    assert client.get("/api/v1/procedures").status_code == 200
    assert connection.connection is not None and not connection.errors_occurred


def test_connections_are_health_checked_before_reuse(settings):
    """A kept connection (CONN_MAX_AGE) is tested before a request uses it again."""
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_the_api_documents_the_503(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/procedures"]["get"]
    assert "503" in operation["responses"]
