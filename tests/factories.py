import factory

from tthc.catalog import services
from tthc.core.models import User
from tthc.org.models import AdministrativeUnit, Agency, AgencyKind, Membership, UnitLevel


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"{n:05d}")
    name = factory.Sequence(lambda n: f"Phường {n}")
    kind = "phường"
    level = UnitLevel.COMMUNE


class ProvinceFactory(UnitFactory):
    code = factory.Sequence(lambda n: f"{n:02d}")
    name = "Thành phố Hà Nội"
    kind = "thành phố"
    level = UnitLevel.PROVINCE


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"000.00.{n % 100:02d}.H{n // 100:02d}")
    name = factory.Sequence(lambda n: f"Cơ quan {n}")
    kind = AgencyKind.DEPARTMENT
    unit = factory.SubFactory(ProvinceFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Sequence(lambda n: f"Cán bộ {n}")
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-dai-12")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = "specialist"


def procedure_data(**overrides):
    data = {
        "name": "Thủ tục đăng ký khai sinh",
        "levels": ["commune"],
        "field": "Hộ tịch",
        "subjects": ["Công dân Việt Nam"],
        "steps": ["Nộp hồ sơ", "Tiếp nhận và giải quyết"],
        "channels": [
            {
                "channel": "in_person",
                "processing_time": {
                    "amount": "1",
                    "unit": "working_days",
                    "text": "1 Ngày làm việc",
                },
                "fees": [{"amount_vnd": 0, "text": "Miễn lệ phí"}],
                "description": "",
            }
        ],
        "documents": [
            {
                "name": "Tờ khai đăng ký khai sinh",
                "group": "Giấy tờ phải nộp",
                "form": "",
                "originals": 1,
                "copies": 0,
            }
        ],
        "legal_bases": [{"title": "Luật Hộ tịch", "number": "60/2014/QH13"}],
        "results": [{"name": "Giấy khai sinh", "code": "KQ.G15.000001"}],
        "implementing_agency": "Ủy ban nhân dân cấp xã",
    }
    data.update(overrides)
    return data


def make_procedure(code="1.001193", **overrides):
    return services.save_procedure(code=code, data=procedure_data(**overrides)).procedure
