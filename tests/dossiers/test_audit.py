"""The administrators' audit trail: dossier changes and personal-data reads, filtered and
paginated with a flat query count; administrators and superusers only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.dossiers.conftest import staff
from tthc.dossiers import services
from tthc.org.models import Role

pytestmark = pytest.mark.django_db

URL = "/quan-tri/nhat-ky/"


@pytest.fixture
def admin(commune):
    return staff(Role.ADMINISTRATOR, commune)


def test_only_administrators_and_superusers(client, officer, specialist, root, admin):
    assert client.get(URL).status_code == 302
    for user in (
        officer,
        specialist,
        staff(Role.CONTROL_OFFICER, specialist.memberships.get().agency),
    ):
        client.force_login(user)
        response = client.get(URL)
        assert response.status_code == 403
        assert "Chỉ quản trị hệ thống" in response.content.decode()
    root.save()  # the factory sets the password after saving: keep the session hash valid
    for user in (admin, root):
        client.force_login(user)
        assert client.get(URL).status_code == 200


def test_lists_changes_and_reads(client, admin, received, specialist):
    dossier = received()
    services.start_processing(user=specialist, dossier=dossier, note="Giao thụ lý")
    services.read_applicant(user=specialist, dossier=dossier, what="xem thử")
    client.force_login(admin)
    page = client.get(URL).content.decode()
    assert page.count("audit-row--event") == 2
    assert page.count("audit-row--read") == 1
    assert "Chuyển xử lý" in page and "Giao thụ lý" in page and "xem thử" in page
    assert specialist.username in page


def test_filters(client, admin, received, specialist, officer, travel):
    travel(2025, 3, 3, 9)
    first = received()
    travel(2025, 3, 5, 9)
    second = received()
    services.read_applicant(user=specialist, dossier=second)
    client.force_login(admin)
    by_user = client.get(URL, {"nguoi_dung": specialist.username}).content.decode()
    assert by_user.count("audit-row--") == 1
    by_code = client.get(URL, {"ma": first.code}).content.decode()
    assert by_code.count("audit-row--") == 1 and first.code in by_code
    by_date = client.get(URL, {"tu": "2025-03-04", "den": "2025-03-05"}).content.decode()
    assert by_date.count("audit-row--") == 2 and first.code not in by_date
    only_day = client.get(URL, {"tu": "2025-03-03", "den": "2025-03-03"}).content.decode()
    assert only_day.count("audit-row--") == 1


def test_feedback_reads_are_listed(client, admin, specialist):
    from tests.feedback.conftest import feedback_input
    from tthc.feedback import services as feedback_services
    from tthc.feedback.models import AccessLog

    feedback = feedback_services.submit(data=feedback_input(), ip="203.0.113.5")
    AccessLog.objects.create(user=specialist, feedback=feedback, what="xem phản ánh")
    client.force_login(admin)
    page = client.get(URL).content.decode()
    assert page.count("audit-row--feedback_read") == 1
    assert feedback.code in page and "xem phản ánh" in page
    filtered = client.get(URL, {"ma": feedback.code}).content.decode()
    assert filtered.count("audit-row--") == 1


def test_paginated_with_a_flat_query_count(client, admin, received, specialist):
    dossier = received()
    for _ in range(3):
        services.read_applicant(user=specialist, dossier=dossier)
    client.force_login(admin)
    client.get(URL)  # warm up (session, caches)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(60):
        services.read_applicant(user=specialist, dossier=dossier)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert len(many) == len(few)
    page = response.content.decode()
    assert page.count("audit-row--") == 50
    assert "Trang 1/2" in page
    page2 = client.get(URL, {"trang": 2}).content.decode()
    assert page2.count("audit-row--") == 14
