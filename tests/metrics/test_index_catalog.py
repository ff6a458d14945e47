"""Index 766: the procedure, payment, digitisation and feedback indicators, by hand."""

from datetime import date
from decimal import Decimal

import pytest

from tests.dossiers.conftest import DOCUMENTS, PERSON
from tests.factories import make_procedure
from tests.feedback.conftest import feedback_input
from tthc.catalog.models import AgencyRole, DecisionAction, ProcedureAgency
from tthc.catalog.services import DecisionItemInput, record_decision
from tthc.dossiers import services
from tthc.dossiers.services import DocumentInput
from tthc.feedback import selectors as feedback_selectors
from tthc.feedback import services as feedback_services
from tthc.feedback.models import Category
from tthc.metrics import facts, index

pytestmark = pytest.mark.django_db

JANUARY = index.Period(date(2025, 1, 1), date(2025, 1, 31))


def figure(code, period=JANUARY, agency=None):
    return index.compute(index.Scope.of(period, agency)).indicator(code).figure


@pytest.fixture
def catalog(department, travel):
    """P1 full online, P2 partial, P3 offline and missing (e) subjects, P4 abolished; all linked
    to the department. Decision 1 (signed 2/1, effective 15/1) for P1 and P2, put on the
    catalog 6/1; decision 2 (signed 10/1, effective 15/1) for P3, put on the catalog 20/1."""
    travel(2024, 12, 2, 9)
    made = {
        "P1": make_procedure(code="1.000001", online_level="full", boundary_free=True),
        "P2": make_procedure(code="1.000002", online_level="partial"),
        "P3": make_procedure(code="1.000003", subjects=[]),
        "P4": make_procedure(code="1.000004", status="abolished"),
    }
    for p in made.values():
        ProcedureAgency.objects.create(procedure=p, agency=department, role=AgencyRole.IMPLEMENTING)
    travel(2025, 1, 6, 9)
    record_decision(
        number="12/QĐ-UBND",
        signed_on=date(2025, 1, 2),
        effective_on=date(2025, 1, 15),
        issuer="UBND thành phố",
        items=[
            DecisionItemInput("1.000001", DecisionAction.AMENDED),
            DecisionItemInput("1.000002", DecisionAction.AMENDED),
        ],
    )
    travel(2025, 1, 20, 9)
    record_decision(
        number="45/QĐ-UBND",
        signed_on=date(2025, 1, 10),
        effective_on=date(2025, 1, 15),
        issuer="UBND thành phố",
        items=[DecisionItemInput("1.000003", DecisionAction.AMENDED)],
    )
    return made


def test_published_on_time(catalog):
    # 15/1 less 5 working days = 8/1: decision 1 (2/1) on time, decision 2 (10/1) late.
    got = figure("1.1")
    assert (got.numerator, got.denominator, got.points) == (2, 3, Decimal("4.00"))
    reasons = {i.key: i.reason for i in index.items(index.Scope.of(JANUARY), "1.1")}
    assert "hạn công bố 08/01/2025: đúng hạn" in reasons["1.000001"]
    assert reasons["1.000003"].endswith("chậm")


def test_on_the_catalog_within_five_working_days(catalog):
    # Decision 1: 2/1 + 5 working days = 9/1, on the catalog 6/1; decision 2: 17/1, 20/1.
    got = figure("1.2")
    assert (got.numerator, got.denominator, got.points) == (2, 3, Decimal("2.67"))


def test_complete_records(catalog):
    got = figure("1.3")
    assert (got.numerator, got.denominator) == (2, 3)  # P4 abolished is not counted
    missing = {i.key: i.reason for i in index.items(index.Scope.of(JANUARY), "1.3")}
    assert missing["1.000003"] == "Thiếu: (e) đối tượng thực hiện"


def test_online_offer_below_the_threshold(catalog):
    got = figure("3.1")
    assert (got.numerator, got.denominator, got.rate) == (2, 3, Decimal("66.67"))
    assert got.points == Decimal("1.67")  # 66.67 % of 2 points over the 80 % threshold


def online_dossier(procedure, commune, department, officer, when):
    dossier = services.submit_online(
        procedure=procedure,
        receiving_agency=commune,
        resolving_agency=department,
        applicant=PERSON,
        documents=[DocumentInput(DOCUMENTS[0], form="electronic")],
    )
    return services.accept(user=officer, dossier=dossier)


def test_online_services_with_dossiers(catalog, commune, department, officer, travel):
    travel(2025, 1, 21, 9)
    online_dossier(catalog["P1"], commune, department, officer, None)
    facts.refresh_all()
    got = figure("3.2")
    assert (got.numerator, got.denominator, got.points) == (1, 2, Decimal("2.00"))


def test_payment_and_digitisation(received, specialist, officer, travel, procedure):
    travel(2025, 1, 22, 10)
    paid_online, paid_cash, unpaid = received(), received(), received()
    for dossier, online in ((paid_online, True), (paid_cash, False)):
        dossier = services.start_processing(user=specialist, dossier=dossier)
        dossier = services.request_payment(user=specialist, dossier=dossier, amount=8000)
        services.confirm_payment(user=specialist, dossier=dossier, online=online)
    facts.refresh_all()
    payment = figure("3.6")
    assert (payment.numerator, payment.denominator, payment.points) == (1, 3, Decimal("2.00"))
    fees = figure("3.5")  # one procedure with fees, paid online once
    assert (fees.numerator, fees.denominator, fees.points) == (1, 1, Decimal("4.00"))
    # The counter dossiers carry no files: none is digitised.
    digitised = figure("4.2")
    assert (digitised.numerator, digitised.denominator) == (0, 3)
    del unpaid


def test_feedback_indicators_agree_with_the_feedback_report(office, travel):
    travel(2025, 1, 6, 10)
    for category in (Category.REGULATION, Category.REGULATION, Category.CONDUCT):
        feedback_services.submit(data=feedback_input(category=category), ip="203.0.113.5")
    travel(2025, 3, 3, 9)  # nobody received them: the 2-day limit passed on 8/1
    by_category = figure("5.1")
    assert (by_category.numerator, by_category.denominator) == (2, 3)
    assert by_category.points is None
    report = feedback_selectors.figures(start=JANUARY.start, end=JANUARY.end, now=JANUARY.high)
    on_time = figure("5.2")
    assert (on_time.numerator, on_time.denominator) == (3 - report.overdue, 3)
    assert on_time.points == Decimal("0.00")
    satisfaction = figure("5.3")
    assert satisfaction.numerator == 0 and report.satisfaction == 0.0


def test_agency_scope_of_procedures(catalog, commune):
    assert figure("1.3", agency=commune).denominator == 0
