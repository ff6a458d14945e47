"""The plan's writes: who may do what, the messages for bad input, append-only reports, double
submit."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.plans.conftest import make_plan, report, staff_user
from tthc.core.errors import Conflict, PermissionDenied, ValidationError
from tthc.org.models import Role
from tthc.plans import services
from tthc.plans.models import EvidenceFile, PlanStatus, PlanTask, TaskReport

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 6, 30)


@pytest.fixture
def plan_and_tasks(control, justice, home_affairs, finance):
    return make_plan(
        control,
        tasks=[
            (1, "Chuyên mục cải cách TTHC trên trang của Sở", justice, [finance], DUE),
            (2, "Tập huấn cán bộ đầu mối", home_affairs, [], DUE),
        ],
    )


def test_create_plan_has_the_four_contents_and_only_the_control_office_may(control, justice_user):
    plan, _ = make_plan(control, issue=False)
    assert [c.kind for c in plan.contents.order_by("position")] == [
        "internal",
        "citizens",
        "simplification",
        "feedback",
    ]
    assert plan.status == PlanStatus.DRAFT
    with pytest.raises(PermissionDenied) as exc:
        services.create_plan(
            user=justice_user, data=services.PlanInput(year=2026, title="Kế hoạch của Sở")
        )
    assert exc.value.message == "Chỉ cán bộ kiểm soát TTHC được lập kế hoạch và giao nhiệm vụ."


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"year": "hai nghìn", "title": "KH"}, "year", "Năm phải là số nguyên."),
        ({"year": 1890, "title": "KH"}, "year", "Năm phải từ 2000 đến 2100."),
        ({"year": 2026, "title": "   "}, "title", "Nhập tên kế hoạch."),
        ({"year": 2026, "title": "x" * 501}, "title", "Tên kế hoạch dài quá 500 ký tự."),
        (
            {"year": 2026, "title": "KH", "decision_date": "31/02/2026"},
            "decision_date",
            "Ngày ban hành không hợp lệ (dạng ngày/tháng/năm).",
        ),
    ],
)
def test_plan_input_errors_are_vietnamese_with_their_field(control, data, field, message):
    with pytest.raises(ValidationError) as exc:
        services.create_plan(user=control, data=services.PlanInput(**data))
    assert (exc.value.field, exc.value.message) == (field, message)


def test_issue_needs_number_date_and_a_task(control, justice):
    plan = services.create_plan(user=control, data=services.PlanInput(year=2026, title="KH"))
    with pytest.raises(ValidationError, match="số hiệu"):
        services.issue_plan(user=control, plan=plan)
    plan, _ = make_plan(control, issue=False)
    with pytest.raises(ValidationError, match="ít nhất một nhiệm vụ"):
        services.issue_plan(user=control, plan=plan)
    plan, _ = make_plan(control, tasks=[(1, "Nhiệm vụ", justice, [], DUE)])
    assert plan.status == PlanStatus.ISSUED
    with pytest.raises(Conflict):
        services.issue_plan(user=control, plan=plan)


def test_task_validation(control, justice):
    plan, _ = make_plan(control, issue=False)
    content = plan.contents.first()

    def add(**kwargs):
        data = {"title": "Nhiệm vụ", "lead_agency": justice, "due_on": DUE} | kwargs
        return services.add_task(user=control, content=content, data=services.TaskInput(**data))

    with pytest.raises(ValidationError, match="Chọn cơ quan chủ trì"):
        add(lead_agency=None)
    with pytest.raises(ValidationError, match="Nhập thời hạn hoàn thành"):
        add(due_on="")
    with pytest.raises(ValidationError, match="Thời hạn phải trong năm 2026"):
        add(due_on=datetime.date(2030, 1, 1))
    with pytest.raises(ValidationError, match="Chỉ tiêu \\(số\\) phải là một số"):
        add(indicator_target="nhiều")
    with pytest.raises(ValidationError, match="không âm"):
        add(indicator_target="-3")
    first = add(indicator_target="12,5", supporting_agencies=[justice])
    second = add()
    assert (first.position, second.position) == (1, 2)
    assert str(first.indicator_target) == "12.50"
    assert list(first.supporting_agencies.all()) == []  # the lead is not its own supporter


def test_agency_reports_on_its_task_and_the_task_follows(plan_and_tasks, justice_user, justice):
    _, (task, _) = plan_and_tasks
    first = report(justice_user, task, 40, "Đã đăng 5 tin bài")
    assert first.agency == justice
    assert (first.period_start, first.period_end) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 3, 31),
    )
    task.refresh_from_db()
    assert (task.percent_done, task.done_on) == (40, None)
    report(justice_user, task, 100, "Hoàn thành chuyên mục")
    task.refresh_from_db()
    assert task.percent_done == 100
    assert task.done_on is not None
    assert TaskReport.objects.filter(task=task).count() == 2


def test_specialist_of_justice_cannot_report_on_a_task_of_home_affairs(
    plan_and_tasks, justice_user, home_affairs
):
    _, (_, home_task) = plan_and_tasks
    with pytest.raises(PermissionDenied) as exc:
        report(justice_user, home_task, 50)
    assert exc.value.status == 403
    assert exc.value.message == (
        "Chỉ cơ quan được giao nhiệm vụ được báo cáo kết quả thực hiện nhiệm vụ này."
    )
    with pytest.raises(PermissionDenied):  # naming the other agency does not help either
        report(justice_user, home_task, 50, agency=home_affairs)
    assert not TaskReport.objects.exists()


def test_supporting_agency_reports_as_itself_and_not_for_an_unrelated_agency(
    plan_and_tasks, finance, home_affairs
):
    _, (task, _) = plan_and_tasks
    finance_user = staff_user(Role.AGENCY_LEADER, finance)
    assert report(finance_user, task, 30).agency == finance
    with pytest.raises(PermissionDenied, match="không chủ trì hoặc phối hợp"):
        report(finance_user, task, 30, agency=home_affairs)


def test_no_report_on_a_draft_plan(control, justice, justice_user):
    _, (task,) = make_plan(control, issue=False, tasks=[(1, "Nhiệm vụ", justice, [], DUE)])
    with pytest.raises(Conflict, match="chưa được ban hành"):
        report(justice_user, task, 10)


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"percent": 101}, "percent", "Tỷ lệ hoàn thành (%) phải từ 0 đến 100."),
        ({"percent": "năm mươi"}, "percent", "Tỷ lệ hoàn thành (%) phải là số nguyên."),
        ({"percent": True}, "percent", "Tỷ lệ hoàn thành (%) phải là số nguyên."),
        # `int()` takes these; a percentage typed in a form must be plain digits.
        ({"percent": "1_0"}, "percent", "Tỷ lệ hoàn thành (%) phải là số nguyên."),
        ({"percent": "٣٠"}, "percent", "Tỷ lệ hoàn thành (%) phải là số nguyên."),
        ({"percent": "1e9"}, "percent", "Tỷ lệ hoàn thành (%) phải là số nguyên."),
        ({"percent": "9" * 5000}, "percent", "Tỷ lệ hoàn thành (%) phải từ 0 đến 100."),
        ({"percent": "-5"}, "percent", "Tỷ lệ hoàn thành (%) phải từ 0 đến 100."),
        ({"text": "  "}, "text", "Nhập kết quả thực hiện."),
        ({"period_kind": "q9"}, "period_kind", "Chọn kỳ báo cáo."),
        (
            {"period_kind": "range", "period_start": "2026-05-01", "period_end": "2026-04-01"},
            "period_end",
            "Ngày kết thúc kỳ báo cáo phải sau ngày bắt đầu.",
        ),
        (
            {"links": [services.LinkInput("javascript:alert(1)", "x")]},
            "link_0",
            "Liên kết “javascript:alert(1)” không hợp lệ: chỉ nhận địa chỉ http://, https:// "
            "hoặc đường dẫn trong cổng bắt đầu bằng “/” (ví dụ /tin-tuc/bai-viet/).",
        ),
        ({"links": [services.LinkInput("//evil.example/x", "x")]}, "link_0", None),
        ({"links": [services.LinkInput("ftp://example.vn/a", "x")]}, "link_0", None),
        ({"links": [services.LinkInput('/tin"><script>', "x")]}, "link_0", None),
        (
            {"links": [services.LinkInput("/a", "x")] * 11},
            "links",
            "Tối đa 10 liên kết minh chứng.",
        ),
    ],
)
def test_report_input_errors(plan_and_tasks, justice_user, kwargs, field, message):
    _, (task, _) = plan_and_tasks
    data = {"percent": 10, "text": "Đã làm"} | kwargs
    with pytest.raises(ValidationError) as exc:
        report(justice_user, task, **data)
    assert exc.value.field == field
    if message:
        assert exc.value.message == message
    assert not TaskReport.objects.exists()


def test_links_http_and_site_relative_are_kept(plan_and_tasks, justice_user):
    _, (task, _) = plan_and_tasks
    saved = report(
        justice_user,
        task,
        20,
        links=[
            services.LinkInput("https://hanoi.gov.vn/tin-tuc/cai-cach-tthc", "Bài trên cổng TP"),
            services.LinkInput("/tin-tuc/chuyen-muc-cai-cach/", ""),
        ],
    )
    assert [(lk.url, lk.title) for lk in saved.links.all()] == [
        ("https://hanoi.gov.vn/tin-tuc/cai-cach-tthc", "Bài trên cổng TP"),
        ("/tin-tuc/chuyen-muc-cai-cach/", "/tin-tuc/chuyen-muc-cai-cach/"),
    ]


def test_percent_going_down_needs_a_reason(plan_and_tasks, justice_user):
    _, (task, _) = plan_and_tasks
    report(justice_user, task, 80)
    with pytest.raises(ValidationError) as exc:
        report(justice_user, task, 60, text="Rà soát lại")
    assert exc.value.field == "decrease_reason"
    assert exc.value.message == (
        "Tỷ lệ hoàn thành giảm từ 80% xuống 60%: nhập lý do điều chỉnh giảm."
    )
    report(justice_user, task, 60, text="Rà soát lại", decrease_reason="2 bài bị gỡ do sai")
    task.refresh_from_db()
    assert task.percent_done == 60


def test_double_submit_with_the_same_key_or_identical_content_stores_one_report(
    plan_and_tasks, justice_user
):
    _, (task, _) = plan_and_tasks
    first = report(justice_user, task, 50, submission_key="abc123")
    again = report(justice_user, task, 50, submission_key="abc123")
    assert again.pk == first.pk
    # The same content within seconds without a key (a double click through the API).
    second = report(justice_user, task, 70, text="Đăng thêm 3 bài")
    repeat = report(justice_user, task, 70, text="Đăng thêm 3 bài")
    assert repeat.pk == second.pk
    assert TaskReport.objects.filter(task=task).count() == 2


def test_reports_are_append_only(plan_and_tasks, justice_user):
    _, (task, _) = plan_and_tasks
    saved = report(justice_user, task, 10)
    saved.percent = 90
    with pytest.raises(RuntimeError):
        saved.save()
    with pytest.raises(RuntimeError):
        saved.delete()


class RawUpload(io.BytesIO):
    def __init__(self, name, data):
        super().__init__(data)
        self.name = name
        self.size = len(data)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def test_evidence_files_are_checked_and_nothing_is_kept_on_refusal(
    plan_and_tasks, justice_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    _, (task, _) = plan_and_tasks
    good = SimpleUploadedFile("bao-cao quy 1.pdf", PDF, content_type="application/pdf")
    saved = report(justice_user, task, 30, files=[good])
    (evidence,) = saved.files.all()
    assert evidence.name == "bao-cao quy 1.pdf"
    assert evidence.file.read() == PDF
    stored_before = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())

    fake = SimpleUploadedFile("anh.png", b"MZ\x90\x00 not a png", content_type="image/png")
    with pytest.raises(ValidationError) as exc:
        report(justice_user, task, 40, files=[SimpleUploadedFile("ok.pdf", PDF), fake])
    assert "không đúng định dạng PNG" in exc.value.message
    hostile = RawUpload("../../etc/passwd.pdf", PDF)  # a client-chosen name, unsanitised
    with pytest.raises(ValidationError, match="đường dẫn"):
        report(justice_user, task, 40, files=[hostile])
    script = SimpleUploadedFile("a.pdf", b"%PDF-1.4 /JavaScript (app.alert(1))")
    with pytest.raises(ValidationError, match="JavaScript"):
        report(justice_user, task, 40, files=[script])
    assert EvidenceFile.objects.count() == 1
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == stored_before
    task.refresh_from_db()
    assert task.percent_done == 30


def test_too_many_or_too_big_files(plan_and_tasks, justice_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TTHC_MAX_UPLOAD_MB = 1
    _, (task, _) = plan_and_tasks
    big = SimpleUploadedFile("lon.pdf", PDF + b"0" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError, match="vượt quá dung lượng cho phép \\(1 MB\\)"):
        report(justice_user, task, 40, files=[big])
    many = [SimpleUploadedFile(f"t{n}.pdf", PDF) for n in range(6)]
    with pytest.raises(ValidationError, match="Tối đa 5 tệp"):
        report(justice_user, task, 40, files=many)
    assert not TaskReport.objects.exists()


def test_recompute_progress_rebuilds_the_copy(plan_and_tasks, justice_user):
    _, (task, _) = plan_and_tasks
    report(justice_user, task, 100)
    PlanTask.objects.filter(pk=task.pk).update(percent_done=0, done_on=None)
    rebuilt = services.recompute_progress(task=task)
    assert rebuilt.percent_done == 100
    assert rebuilt.done_on is not None


def test_a_concurrent_duplicate_that_slips_past_the_check_still_stores_one_report(
    plan_and_tasks, justice_user, monkeypatch
):
    """Two submits of the same form racing: the second misses the check (simulated) and hits
    the unique key; it gets the first report back, not an error and not a second row."""
    _, (task, _) = plan_and_tasks
    first = report(justice_user, task, 50, submission_key="k-race")
    monkeypatch.setattr(services, "_duplicate", lambda *args: None)
    again = report(justice_user, task, 50, submission_key="k-race")
    assert again.pk == first.pk
    assert TaskReport.objects.filter(task=task).count() == 1
