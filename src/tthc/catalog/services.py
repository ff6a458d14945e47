"""Every write to the catalog. Keyword-only, validated, one transaction each.

Version diffs live in `tthc.catalog.diffs`, imports started from the screens in
`tthc.catalog.import_jobs`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError as PydanticValidationError

from tthc.catalog import search
from tthc.catalog.completeness import MANDATORY, missing_components
from tthc.catalog.diffs import content_hash, diff_data
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
from tthc.core.errors import Conflict, NotFound, ValidationError
from tthc.core.models import User
from tthc.core.text import fold, normalize_space
from tthc.org.models import Agency
from tthc.org.policy import Action, require


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class SaveResult:
    procedure: Procedure
    outcome: Outcome
    version: ProcedureVersion


def _validate_data(data: dict[str, Any] | ProcedureData) -> dict[str, Any]:
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
                _("Nội dung thủ tục không hợp lệ ở mục '%(where)s': %(problem)s.")
                % {"where": where, "problem": first["msg"]},
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


def _field_named(name: str) -> Field | None:
    name = normalize_space(name)
    if not name:
        return None
    field, _created = Field.objects.get_or_create(name_folded=fold(name), defaults={"name": name})
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


def get_or_create_decision(*, number: str) -> PublicationDecision | None:
    number = normalize_space(number)[:80]
    if not number:
        return None
    suffix = number.rsplit("-", 1)[-1].upper() if "-" in number else ""
    decision, _created = PublicationDecision.objects.get_or_create(
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
    user: User | None = None,
) -> PublicationDecision:
    """Record a publication decision and its items.

    Abolished procedures (and procedures replaced by another) get a new version with status
    "abolished"; amended ones get status "amended". Their content stays readable in every
    version. All items apply or none does.
    """
    number = normalize_space(number)
    if not number:
        raise ValidationError(_("Thiếu số quyết định công bố."), field="number")
    if effective_on < signed_on:
        raise ValidationError(
            _("Ngày hiệu lực không thể trước ngày ban hành quyết định."), field="effective_on"
        )
    if not items:
        raise ValidationError(_("Quyết định công bố phải có ít nhất một thủ tục."), field="items")
    with transaction.atomic():
        decision, _created = PublicationDecision.objects.update_or_create(
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
                    _("Nội dung '%(action)s' không hợp lệ.") % {"action": item.action},
                    field="items.action",
                )
            procedure = Procedure.objects.filter(code=item.code).first()
            if procedure is None:
                raise ValidationError(
                    _("Không có thủ tục mã '%(code)s' trong danh mục.") % {"code": item.code},
                    field="items.code",
                )
            replaces = None
            if item.action == DecisionAction.REPLACED:
                replaces = Procedure.objects.filter(code=item.replaces).first()
                if replaces is None:
                    raise ValidationError(
                        _("Không có thủ tục bị thay thế mã '%(code)s'.") % {"code": item.replaces},
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
            when = item.effective_on or effective_on
            if new_status:
                _set_status(procedure, new_status, decision=decision, user=user, when=when)
            if replaces is not None:
                _set_status(replaces, Status.ABOLISHED, decision=decision, user=user, when=when)
    return decision


def _set_status(procedure: Procedure, status: str, *, decision, user, when=None) -> None:
    latest = _latest_version(procedure)
    data = dict(latest.data, status=status)
    save_procedure(
        code=procedure.code,
        data=data,
        source=latest.source,
        decision=decision,
        user=user,
        note=f"Theo Quyết định {decision.number}",
        effective_from=when,
    )


def save_procedure(
    *,
    code: str,
    data: dict[str, Any] | ProcedureData,
    source: dict[str, str] | None = None,
    origin: str = "",
    decision: PublicationDecision | None = None,
    agencies: list[tuple[Agency, str]] | None = None,
    user: User | None = None,
    note: str = "",
    effective_from: date | None = None,
) -> SaveResult:
    """Store `data` as the procedure's content.

    Creates the procedure (version 1) if the code is new, appends one version if the content
    differs from the latest one, and does nothing if it is the same (imports are idempotent).
    `agencies`, when given, replaces the procedure's links to the province's agencies.

    A version whose effective date (`effective_from`, else the decision's `effective_on`) is
    after today is stored but not made current: it is *scheduled*, and `apply_due_versions`
    makes it current on that date. The public pages show the current version until then.
    A new procedure's first version is always current (there is nothing older to show).
    """
    code = normalize_space(code)
    if not code:
        raise ValidationError(_("Thiếu mã thủ tục."), field="code")
    canonical = _validate_data(data)
    digest = content_hash(canonical)
    if effective_from is None and decision is not None:
        effective_from = decision.effective_on
    scheduled = effective_from is not None and effective_from > timezone.localdate()
    with transaction.atomic():
        procedure = Procedure.objects.select_for_update().filter(code=code).first()
        current = _latest_version(procedure) if procedure else None
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
            effective_from=effective_from if (scheduled and current is not None) else None,
            created_by=user if (user is not None and user.is_authenticated) else None,
        )
        if not scheduled or current is None:
            _apply_current(procedure, version)
        if agencies is not None:
            _link_agencies(procedure, agencies)
        return SaveResult(procedure, outcome, version)


def _latest_version(procedure: Procedure) -> ProcedureVersion | None:
    """The highest-numbered version, scheduled or not: new versions follow it."""
    return procedure.versions.order_by("-number").first()


def _due_versions(today: date) -> QuerySet[ProcedureVersion]:
    """Scheduled versions whose date has come and that are newer than their procedure's
    current version."""
    return ProcedureVersion.objects.filter(
        effective_from__isnull=False,
        effective_from__lte=today,
        number__gt=F("procedure__current_version__number"),
    )


def apply_due_versions(*, today: date | None = None) -> list[ProcedureVersion]:
    """Make current every scheduled version whose effective date is on or before `today`
    (the newest due one per procedure), updating the list columns and the search index.

    One transaction; the procedures are locked (`select_for_update(skip_locked=True)`) and each
    one checked again under its lock, so runs at the same time (the clock's task
    `apply_due_versions_task` every few minutes and the command `tthc apply-scheduled-versions`)
    apply each version once. Cheap when nothing is due: one query.
    """
    today = today or timezone.localdate()
    applied = []
    with transaction.atomic():
        procedures = (
            Procedure.objects.select_for_update(skip_locked=True)
            .filter(pk__in=_due_versions(today).values("procedure_id"))
            .order_by("pk")
        )
        for procedure in procedures:
            version = _due_versions(today).filter(procedure=procedure).order_by("-number").first()
            if version is None:  # applied by another run between the query and the lock
                continue
            _apply_current(procedure, version)
            applied.append(version)
    return applied


def _apply_current(procedure: Procedure, version: ProcedureVersion) -> None:
    data = version.data
    levels = data.get("levels", [])
    procedure.current_version = version
    procedure.name = data["name"]
    procedure.field = _field_named(data.get("field", ""))
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
    if wanted - existing:
        ProcedureAgency.objects.bulk_create(
            [
                ProcedureAgency(procedure=procedure, agency_id=a, role=r)
                for a, r in wanted - existing
            ]
        )
        search.mark_changed()  # bulk_create sends no signal; the agency filter of searches


# --- Catalog management (procedure-control office) ------------------------------------------

CODE_PATTERN = re.compile(r"^\d\.\d{6}(\.[\w.]+)?$")


class MissingComponents(ValidationError):
    """A record without one of the mandatory components (a)–(g); `missing` lists their keys
    (`tthc.catalog.completeness.MANDATORY`)."""

    def __init__(self, missing: list[str]):
        labels = [MANDATORY[key] for key in missing]
        super().__init__(
            _("Chưa lưu được: thủ tục thiếu thành phần bắt buộc %(components)s.")
            % {"components": ", ".join(str(label) for label in labels)},
            field=missing[0],
            code="incomplete",
        )
        self.missing = missing


def edit_procedure(
    *,
    user: User,
    code: str,
    data: dict[str, Any] | ProcedureData,
    agencies: list[tuple[Agency, str]] | None = None,
    decision: PublicationDecision | None = None,
    note: str = "",
    create: bool = False,
) -> SaveResult:
    """Create (`create=True`) or edit a procedure from the management screens.

    Refuses a record missing a mandatory component (Decree 63/2010 art. 8.2 (a)–(g)) with a
    message naming each one, a new code that is malformed or taken, and any change to an
    abolished procedure (it stays readable, never edited).
    """
    require(user, Action.CATALOG_EDIT)
    code = normalize_space(code)
    canonical = _validate_data(data)
    has_link = bool(agencies) if agencies is not None else False
    if not create and agencies is None:
        has_link = ProcedureAgency.objects.filter(procedure__code=code).exists()
    keys_by_label = {label: key for key, label in MANDATORY.items()}
    missing = [
        keys_by_label[label] for label in missing_components(canonical, has_linked_agency=has_link)
    ]
    if missing:
        raise MissingComponents(missing)
    existing = Procedure.objects.filter(code=code).first()
    if create:
        if not CODE_PATTERN.match(code):
            raise ValidationError(
                _("Mã thủ tục gồm một chữ số, dấu chấm và sáu chữ số, ví dụ 1.001193."),
                field="code",
            )
        if existing is not None:
            raise Conflict(
                _("Đã có thủ tục mã %(code)s trong danh mục.") % {"code": code}, field="code"
            )
    else:
        if existing is None:
            raise NotFound(_("Không có thủ tục mã '%(code)s' trong danh mục.") % {"code": code})
        if existing.status == Status.ABOLISHED:
            raise ValidationError(
                _("Thủ tục đã bãi bỏ: chỉ xem được nội dung và lịch sử, không sửa được."),
                code="abolished",
            )
        # The status is set by publication decisions, never by editing the content.
        canonical["status"] = _latest_version(existing).data.get("status", existing.status)
    return save_procedure(
        code=code,
        data=canonical,
        source=_latest_version(existing).source if existing else {},
        origin="Quản lý danh mục",
        decision=decision,
        agencies=agencies,
        user=user,
        note=note or ("Tạo mới" if create else "Sửa nội dung"),
    )


def abolish_procedure(
    *, user: User, code: str, number: str, signed_on: date, issuer: str, effective_on: date
) -> PublicationDecision:
    """Abolish a procedure by the decision that abolishes it (the content stays readable)."""
    require(user, Action.CATALOG_PUBLISH)
    procedure = Procedure.objects.filter(code=code).first()
    if procedure is None:
        raise NotFound(_("Không có thủ tục mã '%(code)s' trong danh mục.") % {"code": code})
    if procedure.status == Status.ABOLISHED:
        raise ValidationError(_("Thủ tục này đã bãi bỏ."), code="abolished")
    return record_decision(
        number=number,
        signed_on=signed_on,
        issuer=issuer,
        effective_on=effective_on,
        items=[DecisionItemInput(code, DecisionAction.ABOLISHED)],
        user=user,
    )


def publish_decision(
    *,
    user: User,
    number: str,
    signed_on: date,
    issuer: str,
    effective_on: date,
    title: str = "",
    items: list[DecisionItemInput],
) -> PublicationDecision:
    """`record_decision` for the management screens: only the control officer may."""
    require(user, Action.CATALOG_PUBLISH)
    return record_decision(
        number=number,
        signed_on=signed_on,
        issuer=issuer,
        effective_on=effective_on,
        title=title,
        items=items,
        user=user,
    )
