"""The demo province: real units and agencies of Thành phố Hà Nội after 1 July 2025, real
procedures from the national portal, and one account per role."""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from tthc.catalog.imports import ImportReport, import_procedures
from tthc.org.models import Agency, AgencyKind, Membership, Role, UnitLevel
from tthc.org.services import load_province

ORG_FILE = Path(__file__).resolve().parent.parent / "org" / "data" / "demo_province.json"
PROCEDURES_DIR = Path(__file__).resolve().parent.parent / "catalog" / "data" / "demo"

# username, full name, role, which agency (a callable picking it from the province's agencies)
ACCOUNTS = [
    ("quantri", "Quản trị hệ thống", Role.ADMINISTRATOR, "office"),
    ("kiemsoat", "Nguyễn Thị Kiểm Soát", Role.CONTROL_OFFICER, "office"),
    ("tiepnhan", "Trần Văn Tiếp Nhận", Role.RECEPTION_OFFICER, "service_centre"),
    ("chuyenvien", "Lê Thị Chuyên Viên", Role.SPECIALIST, "justice"),
    ("lanhdao", "Phạm Văn Lãnh Đạo", Role.AGENCY_LEADER, "justice"),
    ("bientap", "Hoàng Thị Biên Tập", Role.EDITOR, "office"),
    # A second editor: an article goes live only when another editor approves it.
    ("duyettin", "Vũ Văn Duyệt Tin", Role.EDITOR, "office"),
    ("xa.tiepnhan", "Đỗ Văn Một Cửa", Role.RECEPTION_OFFICER, "commune_centre"),
]


def _agency_for(key: str) -> Agency:
    province_agencies = Agency.objects.filter(unit__level=UnitLevel.PROVINCE)
    if key == "office":
        return province_agencies.get(kind=AgencyKind.OFFICE)
    if key == "service_centre":
        return province_agencies.get(kind=AgencyKind.SERVICE_CENTRE)
    if key == "justice":
        return province_agencies.get(short_name="Sở Tư pháp")
    return (
        Agency.objects.filter(unit__level=UnitLevel.COMMUNE, kind=AgencyKind.SERVICE_CENTRE)
        .order_by("code")
        .first()
    )


@transaction.atomic
def create_accounts(password: str) -> list[tuple[str, str, str]]:
    user_model = get_user_model()
    created = []
    for username, full_name, role, where in ACCOUNTS:
        agency = _agency_for(where)
        user, is_new = user_model.objects.get_or_create(
            username=username, defaults={"full_name": full_name}
        )
        if is_new:
            user.set_password(password)
            user.is_superuser = user.is_staff = role == Role.ADMINISTRATOR
            user.save()
        Membership.objects.get_or_create(user=user, agency=agency, role=role)
        created.append((username, role.label, agency.name))
    return created


def build_demo(*, password: str | None = None) -> tuple[dict, list, ImportReport]:
    password = password or os.environ.get("TTHC_DEMO_PASSWORD", "demo-tthc-2025")
    org_counts = load_province(json.loads(ORG_FILE.read_text(encoding="utf-8")))
    accounts = create_accounts(password)
    report = import_procedures([PROCEDURES_DIR])
    return org_counts, accounts, report
