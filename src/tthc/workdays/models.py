"""Calendar overrides decided locally, and the append-only log of deadlines they moved.

The statutory calendar comes from the ``holidays`` package (see ``engine``); these rows are the
province's or an agency's own decisions on top of it (DOMAIN §5). Writes go through
``services``; nothing here holds a business rule.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from tthc.core.models import AppendOnlyModel, TimeStampedModel
from tthc.org.models import Agency


class CalendarOverride(TimeStampedModel):
    """One date made a working day or a day off by a local decision.

    ``agency`` empty = the whole province; otherwise only that agency (which then wins over a
    province-wide row on the same date).
    """

    date = models.DateField("ngày")
    is_working = models.BooleanField(
        "là ngày làm việc", help_text="Bỏ chọn nếu đây là ngày nghỉ theo quyết định."
    )
    name = models.CharField("tên, lý do", max_length=200)
    reference = models.CharField(
        "quyết định, văn bản", max_length=200, blank=True, help_text="Ví dụ: 123/QĐ-UBND"
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name="phạm vi cơ quan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calendar_overrides",
        help_text="Để trống: áp dụng toàn tỉnh.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tạo",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "ngày điều chỉnh lịch làm việc"
        verbose_name_plural = "ngày điều chỉnh lịch làm việc"
        ordering = ["date", "agency_id"]
        constraints = [
            # NULL agency means "province": two partial constraints so that both SQLite and
            # PostgreSQL refuse a second province-wide row for the same date.
            models.UniqueConstraint(
                fields=["date", "agency"],
                condition=Q(agency__isnull=False),
                name="workdays_override_one_per_agency_date",
            ),
            models.UniqueConstraint(
                fields=["date"],
                condition=Q(agency__isnull=True),
                name="workdays_override_one_per_province_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.name}"


class DeadlineChange(models.Model):
    """Append-only: a deadline of a registered record moved from ``old_due`` to ``new_due``.

    The record is named by ``source`` (its registry label) and ``object_id``; ``content_type``
    is filled when the record is a Django model instance.
    """

    source = models.CharField("nguồn", max_length=100)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField("mã bản ghi", max_length=64)
    label = models.CharField("bản ghi", max_length=300)
    old_due = models.DateTimeField("hạn cũ", null=True, blank=True)
    new_due = models.DateTimeField("hạn mới", null=True, blank=True)
    reason = models.TextField("lý do")
    override = models.ForeignKey(
        CalendarOverride,
        verbose_name="ngày điều chỉnh",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deadline_changes",
    )
    created_at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "thay đổi thời hạn"
        verbose_name_plural = "thay đổi thời hạn"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["source", "object_id"], name="workdays_change_record"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.old_due} → {self.new_due}"


class OverrideEvent(AppendOnlyModel):
    """Append-only: who added, changed or removed an override, with the row before and after."""

    class Kind(models.TextChoices):
        ADDED = "added", "Thêm"
        CHANGED = "changed", "Sửa"
        REMOVED = "removed", "Xóa"

    kind = models.CharField("thao tác", max_length=10, choices=Kind.choices)
    override = models.ForeignKey(
        CalendarOverride,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    date = models.DateField("ngày")
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    before = models.JSONField("trước", null=True, blank=True)
    after = models.JSONField("sau", null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("lúc", auto_now_add=True)

    class Meta:
        verbose_name = "nhật ký điều chỉnh lịch"
        verbose_name_plural = "nhật ký điều chỉnh lịch"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"
