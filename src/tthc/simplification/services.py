"""Every write of the simplification app: keyword-only, validated, one transaction, with events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from tthc.catalog import services as catalog_services
from tthc.catalog.models import Procedure
from tthc.core.errors import Conflict, NotFound, ValidationError
from tthc.org.models import Agency
from tthc.org.policy import Action, require

from . import calculator, defaults
from . import changes as change_rules
from .models import (
    ComplianceCost,
    CostChannel,
    ProposalEvent,
    ProposalItem,
    ProposalSource,
    ProposalStatus,
    SimplificationProposal,
    SourceKind,
)
from .transitions import TRANSITIONS, Move


def _user(user):
    return user if user is not None and user.is_authenticated else None


def _procedure(code: str) -> Procedure:
    procedure = (
        Procedure.objects.select_related("current_version")
        .filter(code=(code or "").strip())
        .first()
    )
    if procedure is None or procedure.current_version is None:
        raise NotFound(f"Không có thủ tục mã '{code}' trong danh mục.", code="not_found")
    return procedure


def _channel(channel: str) -> str:
    if channel not in CostChannel.values:
        raise ValidationError("Cách thức thực hiện không hợp lệ.", field="channel")
    return channel


def _latest_data(procedure: Procedure) -> dict[str, Any]:
    return procedure.versions.order_by("-number").first().data


# ------------------------------------------------------------------------- compliance costs


def cost_inputs_for(procedure: Procedure, channel: str) -> dict[str, Any]:
    """The officer's saved inputs for (procedure, channel), else the defaults from the record."""
    saved = ComplianceCost.objects.filter(procedure=procedure, channel=channel).first()
    if saved is not None:
        return {
            "hourly_value_vnd": saved.hourly_value_vnd,
            "hourly_value_source": saved.hourly_value_source,
            "hourly_value_year": saved.hourly_value_year,
            "activities": saved.activities,
            "other_costs": saved.other_costs,
            "fees_vnd": saved.fees_vnd,
            "filings_per_subject_per_year": str(saved.filings_per_subject_per_year),
            "subjects_per_year": saved.subjects_per_year,
        }
    return defaults.cost_inputs(_latest_data(procedure), channel)


def save_cost(*, user, procedure_code: str, channel: str, inputs: dict[str, Any]) -> ComplianceCost:
    """Store the measured cost of a procedure on a channel (replacing the previous one)."""
    require(user, Action.SIMPLIFICATION_EDIT)
    procedure = _procedure(procedure_code)
    channel = _channel(channel)
    cost_input = calculator.CostInput.from_dict(inputs)
    result = calculator.compute(cost_input)
    _value, source, year = defaults.hourly_value()
    keyed = _keep_keys(inputs)
    with transaction.atomic():
        cost, _ = ComplianceCost.objects.update_or_create(
            procedure=procedure,
            channel=channel,
            defaults={
                "hourly_value_vnd": cost_input.hourly_value_vnd,
                "hourly_value_source": str(inputs.get("hourly_value_source") or source)[:300],
                "hourly_value_year": inputs.get("hourly_value_year") or year,
                "activities": keyed["activities"],
                "other_costs": keyed["other_costs"],
                "fees_vnd": cost_input.fees_vnd,
                "filings_per_subject_per_year": cost_input.filings_per_subject_per_year,
                "subjects_per_year": cost_input.subjects_per_year,
                "labour_vnd": result.labour_vnd,
                "per_filing_vnd": result.per_filing_vnd,
                "per_year_vnd": result.per_year_vnd,
                "updated_by": _user(user),
            },
        )
    return cost


def _keep_keys(inputs: dict[str, Any]) -> dict[str, list]:
    activities = [
        {
            "key": str(a.get("key", "")),
            "name": str(a.get("name", ""))[:300],
            "hours": str(a["hours"]),
        }
        for a in inputs.get("activities") or []
    ]
    other = [
        {
            "key": str(c.get("key", "")),
            "name": str(c.get("name", ""))[:300],
            "amount_vnd": int(c["amount_vnd"]),
        }
        for c in inputs.get("other_costs") or []
    ]
    return {"activities": activities, "other_costs": other}


# ------------------------------------------------------------------------------ proposals


@dataclass
class ItemInput:
    procedure_code: str
    channel: str = CostChannel.IN_PERSON
    changes: list[dict[str, Any]] = field(default_factory=list)


def _append(proposal, *, move: Move, user, from_status="", to_status="", note="", data=None):
    return ProposalEvent.objects.create(
        proposal=proposal,
        action=move,
        from_status=from_status,
        to_status=to_status,
        at=timezone.now(),
        user=_user(user),
        note=(note or "")[:1000],
        data=data or {},
    )


def _set_items(proposal: SimplificationProposal, items: list[ItemInput]) -> None:
    if not items:
        raise ValidationError("Phương án phải có ít nhất một thủ tục.", field="items")
    codes = [i.procedure_code.strip() for i in items]
    if len(set(codes)) != len(codes):
        raise ValidationError("Một thủ tục chỉ có một dòng trong phương án.", field="items")
    proposal.items.all().delete()
    for item in items:
        procedure = _procedure(item.procedure_code)
        channel = _channel(item.channel)
        data = _latest_data(procedure)
        changes = change_rules.validate(item.changes, data)
        before = cost_inputs_for(procedure, channel)
        after = change_rules.apply_to_cost(before, changes, data)
        compared = calculator.compare(
            calculator.CostInput.from_dict(before), calculator.CostInput.from_dict(after)
        )
        ProposalItem.objects.create(
            proposal=proposal,
            procedure=procedure,
            channel=channel,
            changes=changes,
            cost_before=before,
            cost_after=after,
            before_per_filing_vnd=compared.before.per_filing_vnd,
            after_per_filing_vnd=compared.after.per_filing_vnd,
            before_per_year_vnd=compared.before.per_year_vnd,
            after_per_year_vnd=compared.after.per_year_vnd,
        )
    _total(proposal)


def _total(proposal: SimplificationProposal) -> None:
    items = list(proposal.items.all())
    proposal.before_per_filing_vnd = sum(i.before_per_filing_vnd for i in items)
    proposal.after_per_filing_vnd = sum(i.after_per_filing_vnd for i in items)
    proposal.before_per_year_vnd = sum(i.before_per_year_vnd for i in items)
    proposal.after_per_year_vnd = sum(i.after_per_year_vnd for i in items)
    proposal.save()


def _text_fields(title, rationale, legal_text, amending_body) -> dict[str, str]:
    title = (title or "").strip()
    if not title:
        raise ValidationError("Nhập tên phương án.", field="title")
    return {
        "title": title[:500],
        "rationale": (rationale or "").strip(),
        "legal_text": (legal_text or "").strip(),
        "amending_body": (amending_body or "").strip()[:300],
    }


def create_proposal(
    *,
    user,
    title: str,
    items: list[ItemInput],
    responsible_agency: Agency | None = None,
    rationale: str = "",
    legal_text: str = "",
    amending_body: str = "",
    due_on: date | None = None,
    sources: list[tuple[str, str, str]] = (),
    note: str = "",
    check: bool = True,
) -> SimplificationProposal:
    """A draft proposal; `sources` are (kind, reference, title) triples."""
    if check:
        require(user, Action.SIMPLIFICATION_EDIT, responsible_agency)
    fields = _text_fields(title, rationale, legal_text, amending_body)
    with transaction.atomic():
        proposal = SimplificationProposal.objects.create(
            code=f"tmp-{uuid.uuid4().hex[:16]}",
            responsible_agency=responsible_agency,
            due_on=due_on,
            created_by=_user(user),
            **fields,
        )
        proposal.code = f"DGH-{timezone.localdate().year}-{proposal.pk:05d}"
        if items:
            _set_items(proposal, items)
        else:
            proposal.save()
        for kind, reference, source_title in sources:
            if kind not in SourceKind.values:
                raise ValidationError("Loại nguồn không hợp lệ.", field="sources")
            ProposalSource.objects.get_or_create(
                proposal=proposal,
                kind=kind,
                reference=reference[:64],
                defaults={"title": (source_title or "")[:500]},
            )
        _append(proposal, move=Move.CREATE, user=user, to_status=proposal.status, note=note)
    return proposal


def update_proposal(
    *,
    user,
    proposal: SimplificationProposal,
    title: str,
    items: list[ItemInput],
    responsible_agency: Agency | None = None,
    rationale: str = "",
    legal_text: str = "",
    amending_body: str = "",
    due_on: date | None = None,
    note: str = "",
) -> SimplificationProposal:
    """Change a draft (its procedures, changes, texts, agency and due date)."""
    require(user, Action.SIMPLIFICATION_EDIT, proposal.responsible_agency)
    require(user, Action.SIMPLIFICATION_EDIT, responsible_agency)
    fields = _text_fields(title, rationale, legal_text, amending_body)
    with transaction.atomic():
        current = SimplificationProposal.objects.select_for_update().get(pk=proposal.pk)
        if current.status != ProposalStatus.DRAFT:
            raise Conflict("Chỉ sửa được phương án ở trạng thái dự thảo.", code="not_draft")
        for key, value in fields.items():
            setattr(current, key, value)
        current.responsible_agency = responsible_agency
        current.due_on = due_on
        _set_items(current, items)
        _append(
            current,
            move=Move.UPDATE,
            user=user,
            from_status=current.status,
            to_status=current.status,
            note=note,
        )
    return current


def transition(
    *,
    user,
    proposal: SimplificationProposal,
    move: Move | str,
    note: str = "",
    decision_number: str = "",
    decision_date: date | None = None,
) -> SimplificationProposal:
    """Move a proposal along `transitions.TRANSITIONS`; implementing saves the new catalog
    versions (one per procedure, through `tthc.catalog.services.save_procedure`)."""
    try:
        move = Move(move)
        rule = TRANSITIONS[move]
    except (ValueError, KeyError):
        raise ValidationError("Thao tác không hợp lệ.", field="move") from None
    require(user, rule.policy, proposal.responsible_agency)
    with transaction.atomic():
        current = SimplificationProposal.objects.select_for_update().get(pk=proposal.pk)
        if current.status not in rule.sources:
            raise Conflict(
                f"Không thể '{rule.label.lower()}' khi phương án đang "
                f"'{current.get_status_display().lower()}'.",
                code="invalid_transition",
            )
        data: dict[str, Any] = {}
        today = timezone.localdate()
        if move == Move.SUBMIT and not current.items.exists():
            raise ValidationError("Phương án phải có ít nhất một thủ tục.", field="items")
        if move == Move.APPROVE:
            decision_number = (decision_number or "").strip()
            if not decision_number:
                raise ValidationError("Nhập số quyết định phê duyệt.", field="decision_number")
            if decision_date is None:
                raise ValidationError("Nhập ngày quyết định.", field="decision_date")
            current.decision_number = decision_number[:80]
            current.decision_date = decision_date
            current.approved_on = today
            data = {"decision_number": decision_number, "decision_date": decision_date.isoformat()}
        elif move == Move.IMPLEMENT:
            data = {"versions": _implement(current, user)}
            current.implemented_on = today
        elif move == Move.VERIFY:
            current.verified_on = today
        from_status = current.status
        current.status = rule.target
        current.save()
        _append(
            current,
            move=move,
            user=user,
            from_status=from_status,
            to_status=current.status,
            note=note,
            data=data,
        )
    return current


def _implement(proposal: SimplificationProposal, user) -> dict[str, int]:
    versions = {}
    for item in proposal.items.select_related("procedure").order_by("id"):
        data = _latest_data(item.procedure)
        new = change_rules.apply_to_data(data, item.changes, item.channel)
        result = catalog_services.save_procedure(
            code=item.procedure.code,
            data=new,
            source=item.procedure.versions.order_by("-number").first().source,
            origin=f"Phương án đơn giản hóa {proposal.code}",
            user=user,
            note=f"Thực thi phương án đơn giản hóa {proposal.code}"
            + (f" (QĐ {proposal.decision_number})" if proposal.decision_number else ""),
        )
        item.implemented_version = result.version
        item.save(update_fields=["implemented_version"])
        versions[item.procedure.code] = result.version.number
    return versions


# ------------------------------------------------------------------------------ feedback link


def proposal_from_feedback(*, feedback, user, note: str = "") -> str:
    """The handler registered with `tthc.feedback.extensions`: a draft proposal whose source is
    the feedback (about a regulation) and whose item is the feedback's procedure, if any. The
    feedback service has already checked the officer may propose (its own policy)."""
    items = []
    procedure = getattr(feedback, "procedure", None)
    if procedure is not None and procedure.current_version_id:
        items = [ItemInput(procedure_code=procedure.code)]
    proposal = create_proposal(
        user=user,
        title=f"Đơn giản hóa theo phản ánh {feedback.code}: {feedback.title}"[:500],
        items=items,
        responsible_agency=feedback.agency,
        rationale=note or feedback.content[:2000],
        sources=[(SourceKind.FEEDBACK, feedback.code, feedback.title)],
        note=note,
        check=False,
    )
    return proposal.code
