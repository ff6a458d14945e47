"""Scheduled versions applied by two runs at once (the clock's task and the daily command), for
real: on PostgreSQL (row locks, READ COMMITTED), each run in its own thread and connection.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/tthc_review \
     .venv/bin/python -m pytest tests/catalog -q -k concurren
"""

from datetime import date

import pytest
import time_machine
from django.db import connection

from tests.concurrency import race
from tests.factories import make_procedure
from tthc.catalog import services
from tthc.catalog.models import Procedure
from tthc.catalog.services import DecisionItemInput, record_decision

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("cần PostgreSQL (DATABASE_URL=postgres://...)")


@pytest.mark.parametrize("workers", [2, 6])
def test_concurrent_runs_apply_each_due_version_once(workers):
    codes = [f"1.00{n:04d}" for n in range(1, 21)]
    with time_machine.travel("2026-03-02 09:00 +0700", tick=False):
        for code in codes:
            make_procedure(code)
        record_decision(
            number="7/QĐ-UBND",
            signed_on=date(2026, 3, 1),
            issuer="Chủ tịch UBND",
            effective_on=date(2026, 4, 1),
            items=[DecisionItemInput(code, "abolished") for code in codes],
        )
    assert set(Procedure.objects.values_list("status", flat=True)) == {"published"}

    results, errors = race(workers, lambda: services.apply_due_versions(today=date(2026, 4, 1)))

    assert errors == []
    applied = [(v.procedure_id, v.number) for result in results for v in result]
    assert len(applied) == len(codes), "every due version applied, none twice"
    assert len(set(applied)) == len(codes)
    assert set(Procedure.objects.values_list("status", flat=True)) == {"abolished"}
    assert services.apply_due_versions(today=date(2026, 4, 1)) == []
