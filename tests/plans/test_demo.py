"""The demo plan on the demo province: created once, a live mix of states, the demo accounts see
what their agency should."""

import pytest

from tthc.core.models import User
from tthc.plans import selectors
from tthc.plans.demo import build_plan_demo
from tthc.plans.models import CommunicationPlan, TaskReport

pytestmark = pytest.mark.django_db


def test_demo_plan_is_idempotent_and_shows_every_state():
    from tthc.demo.services import build_demo

    with pytest.raises(RuntimeError, match="build_demo"):
        build_plan_demo()
    build_demo(password="mat-khau-dai-12")
    first = build_plan_demo()
    assert first["created"] is True
    assert first["tasks"] == 12
    assert first["decision_number"].endswith("/KH-UBND")
    second = build_plan_demo()
    assert second["created"] is False
    assert second["plan_id"] == first["plan_id"]
    assert CommunicationPlan.objects.count() == 1
    assert TaskReport.objects.count() == first["reports"] == second["reports"]

    plan = CommunicationPlan.objects.get()
    assert plan.title.startswith("Kế hoạch truyền thông hoạt động kiểm soát thủ tục hành chính năm")
    assert plan.issuing_body == "Ủy ban nhân dân Thành phố Hà Nội"
    control = User.objects.get(username="kiemsoat")
    figures = selectors.dashboard(control, plan)
    assert [c.tasks for c in figures["by_content"]] == [3, 4, 2, 3]
    assert figures["by_status"]["overdue"] == 1
    assert figures["by_status"]["due_soon"] >= 1
    assert figures["by_status"]["done"] >= 5

    specialist = User.objects.get(username="chuyenvien")
    mine = selectors.task_list(specialist, plan=plan)
    agencies = {s.task.lead_agency.short_name for s in mine} | {
        a.short_name for s in mine for a in s.task.supporting_agencies.all()
    }
    assert "Sở Tư pháp" in agencies
    for state in mine:
        assert "Sở Tư pháp" in {state.task.lead_agency.short_name} | {
            a.short_name for a in state.task.supporting_agencies.all()
        }
    editor = User.objects.get(username="bientap")
    assert len(selectors.task_list(editor, plan=plan)) >= 5  # the office's tasks
