"""Every write of the simplification app: keyword-only, validated, one transaction, with events.

`perform` is the one entry of the staff pages for a move on a proposal (`transitions.Move`):
each move has its service (`update_proposal`, `submit`, `return_to_draft`, `approve`,
`implement`, `verify`) and the fields it takes, parsed in one place (`STEPS`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tthc.catalog import services as catalog_services
from tthc.catalog.models import Procedure
from tthc.core import dispatch
from tthc.core.dates import parse_date
from tthc.core.errors import Conflict, NotFound, ValidationError
from tthc.core.events import append_event
from tthc.org.models import Agency
from tthc.org.policy import Action, require
from tthc.org.selectors import agency_by_reference

from . import calculator, defaults, selectors
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
from .transitions import LABELS, TRANSITIONS, Move

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from tthc.feedback.models import Feedback

    User = AbstractBaseUser | AnonymousUser


def _user(user: User | None) -> AbstractBaseUser | None:
    return user if user is not None and user.is_authenticated else None


def _procedure(code: str) -> Procedure:
    procedure = selectors.catalog_procedure(code)
    if procedure is None:
        raise NotFound(
            _("Không có thủ tục mã '%(code)s' trong danh mục.") % {"code": code}, code="not_found"
        )
    return procedure


def _channel(channel: str) -> str:
    if channel not in CostChannel.values:
        raise ValidationError(_("Cách thức thực hiện không hợp lệ."), field="channel")
    return channel


# ------------------------------------------------------------------------- compliance costs


def save_cost(
    *, user: User | None, procedure_code: str, channel: str, inputs: dict[str, Any]
) -> ComplianceCost:
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


def _set_items(proposal: SimplificationProposal, items: list[ItemInput]) -> None:
    if not items:
        raise ValidationError(_("Phương án phải có ít nhất một thủ tục."), field="items")
    codes = [i.procedure_code.strip() for i in items]
    if len(set(codes)) != len(codes):
        raise ValidationError(_("Một thủ tục chỉ có một dòng trong phương án."), field="items")
    proposal.items.all().delete()
    for item in items:
        procedure = _procedure(item.procedure_code)
        channel = _channel(item.channel)
        data = selectors.latest_data(procedure)
        changes = change_rules.validate(item.changes, data)
        before = selectors.cost_inputs(procedure, channel)
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


def _text_fields(
    *, title: str, rationale: str, legal_text: str, amending_body: str
) -> dict[str, str]:
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Nhập tên phương án."), field="title")
    return {
        "title": title[:500],
        "rationale": (rationale or "").strip(),
        "legal_text": (legal_text or "").strip(),
        "amending_body": (amending_body or "").strip()[:300],
    }


def create_proposal(
    *,
    user: User | None,
    title: str,
    items: list[ItemInput],
    responsible_agency: Agency | None = None,
    rationale: str = "",
    legal_text: str = "",
    amending_body: str = "",
    due_on: date | None = None,
    sources: Sequence[tuple[str, str, str]] = (),
    note: str = "",
    check: bool = True,
) -> SimplificationProposal:
    """A draft proposal; `sources` are (kind, reference, title) triples."""
    if check:
        require(user, Action.SIMPLIFICATION_EDIT, responsible_agency)
    fields = _text_fields(
        title=title, rationale=rationale, legal_text=legal_text, amending_body=amending_body
    )
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
                raise ValidationError(_("Loại nguồn không hợp lệ."), field="sources")
            ProposalSource.objects.get_or_create(
                proposal=proposal,
                kind=kind,
                reference=reference[:64],
                defaults={"title": (source_title or "")[:500]},
            )
        append_event(
            ProposalEvent,
            proposal,
            action=Move.CREATE,
            user=user,
            note=note,
            to_status=proposal.status,
        )
    return proposal


def update_proposal(
    *,
    user: User | None,
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
    fields = _text_fields(
        title=title, rationale=rationale, legal_text=legal_text, amending_body=amending_body
    )
    with transaction.atomic():
        current = SimplificationProposal.objects.select_for_update().get(pk=proposal.pk)
        if current.status != ProposalStatus.DRAFT:
            raise Conflict(_("Chỉ sửa được phương án ở trạng thái dự thảo."), code="not_draft")
        for key, value in fields.items():
            setattr(current, key, value)
        current.responsible_agency = responsible_agency
        current.due_on = due_on
        _set_items(current, items)
        append_event(
            ProposalEvent,
            current,
            action=Move.UPDATE,
            user=user,
            note=note,
            from_status=current.status,
            to_status=current.status,
        )
    return current


def _move(
    *,
    user: User | None,
    proposal: SimplificationProposal,
    move: Move,
    note: str,
    change: Callable[[SimplificationProposal], dict[str, Any]] | None = None,
) -> SimplificationProposal:
    """Move a proposal along `transitions.TRANSITIONS`: the policy of the move on the
    responsible agency, the status it leaves from, then `change` (what the move writes on the
    locked proposal; returns the event's data), the new status and the event."""
    rule = TRANSITIONS[move]
    require(user, rule.policy, proposal.responsible_agency)
    with transaction.atomic():
        current = SimplificationProposal.objects.select_for_update().get(pk=proposal.pk)
        if current.status not in rule.sources:
            raise Conflict(
                _("Không thể '%(move)s' khi phương án đang '%(status)s'.")
                % {
                    "move": str(rule.label).lower(),
                    "status": current.get_status_display().lower(),
                },
                code="invalid_transition",
            )
        data = change(current) if change is not None else {}
        from_status = current.status
        current.status = rule.target
        current.save()
        append_event(
            ProposalEvent,
            current,
            action=move,
            user=user,
            note=note,
            data=data,
            from_status=from_status,
            to_status=current.status,
        )
    return current


def submit(
    *, user: User | None, proposal: SimplificationProposal, note: str = ""
) -> SimplificationProposal:
    """A draft goes to approval; it must cover at least one procedure."""

    def check(current: SimplificationProposal) -> dict[str, Any]:
        if not current.items.exists():
            raise ValidationError(_("Phương án phải có ít nhất một thủ tục."), field="items")
        return {}

    return _move(user=user, proposal=proposal, move=Move.SUBMIT, note=note, change=check)


def return_to_draft(
    *, user: User | None, proposal: SimplificationProposal, note: str = ""
) -> SimplificationProposal:
    return _move(user=user, proposal=proposal, move=Move.RETURN, note=note)


def approve(
    *,
    user: User | None,
    proposal: SimplificationProposal,
    decision_number: str,
    decision_date: date | None,
    note: str = "",
) -> SimplificationProposal:
    """Record the approving decision (its number and date)."""
    number = (decision_number or "").strip()

    def record(current: SimplificationProposal) -> dict[str, Any]:
        if not number:
            raise ValidationError(_("Nhập số quyết định phê duyệt."), field="decision_number")
        if decision_date is None:
            raise ValidationError(_("Nhập ngày quyết định."), field="decision_date")
        current.decision_number = number[:80]
        current.decision_date = decision_date
        current.approved_on = timezone.localdate()
        return {"decision_number": number, "decision_date": decision_date.isoformat()}

    return _move(user=user, proposal=proposal, move=Move.APPROVE, note=note, change=record)


def implement(
    *, user: User | None, proposal: SimplificationProposal, note: str = ""
) -> SimplificationProposal:
    """Amend the catalog: one new version per procedure (through
    `tthc.catalog.services.save_procedure`), linked to the proposal's items."""

    def amend(current: SimplificationProposal) -> dict[str, Any]:
        current.implemented_on = timezone.localdate()
        return {"versions": _implement(current, user)}

    return _move(user=user, proposal=proposal, move=Move.IMPLEMENT, note=note, change=amend)


def verify(
    *, user: User | None, proposal: SimplificationProposal, note: str = ""
) -> SimplificationProposal:
    def checked(current: SimplificationProposal) -> dict[str, Any]:
        current.verified_on = timezone.localdate()
        return {}

    return _move(user=user, proposal=proposal, move=Move.VERIFY, note=note, change=checked)


def _implement(proposal: SimplificationProposal, user: User | None) -> dict[str, int]:
    versions = {}
    for item in proposal.items.select_related("procedure").order_by("id"):
        data = selectors.latest_data(item.procedure)
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


# ------------------------------------------------------------------------------ one dispatcher

# A field as it comes from a page (text, an id, a date typed...) -> the service's value.
Parse = Callable[[object], object]


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _date(value: object) -> date | None:
    """A date as itself, `2026-03-15` (`<input type="date">`) or `15/03/2026`; None else."""
    if isinstance(value, date):
        return value
    return parse_date(None if value is None else str(value))


def _items(value: object) -> list[ItemInput]:
    """The procedures of a proposal: `ItemInput`s, or dicts with their keys."""
    if not isinstance(value, list | tuple):
        raise ValidationError(_("Danh sách thủ tục không hợp lệ."), field="items")
    items = []
    for item in value:
        if isinstance(item, ItemInput):
            items.append(item)
        elif isinstance(item, dict) and isinstance(item.get("procedure_code"), str):
            items.append(
                ItemInput(
                    procedure_code=item["procedure_code"],
                    channel=str(item.get("channel") or CostChannel.IN_PERSON),
                    changes=list(item.get("changes") or []),
                )
            )
        else:
            raise ValidationError(_("Danh sách thủ tục không hợp lệ."), field="items")
    return items


def items_of(*, proposal: SimplificationProposal) -> list[ItemInput]:
    """The proposal's procedures as `update_proposal` takes them."""
    return [
        ItemInput(procedure_code=i.procedure.code, channel=i.channel, changes=list(i.changes))
        for i in proposal.items.all()
    ]


# What an update leaves out keeps the proposal's value.
KEPT: dict[str, Callable[[SimplificationProposal], object]] = {
    "title": lambda p: p.title,
    "items": lambda p: items_of(proposal=p),
    "responsible_agency": lambda p: p.responsible_agency,
    "rationale": lambda p: p.rationale,
    "legal_text": lambda p: p.legal_text,
    "amending_body": lambda p: p.amending_body,
    "due_on": lambda p: p.due_on,
}


@dataclass(frozen=True)
class Step:
    """How `perform` calls the service of one move: the fields it accepts (each the name of the
    service's parameter) with their parsers."""

    service: Callable[..., SimplificationProposal]
    fields: Mapping[str, Parse]


STEPS: dict[Move, Step] = {
    Move.UPDATE: Step(
        update_proposal,
        {
            "title": _text,
            "items": _items,
            "responsible_agency": agency_by_reference,
            "rationale": _text,
            "legal_text": _text,
            "amending_body": _text,
            "due_on": _date,
            "note": _text,
        },
    ),
    Move.SUBMIT: Step(submit, {"note": _text}),
    Move.RETURN: Step(return_to_draft, {"note": _text}),
    Move.APPROVE: Step(approve, {"decision_number": _text, "decision_date": _date, "note": _text}),
    Move.IMPLEMENT: Step(implement, {"note": _text}),
    Move.VERIFY: Step(verify, {"note": _text}),
}


def perform(
    *, action: Move | str, user: User | None, obj: SimplificationProposal, **fields: object
) -> SimplificationProposal:
    """The one entry of a move on the proposal `obj` (the staff pages call it): the service of
    `action` (`STEPS`) with the fields it takes, parsed here — dates as typed, agencies by id or
    code, procedures as `ItemInput`s or dicts. A field the move does not take is refused; one
    left out is empty, except for an update, where it keeps the proposal's value (`KEPT`).
    Creating a proposal has no proposal yet: `create_proposal`."""
    try:
        move = Move(action)
        step = STEPS[move]
    except (ValueError, KeyError):
        raise dispatch.unknown_action(field="move") from None
    dispatch.refuse_unknown_fields(fields, step.fields, label=LABELS[move])
    values = {}
    for name, parse in step.fields.items():
        if fields.get(name) is None and move == Move.UPDATE and name in KEPT:
            values[name] = KEPT[name](obj)
        else:
            values[name] = parse(fields.get(name))
    return step.service(user=user, proposal=obj, **values)


# ------------------------------------------------------------------------------ feedback link


def proposal_from_feedback(*, feedback: Feedback, user: User | None, note: str = "") -> str:
    """The hand-off `tthc.core.handoffs.SIMPLIFY_FEEDBACK` (registered in `apps.py`): a draft proposal whose source is
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
