"""Staff screens (costs, proposals, follow-up, plan report) and the public page of approved
simplifications. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tthc.core.dates import parse_date
from tthc.core.errors import ApplicationError, NotFound, PermissionDenied
from tthc.core.text import ascii_digits

from . import changes as change_rules
from . import defaults, exports, selectors, services
from .calculator import CostInput, compute
from .models import CostChannel, ProposalStatus
from .services import ItemInput
from .transitions import LABELS, Move

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _denied(request, exc: ApplicationError):
    return render(
        request, "simplification/denied.html", {"message": exc.message}, status=exc.status
    )


def staff(view):
    """Login, then the simplification roles; an ApplicationError becomes its page."""

    @login_required
    def wrapper(request, *args, **kwargs):
        try:
            selectors.require_staff(request.user)
            return view(request, *args, **kwargs)
        except (PermissionDenied, NotFound) as exc:
            return _denied(request, exc)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _proposal(code: str):
    proposal = selectors.proposal_detail(code)
    if proposal is None:
        raise NotFound(_("Không có phương án này."))
    return proposal


def _procedure(code: str):
    procedure = selectors.catalog_procedure(code)
    if procedure is None:
        raise NotFound(_("Không có thủ tục mã '%(code)s' trong danh mục.") % {"code": code})
    return procedure


# ----------------------------------------------------------------------------- proposals


@staff
def staff_list(request):
    status = request.GET.get("trang_thai", "")
    page = Paginator(selectors.proposals(status=status), PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    return render(
        request,
        "simplification/staff_list.html",
        {
            "page": page,
            "status": status,
            "statuses": ProposalStatus.choices,
            "may_edit": selectors.may_create(request.user),
        },
    )


def _header(request) -> dict:
    post = request.POST
    return {
        "title": post.get("title", ""),
        "responsible_agency": selectors.agency_choice(post.get("responsible_agency", "")),
        "due_on": parse_date(post.get("due_on")),
        "rationale": post.get("rationale", ""),
        "legal_text": post.get("legal_text", ""),
        "amending_body": post.get("amending_body", ""),
    }


@staff
def staff_create(request):
    error = None
    if request.method == "POST":
        code = request.POST.get("procedure_code", "").strip()
        try:
            proposal = services.create_proposal(
                user=request.user,
                items=[ItemInput(code, request.POST.get("channel", CostChannel.IN_PERSON))],
                **_header(request),
            )
            return redirect("simplification:staff-item", code=proposal.code, procedure=code)
        except PermissionDenied:
            raise
        except ApplicationError as exc:
            error = exc
    return render(
        request,
        "simplification/staff_form.html",
        {
            "error": error,
            "values": request.POST,
            "agencies": selectors.agencies(),
            "channels": CostChannel.choices,
        },
        status=422 if error else 200,
    )


@staff
def staff_detail(request, code: str):
    proposal = _proposal(code)
    actions = selectors.proposal_actions(request.user, proposal)
    items = [
        {"item": i, "changes": [change_rules.describe(c) for c in i.changes]}
        for i in proposal.items.all()
    ]
    if actions["may_edit"] and request.GET.get("ma", "").strip():
        return redirect(
            "simplification:staff-item", code=proposal.code, procedure=request.GET["ma"].strip()
        )
    return render(
        request,
        "simplification/staff_detail.html",
        {
            "p": proposal,
            "items": items,
            **actions,
            "events": [
                {
                    "e": e,
                    "label": LABELS.get(e.action, e.action),
                    "to_status": ProposalStatus(e.to_status).label if e.to_status else "",
                }
                for e in proposal.events.all()
            ],
        },
    )


# What a move form posts besides the fields of the move (`services.perform` refuses any other);
# `user` and `obj` are its own arguments.
NOT_FIELDS = {"csrfmiddlewaretoken", "move", "user", "obj"}


@staff
@require_POST
def staff_action(request, code: str):
    proposal = _proposal(code)
    fields = {k: request.POST.get(k) for k in request.POST if k not in NOT_FIELDS}
    try:
        services.perform(
            action=request.POST.get("move", ""), user=request.user, obj=proposal, **fields
        )
    except PermissionDenied:
        raise
    except ApplicationError as exc:
        return render(
            request,
            "simplification/denied.html",
            {"message": exc.message, "back": proposal.code},
            status=exc.status,
        )
    return redirect("simplification:staff-detail", code=proposal.code)


def _changes_from(post, data: dict) -> list[dict]:
    """The change fields of the item form → the list the services validate."""
    changes: list[dict] = []
    if post.get("abolish"):
        return [{"kind": "abolish"}]
    for name in post.getlist("drop_document"):
        changes.append({"kind": "drop_document", "document": name})
    if post.get("replace_document") and post.get("replacement"):
        changes.append(
            {
                "kind": "replace_document",
                "document": post["replace_document"],
                "replacement": post["replacement"],
            }
        )
    if post.get("time_amount"):
        changes.append(
            {"kind": "shorten_time", "amount": post["time_amount"], "unit": post.get("time_unit")}
        )
    if post.get("fees_vnd", "").strip():
        try:
            fee = int(post["fees_vnd"].replace(".", "").replace(",", "").strip())
        except ValueError:
            fee = -1
        changes.append({"kind": "lower_fee", "fees_vnd": fee})
    merged = post.getlist("merge_steps")
    if merged:
        changes.append({"kind": "merge_steps", "steps": merged, "into": post.get("merge_into", "")})
    if post.get("online_level"):
        changes.append({"kind": "raise_online_level", "level": post["online_level"]})
    return changes


@staff
def staff_item(request, code: str, procedure: str):
    """Add a procedure to a draft, or change what the proposal changes in it."""
    proposal = _proposal(code)
    target = _procedure(procedure)
    data = selectors.latest_data(target)
    current = next((i for i in proposal.items.all() if i.procedure_id == target.pk), None)
    error = None
    if request.method == "POST":
        items = [i for i in services.items_of(proposal=proposal) if i.procedure_code != target.code]
        if not request.POST.get("remove"):
            items.append(
                ItemInput(
                    target.code,
                    request.POST.get("channel", CostChannel.IN_PERSON),
                    _changes_from(request.POST, data),
                )
            )
        try:
            services.perform(action=Move.UPDATE, user=request.user, obj=proposal, items=items)
            return redirect("simplification:staff-detail", code=proposal.code)
        except PermissionDenied:
            raise
        except ApplicationError as exc:
            error = exc
    chosen = {c["kind"]: c for c in (current.changes if current else [])}
    return render(
        request,
        "simplification/staff_item.html",
        {
            "p": proposal,
            "procedure": target,
            "data": data,
            "item": current,
            "chosen": chosen,
            "dropped": [
                c["document"]
                for c in (current.changes if current else [])
                if c["kind"] == "drop_document"
            ],
            "kinds": change_rules.KINDS,
            "channels": CostChannel.choices,
            "units": [(u, defaults.UNIT_TEXT[u]) for u in change_rules.TIME_UNITS],
            "error": error,
        },
        status=422 if error else 200,
    )


# ----------------------------------------------------------------------------------- costs


@staff
def staff_costs(request):
    code = request.GET.get("ma", "").strip()
    if code:
        return redirect(
            "simplification:staff-cost",
            procedure=code,
            channel=request.GET.get("kenh", "in_person"),
        )
    page = Paginator(selectors.costs(), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request, "simplification/staff_costs.html", {"page": page, "channels": CostChannel.choices}
    )


def _cost_rows(post, prefix: str, amount_key: str) -> list[dict]:
    rows = []
    for key, name, amount in zip(
        post.getlist(f"{prefix}_key"),
        post.getlist(f"{prefix}_name"),
        post.getlist(f"{prefix}_{amount_key}"),
        strict=False,
    ):
        if not name.strip() and not amount.strip():
            continue
        value: object = amount.strip()
        if amount_key == "amount_vnd":
            try:
                value = int(amount.replace(".", "").replace(",", "").strip() or 0)
            except ValueError:
                value = amount
        rows.append({"key": key, "name": name.strip(), amount_key: value})
    return rows


@staff
def staff_cost(request, procedure: str, channel: str):
    target = _procedure(procedure)
    if channel not in CostChannel.values:
        raise NotFound(_("Không có thủ tục mã '%(code)s' trong danh mục.") % {"code": procedure})
    error = None
    saved = None
    if request.method == "POST":
        post = request.POST
        inputs = {
            "hourly_value_vnd": post.get("hourly_value_vnd", ""),
            "hourly_value_source": post.get("hourly_value_source", ""),
            "hourly_value_year": int(post["hourly_value_year"])
            if ascii_digits(post.get("hourly_value_year", ""))
            else None,
            "activities": _cost_rows(post, "activity", "hours"),
            "other_costs": _cost_rows(post, "other", "amount_vnd"),
            "fees_vnd": post.get("fees_vnd", ""),
            "filings_per_subject_per_year": post.get("filings_per_subject_per_year", ""),
            "subjects_per_year": post.get("subjects_per_year", ""),
        }
        try:
            saved = services.save_cost(
                user=request.user, procedure_code=target.code, channel=channel, inputs=inputs
            )
        except PermissionDenied:
            raise
        except ApplicationError as exc:
            error = exc
    inputs = selectors.cost_inputs(target, channel)
    result = compute(CostInput.from_dict(inputs))
    return render(
        request,
        "simplification/staff_cost.html",
        {
            "procedure": target,
            "channel": channel,
            "channel_label": CostChannel(channel).label,
            "inputs": inputs,
            "blank_rows": range(2),
            "result": result,
            "saved": saved,
            "error": error,
        },
        status=422 if error else 200,
    )


# ---------------------------------------------------------------------- follow-up, reports


@staff
def staff_figures(request):
    return render(request, "simplification/staff_figures.html", {"f": selectors.figures()})


def _report_items(request):
    return list(selectors.public_items(status=request.GET.get("trang_thai", "")))


@staff
def staff_report_xlsx(request):
    items = _report_items(request)
    response = HttpResponse(
        exports.plan_xlsx(items, total=selectors.savings_total(items)), content_type=XLSX
    )
    response["Content-Disposition"] = 'attachment; filename="phuong-an-don-gian-hoa.xlsx"'
    return response


@staff
def staff_report_pdf(request):
    items = _report_items(request)
    response = HttpResponse(
        exports.plan_pdf(items, total=selectors.savings_total(items)),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = 'attachment; filename="phuong-an-don-gian-hoa.pdf"'
    return response


# ---------------------------------------------------------------------------------- public


def public_list(request):
    items = list(selectors.public_items())
    rows = [{"item": i, "changes": [change_rules.describe(c) for c in i.changes]} for i in items]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "simplification/public_list.html",
        {"page": page, "total": selectors.savings_total(items)},
    )
