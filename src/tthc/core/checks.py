"""Deployment checks: refuse to run production with DEBUG or the default secret; warn when
production runs without HTTPS settings or without two-factor sign-in for staff."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


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
    if not settings.SECURE_SSL_REDIRECT or settings.SECURE_HSTS_SECONDS < 31_536_000:
        errors.append(
            Warning(
                "Chưa bắt buộc HTTPS: đặt SECURE_SSL_REDIRECT=true và SECURE_HSTS_SECONDS "
                "≥ 31536000 (mặc định khi TTHC_ENV=production).",
                id="tthc.W004",
            )
        )
    if not (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE):
        errors.append(
            Warning(
                "Cookie phiên và CSRF phải có cờ Secure (SESSION_COOKIE_SECURE, "
                "CSRF_COOKIE_SECURE).",
                id="tthc.W005",
            )
        )
    if not settings.TTHC_REQUIRE_2FA:
        errors.append(
            Warning(
                "Cán bộ đăng nhập không cần xác thực hai bước: đặt TTHC_REQUIRE_2FA=true "
                "(docs/security.md).",
                id="tthc.W006",
            )
        )
    return errors
