"""Staff screens: visibility per agency (403/404), forms with Vietnamese messages and 4xx,
management by the control office, query counts that stay flat as rows grow."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AgencyFactory
from tests.plans.conftest import make_plan, report, staff_user
from tthc.org.models import Role
from tthc.plans.models import CommunicationPlan, PlanTask, TaskReport

pytestmark = pytest.mark.django_db

D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture
def plan(control, justice, home_affairs, finance):
    plan, tasks = make_plan(
        control,
        tasks=[
            (1, "Chuyên mục của Sở Tư pháp", justice, [], D(2026, 12, 30)),
            (2, "Tập huấn của Sở Nội vụ", home_affairs, [], D(2026, 12, 30)),
            (3, "Lấy ý kiến của Sở Tài chính", finance, [justice], D(2026, 12, 30)),
        ],
    )
    return plan, tasks


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_login_required_and_no_plan_role_is_403(client, db):
    response = client.get("/quan-tri/ke-hoach/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")
    outsider = staff_user(Role.RECEPTION_OFFICER, AgencyFactory())
    client.force_login(outsider)
    response = client.get("/quan-tri/ke-hoach/")
    assert response.status_code == 403
    assert "Bạn không có quyền xem kế hoạch truyền thông" in _text(response)


def test_agency_user_sees_only_its_tasks_everywhere(client, plan, justice_user):
    plan_obj, (mine, theirs, _supported) = plan
    client.force_login(justice_user)
    dashboard = _text(client.get("/quan-tri/ke-hoach/"))
    assert "Sở Tư pháp" in dashboard and "Sở Tài chính" in dashboard  # led, supported
    assert "Sở Nội vụ" not in dashboard
    assert re.search(r'id="so-nhiem-vu">2<', dashboard)
    for url in [
        f"/quan-tri/ke-hoach/{plan_obj.pk}/",
        "/quan-tri/ke-hoach/nhiem-vu/",
    ]:
        page = _text(client.get(url))
        assert "Chuyên mục của Sở Tư pháp" in page, url
        assert "Lấy ý kiến của Sở Tài chính" in page, url  # supporting
        assert "Tập huấn của Sở Nội vụ" not in page, url
    assert client.get(f"/quan-tri/ke-hoach/nhiem-vu/{mine.pk}/").status_code == 200
    response = client.get(f"/quan-tri/ke-hoach/nhiem-vu/{theirs.pk}/")
    assert response.status_code == 403
    assert "Bạn không có quyền xem nhiệm vụ này của kế hoạch." in _text(response)
    assert client.get("/quan-tri/ke-hoach/nhiem-vu/999999/").status_code == 404


def test_exports_follow_the_same_visibility(client, plan, justice_user):
    plan_obj, _ = plan
    client.force_login(justice_user)
    from io import BytesIO

    from openpyxl import load_workbook

    response = client.get(f"/quan-tri/ke-hoach/{plan_obj.pk}/ke-hoach.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    titles = [row[1] for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert "Chuyên mục của Sở Tư pháp" in titles
    assert "Tập huấn của Sở Nội vụ" not in titles


def test_draft_plans_are_hidden_from_agencies(client, control, justice, justice_user):
    draft, (task,) = make_plan(
        control, issue=False, tasks=[(1, "Dự thảo", justice, [], D(2026, 5, 5))]
    )
    client.force_login(justice_user)
    assert client.get(f"/quan-tri/ke-hoach/{draft.pk}/").status_code == 404
    assert client.get(f"/quan-tri/ke-hoach/nhiem-vu/{task.pk}/").status_code == 403


def test_report_form_records_and_shows_history(client, plan, justice_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _, (mine, _, _) = plan
    client.force_login(justice_user)
    page = client.get(f"/quan-tri/ke-hoach/nhiem-vu/{mine.pk}/")
    key = re.search(r'name="key" value="([0-9a-f]+)"', page.content.decode())[1]
    data = {
        "key": key,
        "period_kind": "q2",
        "percent": "60",
        "text": "Đã đăng 12 tin bài",
        "link_url": ["https://hanoi.gov.vn/tin/1", "/tin-tuc/bai-2/", ""],
        "link_title": ["Bài 1", "Bài 2", ""],
        "files": [SimpleUploadedFile("minh-chung.pdf", PDF)],
    }
    response = client.post(f"/quan-tri/ke-hoach/nhiem-vu/{mine.pk}/bao-cao/", data)
    assert response.status_code == 302
    data["files"] = [SimpleUploadedFile("minh-chung.pdf", PDF)]
    again = client.post(f"/quan-tri/ke-hoach/nhiem-vu/{mine.pk}/bao-cao/", data)  # double click
    assert again.status_code == 302
    assert TaskReport.objects.filter(task=mine).count() == 1
    page = _text(client.get(response["Location"]))
    assert "Đã ghi nhận báo cáo tiến độ." in page
    assert "Quý II năm 2026" in page and "Đã đăng 12 tin bài" in page
    assert 'href="/tin-tuc/bai-2/"' in page
    evidence = TaskReport.objects.get().files.get()
    download = client.get(f"/quan-tri/ke-hoach/minh-chung/{evidence.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_bad_report_input_is_422_with_the_message_and_keeps_the_text(client, plan, justice_user):
    _, (mine, _, _) = plan
    client.force_login(justice_user)
    url = f"/quan-tri/ke-hoach/nhiem-vu/{mine.pk}/bao-cao/"
    response = client.post(url, {"period_kind": "q1", "percent": "150", "text": "Nội dung dài"})
    assert response.status_code == 422
    page = _text(response)
    assert "Tỷ lệ hoàn thành (%) phải từ 0 đến 100." in page
    assert "Nội dung dài" in page
    response = client.post(
        url,
        {
            "period_kind": "q1",
            "percent": "10",
            "text": "<script>alert(1)</script>",
            "link_url": "javascript:alert(1)",
            "link_title": "x",
        },
    )
    assert response.status_code == 422
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert not TaskReport.objects.exists()


def test_non_ascii_digits_in_ids_are_not_a_500(client, plan, control, justice_user):
    """`"²".isdigit()` is True but `int("²")` fails: every id read from a query string or a
    form went through that check (the dashboard's plan, a task's content and agencies)."""
    the_plan, (mine, _, _) = plan
    client.force_login(control)
    assert client.get("/quan-tri/ke-hoach/", {"ke_hoach": "²"}).status_code == 200
    content = the_plan.contents.first()
    for url in (
        f"/quan-tri/ke-hoach/{the_plan.pk}/nhiem-vu/them/",
        f"/quan-tri/ke-hoach/nhiem-vu/{mine.pk}/sua/",
    ):
        for data in (
            {"content": "²"},
            {"content": str(content.pk), "title": "T", "lead_agency": "٣", "due_on": "2026-05-01"},
            {
                "content": str(content.pk),
                "title": "T",
                "lead_agency": str(mine.lead_agency_id),
                "due_on": "2026-05-01",
                "supporting_agencies": ["²", "99999999999"],
            },
        ):
            assert client.post(url, data).status_code in (302, 422)
    client.force_login(justice_user)
    url = f"/quan-tri/ke-hoach/nhiem-vu/{mine.pk}/bao-cao/"
    for agency in ("²", "99999999999", "abc"):
        data = {"period_kind": "q1", "percent": "10", "text": "x", "agency": agency}
        response = client.post(url, data)
        assert response.status_code == 403, agency  # never a report for another agency
    assert not TaskReport.objects.exists()


def test_an_unknown_status_filter_is_not_echoed_into_the_pager(client, control, justice):
    """`?tinh_trang=x&trang=9` (encoded) was written raw into the pager's links."""
    the_plan, _ = make_plan(
        control, tasks=[(1, f"Nhiệm vụ {i}", justice, [], D(2026, 12, 30)) for i in range(26)]
    )
    client.force_login(control)
    for url in (f"/quan-tri/ke-hoach/{the_plan.pk}/", "/quan-tri/ke-hoach/nhiem-vu/"):
        response = client.get(url, {"tinh_trang": "x&trang=9"})
        assert response.status_code == 200
        assert response.context["status"] == ""
        html = response.content.decode()
        assert "trang=2&tinh_trang=" in html or "trang=2&amp;tinh_trang=" in html
        assert "trang=9" not in html


def test_reporting_on_another_agencys_task_is_403(client, plan, justice_user, home_affairs):
    _, (mine, theirs, _) = plan
    client.force_login(justice_user)
    response = client.post(
        f"/quan-tri/ke-hoach/nhiem-vu/{theirs.pk}/bao-cao/",
        {"period_kind": "q1", "percent": "10", "text": "x"},
    )
    assert response.status_code == 403
    response = client.post(
        f"/quan-tri/ke-hoach/nhiem-vu/{mine.pk}/bao-cao/",
        {"period_kind": "q1", "percent": "10", "text": "x", "agency": str(home_affairs.pk)},
    )
    assert response.status_code == 403
    assert "không chủ trì hoặc phối hợp" in _text(response)
    assert not TaskReport.objects.exists()


def test_control_office_creates_a_plan_adds_content_and_task_and_issues(
    client, control, justice, finance
):
    client.force_login(control)
    response = client.post(
        "/quan-tri/ke-hoach/tao/",
        {"year": "2026", "title": "", "decision_number": "5/KH-UBND"},
    )
    assert response.status_code == 422
    assert "Nhập tên kế hoạch." in _text(response)
    response = client.post(
        "/quan-tri/ke-hoach/tao/",
        {
            "year": "2026",
            "title": "KH truyền thông 2026",
            "decision_number": "5/KH-UBND",
            "decision_date": "2026-01-20",
            "issuing_body": "UBND tỉnh",
        },
    )
    plan = CommunicationPlan.objects.get()
    assert response["Location"] == f"/quan-tri/ke-hoach/{plan.pk}/"
    client.post(f"/quan-tri/ke-hoach/{plan.pk}/noi-dung/", {"title": "Nội dung khác"})
    assert plan.contents.count() == 5
    content = plan.contents.get(position=5)
    bad = client.post(
        f"/quan-tri/ke-hoach/{plan.pk}/nhiem-vu/them/",
        {"content": content.pk, "title": "Video", "lead_agency": "abc", "due_on": "2026-09-30"},
    )
    assert bad.status_code == 422
    assert "Chọn cơ quan chủ trì." in _text(bad)
    client.post(
        f"/quan-tri/ke-hoach/{plan.pk}/nhiem-vu/them/",
        {
            "content": content.pk,
            "title": "Video hướng dẫn",
            "lead_agency": justice.pk,
            "supporting_agencies": [finance.pk, "x"],
            "due_on": "2026-09-30",
            "indicator": "Số video",
            "indicator_target": "5",
        },
    )
    task = PlanTask.objects.get()
    assert (task.content, task.lead_agency, list(task.supporting_agencies.all())) == (
        content,
        justice,
        [finance],
    )
    assert client.post(f"/quan-tri/ke-hoach/{plan.pk}/ban-hanh/").status_code == 302
    plan.refresh_from_db()
    assert plan.is_issued


def test_agency_user_cannot_manage(client, plan, justice_user):
    plan_obj, (mine, _, _) = plan
    client.force_login(justice_user)
    assert client.get("/quan-tri/ke-hoach/tao/").status_code == 403
    assert (
        client.post(f"/quan-tri/ke-hoach/{plan_obj.pk}/noi-dung/", {"title": "x"}).status_code
        == 403
    )
    assert client.get(f"/quan-tri/ke-hoach/nhiem-vu/{mine.pk}/sua/").status_code == 403
    assert client.get(f"/quan-tri/ke-hoach/{plan_obj.pk}/nhiem-vu/them/").status_code == 403


def _count(client, url):
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["control", "justice_user"])
@pytest.mark.parametrize(
    "url",
    [
        "/quan-tri/ke-hoach/",
        "/quan-tri/ke-hoach/{plan}/",
        "/quan-tri/ke-hoach/nhiem-vu/",
        "/quan-tri/ke-hoach/danh-sach/",
        "/quan-tri/ke-hoach/nhiem-vu/{task}/",
    ],
)
def test_query_counts_stay_flat_as_tasks_and_reports_grow(
    client, request, plan, justice, justice_user, control, who, url
):
    plan_obj, (mine, _, _) = plan
    client.force_login(request.getfixturevalue(who))
    url = url.format(plan=plan_obj.pk, task=mine.pk)
    report(justice_user, mine, 10)
    few = _count(client, url)
    content = plan_obj.contents.first()
    for n in range(8):
        agency = AgencyFactory()
        extra = PlanTask.objects.create(
            plan=plan_obj,
            content=content,
            position=10 + n,
            title=f"Thêm {n}",
            lead_agency=justice if n % 2 else agency,
            due_on=D(2026, 3 + n, 1),
        )
        extra.supporting_agencies.set([agency, justice])
        report(justice_user, extra, 10 * n, text=f"Báo cáo {n}")
        report(justice_user, mine, 20 + n, text=f"Lần {n}")
    assert _count(client, url) == few


def test_evidence_of_another_agency_or_gone_from_storage(
    client, plan, justice_user, home_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    _, (mine, _, _) = plan
    saved = report(justice_user, mine, 10, files=[SimpleUploadedFile("a.pdf", PDF)])
    evidence = saved.files.get()
    client.force_login(home_user)
    assert client.get(f"/quan-tri/ke-hoach/minh-chung/{evidence.pk}/").status_code == 403
    client.force_login(justice_user)
    (tmp_path / evidence.file.name).unlink()
    response = client.get(f"/quan-tri/ke-hoach/minh-chung/{evidence.pk}/")
    assert response.status_code == 404
    assert "Tệp minh chứng không còn trên máy chủ lưu trữ." in _text(response)
