from django.contrib.auth.models import AbstractUser
from django.db import models


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
