"""A data set touching every available indicator of the index 766, for the API and staff page
tests: the dossiers A–K of tests/metrics/test_index.py (across Tết 2025, February's figures),
plus a publication decision, procedures offered online and feedback in February."""

from datetime import date

import pytest

from tests.feedback.conftest import feedback_input
from tests.metrics.test_index import book  # noqa: F401  (fixture)
from tthc.catalog.models import AgencyRole, DecisionAction, ProcedureAgency
from tthc.catalog.services import DecisionItemInput, record_decision
from tthc.feedback import services as feedback_services
from tthc.feedback.models import Category
from tthc.metrics import index

FEBRUARY = index.Period(date(2025, 2, 1), date(2025, 2, 28))
FROM, TO = "2025-02-01", "2025-02-28"


@pytest.fixture
def world(book, procedure, department, travel):  # noqa: F811
    """`book`, and: the procedure offered fully online and linked to the department, decided
    on 3/2 (effective 20/2), put on the catalog the same day; three feedback items about the
    department on 10/2 (one about B, one about late C, one not about regulation)."""
    procedure.online_level = "full"
    procedure.save(update_fields=["online_level"])
    ProcedureAgency.objects.get_or_create(
        procedure=procedure, agency=department, defaults={"role": AgencyRole.IMPLEMENTING}
    )
    travel(2025, 2, 3, 9)
    record_decision(
        number="7/QĐ-UBND",
        signed_on=date(2025, 2, 3),
        effective_on=date(2025, 2, 20),
        issuer="UBND thành phố",
        items=[DecisionItemInput(procedure.code, DecisionAction.AMENDED)],
    )
    travel(2025, 2, 10, 9)
    for dossier_code, category in (
        (book["B"].code, Category.REGULATION),
        (book["C"].code, Category.REGULATION),
        ("", Category.CONDUCT),
    ):
        feedback_services.submit(
            data=feedback_input(agency=department, dossier_code=dossier_code, category=category),
            ip="203.0.113.5",
        )
    travel(2025, 3, 3, 9)
    return book
