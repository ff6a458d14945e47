import json

import pytest

from tthc.core.errors import ValidationError
from tthc.demo.services import ORG_FILE
from tthc.org.models import AdministrativeUnit, Agency, ReceptionPoint, UnitLevel
from tthc.org.services import load_province

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_file():
    return json.loads(ORG_FILE.read_text(encoding="utf-8"))


def test_demo_province_after_the_2025_reorganisation(province_file):
    counts = load_province(data=province_file)
    assert counts["communes"] >= 5
    current_communes = AdministrativeUnit.objects.filter(
        level=UnitLevel.COMMUNE, valid_to__isnull=True
    )
    assert current_communes.count() == counts["communes"]
    assert not AdministrativeUnit.objects.filter(
        level=UnitLevel.DISTRICT, valid_to__isnull=True
    ).exists(), "no district level after 1 July 2025"
    hoan_kiem = AdministrativeUnit.objects.get(name="Phường Hoàn Kiếm", valid_to__isnull=True)
    hang_bac = AdministrativeUnit.objects.get(name="Phường Hàng Bạc")
    assert hoan_kiem in hang_bac.successors.all()
    assert hang_bac.valid_to.isoformat() == "2025-07-01"
    assert hang_bac.parent.name == "Quận Hoàn Kiếm", "old units keep their old district"


def test_agencies_have_a_service_centre_departments_and_commune_committees(province_file):
    load_province(data=province_file)
    province_agencies = Agency.objects.filter(unit__level=UnitLevel.PROVINCE)
    assert province_agencies.filter(kind="service_centre").count() == 1
    assert province_agencies.filter(kind="department").count() >= 10
    justice = Agency.objects.get(short_name="Sở Tư pháp")
    assert justice.parent.kind == "peoples_committee"
    assert (
        Agency.objects.filter(unit__level=UnitLevel.COMMUNE, kind="peoples_committee").count() >= 5
    )
    assert ReceptionPoint.objects.count() >= 5


def test_loading_twice_changes_nothing(province_file):
    load_province(data=province_file)
    before = (
        AdministrativeUnit.objects.count(),
        Agency.objects.count(),
        ReceptionPoint.objects.count(),
    )
    load_province(data=province_file)
    after = (
        AdministrativeUnit.objects.count(),
        Agency.objects.count(),
        ReceptionPoint.objects.count(),
    )
    assert before == after


def test_a_file_missing_its_sections_is_refused_in_vietnamese():
    with pytest.raises(ValidationError, match="thiếu mục"):
        load_province(data={"province": {"code": "01", "name": "X"}})
