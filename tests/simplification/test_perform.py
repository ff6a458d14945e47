"""The one dispatcher of moves on a proposal (`services.perform`): every move reaches its service
with the fields it takes, parsed in one place; anything else is refused."""

import datetime
import inspect

import pytest

from tthc.core.errors import ValidationError
from tthc.simplification import services
from tthc.simplification.models import ProposalStatus
from tthc.simplification.services import ItemInput
from tthc.simplification.transitions import Move

CHANGES = [{"kind": "drop_document", "document": "Bản sao sổ hộ khẩu"}]


def _draft(user, procedure, agency):
    return services.create_proposal(
        user=user,
        title="Phương án",
        responsible_agency=agency,
        items=[ItemInput(procedure.code)],
        rationale="Giấy tờ thừa",
    )


def test_every_move_on_a_proposal_has_a_step_whose_fields_reach_its_service():
    assert set(services.STEPS) == set(Move) - {Move.CREATE}
    for move, step in services.STEPS.items():
        parameters = inspect.signature(step.service).parameters
        assert {"user", "proposal"} <= set(parameters), move
        assert set(step.fields) <= set(parameters), move


def test_a_proposal_through_every_move_by_perform(control, procedure, agency, other_agency):
    proposal = _draft(control, procedure, agency)
    perform = services.perform

    # an update changes what it is given and keeps the rest
    proposal = perform(
        action="update",
        user=control,
        obj=proposal,
        items=[{"procedure_code": procedure.code, "channel": "in_person", "changes": CHANGES}],
        responsible_agency=other_agency.code,
        due_on="31/12/2025",
    )
    assert proposal.title == "Phương án" and proposal.rationale == "Giấy tờ thừa"
    assert proposal.responsible_agency == other_agency
    assert proposal.due_on == datetime.date(2025, 12, 31)
    assert proposal.items.get().changes == CHANGES
    proposal = perform(action=Move.SUBMIT, user=control, obj=proposal)
    proposal = perform(action="return", user=control, obj=proposal, note="Bổ sung")
    assert proposal.status == ProposalStatus.DRAFT
    proposal = perform(action="submit", user=control, obj=proposal)
    proposal = perform(
        action="approve",
        user=control,
        obj=proposal,
        decision_number=" 12/QĐ-UBND ",
        decision_date="2024-06-01",
    )
    assert proposal.decision_number == "12/QĐ-UBND"
    assert proposal.decision_date == datetime.date(2024, 6, 1)
    proposal = perform(action="implement", user=control, obj=proposal)
    assert proposal.items.get().implemented_version is not None
    proposal = perform(action="verify", user=control, obj=proposal, note="Đã kiểm tra")
    assert proposal.status == ProposalStatus.VERIFIED
    assert list(proposal.events.values_list("action", flat=True)) == [
        "create",
        "update",
        "submit",
        "return",
        "submit",
        "approve",
        "implement",
        "verify",
    ]


def test_a_date_typed_wrong_is_missing(control, procedure, agency):
    proposal = services.perform(
        action="submit", user=control, obj=_draft(control, procedure, agency)
    )
    with pytest.raises(ValidationError, match="Nhập ngày quyết định") as refused:
        services.perform(
            action="approve",
            user=control,
            obj=proposal,
            decision_number="1",
            decision_date="31/02/2024",
        )
    assert refused.value.field == "decision_date"


def test_unknown_fields_and_moves_are_refused_and_nothing_is_written(control, procedure, agency):
    proposal = _draft(control, procedure, agency)
    with pytest.raises(ValidationError) as refused:
        services.perform(action="submit", user=control, obj=proposal, decision_number="1", note="")
    assert refused.value.code == "unknown_field" and refused.value.field == "decision_number"
    assert "không nhận thông tin: decision_number" in refused.value.message
    with pytest.raises(ValidationError, match="không nhận thông tin: code"):
        services.perform(action="update", user=control, obj=proposal, code="DGH-0")
    for move in ("", "fly", Move.CREATE):
        with pytest.raises(ValidationError, match="Thao tác không hợp lệ"):
            services.perform(action=move, user=control, obj=proposal)
    with pytest.raises(ValidationError, match="Danh sách thủ tục không hợp lệ"):
        services.perform(action="update", user=control, obj=proposal, items="1.000001")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT
    assert list(proposal.events.values_list("action", flat=True)) == ["create"]


def test_the_staff_page_posts_through_perform(client, control, procedure, agency):
    proposal = _draft(control, procedure, agency)
    client.force_login(control)
    url = f"/quan-tri/don-gian-hoa/{proposal.code}/thao-tac/"
    refused = client.post(url, {"move": "submit", "decision_number": "1", "note": ""})
    assert refused.status_code == 422
    assert "không nhận thông tin: decision_number" in refused.content.decode()
    assert client.post(url, {"move": "submit", "note": ""}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
