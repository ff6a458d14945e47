"""Property: for random dossier histories (random sequences of the services' transitions under
time travel) and a random period, every dossier indicator's drill-down adds up to its figure —
the list's length is the denominator, its counted items (2.2: their working days; 5.4: the
items less their deductions) the numerator. Bounded so it runs in well under a minute."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.dossiers.conftest import at
from tthc.dossiers import services
from tthc.dossiers.models import Status
from tthc.metrics import drilldown, facts, index

pytestmark = pytest.mark.django_db

STEPS = ["start", "supplement", "complete", "resolve", "return", "withdraw", "pay"]
DOSSIER_CODES = [*index.DOSSIER_RULES, "5.4"]

history = st.tuples(
    st.integers(0, 45),  # day of reception from 1/1/2025
    st.integers(8, 16),  # hour
    st.lists(st.tuples(st.sampled_from(STEPS), st.integers(1, 200)), max_size=6),
)


def _apply(step, dossier, specialist, officer):
    status = dossier.status
    if step == "start" and status == Status.RECEIVED:
        return services.start_processing(user=specialist, dossier=dossier)
    if step == "supplement" and status in (Status.RECEIVED, Status.PROCESSING):
        return services.request_supplement(user=specialist, dossier=dossier, reason="Thiếu giấy")
    if step == "complete" and status == Status.SUPPLEMENT_REQUESTED:
        return services.complete_supplement(user=specialist, dossier=dossier)
    if step == "resolve" and status == Status.PROCESSING:
        return services.resolve(user=specialist, dossier=dossier, electronic=dossier.pk % 2 == 0)
    if step == "return" and status == Status.RESOLVED:
        return services.return_result(user=officer, dossier=dossier)
    if step == "withdraw" and status in (Status.RECEIVED, Status.PROCESSING):
        return services.withdraw(user=specialist, dossier=dossier, reason="Người dân rút")
    if step == "pay" and status == Status.PROCESSING:
        dossier = services.request_payment(user=specialist, dossier=dossier, amount=8000)
        return services.confirm_payment(
            user=specialist, dossier=dossier, online=dossier.pk % 3 == 0
        )
    return dossier


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    histories=st.lists(history, min_size=1, max_size=3),
    start=st.integers(0, 70),
    length=st.integers(0, 60),
    by_agency=st.booleans(),
)
def test_drill_down_adds_up_to_the_figure(
    histories, start, length, by_agency, received, specialist, officer, department, travel
):
    with transaction.atomic():
        for day, hour, steps in histories:
            when = date(2025, 1, 1) + timedelta(days=day)
            travel(when.year, when.month, when.day, hour)
            dossier = received()
            clock = at(when.year, when.month, when.day, hour)
            for step, hours in steps:
                clock += timedelta(hours=hours)
                travel(clock.year, clock.month, clock.day, clock.hour)
                dossier = _apply(step, dossier, specialist, officer)
        travel(2025, 6, 1, 9)
        facts.refresh_all()
        first = date(2025, 1, 1) + timedelta(days=start)
        period = index.Period(first, first + timedelta(days=length))
        scope = index.Scope.of(period, department if by_agency else None)
        figures = index.dossier_figures(scope)
        for code in DOSSIER_CODES:
            totals = drilldown.totals(scope, code)
            assert (totals.numerator, totals.denominator) == figures[code], code
            listed = list(drilldown.every_row(scope, code))
            assert len(listed) == figures[code][1], code
            if code not in ("2.2", "5.4"):
                assert sum(r.counted for r in listed) == figures[code][0], code
        transaction.set_rollback(True)
