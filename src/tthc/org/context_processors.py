from django.conf import settings
from django.core.cache import cache

from tthc.org.models import AdministrativeUnit, UnitLevel


def site(request):
    return {"province_name": province_name()}


def province_name() -> str:
    """The province this installation serves: the setting, else the current province unit."""
    if settings.TTHC_PROVINCE_NAME:
        return settings.TTHC_PROVINCE_NAME
    name = cache.get("tthc:province-name")
    if name is None:
        unit = (
            AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=True)
            .order_by("-valid_from")
            .first()
        )
        name = unit.name if unit else ""
        cache.set("tthc:province-name", name, 300)
    return name
