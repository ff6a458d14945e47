"""The yearly communication plan on procedure control (DOMAIN §10), its tasks and the agencies'
reports on them.

A `CommunicationPlan` has ordered `PlanContent` headings (the four of DOMAIN §10 and any other),
each with ordered `PlanTask`s assigned to a lead agency and supporting agencies. Agencies report
progress with `TaskReport`s (append-only, with evidence links and files); the control office's
reminders are logged in `TaskReminder` so that none is sent twice.

Stored vs. derived: `PlanTask.percent_done` and `done_on` are copies of the latest report, written
by `services.submit_report` in the report's transaction (and recomputable from the reports with
`services.recompute_progress`), so lists and dashboards need no per-row subquery. Whether a task
is overdue or due soon depends on today and on the working calendar (which an override may
change at any time), so it is never stored: `selectors` compute it on every read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tthc.core.models import AppendOnlyModel, TimeStampedModel
from tthc.org.models import Agency

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def roman(number: int) -> str:
    return ROMAN[number - 1] if 1 <= number <= len(ROMAN) else str(number)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    ISSUED = "issued", "Đã ban hành"


class CommunicationPlan(TimeStampedModel):
    year = models.PositiveSmallIntegerField("năm")
    title = models.CharField("tên kế hoạch", max_length=500)
    decision_number = models.CharField("số hiệu văn bản", max_length=80, blank=True)
    decision_date = models.DateField("ngày ban hành văn bản", null=True, blank=True)
    issuing_body = models.CharField("cơ quan ban hành", max_length=300, blank=True)
    objectives = models.TextField("mục đích", blank=True)
    requirements = models.TextField("yêu cầu", blank=True)
    status = models.CharField(
        "trạng thái", max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    issued_at = models.DateTimeField("ban hành trên hệ thống lúc", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "kế hoạch truyền thông"
        verbose_name_plural = "kế hoạch truyền thông"
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["status", "year"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_issued(self) -> bool:
        return self.status == PlanStatus.ISSUED


class ContentKind(models.TextChoices):
    INTERNAL = "internal", "Kiểm soát TTHC trong nội bộ cơ quan hành chính nhà nước"
    CITIZENS = "citizens", "Kiểm soát TTHC trong quá trình người dân, doanh nghiệp thực hiện"
    SIMPLIFICATION = "simplification", "Hỗ trợ thực hiện các kiến nghị, phương án đơn giản hóa TTHC"
    FEEDBACK = "feedback", "Hỗ trợ tiếp nhận, xử lý phản ánh, kiến nghị về quy định hành chính"
    OTHER = "other", "Nội dung khác"


class PlanContent(models.Model):
    plan = models.ForeignKey(
        CommunicationPlan,
        on_delete=models.CASCADE,
        related_name="contents",
        verbose_name="kế hoạch",
    )
    kind = models.CharField("loại nội dung", max_length=20, choices=ContentKind.choices)
    title = models.CharField("tên nội dung", max_length=500)
    position = models.PositiveSmallIntegerField("thứ tự")

    class Meta:
        verbose_name = "nội dung kế hoạch"
        verbose_name_plural = "nội dung kế hoạch"
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="plans_content_position")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def number(self) -> str:
        return roman(self.position)


class PlanTask(TimeStampedModel):
    plan = models.ForeignKey(
        CommunicationPlan, on_delete=models.CASCADE, related_name="tasks", verbose_name="kế hoạch"
    )
    content = models.ForeignKey(
        PlanContent, on_delete=models.CASCADE, related_name="tasks", verbose_name="nội dung"
    )
    position = models.PositiveSmallIntegerField("thứ tự trong nội dung")
    title = models.CharField("tên nhiệm vụ", max_length=500)
    description = models.TextField("nội dung thực hiện", blank=True)
    lead_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="led_plan_tasks", verbose_name="chủ trì"
    )
    supporting_agencies = models.ManyToManyField(
        Agency, blank=True, related_name="supported_plan_tasks", verbose_name="phối hợp"
    )
    due_on = models.DateField("thời hạn hoàn thành")
    expected_output = models.CharField("sản phẩm dự kiến", max_length=500, blank=True)
    indicator = models.CharField("chỉ tiêu", max_length=500, blank=True)
    indicator_target = models.DecimalField(
        "chỉ tiêu (số)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    # Copies of the latest report (see the module's docstring).
    percent_done = models.PositiveSmallIntegerField("tỷ lệ hoàn thành (%)", default=0)
    done_on = models.DateField("hoàn thành ngày", null=True, blank=True)
    last_reported_at = models.DateTimeField("báo cáo gần nhất lúc", null=True, blank=True)

    class Meta:
        verbose_name = "nhiệm vụ"
        verbose_name_plural = "nhiệm vụ"
        ordering = ["plan", "content__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["content", "position"], name="plans_task_position"),
            models.CheckConstraint(
                condition=Q(percent_done__lte=100), name="plans_task_percent_range"
            ),
        ]
        indexes = [models.Index(fields=["plan", "due_on"])]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    @property
    def is_done(self) -> bool:
        return self.percent_done >= 100


class PeriodKind(models.TextChoices):
    Q1 = "q1", "Quý I"
    Q2 = "q2", "Quý II"
    Q3 = "q3", "Quý III"
    Q4 = "q4", "Quý IV"
    H1 = "h1", "6 tháng đầu năm"
    M9 = "m9", "9 tháng"
    YEAR = "year", "Cả năm"
    RANGE = "range", "Khoảng thời gian khác"


class TaskReport(AppendOnlyModel):
    """One progress report of an agency on a task: never changed; a correction is a new report."""

    task = models.ForeignKey(
        PlanTask, on_delete=models.CASCADE, related_name="reports", verbose_name="nhiệm vụ"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="plan_reports", verbose_name="cơ quan"
    )
    period_kind = models.CharField("kỳ báo cáo", max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField("từ ngày")
    period_end = models.DateField("đến ngày")
    text = models.TextField("kết quả thực hiện")
    percent = models.PositiveSmallIntegerField("tỷ lệ hoàn thành (%)")
    decrease_reason = models.CharField("lý do điều chỉnh giảm", max_length=1000, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người báo cáo",
    )
    reported_at = models.DateTimeField("báo cáo lúc")
    submission_key = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "báo cáo nhiệm vụ"
        verbose_name_plural = "báo cáo nhiệm vụ"
        ordering = ["task", "-reported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "submission_key"],
                condition=~Q(submission_key=""),
                name="plans_report_once_per_key",
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="plans_report_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} — {self.percent}%"

    @property
    def period_label(self) -> str:
        if self.period_kind == PeriodKind.RANGE:
            return f"Từ {self.period_start:%d/%m/%Y} đến {self.period_end:%d/%m/%Y}"
        return f"{PeriodKind(self.period_kind).label} năm {self.period_start.year}"


class EvidenceLink(AppendOnlyModel):
    """A published article (on the portal or elsewhere) showing the work, by URL."""

    report = models.ForeignKey(TaskReport, on_delete=models.CASCADE, related_name="links")
    url = models.CharField("địa chỉ", max_length=500)
    title = models.CharField("tiêu đề", max_length=300)

    class Meta:
        verbose_name = "minh chứng (liên kết)"
        verbose_name_plural = "minh chứng (liên kết)"
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return self.title


class EvidenceFile(AppendOnlyModel):
    report = models.ForeignKey(TaskReport, on_delete=models.CASCADE, related_name="files")
    file = models.FileField("tệp", max_length=300)
    name = models.CharField("tên tệp", max_length=255)
    size = models.PositiveIntegerField("dung lượng (byte)")

    class Meta:
        verbose_name = "minh chứng (tệp)"
        verbose_name_plural = "minh chứng (tệp)"
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return self.name


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "Sắp đến hạn"
    OVERDUE = "overdue", "Quá hạn"


class TaskReminder(models.Model):
    """A reminder e-mailed about a task: at most one per task, kind and due date (a new due date
    set by the control office re-arms the reminders)."""

    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField("loại", max_length=20, choices=ReminderKind.choices)
    due_on = models.DateField("thời hạn khi nhắc")
    sent_at = models.DateTimeField("gửi lúc", auto_now_add=True)
    recipients = models.JSONField("người nhận", default=list)

    class Meta:
        verbose_name = "nhắc hạn nhiệm vụ"
        verbose_name_plural = "nhắc hạn nhiệm vụ"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "kind", "due_on"], name="plans_one_reminder_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.kind}"
