"""Reads of the plans app: who sees which tasks, task status on the real working calendar, the
dashboard's figures. Every function runs a fixed number of queries whatever the number of rows.

Visibility (DOMAIN §10, `tthc.org.policy`): a province-wide PLAN_VIEW grant (control office,
administrators) sees every task; an agency-scoped grant sees the tasks its agency (or an agency
below it) leads or supports, and nothing else. Draft plans are seen by those who manage plans.

Status, computed on every read (never stored: today and the calendar move it):
  - done: the latest report says 100 %;
  - overdue: not done and today is after the due date, a due date that falls on a day off
    counting as the next working day (Civil Code art. 148) on the lead agency's calendar;
    `days_late` = working days d with due < d <= today;
  - due_soon: not done, not overdue, at most `TTHC_PLAN_REMINDER_WORKING_DAYS` working days left;
  - in_progress: some progress reported; else not_started.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from tthc.org.models import Agency
from tthc.org.policy import Action, can, granted_agencies
from tthc.workdays.engine import Override, WorkingCalendar
from tthc.workdays.models import CalendarOverride
from tthc.workdays.selectors import office_hours

from .models import (
    CommunicationPlan,
    EvidenceFile,
    EvidenceLink,
    PlanContent,
    PlanStatus,
    PlanTask,
    TaskReport,
)

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
DUE_SOON = "due_soon"
DONE = "done"
OVERDUE = "overdue"
STATUS_LABELS = {
    NOT_STARTED: gettext_lazy("Chưa thực hiện"),
    IN_PROGRESS: gettext_lazy("Đang thực hiện"),
    DUE_SOON: gettext_lazy("Sắp đến hạn"),
    DONE: gettext_lazy("Hoàn thành"),
    OVERDUE: gettext_lazy("Quá hạn"),
}


def reminder_margin() -> int:
    return int(getattr(settings, "TTHC_PLAN_REMINDER_WORKING_DAYS", 5))


# ------------------------------------------------------------------------------ visibility


def descendants(agency_ids: set[int]) -> set[int]:
    """The agencies and every agency below them (one query per level of the tree)."""
    ids: set[int] = set()
    frontier = set(agency_ids)
    while frontier:
        ids |= frontier
        frontier = (
            set(Agency.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        )
    return ids


def visible_agencies(user) -> set[int] | None:
    """None: every agency (province-wide view); else the agencies whose tasks `user` sees."""
    granted = granted_agencies(user, Action.PLAN_VIEW)
    if granted is None:
        return None
    return descendants(granted) if granted else set()


def may_manage(user) -> bool:
    return can(user, Action.PLAN_MANAGE)


def _agency_filter(agency_ids: set[int]) -> Q:
    supported = PlanTask.supporting_agencies.through.objects.filter(
        agency_id__in=agency_ids
    ).values("plantask_id")
    return Q(lead_agency_id__in=agency_ids) | Q(pk__in=supported)


def visible_tasks(user, *, scope: set[int] | bool | None = False) -> QuerySet[PlanTask]:
    """Tasks `user` may see; `scope` (from `visible_agencies`) may be passed to save queries."""
    scope = visible_agencies(user) if scope is False else scope
    queryset = PlanTask.objects.all()
    if not may_manage(user):
        queryset = queryset.filter(plan__status=PlanStatus.ISSUED)
    if scope is not None:
        queryset = queryset.filter(_agency_filter(scope))
    return queryset


def may_view_task(user, task: PlanTask) -> bool:
    if not task.plan.is_issued and not may_manage(user):
        return False
    if can(user, Action.PLAN_VIEW, task.lead_agency):
        return True
    return any(can(user, Action.PLAN_VIEW, a) for a in task.supporting_agencies.all())


def reporting_agencies(user, task: PlanTask) -> list[Agency]:
    """The task's agencies (lead first) for which `user` may report."""
    agencies = [task.lead_agency, *sorted(task.supporting_agencies.all(), key=lambda a: a.name)]
    return [a for a in agencies if can(user, Action.PLAN_REPORT, a)]


def plans_for(user) -> QuerySet[CommunicationPlan]:
    queryset = CommunicationPlan.objects.all()
    if may_manage(user):
        return queryset.order_by("-year", "-id")
    scope = visible_agencies(user)
    queryset = queryset.filter(status=PlanStatus.ISSUED)
    if scope is not None:
        queryset = queryset.filter(
            pk__in=PlanTask.objects.filter(_agency_filter(scope)).values("plan_id")
        )
    return queryset.order_by("-year", "-id")


def plan_for(user, pk: int) -> CommunicationPlan | None:
    return plans_for(user).filter(pk=pk).first()


def plan_content(plan: CommunicationPlan, pk: int | None) -> PlanContent | None:
    """One content (section) of `plan`, or None for another plan's or an unknown one."""
    return plan.contents.filter(pk=pk).first() if pk else None


def agency(pk: int) -> Agency | None:
    return Agency.objects.filter(pk=pk).first()


def agencies_by_ids(ids: list[int]) -> list[Agency]:
    return list(Agency.objects.filter(pk__in=ids)) if ids else []


def active_agencies() -> QuerySet[Agency]:
    """The agencies a task may be given to (the task form's choices)."""
    return Agency.objects.filter(is_active=True).order_by("name")


def evidence_file(pk: int) -> EvidenceFile | None:
    """An evidence file with its report (whose task decides who may download it)."""
    return EvidenceFile.objects.select_related("report").filter(pk=pk).first()


def default_plan(user) -> CommunicationPlan | None:
    """The plan the dashboard opens on: this year's issued plan, else the latest one seen."""
    plans = plans_for(user)
    year = timezone.localdate().year
    return (
        plans.filter(status=PlanStatus.ISSUED, year=year).first()
        or plans.filter(status=PlanStatus.ISSUED).first()
        or plans.first()
    )


# ------------------------------------------------------------------------------- calendars


class Calendars:
    """Working calendars of many agencies from one query of the overrides."""

    def __init__(self, agency_ids) -> None:
        ids = {i for i in agency_ids if i is not None}
        rows = CalendarOverride.objects.filter(
            Q(agency__isnull=True) | Q(agency_id__in=ids)
        ).values_list("date", "is_working", "name", "reference", "agency_id")
        province: dict[date, Override] = {}
        own: dict[int, dict[date, Override]] = defaultdict(dict)
        for day, is_working, name, reference, agency_id in rows:
            override = Override(day, is_working, name, reference)
            if agency_id is None:
                province[day] = override
            else:
                own[agency_id][day] = override
        hours = office_hours()
        self._province = WorkingCalendar(province.values(), hours)
        self._own = {
            agency_id: WorkingCalendar({**province, **days}.values(), hours)
            for agency_id, days in own.items()
        }

    def of(self, agency_id: int | None) -> WorkingCalendar:
        return self._own.get(agency_id, self._province)


@dataclass
class TaskState:
    task: PlanTask
    status: str
    effective_due: date
    days_late: int = 0  # working days after the (effective) due date, when overdue
    days_left: int | None = None  # working days left, when not done and not overdue

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def overdue(self) -> bool:
        return self.status == OVERDUE


def task_state(
    task: PlanTask, calendar: WorkingCalendar, today: date, margin: int | None = None
) -> TaskState:
    margin = reminder_margin() if margin is None else margin
    effective = calendar.working_day_on_or_after(task.due_on)
    if task.is_done:
        return TaskState(task, DONE, effective)
    if today > effective:
        return TaskState(
            task, OVERDUE, effective, days_late=calendar.working_days_between(effective, today)
        )
    left = calendar.working_days_between(today, effective)
    status = DUE_SOON if left <= margin else (IN_PROGRESS if task.percent_done else NOT_STARTED)
    return TaskState(task, status, effective, days_left=left)


def states(tasks, *, today: date | None = None, calendars: Calendars | None = None):
    tasks = list(tasks)
    today = today or timezone.localdate()
    calendars = calendars or Calendars({t.lead_agency_id for t in tasks})
    margin = reminder_margin()
    return [task_state(t, calendars.of(t.lead_agency_id), today, margin) for t in tasks]


# ---------------------------------------------------------------------------------- lists


def with_relations(queryset: QuerySet[PlanTask]) -> QuerySet[PlanTask]:
    return queryset.select_related("plan", "content", "lead_agency").prefetch_related(
        Prefetch("supporting_agencies", queryset=Agency.objects.order_by("name"))
    )


def task_list(
    user, *, plan: CommunicationPlan | None = None, status: str = "", today: date | None = None
) -> list[TaskState]:
    """The tasks `user` sees (of `plan`), in the plan's order, with their state; filtered by
    `status` when given (a computed status, so the filter runs after the states)."""
    queryset = visible_tasks(user)
    if plan is not None:
        queryset = queryset.filter(plan=plan)
    queryset = with_relations(queryset).order_by(
        "-plan__year", "plan_id", "content__position", "position"
    )
    rows = states(queryset, today=today)
    if status in STATUS_LABELS:
        rows = [r for r in rows if r.status == status]
    return rows


def task_detail(pk: int) -> PlanTask | None:
    # Parents come along: the policy walks up from each agency to find a grant.
    return (
        PlanTask.objects.select_related("plan", "content", "lead_agency__parent__parent__parent")
        .prefetch_related(
            Prefetch(
                "supporting_agencies",
                queryset=Agency.objects.select_related("parent__parent__parent").order_by("name"),
            )
        )
        .filter(pk=pk)
        .first()
    )


def reports_of(task: PlanTask) -> QuerySet[TaskReport]:
    return (
        TaskReport.objects.filter(task=task)
        .select_related("agency", "reported_by")
        .prefetch_related(
            Prefetch("links", queryset=EvidenceLink.objects.order_by("id")),
            Prefetch("files", queryset=EvidenceFile.objects.order_by("id")),
        )
        .order_by("-reported_at", "-id")
    )


def latest_reports(task_ids) -> dict[int, TaskReport]:
    """The latest report of each task: one query returning one row per task, however long the
    tasks' report history."""
    newest = (
        TaskReport.objects.filter(task_id=OuterRef("task_id"))
        .order_by("-reported_at", "-id")
        .values("id")[:1]
    )
    rows = TaskReport.objects.filter(task_id__in=list(task_ids), id=Subquery(newest))
    return {report.task_id: report for report in rows.select_related("agency")}


def contents_of(plan: CommunicationPlan) -> list[PlanContent]:
    return list(plan.contents.order_by("position"))


# ------------------------------------------------------------------------------ dashboard


def _pct(part: int | Decimal, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Group:
    key: str
    label: str
    tasks: int = 0
    done: int = 0
    overdue: int = 0
    percent_sum: int = 0
    sort: tuple = field(default_factory=tuple)

    def add(self, state: TaskState) -> None:
        self.tasks += 1
        self.done += state.status == DONE
        self.overdue += state.status == OVERDUE
        self.percent_sum += state.task.percent_done

    @property
    def done_pct(self) -> Decimal | None:
        return _pct(self.done, self.tasks)

    @property
    def average_pct(self) -> Decimal | None:
        return _pct(self.percent_sum, self.tasks * 100) if self.tasks else None


def dashboard(user, plan: CommunicationPlan, *, today: date | None = None) -> dict:
    """Completion by content and by lead agency, overdue tasks (with working days late) and
    tasks due soon, over the tasks of `plan` that `user` sees."""
    rows = task_list(user, plan=plan, today=today)
    total = Group("all", gettext("Toàn kế hoạch"))
    by_content: dict[int, Group] = {}
    by_agency: dict[int, Group] = {}
    for state in rows:
        task = state.task
        total.add(state)
        by_content.setdefault(
            task.content_id,
            Group(
                str(task.content_id),
                f"{task.content.number}. {task.content.title}",
                sort=(task.content.position,),
            ),
        ).add(state)
        by_agency.setdefault(
            task.lead_agency_id,
            Group(str(task.lead_agency_id), task.lead_agency.name, sort=(task.lead_agency.name,)),
        ).add(state)
    overdue = sorted((s for s in rows if s.status == OVERDUE), key=lambda s: -s.days_late)
    due_soon = sorted(
        (s for s in rows if s.status == DUE_SOON), key=lambda s: (s.effective_due, s.task.pk)
    )
    return {
        "plan": plan,
        "today": today or timezone.localdate(),
        "total": total,
        "by_status": {key: sum(1 for s in rows if s.status == key) for key in STATUS_LABELS},
        "by_content": sorted(by_content.values(), key=lambda g: g.sort),
        "by_agency": sorted(by_agency.values(), key=lambda g: g.sort),
        "overdue": overdue,
        "due_soon": due_soon,
        "margin": reminder_margin(),
    }
