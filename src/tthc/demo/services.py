"""The demo province: real units and agencies of Thành phố Hà Nội after 1 July 2025, real
procedures from the national portal, and one account per role."""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from tthc.catalog.imports import ImportReport, import_procedures
from tthc.catalog.models import Procedure
from tthc.core.text import fold
from tthc.dossiers import routing
from tthc.dossiers.models import ProcessStep
from tthc.dossiers.processes import StepInput, save_process
from tthc.org.models import Agency, AgencyKind, Membership, ReceptionPoint, Role, UnitLevel
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
    # Phường Hoàn Kiếm resolves commune-level procedures: a civil-status officer and the
    # ward's leader; the ward police is consulted in inter-agency (liên thông) civil status.
    ("xa.chuyenvien", "Ngô Thị Hộ Tịch", Role.SPECIALIST, "commune_committee"),
    ("xa.lanhdao", "Bùi Văn Chủ Tịch", Role.AGENCY_LEADER, "commune_committee"),
    ("congan.chuyenvien", "Lý Văn Cư Trú", Role.SPECIALIST, "commune_police"),
]


def _agency_for(key: str) -> Agency:
    province_agencies = Agency.objects.filter(unit__level=UnitLevel.PROVINCE)
    if key == "office":
        return province_agencies.get(kind=AgencyKind.OFFICE)
    if key == "service_centre":
        return province_agencies.get(kind=AgencyKind.SERVICE_CENTRE)
    if key == "justice":
        return province_agencies.get(short_name="Sở Tư pháp")
    centre = (
        Agency.objects.filter(unit__level=UnitLevel.COMMUNE, kind=AgencyKind.SERVICE_CENTRE)
        .select_related("parent")
        .order_by("code")
        .first()
    )
    if key == "commune_centre":
        return centre
    if key == "commune_committee":
        return centre.parent
    if key == "commune_police":
        return Agency.objects.get(unit=centre.unit, kind=AgencyKind.CENTRAL)
    raise ValueError(key)


def desk_username(*, point: ReceptionPoint) -> str:
    """`tiepnhan.<place>` for a desk's officer: “tiepnhan.cuanam”, “tiepnhan.chinhanh2”."""
    name = fold(
        point.agency.unit.name if point.agency.unit.level == UnitLevel.COMMUNE else point.name
    )
    for word in ("phuong ", "xa ", "chi nhanh so ", "trung tam phuc vu hanh chinh cong "):
        name = name.replace(word, "chinhanh" if word == "chi nhanh so " else "")
    return "tiepnhan." + "".join(ch for ch in name if ch.isalnum())[:30]


@transaction.atomic
def create_accounts(*, password: str) -> list[tuple[str, str, str]]:
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
    created.extend(_desk_officers(password))
    return created


def _desk_officers(password: str) -> list[tuple[str, str, str]]:
    """A reception officer (`tiepnhan.<place>`) for every desk that no account above serves:
    no dossier of the demo waits at a desk without staff."""
    user_model = get_user_model()
    staffed = routing.staffed_agency_ids()
    created, agencies = [], set()
    points = ReceptionPoint.objects.filter(is_active=True).select_related("agency__unit")
    for point in points.order_by("agency__code", "name"):
        username = desk_username(point=point)
        if point.agency_id in agencies:
            continue
        if point.agency_id in staffed and not user_model.objects.filter(username=username).exists():
            continue  # served by one of the accounts above
        user, is_new = user_model.objects.get_or_create(
            username=username, defaults={"full_name": f"Công chức tiếp nhận {point.name}"}
        )
        if is_new:
            user.set_password(password)
            user.save()
        Membership.objects.get_or_create(
            user=user, agency=point.agency, role=Role.RECEPTION_OFFICER
        )
        agencies.add(point.agency_id)
        created.append((username, Role.RECEPTION_OFFICER.label, point.agency.name))
    return created


def build_demo(*, password: str | None = None) -> tuple[dict, list, ImportReport]:
    password = password or os.environ.get("TTHC_DEMO_PASSWORD", "demo-tthc-2025")
    org_counts = load_province(data=json.loads(ORG_FILE.read_text(encoding="utf-8")))
    accounts = create_accounts(password=password)
    report = import_procedures(paths=[PROCEDURES_DIR])
    define_processes()
    return org_counts, accounts, report


# The demo's journeys (docs/dossiers.md): a commune-level procedure, a province-level one
# resolved by Sở Tư pháp, and an inter-agency one where the ward police is consulted. Each
# ends with the leader approving the result.
APPROVAL = ("Phê duyệt, ký kết quả", Role.AGENCY_LEADER, 30)
PROCESSES = {
    "1.001193": [("Thẩm định hồ sơ", Role.SPECIALIST, 70), APPROVAL],
    "1.000426": [("Thẩm định hồ sơ", Role.SPECIALIST, 70), APPROVAL],
    "2.000528": [
        ("Thẩm định hồ sơ đăng ký khai sinh", Role.SPECIALIST, 40),
        ("Xác minh thông tin cư trú (liên thông)", Role.SPECIALIST, 30, "commune_police"),
        APPROVAL,
    ],
}


def define_processes() -> None:
    """Internal processes of the journeys' procedures (kept if an officer already set one)."""
    editor = get_user_model().objects.get(username="kiemsoat")
    ward = _agency_for("commune_committee")
    for code, steps in PROCESSES.items():
        procedure = Procedure.objects.filter(code=code).first()
        if procedure is None or ProcessStep.objects.filter(procedure=procedure).exists():
            continue
        inputs = [
            StepInput(
                name=name,
                role=role,
                share_percent=share,
                responsible_agency=_agency_for(where[0]) if where else None,
            )
            for name, role, share, *where in steps
        ]
        # A step at another agency names that agency: the definition is the ward's own.
        agency = ward if any(i.responsible_agency for i in inputs) else None
        save_process(user=editor, procedure=procedure, agency=agency, steps=inputs)
