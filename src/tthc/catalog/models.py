"""The procedure catalog (CSDL TTHC), DOMAIN §2.

A `Procedure` is the identity (its code) plus the columns lists and filters need. Its content
lives in immutable `ProcedureVersion`s: `data` holds every component in the API detail schema
(`tthc.catalog.schemas.ProcedureData`), `source` the text each component was parsed from. Each
change appends a version with who, when, which decision and a field-level diff; the procedure
points at the current one. See docs/decisions/0002-procedure-versions.md.
"""

from django.conf import settings
from django.db import models

from tthc.core.models import TimeStampedModel
from tthc.org.models import Agency


class Level(models.TextChoices):
    MINISTRY = "ministry", "Cấp Bộ"
    PROVINCE = "province", "Cấp Tỉnh"
    COMMUNE = "commune", "Cấp Xã"
    OTHER = "other", "Cơ quan khác"


class OnlineLevel(models.TextChoices):
    FULL = "full", "Toàn trình"
    PARTIAL = "partial", "Một phần"
    NONE = "none", "Không"


class Status(models.TextChoices):
    PUBLISHED = "published", "Đã công bố"
    AMENDED = "amended", "Đã công bố (sửa đổi, bổ sung)"
    ABOLISHED = "abolished", "Đã bãi bỏ"


class Field(TimeStampedModel):
    """Lĩnh vực."""

    name = models.CharField("tên lĩnh vực", max_length=255)
    name_folded = models.CharField(max_length=255, unique=True, editable=False)
    code = models.CharField("mã lĩnh vực", max_length=40, blank=True)

    class Meta:
        verbose_name = "lĩnh vực"
        verbose_name_plural = "lĩnh vực"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PublicationDecision(TimeStampedModel):
    """Quyết định công bố (QĐCB) of the provincial chairman or a minister."""

    number = models.CharField("số quyết định", max_length=80, unique=True)
    title = models.CharField("trích yếu", max_length=500, blank=True)
    issuer = models.CharField("cơ quan ban hành", max_length=255, blank=True)
    signed_on = models.DateField("ngày ban hành", null=True, blank=True)
    effective_on = models.DateField("ngày hiệu lực", null=True, blank=True)

    class Meta:
        verbose_name = "quyết định công bố"
        verbose_name_plural = "quyết định công bố"
        ordering = ["-signed_on", "number"]

    def __str__(self) -> str:
        return self.number


class Procedure(TimeStampedModel):
    code = models.CharField("mã thủ tục", max_length=40, unique=True)
    name = models.CharField("tên thủ tục", max_length=2000)
    field = models.ForeignKey(
        Field,
        verbose_name="lĩnh vực",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedures",
    )
    levels = models.JSONField("cấp thực hiện", default=list)
    is_ministry_level = models.BooleanField(default=False, editable=False)
    is_province_level = models.BooleanField(default=False, editable=False)
    is_commune_level = models.BooleanField(default=False, editable=False)
    status = models.CharField(
        "tình trạng", max_length=20, choices=Status.choices, default=Status.PUBLISHED
    )
    online_level = models.CharField(
        "mức độ dịch vụ công trực tuyến",
        max_length=10,
        choices=OnlineLevel.choices,
        default=OnlineLevel.NONE,
    )
    boundary_free = models.BooleanField(
        "tiếp nhận không phụ thuộc địa giới hành chính", default=False
    )
    agencies = models.ManyToManyField(
        Agency, through="ProcedureAgency", related_name="procedures", blank=True
    )
    current_version = models.OneToOneField(
        "ProcedureVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Folded (lower case, no diacritics) copies for search; written by the services.
    name_folded = models.TextField(editable=False, default="")
    body_folded = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = "thủ tục hành chính"
        verbose_name_plural = "thủ tục hành chính"
        ordering = ["code"]
        indexes = [
            models.Index(fields=["status", "code"]),
            models.Index(fields=["field", "code"]),
            models.Index(fields=["online_level"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProcedureVersion(models.Model):
    """One immutable state of a procedure. Never updated: a change appends a new version."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="versions", verbose_name="thủ tục"
    )
    number = models.PositiveIntegerField("phiên bản")
    data = models.JSONField("nội dung")
    source = models.JSONField("văn bản nguồn", default=dict)
    content_hash = models.CharField(max_length=64)
    diff = models.JSONField("thay đổi so với phiên bản trước", default=dict)
    decision = models.ForeignKey(
        PublicationDecision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="versions",
        verbose_name="quyết định công bố",
    )
    origin = models.CharField("nguồn", max_length=300, blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)
    # Set only when the version was saved before its decision took effect (a scheduled
    # version): it is stored at once but becomes current on this date, through
    # `services.apply_due_versions` (the clock's task every few minutes, the daily command).
    effective_from = models.DateField("có hiệu lực từ", null=True, blank=True)
    created_at = models.DateTimeField("thời điểm", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="người thực hiện",
    )

    class Meta:
        verbose_name = "phiên bản thủ tục"
        verbose_name_plural = "phiên bản thủ tục"
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="one_version_number")
        ]
        indexes = [
            # Partial: almost every version takes effect at once (NULL); the read-path check
            # for due scheduled versions only looks at the few that do not.
            models.Index(
                fields=["effective_from"],
                name="version_effective_from",
                condition=models.Q(effective_from__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"


class AgencyRole(models.TextChoices):
    COMPETENT = "competent", "Cơ quan có thẩm quyền"
    IMPLEMENTING = "implementing", "Cơ quan thực hiện"
    AUTHORISED = "authorised", "Cơ quan được ủy quyền"
    COORDINATING = "coordinating", "Cơ quan phối hợp"


class ProcedureAgency(models.Model):
    """Which of the province's agencies apply a procedure, and in what role."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="agency_links")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="procedure_links")
    role = models.CharField(max_length=20, choices=AgencyRole.choices)

    class Meta:
        verbose_name = "cơ quan áp dụng"
        verbose_name_plural = "cơ quan áp dụng"
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "agency", "role"], name="one_agency_role_per_procedure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id} — {self.get_role_display()}"


class DecisionAction(models.TextChoices):
    NEW = "new", "Ban hành mới"
    AMENDED = "amended", "Sửa đổi, bổ sung"
    REPLACED = "replaced", "Thay thế"
    ABOLISHED = "abolished", "Bãi bỏ"


class DecisionItem(models.Model):
    decision = models.ForeignKey(
        PublicationDecision, on_delete=models.CASCADE, related_name="items"
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="decision_items"
    )
    action = models.CharField("nội dung", max_length=20, choices=DecisionAction.choices)
    replaces = models.ForeignKey(
        Procedure,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        verbose_name="thay thế thủ tục",
    )
    effective_on = models.DateField("ngày hiệu lực", null=True, blank=True)

    class Meta:
        verbose_name = "thủ tục trong quyết định"
        verbose_name_plural = "thủ tục trong quyết định"
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "procedure", "action"], name="one_item_per_action"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.procedure_id}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang nhập"
    DONE = "done", "Hoàn tất"
    FAILED = "failed", "Thất bại"


class ImportJob(models.Model):
    """One import started from the management screens: the uploaded files (under
    MEDIA_ROOT/imports/), the progress of the background task and its per-record report."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="người thực hiện",
    )
    created_at = models.DateTimeField("thời điểm tạo", auto_now_add=True)
    started_at = models.DateTimeField("bắt đầu", null=True, blank=True)
    finished_at = models.DateTimeField("kết thúc", null=True, blank=True)
    directory = models.CharField("thư mục lưu tệp", max_length=200)
    files = models.JSONField("tệp", default=list)
    status = models.CharField(
        "trạng thái", max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    files_total = models.PositiveIntegerField("số tệp", default=0)
    files_done = models.PositiveIntegerField("số tệp đã nhập", default=0)
    counts = models.JSONField("số đếm", default=dict)
    report = models.JSONField("báo cáo", default=dict)
    error = models.TextField("lỗi", blank=True)

    class Meta:
        verbose_name = "lượt nhập thủ tục"
        verbose_name_plural = "lượt nhập thủ tục"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Nhập #{self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def percent(self) -> int:
        return int(100 * self.files_done / self.files_total) if self.files_total else 0
