"""Persisted visit figures, one row per day (and per path, per search query).

Only aggregates: no address, no user agent, no visitor hash. `FlushBatch` records which drained
batches of the live store were applied, so a batch is never added twice.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyVisits(models.Model):
    date = models.DateField(_("ngày"), unique=True)
    visitors = models.PositiveIntegerField(_("lượt khách (khách riêng biệt trong ngày)"), default=0)
    page_views = models.PositiveIntegerField(_("lượt xem trang"), default=0)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("lượt truy cập theo ngày")
        verbose_name_plural = _("lượt truy cập theo ngày")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}: {self.visitors}"


class DailyPageViews(models.Model):
    date = models.DateField(_("ngày"))
    path = models.CharField(_("đường dẫn"), max_length=255)
    views = models.PositiveIntegerField(_("lượt xem"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["date", "path"], name="metrics_page_views_day_path")
        ]
        verbose_name = _("lượt xem trang theo ngày")
        verbose_name_plural = _("lượt xem trang theo ngày")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.path}: {self.views}"


class DailySearch(models.Model):
    date = models.DateField(_("ngày"))
    query = models.CharField(_("từ khóa (đã chuẩn hóa)"), max_length=100)
    searches = models.PositiveIntegerField(_("lượt tìm"), default=0)
    zero_results = models.PositiveIntegerField(_("lượt không có kết quả"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["date", "query"], name="metrics_search_day_query")
        ]
        verbose_name = _("lượt tìm kiếm theo ngày")
        verbose_name_plural = _("lượt tìm kiếm theo ngày")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.query}: {self.searches}"


class FlushBatch(models.Model):
    id = models.CharField(primary_key=True, max_length=40)
    flushed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("lần ghi số liệu truy cập")
        verbose_name_plural = _("lần ghi số liệu truy cập")

    def __str__(self) -> str:
        return self.id


class Outcome(models.TextChoices):
    EARLY = "early", _("trước hạn")
    ON_TIME = "on_time", _("đúng hạn")
    LATE = "late", _("trễ hạn")


class DossierFact(models.Model):
    """What the index 766 and report 06 need of one dossier, derived from its events.

    Refreshed by `tthc.metrics.facts` (the clock task every minute, and after the demo);
    never edited by hand. The times that decide a dossier's state at any period end are kept,
    so a past period is computed exactly, not from today's status (DOMAIN §8 2.1).
    """

    dossier = models.OneToOneField(
        "dossiers.Dossier", primary_key=True, on_delete=models.CASCADE, related_name="fact"
    )
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.CASCADE, related_name="+")
    field = models.ForeignKey(
        "catalog.Field", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    receiving_agency = models.ForeignKey("org.Agency", on_delete=models.CASCADE, related_name="+")
    resolving_agency = models.ForeignKey("org.Agency", on_delete=models.CASCADE, related_name="+")
    channel = models.PositiveSmallIntegerField(_("hình thức nộp"))
    submitted_at = models.DateTimeField(_("nộp lúc"))
    # Accepted (the clock started); None: refused at intake or still waiting for acceptance.
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    # The finishing event (resolve, else return, else stop / refuse / withdraw) and its outcome.
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    finish_action = models.CharField(_("kết thúc bằng"), max_length=20, blank=True)
    outcome = models.CharField(_("kết quả đúng hạn"), max_length=10, blank=True, choices=Outcome)
    # The legal deadline with no pause, and extended by the completed supplement pauses.
    base_due_at = models.DateTimeField(_("hạn theo quy định"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn sau khi trừ thời gian bổ sung"), null=True, blank=True)
    supplement_requests = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    first_request_at = models.DateTimeField(null=True, blank=True)
    first_completed_at = models.DateTimeField(null=True, blank=True)
    second_request_at = models.DateTimeField(null=True, blank=True)
    processing_days = models.PositiveIntegerField(
        _("số ngày làm việc xử lý (trừ thời gian bổ sung)"), null=True, blank=True
    )
    late_days = models.PositiveIntegerField(_("số ngày làm việc trễ"), default=0)
    financial_obligation = models.BooleanField(_("có nghĩa vụ tài chính"), default=False)
    paid_online = models.BooleanField(_("thanh toán trực tuyến"), default=False)
    resolved = models.BooleanField(_("có kết quả giải quyết"), default=False)
    electronic_result = models.BooleanField(_("có kết quả điện tử"), default=False)
    documents = models.PositiveSmallIntegerField(_("số giấy tờ"), default=0)
    documents_digitised = models.PositiveSmallIntegerField(_("số giấy tờ đã số hóa"), default=0)
    satisfied = models.BooleanField(_("hài lòng"), null=True, blank=True)
    apologised_at = models.DateTimeField(_("gửi thư xin lỗi lúc"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("cập nhật lúc"))

    class Meta:
        indexes = [
            models.Index(fields=["received_at"], name="fact_received"),
            models.Index(fields=["finished_at"], name="fact_finished"),
            models.Index(fields=["resolving_agency", "received_at"], name="fact_agency_received"),
            models.Index(fields=["procedure", "received_at"], name="fact_procedure_received"),
        ]
        verbose_name = _("số liệu hồ sơ (chỉ số 766)")
        verbose_name_plural = _("số liệu hồ sơ (chỉ số 766)")

    def __str__(self) -> str:
        return f"{self.dossier_id}"


class FactCursor(models.Model):
    """Where the refresh of `DossierFact` stopped: the last dossier event applied."""

    name = models.CharField(primary_key=True, max_length=40)
    last_event_id = models.BigIntegerField(default=0)
    ran_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_event_id}"
