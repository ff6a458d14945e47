"""The demo communication plan: modelled on a province's "Kế hoạch truyền thông hoạt động kiểm
soát thủ tục hành chính năm 2024" (issued by the provincial People's Committee as a …/KH-UBND
plan), with the four contents of DOMAIN §10 and twelve tasks assigned to the demo province's
agencies (`tthc.demo.services.build_demo` must have run: agencies and accounts).

The plan's year is the *current* year, and three due dates are placed relative to today, so that
the dashboard always shows a live mix: tasks done, in progress, one due within the reminder
margin, one overdue (a few working days late on the real calendar), others not yet due.

Idempotent: a second run finds the plan (same year and number) and changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tthc.org.models import Agency

from . import selectors, services
from .models import CommunicationPlan, PeriodKind, PlanContent, TaskReport

DECISION_NUMBER = "38/KH-UBND"
CODES = {
    "ubnd": "000.00.00.H26",
    "office": "000.00.01.H26",
    "home_affairs": "000.00.02.H26",
    "justice": "000.00.03.H26",
    "finance": "000.00.04.H26",
    "science": "000.00.08.H26",
    "culture": "000.00.09.H26",
    "centre": "000.00.16.H26",
    "hoan_kiem": "000.00.21.H26",
}

OBJECTIVES = (
    "Nâng cao nhận thức, trách nhiệm của cán bộ, công chức, viên chức và người đứng đầu cơ quan "
    "hành chính nhà nước các cấp về kiểm soát thủ tục hành chính; tạo sự đồng thuận, ủng hộ của "
    "người dân, doanh nghiệp đối với hoạt động kiểm soát thủ tục hành chính, cải cách thủ tục "
    "hành chính, thực hiện cơ chế một cửa, một cửa liên thông và dịch vụ công trực tuyến."
)
REQUIREMENTS = (
    "Nội dung truyền thông thiết thực, dễ hiểu, phù hợp với từng đối tượng; hình thức đa dạng, "
    "kết hợp phương tiện thông tin đại chúng, cổng thông tin điện tử và mạng xã hội. Các cơ quan "
    "báo cáo kết quả thực hiện nhiệm vụ được giao trên hệ thống theo kỳ quý, 6 tháng và năm."
)

# (content position, title, lead, supporting, due (month, day) or a relative marker, output,
#  indicator, target, reports [(percent, text, reporter)])
TASKS = [
    (
        1,
        "Phổ biến, quán triệt các văn bản mới về kiểm soát thủ tục hành chính, thực hiện cơ chế "
        "một cửa, một cửa liên thông đến cán bộ, công chức, viên chức",
        "office",
        ["home_affairs", "justice"],
        (3, 31),
        "Văn bản chỉ đạo, hội nghị quán triệt",
        "100% cơ quan, đơn vị được phổ biến",
        100,
        [(100, "Đã tổ chức hội nghị quán triệt ngày 12/3 cho 42 cơ quan, đơn vị.", "kiemsoat")],
    ),
    (
        1,
        "Tập huấn nghiệp vụ kiểm soát thủ tục hành chính cho cán bộ đầu mối các sở, ngành, "
        "xã, phường",
        "office",
        ["home_affairs"],
        (6, 30),
        "02 lớp tập huấn",
        "Số cán bộ đầu mối được tập huấn",
        250,
        [
            (50, "Đã mở lớp thứ nhất cho 130 cán bộ đầu mối cấp sở, ngành.", "bientap"),
            (100, "Hoàn thành lớp thứ hai cho 126 cán bộ đầu mối xã, phường.", "kiemsoat"),
        ],
    ),
    (
        1,
        "Duy trì chuyên mục “Cải cách thủ tục hành chính” trên trang thông tin điện tử của Sở",
        "justice",
        [],
        "soon",
        "Chuyên mục cập nhật hằng tháng",
        "Ít nhất 2 tin bài mỗi tháng",
        24,
        [(70, "Đã đăng 17 tin bài trong chuyên mục.", "chuyenvien")],
    ),
    (
        2,
        "Công khai đầy đủ, kịp thời thủ tục hành chính trên Cơ sở dữ liệu quốc gia và Hệ thống "
        "thông tin giải quyết thủ tục hành chính của Thành phố",
        "office",
        ["justice", "finance", "culture"],
        (12, 31),
        "Danh mục TTHC được công khai",
        "100% TTHC được công khai đúng hạn",
        100,
        [(75, "Đã công khai 1.824/1.860 thủ tục; đang rà soát 36 thủ tục mới công bố.", "bientap")],
    ),
    (
        2,
        "Niêm yết công khai thủ tục hành chính, mã QR tra cứu tại Trung tâm Phục vụ hành chính "
        "công và bộ phận một cửa các xã, phường",
        "centre",
        ["hoan_kiem"],
        (6, 30),
        "Bảng niêm yết, mã QR tại quầy",
        "100% quầy tiếp nhận có niêm yết",
        100,
        [(100, "Đã niêm yết tại 100% quầy, kèm mã QR từng thủ tục.", "kiemsoat")],
    ),
    (
        2,
        "Tuyên truyền, hướng dẫn người dân nộp hồ sơ, thanh toán phí, lệ phí trực tuyến (tờ "
        "rơi, video ngắn, mạng xã hội)",
        "centre",
        ["science"],
        "overdue",
        "10.000 tờ rơi, 05 video hướng dẫn",
        "Số video hướng dẫn",
        5,
        [(60, "Đã phát hành 10.000 tờ rơi và 3/5 video; 2 video đang hoàn thiện.", "kiemsoat")],
    ),
    (
        2,
        "Xây dựng phóng sự, tin bài về gương điển hình trong giải quyết thủ tục hành chính",
        "culture",
        ["office"],
        (9, 30),
        "Phóng sự trên Đài Phát thanh và Truyền hình",
        "Số phóng sự, tin bài",
        12,
        [(100, "Đã phát sóng 4 phóng sự và đăng 9 tin bài.", "kiemsoat")],
    ),
    (
        3,
        "Tuyên truyền kết quả rà soát, đơn giản hóa thủ tục hành chính và cắt giảm chi phí "
        "tuân thủ",
        "justice",
        ["office"],
        (9, 30),
        "Tin bài, ấn phẩm kết quả rà soát",
        "Số phương án đơn giản hóa được giới thiệu",
        15,
        [
            (40, "Đã đăng 6 tin bài về phương án đơn giản hóa lĩnh vực hộ tịch.", "chuyenvien"),
            (100, "Hoàn thành: 15 phương án được giới thiệu trên cổng.", "lanhdao"),
        ],
    ),
    (
        3,
        "Lấy ý kiến người dân, doanh nghiệp về phương án đơn giản hóa thủ tục hành chính trên "
        "cổng thông tin",
        "finance",
        ["office"],
        "soon_2",
        "Chuyên mục lấy ý kiến",
        "Số phương án được lấy ý kiến",
        10,
        [],
    ),
    (
        4,
        "Công khai địa chỉ, số điện thoại, thư điện tử tiếp nhận phản ánh, kiến nghị tại nơi "
        "giải quyết thủ tục hành chính",
        "office",
        ["centre"],
        (3, 31),
        "Bảng công khai tại các điểm tiếp nhận",
        "100% điểm tiếp nhận",
        100,
        [(100, "Đã công khai tại toàn bộ điểm tiếp nhận và trên cổng.", "bientap")],
    ),
    (
        4,
        "Công khai kết quả xử lý phản ánh, kiến nghị về quy định hành chính trên cổng thông tin",
        "office",
        [],
        (12, 15),
        "Chuyên mục trả lời phản ánh, kiến nghị",
        "100% phản ánh đã xử lý được công khai",
        100,
        [(50, "Đã công khai 38 câu trả lời phản ánh, kiến nghị.", "bientap")],
    ),
    (
        4,
        "Chuyên mục hỏi đáp pháp luật về thủ tục hành chính trên báo, đài của Thành phố",
        "justice",
        ["culture"],
        (12, 31),
        "Chuyên mục hỏi đáp định kỳ",
        "Số kỳ phát sóng",
        12,
        [],
    ),
]


def _due(marker, year: int, calendar, today: date) -> date:
    if marker == "soon":
        return calendar.add_working_days(today, 3)
    if marker == "soon_2":
        return calendar.add_working_days(today, 5)
    if marker == "overdue":
        # A due date some working days back, walked on the real calendar.
        day = today
        for _ in range(8):
            day -= timedelta(days=1)
            while not calendar.is_working_day(day):
                day -= timedelta(days=1)
        return day
    month, day_of_month = marker
    return date(year, month, day_of_month)


def build_plan_demo() -> dict:
    """Create the demo plan (once); returns what exists: plan id, title, tasks, reports."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=_USERNAMES)}
    agencies = {a.code: a for a in Agency.objects.filter(code__in=CODES.values())}
    missing = [c for c in CODES.values() if c not in agencies] + [
        u for u in _USERNAMES if u not in users
    ]
    if missing:
        raise RuntimeError(
            "Chưa có cơ quan, tài khoản của tỉnh mẫu (thiếu: "
            + ", ".join(missing)
            + "): chạy tthc.demo.services.build_demo trước."
        )
    today = timezone.localdate()
    year = today.year
    existing = CommunicationPlan.objects.filter(year=year, decision_number=DECISION_NUMBER).first()
    if existing is not None:
        return _summary(existing, created=False)
    control = users["kiemsoat"]
    by_key = {key: agencies[code] for key, code in CODES.items()}
    calendar = selectors.Calendars({by_key["justice"].pk}).of(None)
    with transaction.atomic():
        plan = services.create_plan(
            user=control,
            data=services.PlanInput(
                year=year,
                title=f"Kế hoạch truyền thông hoạt động kiểm soát thủ tục hành chính năm {year}",
                decision_number=DECISION_NUMBER,
                decision_date=_earliest(date(year, 1, 26), today),
                issuing_body=by_key["ubnd"].name,
                objectives=OBJECTIVES,
                requirements=REQUIREMENTS,
            ),
        )
        contents = {c.position: c for c in PlanContent.objects.filter(plan=plan)}
        created = []
        for position, title, lead, supporting, due, output, indicator, target, reports in TASKS:
            task = services.add_task(
                user=control,
                content=contents[position],
                data=services.TaskInput(
                    title=title,
                    lead_agency=by_key[lead],
                    supporting_agencies=[by_key[s] for s in supporting],
                    due_on=_due(due, year, calendar, today),
                    expected_output=output,
                    indicator=indicator,
                    indicator_target=target,
                ),
            )
            created.append((task, reports))
        plan = services.issue_plan(user=control, plan=plan)
        now = timezone.now()
        for task, reports in created:
            task.plan = plan
            for n, (percent, text, username) in enumerate(reports, start=1):
                # Reports are dated before the due date (done ones on time), never in the future.
                day = min(task.due_on - timedelta(days=10 * (len(reports) - n + 1)), today)
                at = min(timezone.make_aware(datetime.combine(day, time(9, 30))), now)
                services.submit_report(
                    user=users[username],
                    task=task,
                    percent=percent,
                    text=text,
                    period_kind=PeriodKind.RANGE,
                    period_start=date(year, 1, 1),
                    period_end=max(day, date(year, 1, 1)),
                    agency=task.lead_agency,
                    decrease_reason="",
                    links=[
                        services.LinkInput(
                            url=f"/tin-tuc/ke-hoach-truyen-thong-{year}-nhiem-vu-{task.pk}/",
                            title=f"Tin bài: {text[:80]}",
                        )
                    ]
                    if percent == 100
                    else [],
                    files=[],
                    submission_key=f"demo-{task.pk}-{n}",
                    reported_at=at,
                )
    return _summary(plan, created=True)


_USERNAMES = ["kiemsoat", "lanhdao", "chuyenvien", "bientap"]


def _earliest(day: date, today: date) -> date:
    return min(day, today)


def _summary(plan: CommunicationPlan, *, created: bool) -> dict:
    return {
        "plan_id": plan.pk,
        "title": plan.title,
        "decision_number": plan.decision_number,
        "created": created,
        "tasks": plan.tasks.count(),
        "reports": TaskReport.objects.filter(task__plan=plan).count(),
    }
