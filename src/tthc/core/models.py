from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A staff account. Roles are granted per agency through `org.Membership`."""

    full_name = models.CharField("họ và tên", max_length=200, blank=True)
    phone = models.CharField("điện thoại", max_length=30, blank=True)

    class Meta:
        verbose_name = "tài khoản"
        verbose_name_plural = "tài khoản"

    def __str__(self) -> str:
        return self.full_name or self.username


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyModel(models.Model):
    """A history row: written once, never changed or deleted (events, access logs).

    The guard covers `save()` and `delete()` on instances; bulk queryset updates and deletes
    are not used on these tables anywhere in the code.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise RuntimeError(
                f"{str(self._meta.verbose_name_plural).capitalize()} chỉ được ghi thêm, "
                "không được sửa."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError(
            f"{str(self._meta.verbose_name_plural).capitalize()} chỉ được ghi thêm, không được xóa."
        )


class Event(AppendOnlyModel):
    """One step of an object's history (a dossier, a feedback, a proposal): who did what, when.

    A concrete event names the object it belongs to in `subject_field` (its foreign key) and adds
    its own status fields (and the agency, where the history records one). Rows are written by
    `tthc.core.events.append_event` only.
    """

    subject_field: ClassVar[str]

    at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("thao tác"), max_length=40)
    note = models.TextField(_("ghi chú"), blank=True)
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)

    class Meta:
        abstract = True


class Revision(models.Model):
    """A number per part of the data ("catalog", "org", "workdays"), raised after every
    committed change of that part: what a process derived from it (search results, the
    organisation's tree, working calendars) is kept until the number moves. Written only by
    `tthc.core.revisions`."""

    name = models.CharField("phần dữ liệu", max_length=40, primary_key=True)
    number = models.BigIntegerField("số phiên bản", default=0)

    class Meta:
        verbose_name = "phiên bản dữ liệu"
        verbose_name_plural = "phiên bản dữ liệu"

    def __str__(self) -> str:
        return f"{self.name}: {self.number}"
