import pytest

from tests.factories import make_procedure, procedure_data
from tthc.catalog import services
from tthc.catalog.models import Procedure, ProcedureVersion
from tthc.core.errors import ValidationError

pytestmark = pytest.mark.django_db


def test_first_save_creates_version_one_with_denormalised_columns():
    result = services.save_procedure(code="1.001193", data=procedure_data())
    procedure = result.procedure
    assert result.outcome == "created"
    assert result.version.number == 1
    assert procedure.current_version == result.version
    assert procedure.name == "Thủ tục đăng ký khai sinh"
    assert procedure.field.name == "Hộ tịch"
    assert procedure.is_commune_level and not procedure.is_province_level
    assert procedure.name_folded == "thu tuc dang ky khai sinh"


def test_same_content_twice_creates_no_version():
    make_procedure()
    again = services.save_procedure(code="1.001193", data=procedure_data())
    assert again.outcome == "unchanged"
    assert ProcedureVersion.objects.count() == 1


def test_a_change_appends_one_version_with_a_field_level_diff(django_user_model):
    make_procedure()
    officer = django_user_model.objects.create(username="kiemsoat")
    changed = procedure_data(requirements="Có mặt người yêu cầu")
    result = services.save_procedure(
        code="1.001193", data=changed, user=officer, note="Sửa theo QĐ 10/QĐ-UBND"
    )
    assert result.outcome == "updated"
    assert result.version.number == 2
    assert result.version.diff == {"requirements": {"old": "", "new": "Có mặt người yêu cầu"}}
    assert result.version.created_by == officer
    first = ProcedureVersion.objects.get(number=1)
    assert first.data["requirements"] == "", "the old version keeps its content"
    assert Procedure.objects.get().current_version.number == 2


def test_invalid_content_is_refused_in_vietnamese_and_stores_nothing():
    with pytest.raises(ValidationError) as error:
        services.save_procedure(code="1.000001", data=procedure_data(channels=[{"channel": "fax"}]))
    assert "channels" in error.value.field
    assert "không hợp lệ" in error.value.message
    assert not Procedure.objects.exists()


def test_missing_code_is_refused():
    with pytest.raises(ValidationError, match="Thiếu mã thủ tục"):
        services.save_procedure(code="  ", data=procedure_data())


def test_hostile_strings_are_stored_as_text():
    hostile = "<script>alert(1)</script>'; DROP TABLE catalog_procedure; --"
    procedure = make_procedure(name=hostile)
    assert Procedure.objects.get(pk=procedure.pk).name == hostile
