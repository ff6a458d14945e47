"""Double submit of a progress report, for real: two requests carrying the same form (same
idempotency key) at the same moment, on PostgreSQL (row locks, READ COMMITTED), each in its own
thread and database connection.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/tthc_review \
     .venv/bin/python -m pytest tests/plans -q -k concurren
"""

import datetime
import threading
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from tests.concurrency import race
from tests.plans.conftest import make_plan
from tthc.plans import services
from tthc.plans.models import EvidenceFile, PlanTask, TaskReport

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
DUE = datetime.date(2026, 6, 30)

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("cần PostgreSQL (DATABASE_URL=postgres://...)")


@pytest.fixture
def task(control, justice, finance):
    _, (made,) = make_plan(
        control, tasks=[(1, "Chuyên mục cải cách TTHC trên trang của Sở", justice, [finance], DUE)]
    )
    return made


@pytest.mark.parametrize("workers", [2, 8])
def test_concurrent_double_submit_of_the_form_stores_one_report(
    task, justice_user, settings, tmp_path, workers
):
    """The same form posted `workers` times at once (a double click, a retry on a slow
    connection): one report, one evidence file on storage, every request answered with the
    redirect to the stored report, none with a 500."""
    settings.MEDIA_ROOT = tmp_path
    url = f"/quan-tri/ke-hoach/nhiem-vu/{task.pk}/bao-cao/"

    clients = []
    for _ in range(workers):  # signed in beforehand: only the submits race
        client = Client(raise_request_exception=False)
        client.force_login(justice_user)
        clients.append(client)
    lock = threading.Lock()

    def post():
        with lock:
            client = clients.pop()
        response = client.post(
            url,
            {
                "key": "0f3c9a7e5b2d4c1a8e6f0b9d7c5a3e1f",
                "period_kind": "q2",
                "percent": "60",
                "text": "Đã đăng 12 tin bài",
                "link_url": ["https://hanoi.gov.vn/tin/1"],
                "link_title": ["Bài 1"],
                "files": [SimpleUploadedFile("minh-chung.pdf", PDF)],
            },
        )
        return response.status_code, response.get("Location", "")

    results, errors = race(workers, post)

    assert errors == []
    assert len(results) == workers
    assert {status for status, _ in results} == {302}, results
    assert {location for _, location in results} == {
        f"/quan-tri/ke-hoach/nhiem-vu/{task.pk}/?da_bao_cao=1#bao-cao"
    }
    stored = TaskReport.objects.get(task=task)
    assert stored.percent == 60 and stored.links.count() == 1
    assert EvidenceFile.objects.filter(report__task=task).count() == 1
    assert len([p for p in Path(tmp_path).rglob("*") if p.is_file()]) == 1  # no orphan file
    assert PlanTask.objects.get(pk=task.pk).percent_done == 60


def test_concurrent_submits_that_miss_the_check_meet_the_unique_key(
    task, justice_user, monkeypatch
):
    """Without the task row lock's check (simulated: `_duplicate` finds nothing, as when two
    transactions read before either commits), the unique (task, key) constraint still keeps one
    report; the losers get that report back, not an IntegrityError."""
    monkeypatch.setattr(services, "_duplicate", lambda *args: None)

    def submit():
        return services.submit_report(
            user=justice_user,
            task=task,
            percent=40,
            text="Đăng 3 bài",
            period_kind="q1",
            submission_key="race-key",
        ).pk

    results, errors = race(4, submit)

    assert errors == []
    assert len(set(results)) == 1 and len(results) == 4
    assert TaskReport.objects.filter(task=task).count() == 1
