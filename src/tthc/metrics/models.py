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
