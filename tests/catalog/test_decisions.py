import re
from datetime import date

import pytest

from tests.factories import make_procedure
from tthc.catalog import services
from tthc.catalog.models import DecisionItem, Procedure
from tthc.catalog.services import DecisionItemInput, record_decision
from tthc.core.errors import ValidationError

pytestmark = pytest.mark.django_db


def decide(**overrides):
    arguments = {
        "number": "1234/QĐ-UBND",
        "signed_on": date(2025, 8, 1),
        "issuer": "Chủ tịch Ủy ban nhân dân Thành phố Hà Nội",
        "effective_on": date(2025, 8, 15),
        "items": [],
    }
    arguments.update(overrides)
    return record_decision(**arguments)


def test_abolishing_keeps_the_procedure_readable_with_its_history():
    make_procedure("1.001193")
    decision = decide(items=[DecisionItemInput("1.001193", "abolished")])
    procedure = Procedure.objects.get(code="1.001193")
    assert procedure.status == "abolished"
    assert procedure.current_version.number == 2
    assert procedure.current_version.decision == decision
    assert procedure.current_version.data["channels"], "content is kept"
    assert procedure.versions.get(number=1).data["status"] == "published"


def test_replacement_abolishes_the_old_procedure():
    make_procedure("1.000001", name="Thủ tục cũ")
    make_procedure("1.000002", name="Thủ tục mới")
    decide(items=[DecisionItemInput("1.000002", "replaced", replaces="1.000001")])
    assert Procedure.objects.get(code="1.000001").status == "abolished"
    assert Procedure.objects.get(code="1.000002").status == "published"
    item = DecisionItem.objects.get()
    assert item.replaces.code == "1.000001"


def test_an_unknown_code_rolls_back_the_whole_decision():
    make_procedure("1.001193")
    with pytest.raises(ValidationError, match=re.escape("Không có thủ tục mã '9.999999'")):
        decide(
            items=[
                DecisionItemInput("1.001193", "abolished"),
                DecisionItemInput("9.999999", "amended"),
            ]
        )
    assert Procedure.objects.get(code="1.001193").status == "published"
    assert not DecisionItem.objects.exists()


def test_effective_before_signature_is_refused():
    with pytest.raises(ValidationError, match="Ngày hiệu lực"):
        decide(effective_on=date(2025, 7, 1), items=[DecisionItemInput("x", "new")])


def test_issuer_is_read_from_a_ministry_decision_number():
    assert services.get_or_create_decision(number="163/QĐ-BTP").issuer == "Bộ Tư pháp"
    assert services.get_or_create_decision(number="1/QĐ-UBND").issuer == ""
