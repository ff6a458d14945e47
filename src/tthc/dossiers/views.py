"""Pages: the public dossier lookup (no JavaScript)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from tthc.dossiers import selectors


@require_http_methods(["GET", "POST"])
def lookup(request):
    """`/tra-cuu-ho-so/?ma=CODE` (the receipt's QR opens it); the form posts the code and the
    optional verification digits, so they stay out of the address bar and the server logs."""
    source = request.POST if request.method == "POST" else request.GET
    code = (source.get("ma") or "").strip()[:64]
    verify = (source.get("xac_minh") or "").strip()[:4] if request.method == "POST" else ""
    result = None
    error = ""
    if code:
        result = selectors.lookup(code, verify=verify)
        if result is None:
            error = "Không tìm thấy hồ sơ có mã này. Vui lòng kiểm tra lại mã trên giấy hẹn."
        elif result["verify_blocked"]:
            error = (
                "Đã nhập sai mã xác minh quá nhiều lần: thông tin cá nhân được che. "
                "Vui lòng thử lại sau 15 phút."
            )
        elif verify and not result["verified"]:
            error = (
                "Mã xác minh không đúng: thông tin cá nhân được che. Nhập 4 số cuối của số "
                "định danh cá nhân hoặc số điện thoại đã khai khi nộp hồ sơ."
            )
    return render(
        request,
        "dossiers/lookup.html",
        {"code": code, "result": result, "error": error},
        status=404 if code and result is None else 200,
    )
