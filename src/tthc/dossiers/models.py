"""One-stop dossiers (DOMAIN §4): the dossier, its append-only events, the checklist of
documents received, the applicant's personal data (own model, so it can be masked and erased by
the retention policy), the per-agency/day code counter and the log of staff reads of personal
data.

`Dossier.status` and `Dossier.due_at` are denormalised values derived from the events by the
services (`tthc.dossiers.services`); nothing here holds a business rule.
"""

from django.conf import settings
from django.db import models

from tthc.catalog.models import Procedure
from tthc.core.models import AppendOnlyModel, Event
from tthc.org.models import Agency, ReceptionPoint, Role


class Channel(models.IntegerChoices):
    """Codes of the national portal (DOMAIN §4)."""

    IN_PERSON = 1, "Trực tiếp"
    ONLINE = 2, "Trực tuyến"
    POSTAL = 3, "Dịch vụ bưu chính công ích"


class Status(models.IntegerChoices):
    """Status codes synchronised with the national portal (DOMAIN §4)."""

    SUBMITTED = 1, "Mới nộp"
    RECEIVED = 2, "Đã tiếp nhận"
    NOT_RECEIVED = 3, "Không tiếp nhận"
    PROCESSING = 4, "Đang giải quyết"
    SUPPLEMENT_REQUESTED = 5, "Yêu cầu bổ sung hồ sơ"
    AWAITING_PAYMENT = 6, "Chờ thực hiện nghĩa vụ tài chính"
    WITHDRAWN = 7, "Công dân rút hồ sơ"
    STOPPED = 8, "Dừng xử lý"
    RESOLVED = 9, "Đã giải quyết"
    RETURNED = 10, "Đã trả kết quả"


# Accepted and not finished: the deadline runs (or is paused) and a calendar change moves it.
OPEN_STATUSES = (
    Status.RECEIVED,
    Status.PROCESSING,
    Status.SUPPLEMENT_REQUESTED,
    Status.AWAITING_PAYMENT,
)
FINISHED_STATUSES = (
    Status.NOT_RECEIVED,
    Status.WITHDRAWN,
    Status.STOPPED,
    Status.RESOLVED,
    Status.RETURNED,
)
# The staff queues' groups: the clock runs (received, processing, awaiting payment); the
# dossier is over for the desk (returned, refused, withdrawn, stopped: tab “Đã trả, kết thúc”).
RUNNING_STATUSES = (2, 4, 6)
DONE_STATUSES = (3, 7, 8, 10)


class ApplicantKind(models.TextChoices):
    PERSON = "person", "Cá nhân"
    ORGANISATION = "organisation", "Tổ chức"


class Applicant(models.Model):
    """Who applies. Personal data lives only here (Decree 13/2023): public views mask it,
    staff reads are logged in `AccessLog`, and `erased_at` marks data removed at the end of the
    retention period."""

    kind = models.CharField("loại", max_length=20, choices=ApplicantKind.choices)
    full_name = models.CharField("họ và tên", max_length=200, blank=True)
    citizen_id = models.CharField("số định danh cá nhân", max_length=12, blank=True)
    date_of_birth = models.DateField("ngày sinh", null=True, blank=True)
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    address = models.CharField("địa chỉ", max_length=300, blank=True)
    organisation_name = models.CharField("tên tổ chức", max_length=300, blank=True)
    tax_code = models.CharField("mã số thuế", max_length=14, blank=True)
    representative = models.CharField("người đại diện", max_length=200, blank=True)
    erased_at = models.DateTimeField("đã xóa dữ liệu lúc", null=True, blank=True)

    class Meta:
        verbose_name = "người nộp hồ sơ"
        verbose_name_plural = "người nộp hồ sơ"

    def __str__(self) -> str:
        return self.organisation_name or self.full_name


class Dossier(models.Model):
    code = models.CharField("mã hồ sơ", max_length=64, unique=True)
    procedure = models.ForeignKey(
        Procedure, verbose_name="thủ tục", on_delete=models.PROTECT, related_name="dossiers"
    )
    procedure_version = models.PositiveIntegerField("phiên bản thủ tục áp dụng")
    channel = models.PositiveSmallIntegerField("hình thức nộp", choices=Channel.choices)
    # Boundary-free reception (Decree 118/2025): where it was received and who resolves it are
    # separate; `current_agency` is who holds it now (changes on an inter-agency transfer).
    reception_point = models.ForeignKey(
        ReceptionPoint,
        verbose_name="điểm tiếp nhận",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    receiving_agency = models.ForeignKey(
        Agency, verbose_name="cơ quan tiếp nhận", on_delete=models.PROTECT, related_name="+"
    )
    resolving_agency = models.ForeignKey(
        Agency, verbose_name="cơ quan giải quyết", on_delete=models.PROTECT, related_name="+"
    )
    # Indexed by `dossier_agency_status` (current_agency, status), which leads with it.
    current_agency = models.ForeignKey(
        Agency,
        verbose_name="cơ quan đang xử lý",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    applicant = models.OneToOneField(
        Applicant, verbose_name="người nộp", on_delete=models.PROTECT, related_name="dossier"
    )
    # The applicant's secret for the public lookup (tthc.core.lookupcode): printed on the
    # receipt, shown on the online confirmation, sent in the notifications; never in a public
    # view. Kept readable, not hashed, because receipts are reprinted and messages are rendered
    # when the worker sends them.
    lookup_secret = models.CharField("mã tra cứu", max_length=8, blank=True, editable=False)
    fee_due = models.PositiveBigIntegerField("phí, lệ phí phải nộp (đồng)", default=0)
    submitted_at = models.DateTimeField("thời điểm nộp")
    received_at = models.DateTimeField("thời điểm tiếp nhận", null=True, blank=True)
    # The legal processing time used (snapshot of the procedure version for this channel).
    time_amount = models.DecimalField(
        "thời hạn giải quyết", max_digits=8, decimal_places=2, null=True, blank=True
    )
    time_unit = models.CharField("đơn vị thời hạn", max_length=20, blank=True)
    due_at = models.DateTimeField("hạn giải quyết", null=True, blank=True)
    due_explanation = models.JSONField("cách tính hạn", default=list, blank=True)
    # A new appointment proposed in an apology letter; the legal `due_at` is unchanged.
    new_appointment_at = models.DateTimeField("hẹn lại", null=True, blank=True)
    status = models.PositiveSmallIntegerField(
        "trạng thái", choices=Status.choices, default=Status.SUBMITTED
    )
    # The internal step of the process definition (`ProcessStep.order`, from 1) and the
    # specialist the agency's leader assigned: derived from the events like `status`.
    current_step = models.PositiveSmallIntegerField("bước xử lý hiện tại", default=1)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="chuyên viên được giao",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    class Meta:
        verbose_name = "hồ sơ"
        verbose_name_plural = "hồ sơ"
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="dossier_status_due"),
            models.Index(fields=["current_agency", "status"], name="dossier_agency_status"),
            # The province-wide queues (tthc.dossiers.queues): the running tabs by deadline and
            # the finished tab newest first, read in index order and stopped after a page.
            models.Index(
                fields=["due_at", "id"],
                name="dossier_running_due",
                condition=models.Q(status__in=RUNNING_STATUSES),
            ),
            models.Index(
                fields=["submitted_at", "id"],
                name="dossier_done_submitted",
                condition=models.Q(status__in=DONE_STATUSES),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def appointment_at(self):
        return self.new_appointment_at or self.due_at


class Involvement(models.TextChoices):
    RECEIVING = "receiving", "Tiếp nhận"
    RESOLVING = "resolving", "Giải quyết"
    CONSULTED = "consulted", "Phối hợp (liên thông)"


class DossierAgency(models.Model):
    """An agency involved in a dossier: the desk's agency that received it, the agency that
    resolves it, and every agency it was transferred to in inter-agency processing. Staff see a
    dossier only through these rows (`tthc.dossiers.selectors.may_view`); written by the
    services with the event that involves the agency, never removed."""

    # Each indexed by an index that leads with it (`one_involvement_per_role`,
    # `dossier_agency_lookup`): no index of their own for every insert and status copy.
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="involvements", db_index=False
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", db_index=False)
    role = models.CharField("vai trò", max_length=20, choices=Involvement.choices)
    # Copies of the dossier's status, deadline and submission time, so that one agency's queue
    # is a range of one index (tthc.dossiers.queues, decision 0011). Kept by the database's
    # triggers (tthc.dossiers.queue_triggers) on every insert here and every change of the
    # dossier, whoever writes (services, bulk_create, SQL); never written by the application.
    # 0 = not derived yet (rows loaded with triggers off: `queue_triggers.resync()`).
    status = models.PositiveSmallIntegerField("trạng thái hồ sơ", db_default=0, editable=False)
    due_at = models.DateTimeField("hạn giải quyết", null=True, editable=False)
    submitted_at = models.DateTimeField("thời điểm nộp", null=True, editable=False)

    class Meta:
        verbose_name = "cơ quan liên quan đến hồ sơ"
        verbose_name_plural = "cơ quan liên quan đến hồ sơ"
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "agency", "role"], name="one_involvement_per_role"
            )
        ]
        indexes = [
            models.Index(fields=["agency", "dossier"], name="dossier_agency_lookup"),
            # One agency's queue: counts of every open tab from one range, single-status tabs
            # in deadline order; running tabs by deadline; the finished tab newest first.
            models.Index(
                fields=["agency", "status", "due_at", "dossier"], name="dossier_agency_queue"
            ),
            models.Index(
                fields=["agency", "due_at", "dossier"],
                name="dossier_agency_running",
                condition=models.Q(status__in=RUNNING_STATUSES),
            ),
            models.Index(
                fields=["agency", "submitted_at", "dossier"],
                name="dossier_agency_done",
                condition=models.Q(status__in=DONE_STATUSES),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.agency_id} {self.role}"


class ProcessStep(models.Model):
    """One internal step of a procedure's process definition, for one resolving agency (or
    for every agency when `agency` is empty). The shares of the steps of one definition sum to
    100 % of the legal processing time; without a definition a single step applies."""

    procedure = models.ForeignKey(
        Procedure, verbose_name="thủ tục", on_delete=models.CASCADE, related_name="process_steps"
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name="cơ quan giải quyết áp dụng",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Để trống: áp dụng cho mọi cơ quan giải quyết không có quy trình riêng.",
    )
    order = models.PositiveSmallIntegerField("thứ tự")
    name = models.CharField("tên bước", max_length=300)
    responsible_agency = models.ForeignKey(
        Agency,
        verbose_name="cơ quan thực hiện",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Để trống: cơ quan giải quyết hồ sơ.",
    )
    role = models.CharField("vai trò thực hiện", max_length=30, choices=Role.choices)
    share_percent = models.PositiveSmallIntegerField("tỷ lệ thời gian (%)")

    class Meta:
        verbose_name = "bước quy trình nội bộ"
        verbose_name_plural = "bước quy trình nội bộ"
        ordering = ["procedure", "agency", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "agency", "order"], name="one_process_step_per_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class DossierEvent(Event):
    """One step of a dossier's history. Append-only: never updated or deleted."""

    subject_field = "dossier"

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    from_status = models.PositiveSmallIntegerField(
        "từ trạng thái", choices=Status.choices, null=True, blank=True
    )
    to_status = models.PositiveSmallIntegerField("sang trạng thái", choices=Status.choices)
    agency = models.ForeignKey(
        Agency,
        verbose_name="cơ quan xử lý sau bước này",
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "bước xử lý hồ sơ"
        verbose_name_plural = "bước xử lý hồ sơ"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action}"


class EventAttachment(models.Model):
    event = models.ForeignKey(DossierEvent, on_delete=models.PROTECT, related_name="attachments")
    name = models.CharField("tên tệp", max_length=255)
    file = models.FileField("tệp", upload_to="dossiers/events/%Y/%m/")

    class Meta:
        verbose_name = "tệp đính kèm"
        verbose_name_plural = "tệp đính kèm"

    def __str__(self) -> str:
        return self.name


class DocumentForm(models.TextChoices):
    ORIGINAL = "original", "Bản chính"
    COPY = "copy", "Bản sao"
    CERTIFIED_COPY = "certified_copy", "Bản sao chứng thực"
    ELECTRONIC = "electronic", "Bản điện tử"


class DossierDocument(models.Model):
    """One line of the checklist: a required document of the procedure version, as received."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField("thứ tự")
    name = models.CharField("tên giấy tờ", max_length=1000)
    form = models.CharField("hình thức", max_length=20, choices=DocumentForm.choices)
    quantity = models.PositiveSmallIntegerField("số lượng", default=1)
    file = models.FileField("tệp", upload_to="dossiers/documents/%Y/%m/", blank=True)
    # The file is stored under a generated name; this is the applicant's name, sanitised.
    file_name = models.CharField("tên tệp gốc", max_length=255, blank=True)

    class Meta:
        verbose_name = "giấy tờ trong hồ sơ"
        verbose_name_plural = "giấy tờ trong hồ sơ"
        ordering = ["dossier", "position"]

    def __str__(self) -> str:
        return self.name


class DossierCodeCounter(models.Model):
    """The last sequence number issued for (agency, day): codes are `{agency}-{yymmdd}-{nnnn}`."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    day = models.DateField("ngày")
    last = models.PositiveIntegerField("số cuối đã cấp", default=0)

    class Meta:
        verbose_name = "bộ đếm mã hồ sơ"
        verbose_name_plural = "bộ đếm mã hồ sơ"
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="one_code_counter_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last}"


class SubmissionKey(models.Model):
    """One online submission attempt, claimed before the dossier is created: a second POST of
    the same form (double click, retry, two tabs) finds the claim and gets the first dossier
    instead of a duplicate."""

    key = models.CharField(max_length=64, unique=True)
    dossier = models.OneToOneField(
        Dossier, null=True, blank=True, on_delete=models.CASCADE, related_name="submission_key"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "khóa gửi hồ sơ"
        verbose_name_plural = "khóa gửi hồ sơ"

    def __str__(self) -> str:
        return self.key


class AccessLog(AppendOnlyModel):
    """A staff read of a dossier's personal data (Decree 13/2023): who, when, what."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="ai"
    )
    at = models.DateTimeField("lúc", auto_now_add=True)
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="access_logs")
    what = models.CharField("nội dung", max_length=200)

    class Meta:
        verbose_name = "nhật ký truy cập dữ liệu cá nhân"
        verbose_name_plural = "nhật ký truy cập dữ liệu cá nhân"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.dossier_id} {self.what}"


class NotificationChannel(models.TextChoices):
    EMAIL = "email", "Thư điện tử"
    SMS = "sms", "Tin nhắn SMS"


class NotificationStatus(models.TextChoices):
    PENDING = "pending", "Chờ gửi"
    SENT = "sent", "Đã gửi"
    FAILED = "failed", "Gửi không thành công"
    SKIPPED = "skipped", "Không gửi (thiếu địa chỉ)"


class Notification(models.Model):
    """One message to the applicant about one dossier event on one channel. The unique
    constraint makes delivery at most once per (event, channel), whatever the retries."""

    event = models.ForeignKey(DossierEvent, on_delete=models.PROTECT, related_name="notifications")
    channel = models.CharField("kênh", max_length=10, choices=NotificationChannel.choices)
    kind = models.CharField("loại thông báo", max_length=30)
    recipient = models.CharField("người nhận", max_length=254, blank=True)
    status = models.CharField(
        "tình trạng",
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField("số lần thử", default=0)
    last_error = models.TextField("lỗi gần nhất", blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    sent_at = models.DateTimeField("gửi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel"], name="one_notification_per_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.channel} {self.status}"


class SatisfactionRating(models.Model):
    """The applicant's rating after the result was returned: once per dossier."""

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="rating")
    satisfied = models.BooleanField("hài lòng")
    comment = models.TextField("ý kiến", blank=True)
    at = models.DateTimeField("lúc")

    class Meta:
        verbose_name = "đánh giá mức độ hài lòng"
        verbose_name_plural = "đánh giá mức độ hài lòng"

    def __str__(self) -> str:
        return f"{self.dossier_id} {'hài lòng' if self.satisfied else 'không hài lòng'}"
