"""The staff pages of the index 766 (`/quan-tri/chi-so-766/`): the six groups with every
figure, each figure linking to its drill-down (`/quan-tri/chi-so-766/<code>/`), the exact list
of items it counts (paginated, counted / not counted, each with its reason), exportable to Excel.

Who sees what (`Action.INDEX_VIEW`): control officers the province and any agency; an agency's
leader the agency and the agencies below it. The period is a month, a quarter, a year or a
from–to range in dd/mm/yyyy (`index_params.choose`).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from tthc.core.errors import PermissionDenied
from tthc.metrics import drilldown, index, index_export, index_params, selectors
from tthc.org import policy
from tthc.org.policy import Action

PAGE_SIZE = 50
FILTERS = {"": None, "co": True, "khong": False}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _context(request) -> dict:
    """The scope asked for and what the picker shows; PermissionDenied when not allowed."""
    if not policy.can_somewhere(request.user, Action.INDEX_VIEW):
        raise PermissionDenied(policy.DENIED_MESSAGES[Action.INDEX_VIEW])
    province_wide, agencies = selectors.choosable_agencies(request.user, Action.INDEX_VIEW)
    code = (request.GET.get("co_quan") or "").strip()[:40]
    if code:
        agency = next((a for a in agencies if a.code == code), None)
        if agency is None:
            raise PermissionDenied(policy.DENIED_MESSAGES[Action.INDEX_VIEW])
    elif province_wide:
        agency = None
    elif agencies:
        agency = agencies[0]
    else:
        raise PermissionDenied(policy.DENIED_MESSAGES[Action.INDEX_VIEW])
    choice, error = index_params.choose(request.GET, timezone.localdate())
    params = choice.query()
    if agency is not None:
        params["co_quan"] = agency.code
    return {
        "choice": choice,
        "error": error,
        "kinds": list(index_params.KIND_LABELS.items()),
        "months": range(1, 13),
        "quarters": [(1, "I"), (2, "II"), (3, "III"), (4, "IV")],
        "agency": agency,
        "agencies": agencies,
        "province_wide": province_wide,
        "scope": index.Scope.of(choice.period, agency),
        "scope_query": urlencode(params),
    }


def _denied(request, exc: PermissionDenied):
    return render(request, "metrics/denied.html", {"message": exc.message}, status=403)


@login_required
def index_page(request):
    try:
        context = _context(request)
    except PermissionDenied as exc:
        return _denied(request, exc)
    context["result"] = index.compute(context["scope"])
    context["no_data"] = index.NO_DATA
    return render(request, "metrics/index/staff_index.html", context)


def _indicator(code: str) -> index.Indicator:
    indicator = index.BY_CODE.get(code)
    if indicator is None:
        raise Http404(_("Không có chỉ số này."))
    return indicator


@login_required
def items_page(request, code: str):
    indicator = _indicator(code)
    try:
        context = _context(request)
    except PermissionDenied as exc:
        return _denied(request, exc)
    scope = context["scope"]
    shown = request.GET.get("tinh", "")
    shown = shown if shown in FILTERS else ""
    selected = drilldown.selection(scope, code, FILTERS[shown])
    page = Paginator(selected, PAGE_SIZE).get_page(request.GET.get("trang"))
    rows = drilldown.rows(scope, code, page.object_list)
    context.update(
        {
            "indicator": indicator,
            "figure": drilldown.figure(scope, code),
            "totals": drilldown.totals(scope, code) if indicator.available else None,
            "page": page,
            "rows": rows,
            "shown": shown,
            "filters": [("", _("Tất cả")), ("co", _("Được tính")), ("khong", _("Không được tính"))],
            "no_data": index.NO_DATA,
            "page_query": urlencode([(k, v) for k, v in request.GET.items() if k != "trang"][:20]),
        }
    )
    return render(request, "metrics/index/staff_items.html", context)


@login_required
def items_xlsx(request, code: str):
    indicator = _indicator(code)
    try:
        context = _context(request)
    except PermissionDenied as exc:
        return _denied(request, exc)
    shown = request.GET.get("tinh", "")
    shown = shown if shown in FILTERS else ""
    scope = context["scope"]
    handle = index_export.items_xlsx(
        scope, indicator, FILTERS[shown], drilldown.figure(scope, code)
    )
    p = scope.period
    name = f"chi-so-766-{code}-{p.start:%Y%m%d}-{p.end:%Y%m%d}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX)
