"""Writes to the organisation model."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from tthc.core.errors import ValidationError
from tthc.org.models import AdministrativeUnit, Agency, ReceptionPoint, UnitLevel

REORGANISATION_DATE = date(2025, 7, 1)  # Resolution 202/2025/QH15: no district level from here


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _short_name(name: str, province_name: str) -> str:
    """ "Sở Tư pháp Thành phố Hà Nội" → "Sở Tư pháp" (how national records name agencies)."""
    suffix = f" {province_name}"
    return name[: -len(suffix)] if name.endswith(suffix) else name


@transaction.atomic
def load_province(*, data: dict[str, Any]) -> dict[str, int]:
    """Create or update a province's units and agencies from a province file
    (see src/tthc/org/data/README.md). Idempotent: running it again changes nothing."""
    try:
        province_data = data["province"]
        communes = data["communes"]
        agencies = data["agencies"]
    except (KeyError, TypeError) as exc:
        raise ValidationError(f"Tệp dữ liệu tỉnh thiếu mục {exc}.") from exc

    province, _ = AdministrativeUnit.objects.update_or_create(
        code=province_data["code"],
        valid_from=_date(province_data.get("valid_from")),
        defaults={
            "name": province_data["name"],
            "kind": province_data.get("kind", "tỉnh"),
            "level": UnitLevel.PROVINCE,
            "legal_basis": province_data.get("legal_basis", "")[:200],
        },
    )
    units = {province.code: province}
    districts: dict[str, AdministrativeUnit] = {}
    old_units = 0
    for commune in communes:
        unit, _ = AdministrativeUnit.objects.update_or_create(
            code=commune["code"],
            valid_from=_date(commune.get("valid_from")),
            defaults={
                "name": commune["name"],
                "kind": commune.get("kind", "xã"),
                "level": UnitLevel.COMMUNE,
                "parent": province,
                "legal_basis": commune.get("legal_basis", "")[:200],
            },
        )
        units[unit.code] = unit
        for old in commune.get("predecessors", []):
            district = None
            if old.get("district"):
                code = old["district"]["code"]
                if code not in districts:
                    districts[code], _ = AdministrativeUnit.objects.update_or_create(
                        code=code,
                        valid_from=None,
                        defaults={
                            "name": old["district"]["name"],
                            "kind": old["district"]["name"].split(" ")[0].lower(),
                            "level": UnitLevel.DISTRICT,
                            "parent": province,
                            "valid_to": REORGANISATION_DATE,
                        },
                    )
                district = districts[code]
            previous, _ = AdministrativeUnit.objects.update_or_create(
                code=old["code"],
                valid_from=None,
                defaults={
                    "name": old["name"],
                    "kind": old.get("kind", "xã"),
                    "level": UnitLevel.COMMUNE,
                    "parent": district or province,
                    "valid_to": REORGANISATION_DATE,
                },
            )
            previous.successors.add(unit)
            old_units += 1

    by_code: dict[str, Agency] = {}
    points = 0
    for item in agencies:  # parents come before children in the file
        unit = units.get(item["unit"])
        if unit is None:
            raise ValidationError(f"Cơ quan {item['code']} nêu địa bàn '{item['unit']}' không có.")
        constructed = item.get("code_source") == "constructed"
        agency, _ = Agency.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "short_name": _short_name(item["name"], province.name)[:100],
                "kind": item["kind"],
                "parent": by_code.get(item.get("parent") or ""),
                "unit": unit,
                "address": item.get("address", ""),
                "phone": item.get("phone", ""),
                "email": item.get("email", ""),
                "website": item.get("website", ""),
                "note": "Mã định danh tạm, chưa đối chiếu với quyết định của tỉnh."
                if constructed
                else "",
            },
        )
        by_code[agency.code] = agency
        for point in item.get("reception_points", []):
            ReceptionPoint.objects.update_or_create(
                agency=agency,
                name=point["name"],
                defaults={
                    "address": point.get("address", "") or agency.address,
                    "phone": point.get("phone", ""),
                    "opening_hours": point.get("opening_hours", ""),
                },
            )
            points += 1
    return {
        "communes": len(communes),
        "old_units": old_units,
        "districts": len(districts),
        "agencies": len(by_code),
        "reception_points": points,
    }
