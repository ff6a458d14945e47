"""Lists cost the same number of queries whatever their length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.simplification.test_services import _approved

pytestmark = pytest.mark.django_db


def _count(client, url):
    client.get(url)  # warm the per-process caches (province name, ...)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    ["/don-gian-hoa/", "/quan-tri/don-gian-hoa/", "/quan-tri/don-gian-hoa/so-lieu/"],
)
def test_proposal_lists_stay_flat_as_proposals_grow(client, control, procedure, agency, url):
    client.force_login(control)
    _approved(control, procedure, agency)
    few = _count(client, url)
    for _ in range(6):
        _approved(control, procedure, agency)
    assert _count(client, url) == few
