from django.conf import settings

from tthc.core import revisions
from tthc.org.directory import REVISION
from tthc.org.models import AdministrativeUnit, UnitLevel


def site(request):
    return {"province_name": province_name()}


def _current_province_name() -> str:
    unit = (
        AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=True)
        .order_by("-valid_from")
        .first()
    )
    return unit.name if unit else ""


# Kept by each process until the organisation changes (revision "org", which administrative
# units raise too): every page shows it, and it changes once in years.
_PROVINCE_NAME = revisions.Derived(REVISION, _current_province_name)


def province_name() -> str:
    """The province this installation serves: the setting, else the current province unit."""
    if settings.TTHC_PROVINCE_NAME:
        return settings.TTHC_PROVINCE_NAME
    return _PROVINCE_NAME.get()
