"""Public pages (no sign-in): the index 766 of the province and of each agency, the list of
dossiers resolved late and overdue now, and what the portal publishes (Decree 42/2022)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tthc.catalog.views_public import public_page
from tthc.metrics import public

PAGE_SIZE = 20


def _row(r) -> dict:
    indicator, figure = r.indicator, r.figure
    row = {"code": indicator.code, "name": indicator.name, "note": indicator.note}
    row["max"] = indicator.max_points
    if not figure.available:
        return {**row, "available": False}
    if figure.rate is None:
        rate = _("không phát sinh")
    elif indicator.unit == "days":
        rate = _("%(days)s ngày") % {"days": public.vn(figure.rate)}
    else:
        rate = f"{public.vn(figure.rate)} %"
    points = public.vn(figure.points) if figure.points is not None else ""
    return {
        **row,
        "available": True,
        "ratio": f"{figure.numerator}/{figure.denominator}",
        "rate": rate,
        "points": points,
        "threshold": indicator.threshold if indicator.threshold != 100 else None,
    }


def _groups(result) -> list[dict]:
    return [
        {
            "group": g,
            "points": public.vn(g.points),
            "rows": [_row(r) for r in g.indicators],
            "chart": public.group_chart(g),
        }
        for g in result.groups
    ]


def _trend(agency_id: int | None, end) -> list[dict]:
    """The total month by month, the 12 months ending with the chosen period's."""
    rows = []
    for choice in public.last_months(12, end):
        total = public.totals(choice.period).get(agency_id, 0)
        rows.append(
            {
                "label": choice.label,
                "short": f"{choice.period.start:%m/%y}",
                "total": total,
                "value": public.vn(total),
            }
        )
    return rows


@public_page
def index_page(request, code: str | None = None):
    choice = public.parse_period(request.GET.get("ky"))
    data = public.table(choice.period)
    agency = None
    if code is not None:
        agency = public.public_agency(code)
        if agency is None or agency.pk not in data.agencies:
            raise Http404(_("Không tìm thấy cơ quan."))
        result = data.agencies[agency.pk]
    else:
        result = data.province
    ranked = public.ranked_agencies()
    rankings = {kind: public.ranking(data, rows) for kind, rows in ranked.items()}
    own_rank = None
    if agency is not None:
        for kind, ranks in rankings.items():
            for rank in ranks:
                if rank.agency.pk == agency.pk:
                    own_rank = {"rank": rank, "of": len(ranks), "kind": kind}
    trend = _trend(agency.pk if agency else None, choice.period.end)
    return render(
        request,
        "metrics/public/index.html",
        {
            "agency": agency,
            "choice": choice,
            "choices": public.period_choices(),
            "result": result,
            "total": public.vn(result.total_points),
            "groups": _groups(result),
            "rankings": rankings if agency is None else {},
            "own_rank": own_rank,
            "trend": trend,
            "trend_chart": public.trend_chart([(r["short"], r["total"]) for r in trend]),
            "meta_description": _(
                "Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, "
                "doanh nghiệp (Quyết định 766/QĐ-TTg)."
            ),
        },
    )


def _query(request, drop: tuple[str, ...]) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k not in drop and v])


@public_page
def late_page(request):
    choice = public.parse_period(request.GET.get("ky"))
    ranked = public.ranked_agencies()
    code = request.GET.get("co_quan", "")
    agency = public.public_agency(code) if code else None
    ids = public.agency_ids(agency)
    now = timezone.now()
    resolved = Paginator(public.resolved_late(choice.period, ids), PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    overdue = Paginator(public.overdue_now(ids, now), PAGE_SIZE).get_page(
        request.GET.get("trang_qua_han")
    )
    public.overdue_days(overdue.object_list, now)
    return render(
        request,
        "metrics/public/late.html",
        {
            "choice": choice,
            "choices": public.period_choices(),
            "agency": agency,
            "ranked": ranked,
            "resolved": resolved,
            "overdue": overdue,
            "now": now,
            "query_resolved": _query(request, ("trang",)),
            "query_overdue": _query(request, ("trang_qua_han",)),
            "meta_description": _(
                "Danh sách hồ sơ giải quyết trễ hạn và đang quá hạn, kèm thư xin lỗi đã gửi."
            ),
        },
    )


@public_page
def transparency_page(request):
    return render(request, "metrics/public/transparency.html", {})
