"""Feedback and petitions (PAKN, DOMAIN §6): the feedback, its append-only events, attachments,
the public's votes on published answers and the reminders already sent.

`Feedback.status` and the `*_due_at` fields are values derived from the events by the services
(`tthc.feedback.services`); nothing here holds a business rule.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tthc.catalog.models import Procedure
from tthc.core.models import AppendOnlyModel, Event
from tthc.org.models import Agency


class Category(models.TextChoices):
    REGULATION = "regulation", _("Quy định hành chính (cơ chế, chính sách, thủ tục hành chính)")
    CONDUCT = "conduct", _("Hành vi hành chính của cán bộ, công chức")


class Channel(models.TextChoices):
    ONLINE = "online", _("Cổng thông tin (trực tuyến)")
    API = "api", _("Ứng dụng (API, Open311)")
    PHONE = "phone", _("Điện thoại")
    LETTER = "letter", _("Văn bản, thư")
    COUNTER = "counter", _("Trực tiếp tại bộ phận một cửa")


class Status(models.TextChoices):
    WAITING = "waiting", _("Chờ tiếp nhận")
    RECEIVED = "received", _("Đã tiếp nhận")
    REFUSED = "refused", _("Không tiếp nhận")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Yêu cầu bổ sung thông tin")
    PROCESSING = "processing", _("Đang xử lý")
    DRAFTED = "drafted", _("Đã dự thảo trả lời")
    APPROVED = "approved", _("Đã duyệt trả lời, chờ công khai")
    PUBLISHED = "published", _("Đã công khai trả lời")


CLOSED_STATUSES = (Status.REFUSED, Status.PUBLISHED)
OPEN_STATUSES = tuple(s for s in Status if s not in CLOSED_STATUSES)


class Limit(models.TextChoices):
    """The legal time limits (DOMAIN §6), in working days."""

    REFUSE = "refuse", _("Từ chối tiếp nhận (2 ngày làm việc)")
    SUPPLEMENT = "supplement", _("Yêu cầu bổ sung lần đầu (5 ngày làm việc)")
    HANDLE = "handle", _("Xử lý, có câu trả lời (15 ngày làm việc)")
    PUBLISH = "publish", _("Công khai câu trả lời (2 ngày làm việc sau khi có câu trả lời)")


class Feedback(models.Model):
    code = models.CharField("mã phản ánh", max_length=32, unique=True)
    category = models.CharField("loại", max_length=20, choices=Category.choices)
    title = models.CharField("tiêu đề", max_length=250)
    content = models.TextField("nội dung")
    procedure = models.ForeignKey(
        Procedure,
        verbose_name="thủ tục liên quan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    dossier_code = models.CharField("mã hồ sơ liên quan", max_length=64, blank=True)
    repeat_of = models.ForeignKey(
        "self",
        verbose_name="phản ánh lại về kết quả của",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
    )
    channel = models.CharField("hình thức", max_length=20, choices=Channel.choices)
    agency = models.ForeignKey(
        Agency, verbose_name="cơ quan đang xử lý", on_delete=models.PROTECT, related_name="+"
    )
    # Personal data of the sender (never shown in public views).
    sender_name = models.CharField("họ và tên người gửi", max_length=200)
    sender_phone = models.CharField("điện thoại", max_length=20, blank=True)
    sender_email = models.EmailField("thư điện tử", blank=True)
    sender_address = models.CharField("địa chỉ", max_length=300)
    # The sender's secret for the public lookup (`tthc.core.lookupcode`): shown on the
    # confirmation page, sent in the acknowledgement and every notification, shown to staff who
    # enter feedback by phone, letter or at the counter; never in a public view. Readable, not
    # hashed: messages are rendered when the worker sends them.
    lookup_secret = models.CharField("mã tra cứu", max_length=8, blank=True, editable=False)
    # Set when the sender's personal data was erased after the retention period (DOMAIN §11).
    personal_data_erased_at = models.DateTimeField("xóa dữ liệu cá nhân lúc", null=True, blank=True)
    submitted_at = models.DateTimeField("thời điểm gửi")
    # Submission, or the latest transfer in: every limit counts from here (DOMAIN §6).
    clock_start_at = models.DateTimeField("tính hạn từ")
    status = models.CharField(
        "trạng thái", max_length=30, choices=Status.choices, default=Status.WAITING
    )
    refuse_due_at = models.DateTimeField("hạn tiếp nhận / từ chối", null=True, blank=True)
    supplement_due_at = models.DateTimeField("hạn yêu cầu bổ sung", null=True, blank=True)
    handle_due_at = models.DateTimeField("hạn xử lý", null=True, blank=True)
    publish_due_at = models.DateTimeField("hạn công khai", null=True, blank=True)
    due_explanations = models.JSONField("cách tính hạn", default=dict, blank=True)
    first_supplement_at = models.DateTimeField("yêu cầu bổ sung lần đầu", null=True, blank=True)
    ready_at = models.DateTimeField("có câu trả lời lúc", null=True, blank=True)
    published_at = models.DateTimeField("công khai lúc", null=True, blank=True)
    # Limits met after their deadline, in the order they were missed.
    late_limits = models.JSONField("các hạn bị trễ", default=list, blank=True)
    answer = models.TextField("câu trả lời", blank=True)
    # fold(title + content + answer): the archive's diacritic-insensitive search.
    search_folded = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="cán bộ nhập",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    class Meta:
        verbose_name = "phản ánh, kiến nghị"
        verbose_name_plural = "phản ánh, kiến nghị"
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["status", "agency"], name="feedback_status_agency"),
            models.Index(fields=["status", "published_at"], name="feedback_published"),
            models.Index(fields=["submitted_at"], name="feedback_submitted"),
        ]

    def __str__(self) -> str:
        return self.code


class FeedbackEvent(Event):
    """One step of a feedback's history. Append-only: never updated or deleted."""

    subject_field = "feedback"

    feedback = models.ForeignKey(Feedback, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField("từ trạng thái", max_length=30, blank=True)
    to_status = models.CharField("sang trạng thái", max_length=30)
    agency = models.ForeignKey(
        Agency,
        verbose_name="cơ quan xử lý sau bước này",
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "bước xử lý phản ánh"
        verbose_name_plural = "bước xử lý phản ánh"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.action}"


class Attachment(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.PROTECT, related_name="attachments")
    name = models.CharField("tên tệp", max_length=255)
    file = models.FileField("tệp", upload_to="feedback/%Y/%m/")
    size = models.PositiveIntegerField("dung lượng (byte)")
    # Only attachments an officer marked public are downloadable from a published answer.
    public = models.BooleanField("công khai cùng câu trả lời", default=False)
    # Sent by the sender with the requested supplement (not with the submission).
    supplement = models.BooleanField("tệp bổ sung", default=False)

    class Meta:
        verbose_name = "tệp đính kèm"
        verbose_name_plural = "tệp đính kèm"

    def __str__(self) -> str:
        return self.name


class Vote(models.Model):
    """A visitor's like or dislike of a published answer: one per visitor, enforced twice by the
    database (the signed-cookie key and the hashed address + browser key)."""

    LIKE = 1
    DISLIKE = -1

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(
        "bình chọn", choices=[(LIKE, _("Hài lòng")), (DISLIKE, _("Không"))]
    )
    cookie_key = models.CharField(max_length=64)
    client_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "bình chọn"
        verbose_name_plural = "bình chọn"
        constraints = [
            models.UniqueConstraint(fields=["feedback", "cookie_key"], name="one_vote_per_cookie"),
            models.UniqueConstraint(fields=["feedback", "client_key"], name="one_vote_per_client"),
            models.CheckConstraint(condition=models.Q(value__in=(1, -1)), name="vote_value"),
        ]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.value:+d}"


class Reminder(models.Model):
    """A reminder sent to the responsible staff: once per feedback, limit and deadline."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="reminders")
    limit = models.CharField(max_length=20, choices=Limit.choices)
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.JSONField(default=list)

    class Meta:
        verbose_name = "nhắc hạn"
        verbose_name_plural = "nhắc hạn"
        constraints = [
            models.UniqueConstraint(
                fields=["feedback", "limit", "due_at"], name="one_reminder_per_limit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.limit}"


class AccessLog(AppendOnlyModel):
    """A staff read of a sender's personal data (Decree 13/2023, DOMAIN §11): who, when, what."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="ai"
    )
    at = models.DateTimeField("lúc", auto_now_add=True)
    feedback = models.ForeignKey(
        Feedback,
        on_delete=models.PROTECT,
        related_name="access_logs",
        verbose_name="phản ánh, kiến nghị",
    )
    what = models.CharField("nội dung", max_length=200)

    class Meta:
        verbose_name = "nhật ký truy cập dữ liệu cá nhân (phản ánh)"
        verbose_name_plural = "nhật ký truy cập dữ liệu cá nhân (phản ánh)"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.feedback_id} {self.what}"
