"""The demo's publication decisions give the index 1.1 and 1.2 something true to count."""

from datetime import date

import pytest

from tests.factories import make_procedure
from tthc.demo.decisions import DECISIONS, build_decisions
from tthc.metrics import index

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 3)


def test_decisions_are_on_time_or_late_as_planned():
    for n in range(40):
        make_procedure(code=f"1.{n:06d}")
    assert build_decisions(today=TODAY) == len(DECISIONS)
    assert build_decisions(today=TODAY) == 0  # idempotent
    year = index.Scope.of(index.Period(date(2025, 12, 1), TODAY))
    published = index.compute(year).indicator("1.1").figure
    on_catalog = index.compute(year).indicator("1.2").figure
    # 33 procedures; the second decision (6) was signed 3 days before its basis took effect,
    # the fourth (5) reached the catalog 8 working days after signing.
    assert (published.numerator, published.denominator) == (27, 33)
    assert (on_catalog.numerator, on_catalog.denominator) == (28, 33)
