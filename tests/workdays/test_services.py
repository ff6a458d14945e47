from datetime import date, datetime

import pytest

from tests.factories import AgencyFactory, UserFactory
from tthc.core.errors import Conflict, PermissionDenied, ValidationError
from tthc.workdays import services
from tthc.workdays.models import CalendarOverride, OverrideEvent

pytestmark = pytest.mark.django_db

DENIED = "Bạn không có quyền điều chỉnh lịch làm việc."
# A plain Monday in 2024: a working day by law.
MONDAY = date(2024, 3, 4)


def add(user, **kwargs):
    data = {"date": MONDAY, "is_working": False, "name": "Nghỉ lễ hội", "reference": ""}
    data.update(kwargs)
    return services.add_override(user=user, **data)


def test_control_officer_adds_a_province_wide_day_off_and_it_is_logged(control_officer):
    override = add(control_officer, reference=" 12/QĐ-UBND ", name="  Lễ hội Đền Hùng  ")
    assert override.agency is None
    assert override.created_by == control_officer
    assert (override.name, override.reference) == ("Lễ hội Đền Hùng", "12/QĐ-UBND")
    event = OverrideEvent.objects.get()
    assert event.kind == "added"
    assert event.user == control_officer
    assert event.after == {
        "date": "2024-03-04",
        "is_working": False,
        "name": "Lễ hội Đền Hùng",
        "reference": "12/QĐ-UBND",
        "agency": None,
    }


def test_administrator_may_too(user_with_role):
    assert add(user_with_role("administrator")).pk


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"date": date(1994, 12, 30)},
            "date",
            "Ngày điều chỉnh phải trong các năm 1995–2100.",
        ),
        (
            {"date": date(2101, 1, 3)},
            "date",
            "Ngày điều chỉnh phải trong các năm 1995–2100.",
        ),
        ({"date": datetime(2024, 3, 4, 8)}, "date", "Ngày điều chỉnh không hợp lệ."),
        ({"date": "2024-03-04"}, "date", "Ngày điều chỉnh không hợp lệ."),
        ({"name": "   "}, "name", "Cần nhập tên hoặc lý do của ngày điều chỉnh."),
        ({"name": "x" * 201}, "name", "Tên quá dài (tối đa 200 ký tự)."),
        ({"reference": "x" * 201}, "reference", "Số quyết định quá dài (tối đa 200 ký tự)."),
        ({"is_working": None}, "is_working", "Cần chọn ngày làm việc hoặc ngày nghỉ."),
        (
            {"is_working": True},
            "is_working",
            "Ngày 04/03/2024 (Thứ Hai) đã là ngày làm việc; không cần điều chỉnh thành ngày "
            "làm việc.",
        ),
        (
            {"date": date(2024, 3, 2)},
            "is_working",
            "Ngày 02/03/2024 (Thứ Bảy) đã là ngày nghỉ (nghỉ cuối tuần); không cần điều chỉnh "
            "thành ngày nghỉ.",
        ),
        (
            {"date": date(2024, 2, 12)},
            "is_working",
            "Ngày 12/02/2024 (Thứ Hai) đã là ngày nghỉ (Mùng ba Tết Nguyên Đán); không cần "
            "điều chỉnh thành ngày nghỉ.",
        ),
        (
            # a Saturday worked by the national schedule
            {"date": date(2025, 4, 26), "is_working": True},
            "is_working",
            "Ngày 26/04/2025 (Thứ Bảy) đã là ngày làm việc; không cần điều chỉnh thành ngày "
            "làm việc.",
        ),
    ],
)
def test_validation_messages(control_officer, kwargs, field, message):
    with pytest.raises(ValidationError) as caught:
        add(control_officer, **kwargs)
    assert caught.value.field == field
    assert caught.value.message == message
    assert not CalendarOverride.objects.exists()
    assert not OverrideEvent.objects.exists()


def test_useful_overrides_pass(control_officer):
    add(control_officer, date=date(2024, 3, 2), is_working=True, name="Làm bù")  # a Saturday
    add(control_officer, date=date(2024, 2, 12), is_working=True, name="Trực Tết")  # Tết


def test_duplicate_date_in_the_same_scope_is_refused_with_a_clear_message(control_officer):
    add(control_officer, name="Nghỉ lễ hội")
    with pytest.raises(Conflict) as caught:
        add(control_officer, is_working=False, name="Lần hai")
    assert caught.value.field == "date"
    assert caught.value.message == (
        "Ngày 04/03/2024 đã có điều chỉnh trong phạm vi toàn tỉnh: “Nghỉ lễ hội”. "
        "Hãy sửa hoặc xóa điều chỉnh đó thay vì thêm mới."
    )
    agency = AgencyFactory(name="Sở Tư pháp")
    add(control_officer, agency=agency, is_working=True, name="Sở vẫn làm việc")
    with pytest.raises(Conflict) as caught:
        add(control_officer, agency=agency, is_working=True, name="Lần hai")
    assert "trong phạm vi Sở Tư pháp: “Sở vẫn làm việc”" in caught.value.message
    assert CalendarOverride.objects.count() == 2


def test_the_database_refuses_duplicates_too(control_officer):
    """The partial unique constraints hold even if the service's check is bypassed (a race)."""
    from django.db import IntegrityError, transaction

    CalendarOverride.objects.create(date=MONDAY, is_working=False, name="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarOverride.objects.create(date=MONDAY, is_working=False, name="b")
    agency = AgencyFactory()
    CalendarOverride.objects.create(date=MONDAY, is_working=True, name="c", agency=agency)
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarOverride.objects.create(date=MONDAY, is_working=True, name="d", agency=agency)


def test_agency_override_is_compared_with_the_province_calendar(control_officer):
    agency = AgencyFactory()
    with pytest.raises(ValidationError) as caught:
        add(control_officer, agency=agency, is_working=True)
    assert caught.value.message.startswith(
        "Ngày 04/03/2024 (Thứ Hai) đã là ngày làm việc theo lịch toàn tỉnh"
    )
    add(control_officer, is_working=False)  # province: day off
    assert add(control_officer, agency=agency, is_working=True, name="Sở vẫn làm").pk


@pytest.mark.parametrize("role", ["specialist", "reception_officer", "editor"])
def test_roles_without_the_permission_are_refused(user_with_role, role):
    agency = AgencyFactory()
    user = user_with_role(role, agency)
    for scope in (None, agency):
        with pytest.raises(PermissionDenied) as caught:
            add(user, agency=scope)
        assert caught.value.message == DENIED
        assert caught.value.status == 403
    assert not CalendarOverride.objects.exists()


def test_users_without_any_role_and_anonymous_are_refused(plain_user):
    from django.contrib.auth.models import AnonymousUser

    for user in (plain_user, AnonymousUser(), None):
        with pytest.raises(PermissionDenied):
            add(user)


def test_inactive_control_officer_is_refused(user_with_role):
    user = user_with_role("control_officer")
    user.is_active = False
    user.save()
    with pytest.raises(PermissionDenied):
        add(user)


def test_agency_leader_manages_own_agency_and_those_below_only(user_with_role):
    department = AgencyFactory(name="Sở Nội vụ")
    branch = AgencyFactory(name="Chi cục Văn thư", parent=department)
    other = AgencyFactory(name="Sở Y tế")
    leader = user_with_role("agency_leader", department)
    assert add(leader, agency=department).agency == department
    assert add(leader, agency=branch).agency == branch
    for scope in (other, None):
        with pytest.raises(PermissionDenied) as caught:
            add(leader, agency=scope)
        assert caught.value.message == DENIED


def test_validation_comes_after_permission(specialist):
    with pytest.raises(PermissionDenied):
        add(specialist, name="")


def test_change_override(control_officer):
    override = add(control_officer)
    changed = services.change_override(
        user=control_officer,
        override=override,
        date=date(2024, 3, 5),
        is_working=False,
        name="Đổi ngày",
        reference="15/QĐ-UBND",
    )
    override.refresh_from_db()
    assert (override.date, override.name, override.reference) == (
        date(2024, 3, 5),
        "Đổi ngày",
        "15/QĐ-UBND",
    )
    assert changed.pk == override.pk
    event = OverrideEvent.objects.get(kind="changed")
    assert event.before["date"] == "2024-03-04"
    assert event.after["date"] == "2024-03-05"


def test_change_without_difference_logs_nothing(control_officer):
    override = add(control_officer)
    services.change_override(
        user=control_officer,
        override=override,
        date=MONDAY,
        is_working=False,
        name="Nghỉ lễ hội",
    )
    assert not OverrideEvent.objects.filter(kind="changed").exists()


def test_change_refuses_duplicates_and_useless_values(control_officer):
    first = add(control_officer)
    second = add(control_officer, date=date(2024, 3, 5))
    with pytest.raises(Conflict):
        services.change_override(
            user=control_officer, override=second, date=MONDAY, is_working=False, name="x"
        )
    with pytest.raises(ValidationError) as caught:
        services.change_override(
            user=control_officer, override=first, date=MONDAY, is_working=True, name="x"
        )
    assert caught.value.field == "is_working"


def test_change_needs_permission_in_old_and_new_scope(user_with_role, control_officer):
    department = AgencyFactory()
    other = AgencyFactory()
    leader = user_with_role("agency_leader", department)
    override = add(leader, agency=department)
    with pytest.raises(PermissionDenied):  # moving it to another agency
        services.change_override(
            user=leader, override=override, date=MONDAY, is_working=False, name="x", agency=other
        )
    foreign = add(control_officer, agency=other)
    with pytest.raises(PermissionDenied):  # changing another agency's row
        services.change_override(
            user=leader,
            override=foreign,
            date=MONDAY,
            is_working=False,
            name="x",
            agency=department,
        )


def test_remove_override(control_officer, specialist):
    override = add(control_officer)
    with pytest.raises(PermissionDenied):
        services.remove_override(user=specialist, override=override)
    services.remove_override(user=control_officer, override=override)
    assert not CalendarOverride.objects.exists()
    event = OverrideEvent.objects.get(kind="removed")
    assert event.before["name"] == "Nghỉ lễ hội"
    assert event.user == control_officer
    # removing twice is harmless
    services.remove_override(user=control_officer, override=override)


def test_superuser_may_do_everything():
    superuser = UserFactory(is_superuser=True)
    assert add(superuser, agency=AgencyFactory()).pk
