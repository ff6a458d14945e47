"""Costs, proposals, their state machine and the catalog version an implementation creates."""

from decimal import Decimal

import pytest

from tests.simplification.conftest import DECISION_DATE
from tthc.core.errors import Conflict, PermissionDenied, ValidationError
from tthc.simplification import defaults, selectors, services
from tthc.simplification.models import ProposalEvent, ProposalStatus
from tthc.simplification.services import ItemInput

pytestmark = pytest.mark.django_db

HOURLY = 16_600

CHANGES = [
    {"kind": "drop_document", "document": "Bản sao sổ hộ khẩu"},
    {"kind": "lower_fee", "fees_vnd": 20_000},
    {"kind": "merge_steps", "steps": ["Nộp hồ sơ", "Bổ sung hồ sơ"], "into": "Nộp hồ sơ đầy đủ"},
    {"kind": "raise_online_level", "level": "full"},
    {"kind": "shorten_time", "amount": "0.5", "unit": "working_days"},
]


def test_defaults_come_from_the_catalog_record(procedure):
    inputs = defaults.cost_inputs(procedure.current_version.data, "in_person")
    hours = {a["key"]: Decimal(a["hours"]) for a in inputs["activities"]}
    assert hours["prepare"] == 3  # one hour per document
    assert hours["travel"] == 2 and hours["submit"] == 3  # two trips; one hour per step
    assert inputs["fees_vnd"] == 50_000  # the lowest listed fee
    amounts = {c["key"]: c["amount_vnd"] for c in inputs["other_costs"]}
    assert amounts == {"copies": 4_000, "travel": 40_000}
    assert inputs["hourly_value_vnd"] == HOURLY and inputs["hourly_value_year"] == 2024
    online = defaults.cost_inputs(procedure.current_version.data, "online")
    assert not any(a["key"] == "travel" for a in online["activities"])


def test_save_cost_recomputes_and_is_policy_checked(procedure, control, leader):
    inputs = selectors.cost_inputs(procedure, "in_person")
    inputs["subjects_per_year"] = 1000
    with pytest.raises(PermissionDenied):
        services.save_cost(
            user=leader, procedure_code=procedure.code, channel="in_person", inputs=inputs
        )
    cost = services.save_cost(
        user=control, procedure_code=procedure.code, channel="in_person", inputs=inputs
    )
    # 9 h × 16,600 + 44,000 + 50,000
    assert cost.per_filing_vnd == 9 * HOURLY + 44_000 + 50_000
    assert cost.per_year_vnd == cost.per_filing_vnd * 1000
    assert cost.hourly_value_source
    inputs["activities"][0]["hours"] = -1
    with pytest.raises(ValidationError):
        services.save_cost(
            user=control, procedure_code=procedure.code, channel="in_person", inputs=inputs
        )


def test_cost_after_is_recomputed_from_the_changes(procedure, control, agency):
    inputs = selectors.cost_inputs(procedure, "in_person")
    inputs["subjects_per_year"] = 500
    services.save_cost(
        user=control, procedure_code=procedure.code, channel="in_person", inputs=inputs
    )
    proposal = services.create_proposal(
        user=control,
        title="Đơn giản hóa khai sinh",
        responsible_agency=agency,
        items=[ItemInput(procedure.code, "in_person", CHANGES)],
    )
    item = proposal.items.get()
    # After: prepare 2 h, submit 2 h, travel and waiting gone; copies 0, travel 0, fee 20,000.
    assert item.after_per_filing_vnd == 4 * HOURLY + 20_000
    assert item.before_per_filing_vnd == 9 * HOURLY + 94_000
    assert item.before_per_year_vnd == item.before_per_filing_vnd * 500
    assert proposal.saving_per_year_vnd == item.saving_per_year_vnd > 0
    assert proposal.code.startswith("DGH-")
    assert proposal.events.get().action == "create"


def test_bad_changes_are_refused(procedure, control):
    for bad in (
        [{"kind": "drop_document", "document": "Không có"}],
        [{"kind": "lower_fee", "fees_vnd": -1}],
        [{"kind": "merge_steps", "steps": ["Nộp hồ sơ"], "into": "x"}],
        [{"kind": "raise_online_level", "level": "none"}],
        [{"kind": "abolish"}, {"kind": "lower_fee", "fees_vnd": 0}],
        [{"kind": "unknown"}],
    ):
        with pytest.raises(ValidationError):
            services.create_proposal(
                user=control, title="x", items=[ItemInput(procedure.code, "in_person", bad)]
            )


def _approved(user, procedure, agency, changes=CHANGES):
    proposal = services.create_proposal(
        user=user,
        title="Phương án",
        responsible_agency=agency,
        items=[ItemInput(procedure.code, "in_person", changes)],
        legal_text="Thông tư 04/2020/TT-BTP",
        amending_body="Bộ Tư pháp",
    )
    proposal = services.perform(user=user, obj=proposal, action="submit")
    return services.perform(
        user=user,
        obj=proposal,
        action="approve",
        decision_number="123/QĐ-UBND",
        decision_date=DECISION_DATE,
    )


def test_implementing_creates_the_linked_catalog_version(procedure, control, agency):
    proposal = _approved(control, procedure, agency)
    assert proposal.status == ProposalStatus.APPROVED and proposal.approved_on
    before = procedure.current_version.number
    proposal = services.perform(user=control, obj=proposal, action="implement")
    item = proposal.items.get()
    procedure.refresh_from_db()
    assert item.implemented_version == procedure.current_version
    assert item.implemented_version.number == before + 1
    data = procedure.current_version.data
    assert [d["name"] for d in data["documents"]] == ["Tờ khai", "Giấy chứng sinh"]
    assert data["steps"] == ["Nộp hồ sơ đầy đủ", "Nhận kết quả"]
    assert data["online_level"] == "full" and procedure.online_level == "full"
    in_person = next(c for c in data["channels"] if c["channel"] == "in_person")
    assert in_person["fees"][0]["amount_vnd"] == 20_000
    assert in_person["processing_time"]["amount"] == "0.5"
    assert proposal.code in procedure.current_version.note
    proposal = services.perform(user=control, obj=proposal, action="verify")
    assert proposal.status == ProposalStatus.VERIFIED
    actions = list(ProposalEvent.objects.filter(proposal=proposal).values_list("action", flat=True))
    assert actions == ["create", "submit", "approve", "implement", "verify"]
    assert proposal.events.get(action="implement").data == {
        "versions": {procedure.code: before + 1}
    }


def test_abolishing_marks_the_procedure_abolished(procedure, control, agency):
    proposal = _approved(control, procedure, agency, [{"kind": "abolish"}])
    assert proposal.after_per_year_vnd == 0 and proposal.items.get().after_per_filing_vnd == 0
    services.perform(user=control, obj=proposal, action="implement")
    procedure.refresh_from_db()
    assert procedure.status == "abolished"


def test_transition_table_is_enforced(procedure, control, leader, agency, other_agency):
    draft = services.create_proposal(
        user=leader, title="Của sở", responsible_agency=agency, items=[ItemInput(procedure.code)]
    )
    with pytest.raises(PermissionDenied):
        services.create_proposal(
            user=leader,
            title="Sở khác",
            responsible_agency=other_agency,
            items=[ItemInput(procedure.code)],
        )
    with pytest.raises(Conflict):
        services.perform(user=control, obj=draft, action="implement")
    submitted = services.perform(user=leader, obj=draft, action="submit")
    with pytest.raises(PermissionDenied):  # an agency does not approve its own proposal
        services.perform(
            user=leader,
            obj=submitted,
            action="approve",
            decision_number="1",
            decision_date=DECISION_DATE,
        )
    with pytest.raises(ValidationError):
        services.perform(user=control, obj=submitted, action="approve")
    with pytest.raises(Conflict):
        services.update_proposal(
            user=leader,
            proposal=submitted,
            title="x",
            responsible_agency=agency,
            items=[ItemInput(procedure.code)],
        )
    back = services.perform(user=control, obj=submitted, action="return", note="Bổ sung")
    assert back.status == ProposalStatus.DRAFT
    updated = services.update_proposal(
        user=leader,
        proposal=back,
        title="Sửa",
        responsible_agency=agency,
        items=[ItemInput(procedure.code, "in_person", CHANGES)],
    )
    assert updated.items.get().changes[0]["kind"] == "drop_document"
    with pytest.raises(ValidationError):
        services.perform(user=control, obj=updated, action="fly")


def test_savings_add_up_across_agencies_and_fields(
    procedure, road_procedure, control, agency, other_agency
):
    for proc, owner in (
        (procedure, agency),
        (road_procedure, other_agency),
        (procedure, other_agency),
    ):
        inputs = selectors.cost_inputs(proc, "in_person")
        inputs["subjects_per_year"] = 1234
        services.save_cost(
            user=control, procedure_code=proc.code, channel="in_person", inputs=inputs
        )
        _approved(control, proc, owner, [{"kind": "raise_online_level", "level": "partial"}])
    services.create_proposal(
        user=control,
        title="Dự thảo không tính",
        items=[ItemInput(procedure.code, "in_person", CHANGES)],
    )
    total = selectors.savings_total()
    assert total["items"] == 3 and total["saving_per_year_vnd"] > 0
    for by in ("agency", "field", "year"):
        rows = selectors.savings_by(by)
        assert sum(r["saving_per_year_vnd"] for r in rows) == total["saving_per_year_vnd"], by
        assert sum(r["before_per_year_vnd"] for r in rows) == total["before_per_year_vnd"], by
    assert {r["key"] for r in selectors.savings_by("field")} == {"Hộ tịch", "Xây dựng"}
    assert len(selectors.savings_by("agency")) == 2


def test_follow_up_figures(procedure, control, agency):
    import datetime

    late = services.create_proposal(
        user=control,
        title="Trễ",
        items=[ItemInput(procedure.code)],
        due_on=datetime.date(2020, 1, 1),
    )
    proposal = _approved(control, procedure, agency)
    services.perform(user=control, obj=proposal, action="implement")
    figures = selectors.figures()
    assert [p.code for p in figures["overdue"]] == [late.code]
    assert figures["implementation_rate_pct"] == Decimal("100.00")
    assert figures["by_status"]["implemented"] == 1


def test_feedback_item_becomes_a_draft_proposal(procedure, control, agency):
    from tthc.core.handoffs import SIMPLIFY_FEEDBACK, register_handoff
    from tthc.feedback import services as feedback_services
    from tthc.simplification.models import SimplificationProposal

    register_handoff(SIMPLIFY_FEEDBACK, services.proposal_from_feedback)
    feedback = feedback_services.submit(
        data=feedback_services.FeedbackInput(
            category="regulation",
            title="Yêu cầu bản sao sổ hộ khẩu",
            content="Sổ hộ khẩu đã bị bỏ nhưng vẫn bị yêu cầu.",
            sender_name="Nguyễn Văn An",
            sender_address="Hà Nội",
            sender_phone="0912345678",
            procedure_code=procedure.code,
        ),
        ip="203.0.113.9",
    )
    code = feedback_services.propose_simplification(user=control, feedback=feedback, note="Bỏ")
    proposal = SimplificationProposal.objects.get(code=code)
    assert proposal.status == ProposalStatus.DRAFT
    assert proposal.sources.get().reference == feedback.code
    assert feedback.events.last().data == {"proposal": code}


def test_changes_are_described_in_vietnamese():
    from tthc.simplification.changes import describe

    assert (
        describe({"kind": "lower_fee", "fees_vnd": 20_000}) == "Giảm phí, lệ phí: còn 20.000 đồng"
    )
    assert describe({"kind": "shorten_time", "amount": "3", "unit": "working_days"}) == (
        "Rút ngắn thời hạn giải quyết: còn 3 ngày làm việc"
    )
