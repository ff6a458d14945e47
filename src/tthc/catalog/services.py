"""Every write to the catalog. Keyword-only, validated, one transaction each."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, transaction
from pydantic import ValidationError as PydanticValidationError

from tthc.catalog import search
from tthc.catalog.models import (
    AgencyRole,
    DecisionAction,
    DecisionItem,
    Field,
    Procedure,
    ProcedureAgency,
    ProcedureVersion,
    PublicationDecision,
    Status,
)
from tthc.catalog.schemas import ProcedureData
from tthc.core.errors import ValidationError
from tthc.core.text import fold, normalize_space
from tthc.org.models import Agency


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class SaveResult:
    procedure: Procedure
    outcome: Outcome
    version: ProcedureVersion


def canonical_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_hash(data: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(data).encode()).hexdigest()


def diff_data(old: dict[str, Any], new: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Field-level diff: for each top-level component that changed, its old and new value."""
    changes = {}
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            changes[key] = {"old": old.get(key), "new": new.get(key)}
    return changes


def validate_data(data: dict[str, Any] | ProcedureData) -> dict[str, Any]:
    """The procedure content in its canonical JSON form, or a ValidationError in Vietnamese."""
    if isinstance(data, ProcedureData):
        model = data
    else:
        try:
            model = ProcedureData.model_validate(data)
        except PydanticValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ValidationError(
                f"Nội dung thủ tục không hợp lệ ở mục '{where}': {first['msg']}.",
                field=where,
            ) from exc
    return model.model_dump(mode="json")


def _body_text(data: dict[str, Any]) -> str:
    parts: list[str] = [data.get("field", ""), " ".join(data.get("subjects", []))]
    parts += data.get("steps", [])
    parts += [d["name"] for d in data.get("documents", [])]
    parts += [f"{b['title']} {b['number']}" for b in data.get("legal_bases", [])]
    parts += [f"{r['name']} {r['code']}" for r in data.get("results", [])]
    for key in (
        "requirements",
        "competent_agency",
        "implementing_agency",
        "authorised_agency",
        "coordinating_agency",
        "keywords",
        "description",
    ):
        parts.append(data.get(key, ""))
    return fold(" ".join(p for p in parts if p))


def get_or_create_field(name: str) -> Field | None:
    name = normalize_space(name)
    if not name:
        return None
    field, _ = Field.objects.get_or_create(name_folded=fold(name), defaults={"name": name})
    return field


# Issuers named by the suffix of a decision number ("163/QĐ-BTP").
ISSUERS_BY_SUFFIX = {
    "BTP": "Bộ Tư pháp",
    "BXD": "Bộ Xây dựng",
    "BGTVT": "Bộ Giao thông vận tải",
    "BNNMT": "Bộ Nông nghiệp và Môi trường",
    "BCA": "Bộ Công an",
    "BTC": "Bộ Tài chính",
    "BCT": "Bộ Công Thương",
    "BYT": "Bộ Y tế",
    "BGDĐT": "Bộ Giáo dục và Đào tạo",
    "BNV": "Bộ Nội vụ",
    "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch",
    "BKHCN": "Bộ Khoa học và Công nghệ",
    "BQP": "Bộ Quốc phòng",
    "BNG": "Bộ Ngoại giao",
    "NHNN": "Ngân hàng Nhà nước Việt Nam",
}


def get_or_create_decision(number: str) -> PublicationDecision | None:
    number = normalize_space(number)[:80]
    if not number:
        return None
    suffix = number.rsplit("-", 1)[-1].upper() if "-" in number else ""
    decision, _ = PublicationDecision.objects.get_or_create(
        number=number, defaults={"issuer": ISSUERS_BY_SUFFIX.get(suffix, "")}
    )
    return decision


@dataclass(frozen=True)
class DecisionItemInput:
    code: str
    action: str  # DecisionAction value
    replaces: str = ""  # code of the replaced procedure, for "replaced"
    effective_on: date | None = None


def record_decision(
    *,
    number: str,
    signed_on: date,
    issuer: str,
    effective_on: date,
    title: str = "",
    items: list[DecisionItemInput],
    user=None,
) -> PublicationDecision:
    """Record a publication decision and its items.

    Abolished procedures (and procedures replaced by another) get a new version with status
    "abolished"; amended ones get status "amended". Their content stays readable in every
    version. All items apply or none does.
    """
    number = normalize_space(number)
    if not number:
        raise ValidationError("Thiếu số quyết định công bố.", field="number")
    if effective_on < signed_on:
        raise ValidationError(
            "Ngày hiệu lực không thể trước ngày ban hành quyết định.", field="effective_on"
        )
    if not items:
        raise ValidationError("Quyết định công bố phải có ít nhất một thủ tục.", field="items")
    with transaction.atomic():
        decision, _ = PublicationDecision.objects.update_or_create(
            number=number,
            defaults={
                "signed_on": signed_on,
                "issuer": normalize_space(issuer),
                "effective_on": effective_on,
                "title": normalize_space(title)[:500],
            },
        )
        for item in items:
            if item.action not in DecisionAction.values:
                raise ValidationError(
                    f"Nội dung '{item.action}' không hợp lệ.", field="items.action"
                )
            procedure = Procedure.objects.filter(code=item.code).first()
            if procedure is None:
                raise ValidationError(
                    f"Không có thủ tục mã '{item.code}' trong danh mục.", field="items.code"
                )
            replaces = None
            if item.action == DecisionAction.REPLACED:
                replaces = Procedure.objects.filter(code=item.replaces).first()
                if replaces is None:
                    raise ValidationError(
                        f"Không có thủ tục bị thay thế mã '{item.replaces}'.",
                        field="items.replaces",
                    )
            DecisionItem.objects.get_or_create(
                decision=decision,
                procedure=procedure,
                action=item.action,
                defaults={"replaces": replaces, "effective_on": item.effective_on},
            )
            new_status = {
                DecisionAction.AMENDED: Status.AMENDED,
                DecisionAction.ABOLISHED: Status.ABOLISHED,
            }.get(item.action)
            if new_status:
                _set_status(procedure, new_status, decision=decision, user=user)
            if replaces is not None:
                _set_status(replaces, Status.ABOLISHED, decision=decision, user=user)
    return decision


def _set_status(procedure: Procedure, status: str, *, decision, user) -> None:
    data = dict(procedure.current_version.data, status=status)
    save_procedure(
        code=procedure.code,
        data=data,
        source=procedure.current_version.source,
        decision=decision,
        user=user,
        note=f"Theo Quyết định {decision.number}",
    )


def save_procedure(
    *,
    code: str,
    data: dict[str, Any] | ProcedureData,
    source: dict[str, str] | None = None,
    origin: str = "",
    decision: PublicationDecision | None = None,
    agencies: list[tuple[Agency, str]] | None = None,
    user=None,
    note: str = "",
) -> SaveResult:
    """Store `data` as the procedure's content.

    Creates the procedure (version 1) if the code is new, appends one version if the content
    differs from the current one, and does nothing if it is the same (imports are idempotent).
    `agencies`, when given, replaces the procedure's links to the province's agencies.
    """
    code = normalize_space(code)
    if not code:
        raise ValidationError("Thiếu mã thủ tục.", field="code")
    canonical = validate_data(data)
    digest = content_hash(canonical)
    with transaction.atomic():
        procedure = Procedure.objects.select_for_update().filter(code=code).first()
        current = procedure.current_version if procedure else None
        if current is not None and current.content_hash == digest:
            if agencies is not None:
                _link_agencies(procedure, agencies)
            return SaveResult(procedure, Outcome.UNCHANGED, current)
        if procedure is None:
            try:
                with transaction.atomic():
                    procedure = Procedure.objects.create(code=code, name=canonical["name"])
            except IntegrityError:
                # Another import created it meanwhile: continue as an update of that row.
                procedure = Procedure.objects.select_for_update().get(code=code)
                current = procedure.current_version
            outcome = Outcome.CREATED if current is None else Outcome.UPDATED
        else:
            outcome = Outcome.UPDATED
        version = ProcedureVersion.objects.create(
            procedure=procedure,
            number=(current.number + 1) if current else 1,
            data=canonical,
            source=source or {},
            content_hash=digest,
            diff=diff_data(current.data, canonical) if current else {},
            decision=decision,
            origin=origin[:300],
            note=note[:500],
            created_by=user if (user is not None and user.is_authenticated) else None,
        )
        _apply_current(procedure, version)
        if agencies is not None:
            _link_agencies(procedure, agencies)
        return SaveResult(procedure, outcome, version)


def _apply_current(procedure: Procedure, version: ProcedureVersion) -> None:
    data = version.data
    levels = data.get("levels", [])
    procedure.current_version = version
    procedure.name = data["name"]
    procedure.field = get_or_create_field(data.get("field", ""))
    procedure.levels = levels
    procedure.is_ministry_level = "ministry" in levels
    procedure.is_province_level = "province" in levels
    procedure.is_commune_level = "commune" in levels
    procedure.status = data.get("status", "published")
    procedure.online_level = data.get("online_level", "none")
    procedure.boundary_free = data.get("boundary_free", False)
    procedure.name_folded = fold(data["name"])
    procedure.body_folded = _body_text(data)
    procedure.save()
    search.index_procedure(procedure)


def _link_agencies(procedure: Procedure, agencies: list[tuple[Agency, str]]) -> None:
    wanted = {(agency.pk, role) for agency, role in agencies if role in AgencyRole.values}
    existing = set(procedure.agency_links.values_list("agency_id", "role"))
    stale = existing - wanted
    for agency_id, role in stale:
        procedure.agency_links.filter(agency_id=agency_id, role=role).delete()
    ProcedureAgency.objects.bulk_create(
        [ProcedureAgency(procedure=procedure, agency_id=a, role=r) for a, r in wanted - existing]
    )
