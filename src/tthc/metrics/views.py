"""The editors' visitor report (`/quan-tri/thong-ke-truy-cap/`) and its Excel export."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from tthc.core.dates import parse_date
from tthc.core.errors import PermissionDenied
from tthc.metrics import exports, selectors
from tthc.org import policy
from tthc.org.policy import Action

PAGE_SIZE = 20


def _range(request) -> tuple[date, date]:
    return selectors.clamp_range(
        parse_date(request.GET.get("tu")), parse_date(request.GET.get("den"))
    )


def _denied(request, exc: PermissionDenied):
    return render(request, "metrics/denied.html", {"message": exc.message}, status=403)


def _page(request, queryset, param: str):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get(param))


@login_required
def visits_report(request):
    try:
        policy.require(request.user, Action.VISITS_VIEW)
    except PermissionDenied as exc:
        return _denied(request, exc)
    start, end = _range(request)
    params = request.GET.copy()
    for name in ("trang_trang", "trang_tim", "trang_khong"):
        params.pop(name, None)
    return render(
        request,
        "metrics/report.html",
        {
            "daily": selectors.daily(start, end),
            "pages": _page(request, selectors.top_pages(start, end), "trang_trang"),
            "searches": _page(request, selectors.top_searches(start, end), "trang_tim"),
            "zero": _page(request, selectors.zero_result_searches(start, end), "trang_khong"),
            "footer": selectors.footer_stats(),
            "query": params.urlencode(),
            "range_query": f"tu={start:%Y-%m-%d}&den={end:%Y-%m-%d}",
        },
    )


@login_required
def visits_report_xlsx(request):
    try:
        policy.require(request.user, Action.VISITS_VIEW)
    except PermissionDenied as exc:
        return _denied(request, exc)
    start, end = _range(request)
    response = HttpResponse(
        exports.report_xlsx(start, end),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="thong-ke-truy-cap-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
    )
    return response
