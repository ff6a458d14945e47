from datetime import date, datetime, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AgencyFactory
from tthc.core.errors import ValidationError
from tthc.workdays import selectors, services
from tthc.workdays.engine import VN_TZ, OfficeHours
from tthc.workdays.models import CalendarOverride, DeadlineChange

pytestmark = pytest.mark.django_db

MONDAY = date(2024, 3, 4)


def test_calendar_without_overrides_is_the_statutory_one():
    calendar = selectors.calendar_for()
    assert not calendar.is_working_day(date(2024, 2, 12))  # Tết
    assert calendar.is_working_day(date(2024, 5, 4))  # Saturday worked
    assert calendar.is_working_day(MONDAY)


def test_agency_override_beats_the_province_one_on_the_same_date(control_officer):
    services.add_override(user=control_officer, date=MONDAY, is_working=False, name="Lễ hội tỉnh")
    agency = AgencyFactory()
    other = AgencyFactory()
    services.add_override(
        user=control_officer,
        date=MONDAY,
        is_working=True,
        name="Bộ phận một cửa vẫn làm việc",
        agency=agency,
    )
    assert not selectors.calendar_for().is_working_day(MONDAY)
    assert not selectors.calendar_for(other).is_working_day(MONDAY)
    assert selectors.calendar_for(agency).is_working_day(MONDAY)
    assert selectors.calendar_for(agency.pk).is_working_day(MONDAY)
    assert "Bộ phận một cửa vẫn làm việc" in selectors.calendar_for(agency).reason(MONDAY)


def test_agency_only_override_does_not_leak_to_the_province(control_officer):
    agency = AgencyFactory()
    services.add_override(
        user=control_officer, date=MONDAY, is_working=False, name="Chuyển trụ sở", agency=agency
    )
    assert selectors.calendar_for().is_working_day(MONDAY)
    assert not selectors.calendar_for(agency).is_working_day(MONDAY)


def test_a_new_override_counts_at_once_and_costs_one_query(control_officer):
    assert selectors.calendar_for().is_working_day(MONDAY)
    CalendarOverride.objects.create(date=MONDAY, is_working=False, name="Nghỉ")
    with CaptureQueriesContext(connection) as queries:
        calendar = selectors.calendar_for(AgencyFactory.build(pk=999))
    assert len(queries.captured_queries) == 1
    assert not calendar.is_working_day(MONDAY)


def test_office_hours_from_settings_with_overrides(settings):
    settings.TTHC_OFFICE_HOURS = {**settings.TTHC_OFFICE_HOURS, "afternoon_end": "17:30"}
    hours = selectors.office_hours()
    assert hours.closing == time(17, 30)
    assert selectors.office_hours(cutoff="16:00", morning_start=None).cutoff == time(16, 0)
    assert selectors.office_hours(cutoff=time(14, 0)).cutoff == time(14, 0)
    assert isinstance(hours, OfficeHours)
    with pytest.raises(ValidationError) as caught:
        selectors.office_hours(cutoff="25:00")
    assert caught.value.field == "cutoff"
    with pytest.raises(ValidationError) as caught:
        selectors.office_hours(cutoff="18:00")
    assert caught.value.field == "cutoff"


def test_due_date_uses_settings_and_reports_engine_errors_as_validation_errors(settings):
    deadline = selectors.due_date(start=datetime(2024, 2, 2, 9, 0), amount=5, unit="working_days")
    assert deadline.due_at == datetime(2024, 2, 16, 17, 0, tzinfo=VN_TZ)
    settings.TTHC_OFFICE_HOURS = {**settings.TTHC_OFFICE_HOURS, "afternoon_end": "16:30"}
    deadline = selectors.due_date(start=datetime(2024, 2, 2, 9), amount=5, unit="working_days")
    assert deadline.due_at == datetime(2024, 2, 16, 16, 30, tzinfo=VN_TZ)
    with pytest.raises(ValidationError) as caught:
        selectors.due_date(start=datetime(2024, 2, 2, 9), amount=-1, unit="days")
    assert (caught.value.field, caught.value.message) == ("amount", "Thời hạn không được là số âm.")
    with pytest.raises(ValidationError) as caught:
        selectors.due_date(start=datetime(1990, 2, 2, 9), amount=1, unit="days")
    assert caught.value.field == "start"


def test_same_day_cutoff_can_be_overridden_per_call():
    received = datetime(2024, 3, 4, 15, 30)  # Monday, after the default 15:00 cut-off
    default = selectors.due_date(start=received, amount=1, unit="same_day")
    assert default.due_at.date() == date(2024, 3, 5)
    later = selectors.due_date(start=received, amount=1, unit="same_day", cutoff="16:00")
    assert later.due_at.date() == date(2024, 3, 4)


def test_year_exceptions_and_check_year(control_officer):
    services.add_override(user=control_officer, date=MONDAY, is_working=False, name="Lễ hội")
    days = selectors.year_exceptions_as_dicts(2024)
    assert {
        "date": MONDAY,
        "is_working": False,
        "name": "Lễ hội (ngày nghỉ theo quyết định của địa phương)",
        "weekday": "Thứ Hai",
    } in days
    with pytest.raises(ValidationError) as caught:
        selectors.year_exceptions(1994)
    assert caught.value.message == ("Năm 1994 nằm ngoài phạm vi lịch làm việc hỗ trợ (1995–2100).")


def test_open_status_uses_the_configured_margin(settings):
    due = datetime(2024, 3, 8, 17, 0, tzinfo=VN_TZ)  # Friday
    monday = datetime(2024, 3, 4, 9, 0, tzinfo=VN_TZ)
    settings.TTHC_DUE_SOON_WORKING_DAYS = 1
    assert selectors.open_status(due, now=monday) == "within_time"
    settings.TTHC_DUE_SOON_WORKING_DAYS = 4
    assert selectors.open_status(due, now=monday) == "due_soon"
    assert selectors.open_status(due, now=datetime(2024, 3, 9, tzinfo=VN_TZ)) == "overdue"


def test_manageable_scope(user_with_role, control_officer, specialist):
    department = AgencyFactory(name="Sở Nội vụ")
    branch = AgencyFactory(name="Chi cục", parent=department)
    AgencyFactory(name="Sở Y tế")
    province, agencies = selectors.manageable_scope(control_officer)
    assert province and set(agencies) >= {department, branch}
    province, agencies = selectors.manageable_scope(user_with_role("agency_leader", department))
    assert not province
    assert set(agencies) == {department, branch}
    province, agencies = selectors.manageable_scope(specialist)
    assert (province, list(agencies)) == (False, [])


def test_override_list_query_count_is_flat(control_officer):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            rows = list(selectors.override_list(year=2024))
            for row in rows:
                _ = row.agency, row.recent_changes, row.change_count
        return len(ctx.captured_queries), rows

    agency = AgencyFactory()
    for day in (4, 5):
        override = services.add_override(
            user=control_officer, date=date(2024, 3, day), is_working=False, name="x"
        )
        DeadlineChange.objects.create(
            source="t", object_id="1", label="a", reason="r", override=override
        )
    small, _ = queries()
    for day in (6, 7, 11, 12, 13):
        override = services.add_override(
            user=control_officer, date=date(2024, 3, day), is_working=False, name="x", agency=agency
        )
        for n in range(15):
            DeadlineChange.objects.create(
                source="t", object_id=str(n), label="a", reason="r", override=override
            )
    large, rows = queries()
    assert large == small
    assert [len(row.recent_changes) for row in rows] == [1, 1, 10, 10, 10, 10, 10]
    assert rows[-1].change_count == 15
