"""Deadlines across Tết 2025 with supplement pauses, the classification of finished dossiers,
and the recompute after a calendar change.

Received Wednesday 22/01/2025 10:00, 5 working days: 23/01 (1), 24/01 (2), weekend, Tết
27–31/01, weekend, 03/02 (3), 04/02 (4), 05/02 (5) -> due 05/02/2025 17:00. A supplement
requested Friday 24/01 09:00 and completed Tuesday 04/02 10:00 pauses the working days d with
24/01 < d <= 04/02: 03/02 and 04/02 -> due 07/02/2025 17:00.
"""

from datetime import date
from decimal import Decimal

import pytest

from tests.dossiers.conftest import at
from tests.factories import MembershipFactory
from tthc.dossiers import deadlines, selectors, services
from tthc.dossiers.models import Channel, DossierEvent, Status
from tthc.dossiers.transitions import Action
from tthc.workdays import services as workdays_services
from tthc.workdays.engine import Unit
from tthc.workdays.models import DeadlineChange

pytestmark = pytest.mark.django_db

DUE = at(2025, 2, 5, 17, 0)
PAUSED_DUE = at(2025, 2, 7, 17, 0)


@pytest.fixture
def paused(received, specialist, travel):
    travel(2025, 1, 22, 10)
    dossier = received()
    assert dossier.due_at == DUE
    travel(2025, 1, 23, 8)
    dossier = services.start_processing(user=specialist, dossier=dossier)
    travel(2025, 1, 24, 9)
    dossier = services.request_supplement(user=specialist, dossier=dossier, reason="Thiếu")
    return dossier


def test_deadline_on_acceptance_across_tet(received, travel):
    travel(2025, 1, 22, 10)
    dossier = received()
    assert dossier.received_at == at(2025, 1, 22, 10)
    assert dossier.due_at == DUE
    assert (dossier.time_amount, dossier.time_unit) == (Decimal(5), "working_days")
    assert any("Tết" in line for line in dossier.due_explanation)
    assert (
        dossier.due_explanation[-1] == "Hạn giải quyết: 17 giờ 00 phút, ngày 05 tháng 02 năm 2025"
    )


def test_online_dossier_clock_starts_on_acceptance(submitted, officer, travel):
    travel(2025, 1, 21, 20)  # submitted in the evening
    dossier = submitted()
    assert (dossier.received_at, dossier.due_at) == (None, None)
    travel(2025, 1, 22, 10)
    dossier = services.accept(user=officer, dossier=dossier)
    assert dossier.due_at == DUE


def test_supplement_pauses_the_clock_across_tet(paused, specialist, travel):
    # While the request is open the clock is stopped: the stored date is provisional.
    assert paused.status == Status.SUPPLEMENT_REQUESTED
    assert paused.due_at == DUE
    assert any("tạm tính" in line for line in paused.due_explanation)
    travel(2025, 2, 4, 10)
    dossier = services.complete_supplement(user=specialist, dossier=paused)
    assert dossier.due_at == PAUSED_DUE
    assert dossier.status == Status.PROCESSING
    travel(2025, 2, 7, 16)
    dossier = services.resolve(user=specialist, dossier=dossier)
    assert selectors.classify(dossier) == "on_time"


def test_finished_before_the_due_date_is_early(paused, specialist, travel):
    travel(2025, 2, 4, 10)
    dossier = services.complete_supplement(user=specialist, dossier=paused)
    travel(2025, 2, 6, 9)
    dossier = services.resolve(user=specialist, dossier=dossier)
    assert selectors.classify(dossier) == "early"


def test_two_supplement_requests_count_late(paused, specialist, travel):
    travel(2025, 2, 3, 9)
    dossier = services.complete_supplement(user=specialist, dossier=paused)
    travel(2025, 2, 3, 14)
    dossier = services.request_supplement(user=specialist, dossier=dossier, reason="Lần hai")
    travel(2025, 2, 4, 8)
    dossier = services.complete_supplement(user=specialist, dossier=dossier)
    travel(2025, 2, 4, 9)  # long before the deadline
    dossier = services.resolve(user=specialist, dossier=dossier)
    assert selectors.supplement_count(dossier) == 2
    assert selectors.classify(dossier) == "late"


def test_late_and_unfinished(received, specialist, travel):
    travel(2025, 1, 22, 10)
    dossier = services.start_processing(user=specialist, dossier=received())
    assert selectors.classify(dossier) is None  # not finished
    travel(2025, 2, 6, 8)
    dossier = services.resolve(user=specialist, dossier=dossier)
    assert selectors.classify(dossier) == "late"


def test_stopped_while_waiting_for_a_supplement_ends_at_the_stop(paused, specialist, travel):
    travel(2025, 2, 20, 9)
    dossier = services.stop(user=specialist, dossier=paused, reason="Không bổ sung")
    # The pause runs to the stop, so the time it waited does not count against the agency.
    assert selectors.classify(dossier) == "early"


@pytest.mark.parametrize(
    ("time", "channel", "expected"),
    [
        ({"amount": "10", "unit": "days"}, Channel.IN_PERSON, (Decimal(10), Unit.DAYS)),
        ({"amount": "3", "unit": "none"}, Channel.IN_PERSON, (Decimal(3), Unit.WORKING_DAYS)),
        ({"amount": "0", "unit": "working_days"}, Channel.IN_PERSON, (0, Unit.SAME_DAY)),
        ({"amount": "4", "unit": "hours"}, Channel.ONLINE, (Decimal(4), Unit.HOURS)),
        ({"amount": "1", "unit": "months"}, Channel.POSTAL, (Decimal(1), Unit.MONTHS)),
    ],
)
def test_processing_time_units(time, channel, expected):
    data = {"channels": [{"channel": "in_person", "processing_time": time}]}
    assert deadlines.processing_time(data, channel) == expected


def test_processing_time_prefers_the_channel_and_requires_an_amount():
    data = {
        "channels": [
            {"channel": "in_person", "processing_time": {"amount": "5", "unit": "working_days"}},
            {"channel": "online", "processing_time": {"amount": "3", "unit": "working_days"}},
        ]
    }
    assert deadlines.processing_time(data, Channel.ONLINE) == (Decimal(3), Unit.WORKING_DAYS)
    with pytest.raises(Exception, match="chưa có thời hạn"):
        deadlines.processing_time({"channels": []}, Channel.IN_PERSON)


def test_calendar_change_recomputes_open_dossiers(
    received, department, travel, django_capture_on_commit_callbacks
):
    travel(2025, 1, 22, 10)
    dossier = received()
    closed = received()
    services.withdraw(
        user=MembershipFactory(role="reception_officer", agency=closed.receiving_agency).user,
        dossier=closed,
        reason="Rút",
    )
    leader = MembershipFactory(role="agency_leader", agency=department).user
    with django_capture_on_commit_callbacks(execute=True):
        workdays_services.add_override(
            user=leader,
            date=date(2025, 2, 4),
            is_working=False,
            name="Nghỉ theo quyết định của Sở",
            agency=department,
        )
    dossier.refresh_from_db()
    assert dossier.due_at == at(2025, 2, 6, 17, 0)
    change = DeadlineChange.objects.get(source="dossiers.dossier")
    assert (change.old_due, change.new_due, change.label) == (
        DUE,
        at(2025, 2, 6, 17, 0),
        f"Hồ sơ {dossier.code}",
    )
    event = DossierEvent.objects.get(dossier=dossier, action=Action.DEADLINE_CHANGED)
    assert event.data["old_due"].startswith("2025-02-05T17:00")
    closed.refresh_from_db()
    assert closed.due_at == DUE  # a closed dossier is never touched


def test_a_procedure_with_its_own_office_hours_counts_with_them(procedure, received, travel):
    """Received Wednesday 22/01/2025 at 16:30: after the province's 17:00 closing it counts the
    same day (due 05/02); with the procedure closing at 16:00 it counts from Thursday 23/01, so
    the 5th working day is 06/02, and the day ends at 16:00."""
    from tthc.catalog import services as catalog_services

    data = procedure.current_version.data | {"office_hours": {"afternoon_end": "16:00"}}
    catalog_services.save_procedure(code=procedure.code, data=data)
    procedure.refresh_from_db()
    travel(2025, 1, 22, 16, 30)
    dossier = received()
    assert dossier.procedure_version == 2
    assert dossier.due_at == at(2025, 2, 6, 16, 0)
