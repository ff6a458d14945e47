"""schemathesis over the whole published API, in-process against the WSGI application (issue 13):
every operation, anonymous and signed in as a reception officer, with bounded examples. Checks:
no server error, every answer's body matches its documented schema, every status code is
documented.

Select or skip it with `-m fuzz` / `-m "not fuzz"`. The examples are derandomized (the same run
each time, so CI is not flaky); `TTHC_FUZZ_SEED=<n>` explores another part of the input space and
`TTHC_FUZZ_EXAMPLES=<n>` more examples per operation.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from tests.dossiers.conftest import (  # noqa: F401 - fixtures
    commune,
    department,
    officer,
    point,
    procedure,
    received,
)
from tthc.dossiers.transitions import STAFF_ACTIONS
from tthc.wsgi import application

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
MAX_EXAMPLES = int(os.environ.get("TTHC_FUZZ_EXAMPLES", "25"))
SEED = os.environ.get("TTHC_FUZZ_SEED")

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

# Codes of rows that exist in the test's database (set by the `world` fixture), so that lookups
# and actions reach past the 404 as often as they stop at it.
KNOWN_CODES: list[str] = []
ACTIONS = sorted(a.value for a in STAFF_ACTIONS)


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    strategy = st.just(path_parameters)
    if not isinstance(path_parameters, dict):  # operations without path parameters: None
        return strategy
    if "code" in path_parameters and KNOWN_CODES:
        known = st.sampled_from(KNOWN_CODES).map(lambda c: {**path_parameters, "code": c})
        strategy = st.one_of(strategy, known)
    if "action" in path_parameters:
        strategy = strategy.flatmap(
            lambda p: st.one_of(
                st.just(p), st.sampled_from(ACTIONS).map(lambda a: {**p, "action": a})
            )
        )
    return strategy


fuzz_settings = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis/ folder, nothing replayed from an earlier run
    derandomize=SEED is None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go straight to the WSGI application, not through Django's test client, so
    `request_finished` would close the database connection the test's transaction lives on
    (PostgreSQL then answers "the connection is closed"). Disconnected as the test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _no_throttling(settings):
    """The rate limits count per address, and every generated request comes from the same one:
    raised so that a documented 429 does not hide the answers behind it (the limits themselves are
    tested in tests/dossiers and tests/feedback)."""
    settings.TTHC_DOSSIER_SUBMISSIONS_PER_HOUR = 1_000_000
    settings.TTHC_FEEDBACK_RATE_LIMITS = {"ip": (1_000_000, 3600), "phone": (1_000_000, 3600)}


@pytest.fixture
def world(request):
    """Rows for the staff queue and the lookups to answer with: dossiers received at the
    counter."""
    receive = request.getfixturevalue("received")
    rows = [receive(), receive()]
    KNOWN_CODES[:] = [rows[0].procedure.code, *(d.code for d in rows)]
    yield rows
    KNOWN_CODES.clear()


@pytest.fixture
def staff_session(request):
    """A reception officer's session cookie and a CSRF token for the unsafe methods."""
    client = Client()
    client.force_login(request.getfixturevalue("officer"))
    token = _get_new_csrf_string()
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": token}
    return {"cookies": cookies, "headers": {"X-CSRFToken": token}}


@schema.parametrize()
@fuzz_settings
def test_api_anonymous(case, world):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@fuzz_settings
def test_api_signed_in_as_staff(case, world, staff_session):
    case.call_and_validate(
        checks=CHECKS, cookies=staff_session["cookies"], headers=staff_session["headers"]
    )
