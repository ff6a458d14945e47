"""Dashboard figures on a known data set, and the overdue / due-soon flags on the real calendar
(Tết 2026: 16–20/2; 30/4 and 1/5; local overrides)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.plans.conftest import make_plan, report
from tthc.plans import selectors
from tthc.workdays.models import CalendarOverride

pytestmark = pytest.mark.django_db

ICT = ZoneInfo("Asia/Ho_Chi_Minh")
D = datetime.date


def at(day, hour=10):
    return time_machine.travel(datetime.datetime(*day, hour, 0, tzinfo=ICT), tick=False)


@pytest.fixture
def known(control, justice, home_affairs, finance, justice_user, home_user):
    """Six tasks; today (23/2/2026) is the first working day after Tết."""
    with at((2026, 2, 2)):
        plan, tasks = make_plan(
            control,
            tasks=[
                (1, "A. Chuyên mục trên trang của Sở", justice, [], D(2026, 2, 13)),
                (1, "B. Hội nghị quán triệt", justice, [], D(2026, 2, 17)),
                (2, "C. Niêm yết tại bộ phận một cửa", home_affairs, [], D(2026, 3, 31)),
                (2, "D. Tờ rơi hướng dẫn", home_affairs, [], D(2026, 6, 30)),
                (3, "E. Lấy ý kiến phương án", finance, [justice], D(2026, 3, 2)),
                (4, "F. Công khai kết quả PAKN", finance, [], D(2026, 12, 31)),
            ],
        )
        a, _b, c, _d, e, f = tasks
        report(justice_user, a, 40)
        report(home_user, c, 100)
        report(justice_user, e, 50)
        report(control, f, 20)
    return plan, tasks


def test_dashboard_figures_for_the_control_office(known, control):
    plan, _tasks = known
    with at((2026, 2, 23)):
        f = selectors.dashboard(control, plan)
    assert (f["total"].tasks, f["total"].done) == (6, 1)
    assert f["total"].done_pct == Decimal("16.7")
    assert f["total"].average_pct == Decimal("35.0")
    assert f["by_status"] == {
        "not_started": 1,
        "in_progress": 1,
        "due_soon": 2,
        "done": 1,
        "overdue": 1,
    }
    assert [
        (g.label[:3], g.tasks, g.done, g.done_pct, g.average_pct, g.overdue)
        for g in f["by_content"]
    ] == [
        ("I. ", 2, 0, Decimal("0.0"), Decimal("20.0"), 1),
        ("II.", 2, 1, Decimal("50.0"), Decimal("50.0"), 0),
        ("III", 1, 0, Decimal("0.0"), Decimal("50.0"), 0),
        ("IV.", 1, 0, Decimal("0.0"), Decimal("20.0"), 0),
    ]
    assert [(g.label, g.tasks, g.done, g.done_pct, g.average_pct) for g in f["by_agency"]] == [
        ("Sở Nội vụ", 2, 1, Decimal("50.0"), Decimal("50.0")),
        ("Sở Tài chính", 2, 0, Decimal("0.0"), Decimal("35.0")),
        ("Sở Tư pháp", 2, 0, Decimal("0.0"), Decimal("20.0")),
    ]
    # A was due on Friday 13/2, before Tết: 10 calendar days ago but 1 working day late.
    (late,) = f["overdue"]
    assert (late.task.title[:2], late.days_late) == ("A.", 1)
    # B fell due during Tết (17/2): the deadline moves to 23/2, today: due soon, not overdue.
    soon = [(s.task.title[:2], s.effective_due, s.days_left) for s in f["due_soon"]]
    assert soon == [("B.", D(2026, 2, 23), 0), ("E.", D(2026, 3, 2), 5)]


def test_agency_dashboard_counts_only_its_own_tasks(known, justice_user, home_user):
    plan, _ = known
    with at((2026, 2, 23)):
        mine = selectors.dashboard(justice_user, plan)
        theirs = selectors.dashboard(home_user, plan)
    assert mine["total"].tasks == 3  # A, B as lead; E as supporting
    assert mine["total"].average_pct == Decimal("30.0")
    assert {s.task.title[:2] for s in mine["overdue"] + mine["due_soon"]} == {"A.", "B.", "E."}
    assert theirs["total"].tasks == 2
    assert theirs["overdue"] == [] and theirs["due_soon"] == []


@pytest.mark.parametrize(
    ("today", "status", "late"),
    [
        ((2026, 2, 24), "overdue", 1),  # B: effective due 23/2, one working day late on 24/2
        ((2026, 3, 2), "overdue", 5),
        ((2026, 2, 20), "due_soon", 0),
    ],
)
def test_due_date_inside_tet_counts_from_the_next_working_day(known, control, today, status, late):
    _, tasks = known
    b = selectors.task_detail(tasks[1].pk)
    with at(today):
        (state,) = selectors.states([b])
    assert state.status == status
    assert state.days_late == late


def test_overdue_across_30_april_and_1_may(control, justice):
    _, (task,) = make_plan(control, tasks=[(1, "Tin bài 30/4", justice, [], D(2026, 4, 29))])
    with at((2026, 4, 29), 16):
        assert selectors.states([task])[0].status == "due_soon"
    with at((2026, 5, 4)):
        (state,) = selectors.states([task])
    assert (state.status, state.days_late) == ("overdue", 1)  # 30/4, 1/5 off, 2–3/5 weekend


def test_a_local_day_off_moves_the_due_date_for_that_agency_only(control, justice, home_affairs):
    _, (t1, t2) = make_plan(
        control,
        tasks=[
            (1, "Sở Tư pháp", justice, [], D(2026, 3, 10)),
            (1, "Sở Nội vụ", home_affairs, [], D(2026, 3, 10)),
        ],
    )
    CalendarOverride.objects.create(
        date=D(2026, 3, 10), is_working=False, name="Nghỉ theo QĐ riêng", agency=justice
    )
    with at((2026, 3, 11)):
        s1, s2 = selectors.states([t1, t2])
    assert (s1.status, s1.effective_due) == ("due_soon", D(2026, 3, 11))
    assert (s2.status, s2.days_late) == ("overdue", 1)


def test_done_is_never_overdue(control, justice, justice_user):
    _, (task,) = make_plan(control, tasks=[(1, "Xong", justice, [], D(2026, 1, 30))])
    with at((2026, 1, 20)):
        report(justice_user, task, 100)
    task.refresh_from_db()
    with at((2026, 6, 1)):
        assert selectors.states([task])[0].status == "done"


def test_latest_report_per_task_in_one_query_whatever_the_history(
    control, justice, justice_user, home_affairs, home_user, django_assert_num_queries
):
    _, (first, second) = make_plan(
        control,
        tasks=[
            (1, "Tuyên truyền trên cổng", justice, [], datetime.date(2026, 12, 15)),
            (2, "Hướng dẫn nộp trực tuyến", home_affairs, [], datetime.date(2026, 12, 15)),
        ],
    )
    for moment, percent in (("2026-03-01", 10), ("2026-06-01", 40), ("2026-09-01", 70)):
        with time_machine.travel(datetime.datetime.fromisoformat(f"{moment}T09:00+07:00")):
            report(justice_user, first, percent, text=f"Đạt {percent}%")
    with time_machine.travel(datetime.datetime(2026, 5, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))):
        report(home_user, second, 25)
    with django_assert_num_queries(1):
        latest = selectors.latest_reports([first.pk, second.pk])
        agencies = {task_id: r.agency.name for task_id, r in latest.items()}
    assert {task_id: r.percent for task_id, r in latest.items()} == {first.pk: 70, second.pk: 25}
    assert agencies == {first.pk: justice.name, second.pk: home_affairs.name}
