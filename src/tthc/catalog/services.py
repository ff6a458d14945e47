"""Every write to the catalog. Keyword-only, validated, one transaction each."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, transaction
from pydantic import ValidationError as PydanticValidationError

from tthc.catalog import search
from tthc.catalog.models import (
    AgencyRole,
    Field,
    Procedure,
    ProcedureAgency,
    ProcedureVersion,
    PublicationDecision,
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


def get_or_create_decision(number: str) -> PublicationDecision | None:
    number = normalize_space(number)[:80]
    if not number:
        return None
    decision, _ = PublicationDecision.objects.get_or_create(number=number)
    return decision


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
