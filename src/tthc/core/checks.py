"""Deployment checks: refuse to run production with DEBUG or the default secret."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=False)
def production_settings(app_configs, **kwargs):
    if settings.TTHC_ENV != "production":
        return []
    errors = []
    if settings.DEBUG:
        errors.append(Error("DEBUG phải tắt khi TTHC_ENV=production.", id="tthc.E001"))
    if settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY or len(settings.SECRET_KEY) < 40:
        errors.append(
            Error(
                "SECRET_KEY mặc định hoặc quá ngắn: đặt một khóa bí mật riêng (≥ 40 ký tự).",
                id="tthc.E002",
            )
        )
    if not settings.ALLOWED_HOSTS or "*" in settings.ALLOWED_HOSTS:
        errors.append(Error("ALLOWED_HOSTS phải liệt kê tên miền cụ thể.", id="tthc.E003"))
    return errors
