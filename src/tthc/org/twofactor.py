"""Two-factor sign-in (TOTP, django-otp) for the staff roles that read personal data or publish.

Who: `policy.requires_two_factor` (the roles are decided there). When: `TTHC_REQUIRE_2FA` on, or
the person has confirmed an authenticator app of their own accord. After the password (any of the
three login doors), a person who still owes a code:

- is sent to enter it (`/dang-nhap/ma-xac-thuc/`), or to set up an authenticator app first
  (`/dang-nhap/xac-thuc-hai-buoc/`) when they have none;
- reaches nothing under /quan-tri/, /bien-tap/, /admin/ (redirected) nor /api/v1/staff/ (403
  `two_factor_required`);
- is anonymous everywhere else, so no staff-only part of a public page or API shows.

Wrong codes are throttled on the device (django-otp: 1, 2, 4, 8 … seconds after each failure,
stored in the database so every web process sees it).
"""

from __future__ import annotations

import base64
import math
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from tthc.org.policy import requires_two_factor

GUARDED_PREFIXES = ("/quan-tri/", "/bien-tap/", "/admin/")
GUARDED_API_PREFIXES = ("/api/v1/staff/",)
# Reachable before the code: the two pages of this module, signing out, static files.
OPEN_PREFIXES = ("/dang-nhap/", "/dang-xuat/", "/static/", "/i18n/", "/ngon-ngu/", "/healthz")


def _has_confirmed_device(user) -> bool:
    # Cached on the user object for the request: the middleware and the views ask again.
    cached = getattr(user, "_tthc_has_otp_device", None)
    if cached is None:
        cached = read_confirmed_device(user)
        remember_confirmed_device(user, cached)
    return cached


def read_confirmed_device(user) -> bool:
    """Whether `user` has a confirmed authenticator, from the database."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def remember_confirmed_device(user, confirmed: bool) -> None:
    """Whether `user` has a confirmed authenticator, for the rest of the request (known to the
    session's backend, `tthc.org.accounts`)."""
    user._tthc_has_otp_device = confirmed


def owes_code(user) -> bool:
    """True when `user` signed in with a password and must still enter a one-time code."""
    if user is None or not user.is_authenticated:
        return False
    if getattr(user, "is_verified", None) and user.is_verified():
        return False
    if settings.TTHC_REQUIRE_2FA and requires_two_factor(user):
        return True
    return _has_confirmed_device(user)


def _anonymous():
    user = AnonymousUser()
    user.otp_device = None
    user.is_verified = lambda: False
    return user


class TwoFactorMiddleware:
    """After django_otp's OTPMiddleware: holds back a signed-in person who still owes a code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if not path.startswith(OPEN_PREFIXES) and owes_code(request.user):
            if path.startswith(GUARDED_API_PREFIXES):
                return JsonResponse(
                    {
                        "detail": _("Cần xác thực hai bước (mã từ ứng dụng xác thực) trước."),
                        "code": "two_factor_required",
                    },
                    status=403,
                )
            if path.startswith(GUARDED_PREFIXES):
                name = "verify-code" if _has_confirmed_device(request.user) else "enrol-totp"
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse(name)}?{query}")
            request.user = _anonymous()
        return self.get_response(request)


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


def _throttled_message(device) -> str | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (data or {}).get("locked_until")
    seconds = 1
    if locked_until:
        seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    return _("Bạn đã nhập sai mã quá nhiều lần. Vui lòng chờ %(seconds)d giây rồi thử lại.") % {
        "seconds": seconds
    }


def _check(request, device) -> tuple[str | None, int]:
    """Verify the posted code on `device`. (None, 200) on success (the session is then
    verified), else the message to show and the status: 429 while throttled, 400 for a wrong
    code."""
    throttled = _throttled_message(device)
    if throttled:
        return throttled, 429
    token = "".join(ch for ch in str(request.POST.get("token", "")) if not ch.isspace())[:12]
    if not (token.isascii() and token.isdigit() and len(token) == device.digits):
        device.throttle_increment()  # a malformed code counts as a wrong one
        return _("Mã xác thực gồm %(digits)d chữ số.") % {"digits": device.digits}, 400
    with transaction.atomic():
        verified = verify_token(request.user, device.persistent_id, token)
    if verified is None:
        return _("Mã xác thực không đúng hoặc đã hết hạn."), 400
    if not verified.confirmed:
        verified.confirmed = True
        verified.save(update_fields=["confirmed"])
    otp_login(request, verified)
    return None, 200


@login_required
def verify_code(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).order_by("pk").first()
    if device is None:
        return HttpResponseRedirect(
            f"{reverse('enrol-totp')}?{urlencode({'next': _next_url(request)})}"
        )
    if request.user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    error, status = None, 200
    if request.method == "POST":
        error, status = _check(request, device)
        if error is None:
            return HttpResponseRedirect(_next_url(request))
    return render(
        request,
        "org/twofactor_verify.html",
        {"error": error, "next": _next_url(request)},
        status=status,
    )


@login_required
def enrol_totp(request):
    """Set up an authenticator app: a new secret (QR code and text), confirmed by one code.

    Only while the person has no confirmed device: replacing one needs an administrator to remove
    it first (Django admin, "TOTP devices"), so a stolen password cannot enrol a second phone."""
    if _has_confirmed_device(request.user):
        return HttpResponseRedirect(
            f"{reverse('verify-code')}?{urlencode({'next': _next_url(request)})}"
        )
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=request.user, name=_("Ứng dụng xác thực"), confirmed=False
        )
    error, status = None, 200
    if request.method == "POST":
        error, status = _check(request, device)
        if error is None:
            return HttpResponseRedirect(_next_url(request))
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title=_("Mã QR thiết lập ứng dụng xác thực")
    )
    return render(
        request,
        "org/twofactor_enrol.html",
        {
            "error": error,
            "next": _next_url(request),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr_svg": qr_svg,
            "required": settings.TTHC_REQUIRE_2FA and requires_two_factor(request.user),
        },
        status=status,
    )
