"""Compliance costs and simplification proposals (DOMAIN §7).

A `ComplianceCost` is the measured cost of one procedure on one channel: the inputs of
`calculator.CostInput` plus the results, recomputed by the services on every save. A
`SimplificationProposal` covers one or several procedures (`ProposalItem`s, each with its
changes, its cost before and the cost after recomputed from the changes); its status moves
through `transitions.TRANSITIONS` and every move appends a `ProposalEvent` (never updated).
"""

from django.conf import settings
from django.db import models

from tthc.catalog.models import Procedure, ProcedureVersion
from tthc.core.models import Event, TimeStampedModel
from tthc.org.models import Agency


class CostChannel(models.TextChoices):
    IN_PERSON = "in_person", "Trực tiếp"
    ONLINE = "online", "Trực tuyến"
    POSTAL = "postal", "Dịch vụ bưu chính"


class ComplianceCost(TimeStampedModel):
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="compliance_costs", verbose_name="thủ tục"
    )
    channel = models.CharField("cách thức thực hiện", max_length=20, choices=CostChannel.choices)
    hourly_value_vnd = models.PositiveBigIntegerField("giá trị một giờ (đồng)")
    hourly_value_source = models.CharField("nguồn giá trị một giờ", max_length=300, blank=True)
    hourly_value_year = models.PositiveIntegerField("năm của giá trị một giờ", null=True)
    activities = models.JSONField("hoạt động (giờ)", default=list)
    other_costs = models.JSONField("chi phí khác (đồng)", default=list)
    fees_vnd = models.PositiveBigIntegerField("phí, lệ phí (đồng)", default=0)
    filings_per_subject_per_year = models.DecimalField(
        "số lần thực hiện/đối tượng/năm", max_digits=12, decimal_places=4, default=1
    )
    subjects_per_year = models.PositiveBigIntegerField("số đối tượng/năm", default=0)
    labour_vnd = models.PositiveBigIntegerField("chi phí thời gian (đồng)", default=0)
    per_filing_vnd = models.PositiveBigIntegerField("chi phí một lần (đồng)", default=0)
    per_year_vnd = models.PositiveBigIntegerField("chi phí một năm (đồng)", default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "chi phí tuân thủ"
        verbose_name_plural = "chi phí tuân thủ"
        ordering = ["procedure__code", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "channel"], name="one_cost_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id} — {self.get_channel_display()}"


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    SUBMITTED = "submitted", "Đã trình"
    APPROVED = "approved", "Đã phê duyệt"
    IMPLEMENTED = "implemented", "Đã thực thi"
    VERIFIED = "verified", "Đã kiểm tra"


class SimplificationProposal(TimeStampedModel):
    code = models.CharField("mã phương án", max_length=20, unique=True)
    title = models.CharField("tên phương án", max_length=500)
    rationale = models.TextField("lý do", blank=True)
    legal_text = models.TextField("văn bản quy phạm pháp luật cần sửa đổi", blank=True)
    amending_body = models.CharField("cơ quan có thẩm quyền sửa đổi", max_length=300, blank=True)
    responsible_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="simplification_proposals",
        verbose_name="cơ quan chủ trì",
    )
    due_on = models.DateField("thời hạn thực hiện", null=True, blank=True)
    status = models.CharField(
        "trạng thái", max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    decision_number = models.CharField("số quyết định phê duyệt", max_length=80, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    approved_on = models.DateField("ngày phê duyệt", null=True, blank=True)
    implemented_on = models.DateField("ngày thực thi", null=True, blank=True)
    verified_on = models.DateField("ngày kiểm tra", null=True, blank=True)
    # Totals of the items, written by the services.
    before_per_filing_vnd = models.PositiveBigIntegerField(default=0)
    after_per_filing_vnd = models.PositiveBigIntegerField(default=0)
    before_per_year_vnd = models.PositiveBigIntegerField(default=0)
    after_per_year_vnd = models.PositiveBigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "phương án đơn giản hóa"
        verbose_name_plural = "phương án đơn giản hóa"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def saving_per_filing_vnd(self) -> int:
        return self.before_per_filing_vnd - self.after_per_filing_vnd

    @property
    def saving_per_year_vnd(self) -> int:
        return self.before_per_year_vnd - self.after_per_year_vnd

    @property
    def saving_rate_pct(self):
        from .calculator import rate_pct

        return rate_pct(self.saving_per_filing_vnd, self.before_per_filing_vnd)


class ProposalItem(models.Model):
    """One procedure in a proposal: what changes and what it costs before and after."""

    proposal = models.ForeignKey(
        SimplificationProposal, on_delete=models.CASCADE, related_name="items"
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="simplification_items"
    )
    channel = models.CharField(max_length=20, choices=CostChannel.choices)
    changes = models.JSONField("nội dung đơn giản hóa", default=list)
    cost_before = models.JSONField("chi phí trước (dữ liệu tính)", default=dict)
    cost_after = models.JSONField("chi phí sau (dữ liệu tính)", default=dict)
    before_per_filing_vnd = models.PositiveBigIntegerField(default=0)
    after_per_filing_vnd = models.PositiveBigIntegerField(default=0)
    before_per_year_vnd = models.PositiveBigIntegerField(default=0)
    after_per_year_vnd = models.PositiveBigIntegerField(default=0)
    implemented_version = models.ForeignKey(
        ProcedureVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="simplification_items",
        verbose_name="phiên bản thủ tục sau thực thi",
    )

    class Meta:
        verbose_name = "thủ tục trong phương án"
        verbose_name_plural = "thủ tục trong phương án"
        ordering = ["proposal", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "procedure"], name="one_item_per_procedure")
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.procedure_id}"

    @property
    def saving_per_filing_vnd(self) -> int:
        return self.before_per_filing_vnd - self.after_per_filing_vnd

    @property
    def saving_per_year_vnd(self) -> int:
        return self.before_per_year_vnd - self.after_per_year_vnd

    @property
    def saving_rate_pct(self):
        from .calculator import rate_pct

        return rate_pct(self.saving_per_filing_vnd, self.before_per_filing_vnd)


class SourceKind(models.TextChoices):
    FEEDBACK = "feedback", "Phản ánh, kiến nghị"
    REVIEW = "review", "Rà soát, đánh giá"
    OTHER = "other", "Khác"


class ProposalSource(models.Model):
    proposal = models.ForeignKey(
        SimplificationProposal, on_delete=models.CASCADE, related_name="sources"
    )
    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    reference = models.CharField("mã, số hiệu", max_length=64)
    title = models.CharField("nội dung", max_length=500, blank=True)

    class Meta:
        verbose_name = "nguồn đề xuất"
        verbose_name_plural = "nguồn đề xuất"
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "kind", "reference"], name="one_source_per_reference"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"


class ProposalEvent(Event):
    """Append-only history of a proposal."""

    subject_field = "proposal"

    proposal = models.ForeignKey(
        SimplificationProposal, on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = "lịch sử phương án"
        verbose_name_plural = "lịch sử phương án"
        ordering = ["proposal", "at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.action}"
