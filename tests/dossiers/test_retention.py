"""Automatic retention erasure (DOMAIN §11): the clock's daily task erases the personal data of
applicants of dossiers finished more than `TTHC_DOSSIER_RETENTION_DAYS` ago, keeps what the
statistics need, never touches unfinished dossiers, is idempotent and batched; the public lookup
of an erased dossier still works and says the data was erased."""

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from django.utils.module_loading import import_string

from tests.dossiers.conftest import PERSON
from tests.factories import MembershipFactory
from tthc.dossiers import retention, selectors, services
from tthc.dossiers.models import Applicant, Dossier, DossierEvent, Notification, Status

pytestmark = pytest.mark.django_db

TASK = "tthc.dossiers.retention.erase_expired_task"


def run_the_clocks_task():
    """Enqueue the task as `tthc clock` does (the tests' backend runs it at once)."""
    paths = [path for _, path in django_settings.TTHC_PERIODIC_TASKS]
    assert TASK in paths
    return import_string(TASK).enqueue().return_value


def finish(dossier):
    user = MembershipFactory(role="reception_officer", agency=dossier.receiving_agency).user
    return services.withdraw(user=user, dossier=dossier, reason="Công dân rút hồ sơ.")


def personal(dossier) -> tuple:
    a = Applicant.objects.get(pk=dossier.applicant_id)
    return (a.full_name, a.citizen_id, a.date_of_birth, a.phone, a.email, a.address)


@pytest.fixture
def dossiers(received, submitted, officer, travel, settings, django_capture_on_commit_callbacks):
    settings.TTHC_DOSSIER_RETENTION_DAYS = 365
    travel(2023, 3, 1, 10)
    with django_capture_on_commit_callbacks(execute=True):
        old = finish(received())  # withdrawn 01/03/2023; notified (a recipient stored)
    old_refused = services.refuse(user=officer, dossier=submitted(), reason="Hồ sơ giả mạo.")
    old_open = received()  # received 01/03/2023, still being processed
    travel(2023, 6, 1, 10)
    late_finish = finish(received())  # finished 01/06/2023: not a year before 15/04/2024
    travel(2024, 4, 1, 10)
    recent = finish(received())
    travel(2024, 4, 15, 10)  # one year after March 2023 has passed, not after June 2023
    return {
        "old": old,
        "old_refused": old_refused,
        "old_open": old_open,
        "late_finish": late_finish,
        "recent": recent,
    }


def test_the_daily_task_erases_old_finished_dossiers_only(dossiers):
    old, refused = dossiers["old"], dossiers["old_refused"]
    assert Notification.objects.filter(event__dossier=old).exclude(recipient="").exists()
    before = Dossier.objects.filter(pk=old.pk).values(
        "status", "submitted_at", "received_at", "due_at", "procedure", "resolving_agency"
    )[0]
    assert run_the_clocks_task() == 2
    for dossier in (old, refused):
        assert personal(dossier) == ("", "", None, "", "", "")
        applicant = Applicant.objects.get(pk=dossier.applicant_id)
        assert applicant.erased_at == timezone.now() and applicant.kind == "person"
        event = DossierEvent.objects.get(dossier=dossier, action="personal_data_erased")
        assert event.actor is None and event.to_status == event.from_status == dossier.status
    # What statistics need stays.
    assert (
        Dossier.objects.filter(pk=old.pk).values(
            "status", "submitted_at", "received_at", "due_at", "procedure", "resolving_agency"
        )[0]
        == before
    )
    assert Dossier.objects.get(pk=old.pk).status == Status.WITHDRAWN
    assert not Notification.objects.filter(event__dossier=old).exclude(recipient="").exists()
    # Unfinished, finished recently, or finished less than a year ago: untouched.
    for kept in ("old_open", "late_finish", "recent"):
        dossier = dossiers[kept]
        assert personal(dossier)[0] == PERSON.full_name, kept
        assert Applicant.objects.get(pk=dossier.applicant_id).erased_at is None, kept
        assert not DossierEvent.objects.filter(dossier=dossier, action="personal_data_erased")
    # The erasure is in the audit trail (no user: the system).
    rows = selectors.audit_rows(selectors.audit_entries(code=old.code))
    assert rows[0]["what"] == "Xóa dữ liệu cá nhân hết thời hạn lưu trữ" and not rows[0]["username"]


def test_running_twice_changes_nothing(dossiers, travel):
    assert run_the_clocks_task() == 2
    events = DossierEvent.objects.count()
    erased = dict(Applicant.objects.values_list("pk", "erased_at"))
    travel(2024, 4, 16, 10)
    assert run_the_clocks_task() == 0
    assert DossierEvent.objects.count() == events
    assert dict(Applicant.objects.values_list("pk", "erased_at")) == erased


def test_batches(dossiers):
    assert retention.erase_expired(dry_run=True) == 2
    assert personal(dossiers["old"])[0] == PERSON.full_name  # dry run: nothing written
    assert retention.erase_expired(batch_size=1) == 2
    assert Applicant.objects.filter(erased_at__isnull=False).count() == 2


def test_the_period_is_a_setting_with_a_stated_default(settings):
    now = timezone.now()
    assert django_settings.TTHC_DOSSIER_RETENTION_DAYS == 5 * 365  # settings.py default
    settings.TTHC_DOSSIER_RETENTION_DAYS = 10
    assert (now - retention.retention_cutoff(now)).days == 10


def test_the_lookup_of_an_erased_dossier_works_and_says_so(client, dossiers):
    old = dossiers["old"]
    run_the_clocks_task()
    api = client.get(f"/api/v1/dossiers/{old.code}", {"verify": old.lookup_secret})
    assert api.status_code == 200
    body = api.json()
    assert body["status"] == Status.WITHDRAWN and body["verified"] is False
    assert body["applicant"]["erased"] is True and body["applicant"]["erased_date"] == "15/04/2024"
    assert body["applicant"]["name"] == body["applicant"]["citizen_id"] == ""
    assert body["steps"][-1]["label"] == "Xóa dữ liệu cá nhân hết thời hạn lưu trữ"
    page = client.post("/tra-cuu-ho-so/", {"ma": old.code}).content.decode()
    assert "Dữ liệu cá nhân của người nộp đã được xóa ngày 15/04/2024" in page
    assert PERSON.full_name not in page and "********2345" not in page
    # A dossier that keeps its data still masks as before.
    kept = client.get(f"/api/v1/dossiers/{dossiers['recent'].code}").json()["applicant"]
    assert kept["erased"] is False and kept["masked"] is True


def test_the_command_previews_and_erases(dossiers, capsys):
    from django.core.management import call_command

    call_command("dossier_erase_expired", "--dry-run")
    assert "Sẽ xóa dữ liệu cá nhân của người nộp 2 hồ sơ." in capsys.readouterr().out
    call_command("dossier_erase_expired", "--batch-size", "1")
    assert "Đã xóa dữ liệu cá nhân của người nộp 2 hồ sơ." in capsys.readouterr().out
