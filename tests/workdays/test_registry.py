"""Registry + task: a calendar change moves the open registered deadlines and logs old -> new.

Record: received Monday 04/03/2024 09:00, 5 working days -> Tue 5, Wed 6, Thu 7, Fri 8,
Mon 11 -> due Monday 11/03/2024 17:00. A day off on Wednesday 06/03 pushes the fifth working
day to Tuesday 12/03.
"""

from datetime import date, datetime

import pytest

from tests.factories import AgencyFactory
from tests.workdays.helpers import MemorySource
from tthc.core import revisions
from tthc.workdays import registry, services
from tthc.workdays.engine import VN_TZ
from tthc.workdays.models import DeadlineChange
from tthc.workdays.selectors import REVISION
from tthc.workdays.tasks import recompute_deadlines_task

pytestmark = pytest.mark.django_db

RECEIVED = datetime(2024, 3, 4, 9, 0, tzinfo=VN_TZ)
DUE = datetime(2024, 3, 11, 17, 0, tzinfo=VN_TZ)
MOVED = datetime(2024, 3, 12, 17, 0, tzinfo=VN_TZ)
WEDNESDAY = date(2024, 3, 6)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what services queue for after the commit (the test itself runs in a transaction)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_adding_a_day_off_moves_an_open_deadline_and_logs_it(
    memory_source, control_officer, commit
):
    record = memory_source.add("HS-001", RECEIVED, 5)
    closed = memory_source.add("HS-002", RECEIVED, 5, is_open=False)
    assert record.due_at == DUE
    with commit() as callbacks:
        override = services.add_override(
            user=control_officer,
            date=WEDNESDAY,
            is_working=False,
            name="Lễ hội địa phương",
            reference="12/QĐ-UBND",
        )
    # After the commit: the open deadlines recomputed, and every process's calendars dropped.
    assert len(callbacks) == 2
    assert revisions.current(REVISION) == 1
    assert record.due_at == MOVED
    assert any(
        "Bỏ qua 06/03/2024 (Thứ Tư): Lễ hội địa phương" in line for line in record.explanation
    )
    assert closed.due_at == DUE  # a closed record is not touched
    change = DeadlineChange.objects.get()
    assert (change.source, change.object_id, change.label) == (
        "tests.memory",
        "HS-001",
        "Hồ sơ HS-001",
    )
    assert change.content_type is None
    assert (change.old_due, change.new_due) == (DUE, MOVED)
    assert change.override == override
    assert change.reason == (
        "Thêm ngày nghỉ 06/03/2024 “Lễ hội địa phương” (12/QĐ-UBND), phạm vi toàn tỉnh"
    )

    with commit():
        services.remove_override(user=control_officer, override=override)
    assert record.due_at == DUE
    back = DeadlineChange.objects.order_by("-id").first()
    assert (back.old_due, back.new_due) == (MOVED, DUE)
    assert back.override is None
    assert back.reason.startswith("Xóa ngày nghỉ 06/03/2024")
    assert DeadlineChange.objects.count() == 2
    change.refresh_from_db()
    assert change.override is None  # SET_NULL: the log survives the override


def test_changing_an_override_recomputes(memory_source, control_officer, commit):
    record = memory_source.add("HS-001", RECEIVED, 5)
    with commit():
        override = services.add_override(
            user=control_officer, date=WEDNESDAY, is_working=False, name="Nghỉ"
        )
    with commit():  # moved after the deadline: no effect any more
        services.change_override(
            user=control_officer,
            override=override,
            date=date(2024, 3, 20),
            is_working=False,
            name="Nghỉ",
        )
    assert record.due_at == DUE
    assert [(c.old_due, c.new_due) for c in DeadlineChange.objects.order_by("id")] == [
        (DUE, MOVED),
        (MOVED, DUE),
    ]


def test_a_day_outside_the_window_changes_nothing(memory_source, control_officer, commit):
    record = memory_source.add("HS-001", RECEIVED, 5)
    with commit():
        services.add_override(
            user=control_officer, date=date(2024, 3, 20), is_working=False, name="Nghỉ"
        )
    assert record.due_at == DUE
    assert not DeadlineChange.objects.exists()


def test_agency_override_moves_only_that_agencys_records(memory_source, control_officer, commit):
    agency, other = AgencyFactory(), AgencyFactory()
    mine = memory_source.add("HS-A", RECEIVED, 5, agency_id=agency.pk)
    theirs = memory_source.add("HS-B", RECEIVED, 5, agency_id=other.pk)
    province = memory_source.add("HS-P", RECEIVED, 5)
    with commit():
        services.add_override(
            user=control_officer,
            date=WEDNESDAY,
            is_working=False,
            name="Chuyển trụ sở",
            agency=agency,
        )
    assert (mine.due_at, theirs.due_at, province.due_at) == (MOVED, DUE, DUE)
    assert list(DeadlineChange.objects.values_list("object_id", flat=True)) == ["HS-A"]


def test_a_working_saturday_brings_a_deadline_forward(memory_source, control_officer, commit):
    record = memory_source.add("HS-001", RECEIVED, 5)
    with commit():
        services.add_override(
            user=control_officer, date=date(2024, 3, 9), is_working=True, name="Làm bù"
        )
    assert record.due_at == datetime(2024, 3, 9, 17, 0, tzinfo=VN_TZ)


def test_a_failing_record_is_counted_and_the_others_are_done(memory_source, control_officer):
    good = memory_source.add("HS-001", RECEIVED, 5)
    bad = memory_source.add("HS-BAD", RECEIVED, 5)
    bad.unit = "weeks"  # corrupt data: the engine refuses it
    services.add_override(user=control_officer, date=WEDNESDAY, is_working=False, name="Nghỉ")
    report = registry.recompute_open_deadlines("thử")
    assert (report.checked, report.changed, report.failed) == (2, 1, 1)
    assert good.due_at == MOVED
    assert bad.due_at == DUE


def test_task_runs_the_registry_and_returns_a_summary(memory_source, control_officer):
    memory_source.add("HS-001", RECEIVED, 5)
    override = services.add_override(
        user=control_officer, date=WEDNESDAY, is_working=False, name="Nghỉ"
    )
    result = recompute_deadlines_task.enqueue(override.pk, "lý do")
    assert result.return_value == {
        "checked": 1,
        "changed": 1,
        "failed": 0,
        "by_source": {"tests.memory": 1},
    }
    assert DeadlineChange.objects.get().override == override
    # an override deleted before the task runs: the log simply has no link
    result = recompute_deadlines_task.enqueue(override.pk + 1000, "lý do")
    assert result.return_value["changed"] == 0


def test_no_source_registered_is_fine(control_officer):
    assert registry.recompute_open_deadlines("thử").as_dict()["checked"] == 0


def test_register_refuses_another_source_under_a_taken_label(memory_source):
    registry.register(memory_source.source)  # the same one again: harmless
    with pytest.raises(ValueError, match="đã được đăng ký"):
        registry.register(MemorySource().source)


def test_model_records_are_logged_with_their_content_type(control_officer):
    """Records may be Django model instances; storing is still the source's own business."""
    from django.contrib.contenttypes.models import ContentType

    from tthc.org.models import Agency

    agency = AgencyFactory()
    dues = {agency.pk: DUE}
    source = registry.DeadlineSource(
        label="tests.agency",
        open_records=lambda: Agency.objects.filter(pk=agency.pk),
        agency_of=lambda record: record,
        current_due=lambda record: dues[record.pk],
        compute_due=lambda record, calendar: calendar.add_working_days(
            RECEIVED.date(), 5
        ),  # a date is not accepted: must be a Deadline or a datetime
        store_due=lambda record, due: dues.__setitem__(record.pk, due),
    )
    registry.register(source)
    try:
        services.add_override(user=control_officer, date=WEDNESDAY, is_working=False, name="x")
        report = registry.recompute_open_deadlines("thử")
        assert report.failed == 1  # the wrong return type is caught and logged

        registry.unregister("tests.agency")
        source = registry.DeadlineSource(
            **{
                **source.__dict__,
                "compute_due": lambda record, calendar: datetime.combine(
                    calendar.add_working_days(RECEIVED.date(), 5), DUE.timetz()
                ),
            }
        )
        registry.register(source)
        report = registry.recompute_open_deadlines("thử")
        assert (report.changed, report.failed) == (1, 0)
        assert dues[agency.pk] == MOVED
        change = DeadlineChange.objects.get()
        assert change.content_type == ContentType.objects.get_for_model(Agency)
        assert change.object_id == str(agency.pk)
        assert change.label == str(agency)
    finally:
        registry.unregister("tests.agency")


def test_a_source_may_decline_to_store(memory_source, control_officer):
    """A record closed between reading and storing: the source returns False, nothing is
    logged."""
    record = memory_source.add("HS-001", RECEIVED, 5)
    source = registry.DeadlineSource(
        **{**memory_source.source.__dict__, "store_due": lambda r, d: False}
    )
    registry.unregister(source.label)
    registry.register(source)
    services.add_override(user=control_officer, date=WEDNESDAY, is_working=False, name="Nghỉ")
    report = registry.recompute_open_deadlines("thử")
    assert (report.checked, report.changed) == (1, 0)
    assert record.due_at == DUE
    assert not DeadlineChange.objects.exists()
