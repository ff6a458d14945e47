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
            # Index 3.2 and 3.5: does the procedure have such a dossier in the period?
            models.Index(
                fields=["procedure", "received_at"],
                condition=models.Q(channel=2),
                name="fact_online_procedure",
            ),
            models.Index(
                fields=["procedure", "received_at"],
                condition=models.Q(financial_obligation=True),
                name="fact_fee_procedure",
            ),
            models.Index(
                fields=["procedure", "received_at"],
                condition=models.Q(paid_online=True),
                name="fact_paid_procedure",
            ),
            # The dossiers still open (2.1 and report 06 at a period end that is now).
            models.Index(
                fields=["received_at"],
                condition=models.Q(finished_at__isnull=True),
                name="fact_open",
            ),
        ]
        constraints = [
            # The range [received, finished) of the GiST index `fact_open_span` must exist.
            models.CheckConstraint(
                condition=models.Q(received_at__isnull=True)
                | models.Q(finished_at__isnull=True)
                | models.Q(finished_at__gte=models.F("received_at")),
                name="fact_finished_after_received",
            )
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


class DossierDay(models.Model):
    """The additive part of the dossier indicators, per day and resolving agency.

    Each column counts the facts of one indicator anchored on that day (received or finished
    that day: `tthc.metrics.daily.COLUMNS` says which and how); summed over a period's days it
    is the indicator's figure without reading a million facts. Rebuilt by `daily.rebuild` for
    the days whose facts changed; never edited by hand.
    """

    day = models.DateField(_("ngày"))
    agency = models.ForeignKey("org.Agency", on_delete=models.CASCADE, related_name="+")
    received = models.PositiveIntegerField(default=0)
    received_online = models.PositiveIntegerField(default=0)
    obligations = models.PositiveIntegerField(default=0)
    paid_online = models.PositiveIntegerField(default=0)
    with_documents = models.PositiveIntegerField(default=0)
    digitised = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)
    finished_late = models.PositiveIntegerField(default=0)
    finished_disliked = models.PositiveIntegerField(default=0)
    finished_with_deadline = models.PositiveIntegerField(default=0)
    finished_on_time = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    resolved_electronic = models.PositiveIntegerField(default=0)
    resolved_timed = models.PositiveIntegerField(default=0)
    processing_days = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "agency"], name="metrics_dossier_day_agency")
        ]
        verbose_name = _("số liệu hồ sơ theo ngày")
        verbose_name_plural = _("số liệu hồ sơ theo ngày")

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.agency_id}"
