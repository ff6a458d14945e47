"""Security plumbing shared by every page (docs/security.md).

- `ContentSecurityPolicyMiddleware`: django-csp's middleware, with the strict policy of the
  settings everywhere except the two admin sites we do not write ourselves, whose templates still
  carry inline styles: under /bien-tap/ (Wagtail) and /admin/ (Django) styles may be inline.
  Wagtail's editor also writes inline scripts (its date pickers and inline panels call
  `initDateChooser(...)` from a `<script>` in the form), so under /bien-tap/, and only there,
  scripts may be inline too. Everywhere else scripts come from our own files only.
- `lockout_response`: the page a person locked out by django-axes sees (429, Vietnamese, how long
  to wait, and a `Retry-After` header).
"""

from __future__ import annotations

import math

from axes.helpers import get_cool_off
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Paths whose pages come from a third party's templates (Wagtail, Django admin).
RELAXED_STYLE_PREFIXES = ("/bien-tap/", "/admin/")
RELAXED_SCRIPT_PREFIXES = ("/bien-tap/",)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        path = request.path_info
        if path.startswith(RELAXED_STYLE_PREFIXES):
            update = dict(parts.update or {})
            update["style-src"] = ["'unsafe-inline'"]
            if path.startswith(RELAXED_SCRIPT_PREFIXES):
                update["script-src"] = ["'unsafe-inline'"]
            parts.update = update
        return parts


def lockout_response(request, original_response=None, credentials=None):
    cool_off = get_cool_off(request)
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else None
    if minutes is None:
        wait = _("Vui lòng liên hệ quản trị hệ thống để mở khóa.")
    else:
        wait = ngettext(
            "Vui lòng thử lại sau %(minutes)d phút.",
            "Vui lòng thử lại sau %(minutes)d phút.",
            minutes,
        ) % {"minutes": minutes}
    message = _("Tài khoản hoặc địa chỉ này đã bị tạm khóa vì nhập sai mật khẩu quá nhiều lần.")
    if request.path_info.startswith("/api/") or request.headers.get("x-requested-with"):
        response = JsonResponse(
            {"detail": f"{message} {wait}", "code": "login_locked_out"}, status=429
        )
    else:
        response = render(
            request,
            "core/locked_out.html",
            {"message": message, "wait": wait, "minutes": minutes},
            status=429,
        )
    if minutes is not None:
        response["Retry-After"] = str(minutes * 60)
    return response
