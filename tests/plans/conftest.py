import datetime

import pytest

from tests.factories import AgencyFactory, MembershipFactory
from tthc.org.models import AgencyKind, Role
from tthc.plans import services
from tthc.plans.models import PlanContent


def staff_user(role, agency, **kwargs):
    user = MembershipFactory(role=role, agency=agency, **kwargs).user
    user.save()  # stores the password set after creation, so force_login sessions stay valid
    return user


@pytest.fixture
def office(db):
    return AgencyFactory(name="Văn phòng UBND tỉnh", kind=AgencyKind.OFFICE)


@pytest.fixture
def justice(db):
    return AgencyFactory(name="Sở Tư pháp")


@pytest.fixture
def home_affairs(db):
    return AgencyFactory(name="Sở Nội vụ")


@pytest.fixture
def finance(db):
    return AgencyFactory(name="Sở Tài chính")


@pytest.fixture
def control(office):
    return staff_user(Role.CONTROL_OFFICER, office, user__email="kiemsoat@example.vn")


@pytest.fixture
def justice_user(justice):
    return staff_user(Role.SPECIALIST, justice, user__email="tuphap@example.vn")


@pytest.fixture
def home_user(home_affairs):
    return staff_user(Role.SPECIALIST, home_affairs, user__email="noivu@example.vn")


def make_plan(user, *, year=2026, issue=True, tasks=()):
    """A plan with the four default contents; `tasks` are (content position, title, lead,
    supporting, due) tuples."""
    plan = services.create_plan(
        user=user,
        data=services.PlanInput(
            year=year,
            title=f"Kế hoạch truyền thông hoạt động kiểm soát TTHC năm {year}",
            decision_number="12/KH-UBND",
            decision_date=datetime.date(year, 1, 15),
            issuing_body="Ủy ban nhân dân tỉnh",
        ),
    )
    contents = {c.position: c for c in PlanContent.objects.filter(plan=plan)}
    made = []
    for position, title, lead, supporting, due in tasks:
        made.append(
            services.add_task(
                user=user,
                content=contents[position],
                data=services.TaskInput(
                    title=title, lead_agency=lead, supporting_agencies=supporting, due_on=due
                ),
            )
        )
    if issue and made:
        plan = services.issue_plan(user=user, plan=plan)
    for task in made:
        task.plan = plan
    return plan, made


def report(user, task, percent, text="Đã thực hiện", **kwargs):
    kwargs.setdefault("period_kind", "q1")
    return services.submit_report(user=user, task=task, percent=percent, text=text, **kwargs)
