"""Staff screens of the communication plan: dashboard, plans, tasks, reports, exports.
Thin: parse, call one service or selector, render. An ApplicationError becomes its page (403,
404) or the form again with the message next to the field (422)."""

from __future__ import annotations

import uuid
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tthc.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationError
from tthc.core.text import ascii_digits
from tthc.org.models import Agency
from tthc.org.policy import DENIED_MESSAGES, Action, can_somewhere

from . import exports, selectors, services
from .models import ContentKind, PeriodKind

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _denied(request, exc: ApplicationError):
    return render(request, "plans/denied.html", {"message": exc.message}, status=exc.status)


def staff(view):
    """Login, then a PLAN_VIEW grant somewhere; 403/404 pages for ApplicationErrors."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            if not can_somewhere(request.user, Action.PLAN_VIEW):
                raise PermissionDenied(
                    _(
                        "Bạn không có quyền xem kế hoạch truyền thông: chỉ cán bộ của cơ quan "
                        "được giao nhiệm vụ và bộ phận kiểm soát TTHC được truy cập."
                    )
                )
            return view(request, *args, **kwargs)
        except (PermissionDenied, NotFound) as exc:
            return _denied(request, exc)

    return wrapper


def _require_manage(request) -> None:
    if not selectors.may_manage(request.user):
        raise PermissionDenied(DENIED_MESSAGES[Action.PLAN_MANAGE])


def _plan(request, pk: int):
    plan = selectors.plan_for(request.user, pk)
    if plan is None:
        raise NotFound(_("Không có kế hoạch này, hoặc kế hoạch không có nhiệm vụ của cơ quan bạn."))
    return plan


def _task(request, pk: int):
    task = selectors.task_detail(pk)
    if task is None:
        raise NotFound(_("Không có nhiệm vụ này."))
    if not selectors.may_view_task(request.user, task):
        raise PermissionDenied(DENIED_MESSAGES[Action.PLAN_VIEW])
    return task


def _page(request, rows, param: str = "trang"):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get(param))


def _status(request) -> str:
    """The status filter, one of the known ones or "" (it is echoed into the pager's links)."""
    status = request.GET.get("tinh_trang", "")
    return status if status in selectors.STATUS_LABELS else ""


def _pk(value) -> int | None:
    """A primary key from a query string or form field, or None."""
    value = (value or "").strip()
    return int(value) if ascii_digits(value) and len(value) < 10 else None


def _agencies(values) -> list[Agency]:
    return selectors.agencies_by_ids([i for i in (_pk(v) for v in values) if i is not None])


# ------------------------------------------------------------------------------- dashboard


@staff
def dashboard(request):
    plans = selectors.plans_for(request.user)
    chosen = _pk(request.GET.get("ke_hoach"))
    plan = (
        selectors.plan_for(request.user, chosen) if chosen else selectors.default_plan(request.user)
    )
    context = {"plans": plans[:50], "plan": plan, "may_manage": selectors.may_manage(request.user)}
    if plan is not None:
        figures = selectors.dashboard(request.user, plan)
        context.update(
            f=figures,
            overdue_page=_page(request, figures["overdue"], "trang_qh"),
            due_soon_page=_page(request, figures["due_soon"], "trang_sh"),
        )
    return render(request, "plans/dashboard.html", context)


# ----------------------------------------------------------------------------------- plans


@staff
def plan_list(request):
    return render(
        request,
        "plans/plan_list.html",
        {
            "page": _page(request, selectors.plans_for(request.user)),
            "may_manage": selectors.may_manage(request.user),
        },
    )


def _plan_input(post) -> services.PlanInput:
    return services.PlanInput(
        year=post.get("year", ""),
        title=post.get("title", ""),
        decision_number=post.get("decision_number", ""),
        decision_date=post.get("decision_date", ""),
        issuing_body=post.get("issuing_body", ""),
        objectives=post.get("objectives", ""),
        requirements=post.get("requirements", ""),
    )


@staff
def plan_create(request):
    _require_manage(request)
    error = None
    if request.method == "POST":
        try:
            plan = services.create_plan(user=request.user, data=_plan_input(request.POST))
            return redirect("plans:plan-detail", pk=plan.pk)
        except PermissionDenied:
            raise
        except ApplicationError as exc:
            error = exc
    return render(
        request,
        "plans/plan_form.html",
        {"error": error, "values": request.POST, "plan": None},
        status=422 if error else 200,
    )


@staff
def plan_edit(request, pk: int):
    _require_manage(request)
    plan = _plan(request, pk)
    error = None
    if request.method == "POST":
        try:
            services.update_plan(user=request.user, plan=plan, data=_plan_input(request.POST))
            return redirect("plans:plan-detail", pk=plan.pk)
        except PermissionDenied:
            raise
        except ApplicationError as exc:
            error = exc
        values = request.POST
    else:
        values = {
            "year": plan.year,
            "title": plan.title,
            "decision_number": plan.decision_number,
            "decision_date": plan.decision_date.isoformat() if plan.decision_date else "",
            "issuing_body": plan.issuing_body,
            "objectives": plan.objectives,
            "requirements": plan.requirements,
        }
    return render(
        request,
        "plans/plan_form.html",
        {"error": error, "values": values, "plan": plan},
        status=422 if error else 200,
    )


@staff
def plan_detail(request, pk: int):
    plan = _plan(request, pk)
    status = _status(request)
    rows = selectors.task_list(request.user, plan=plan, status=status)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "page": _page(request, rows),
            "status": status,
            "statuses": selectors.STATUS_LABELS.items(),
            "contents": selectors.contents_of(plan),
            "may_manage": selectors.may_manage(request.user),
            "content_kinds": ContentKind.choices,
            "error": None,
        },
    )


@staff
@require_POST
def plan_issue(request, pk: int):
    plan = _plan(request, pk)
    try:
        services.issue_plan(user=request.user, plan=plan)
    except PermissionDenied:
        raise
    except ApplicationError as exc:
        return render(
            request, "plans/denied.html", {"message": exc.message, "plan": plan}, status=exc.status
        )
    return redirect("plans:plan-detail", pk=plan.pk)


@staff
@require_POST
def content_add(request, pk: int):
    _require_manage(request)
    plan = _plan(request, pk)
    try:
        services.add_content(
            user=request.user,
            plan=plan,
            title=request.POST.get("title", ""),
            kind=request.POST.get("kind", ContentKind.OTHER),
        )
    except PermissionDenied:
        raise
    except ApplicationError as exc:
        return render(
            request, "plans/denied.html", {"message": exc.message, "plan": plan}, status=exc.status
        )
    return redirect("plans:plan-detail", pk=plan.pk)


def _task_input(post) -> services.TaskInput:
    lead = _pk(post.get("lead_agency"))
    return services.TaskInput(
        title=post.get("title", ""),
        lead_agency=selectors.agency(lead) if lead else None,
        due_on=post.get("due_on", ""),
        supporting_agencies=_agencies(post.getlist("supporting_agencies")),
        description=post.get("description", ""),
        expected_output=post.get("expected_output", ""),
        indicator=post.get("indicator", ""),
        indicator_target=post.get("indicator_target", ""),
    )


def _task_form(request, *, plan, task, values, error, status=200):
    chosen = values.getlist("supporting_agencies") if hasattr(values, "getlist") else []
    if task is not None and not hasattr(values, "getlist"):
        chosen = [str(a.pk) for a in task.supporting_agencies.all()]
    return render(
        request,
        "plans/task_form.html",
        {
            "plan": plan,
            "task": task,
            "contents": selectors.contents_of(plan),
            "agencies": selectors.active_agencies(),
            "values": values,
            "chosen": set(chosen),
            "error": error,
        },
        status=status,
    )


@staff
def task_add(request, pk: int):
    _require_manage(request)
    plan = _plan(request, pk)
    error = None
    if request.method == "POST":
        content = selectors.plan_content(plan, _pk(request.POST.get("content")))
        try:
            if content is None:
                raise ValidationError(_("Chọn nội dung của kế hoạch."), field="content")
            task = services.add_task(
                user=request.user, content=content, data=_task_input(request.POST)
            )
            if request.POST.get("next") == "add":
                return redirect(f"{request.path}?noi_dung={content.pk}")
            return redirect("plans:task-detail", pk=task.pk)
        except PermissionDenied:
            raise
        except ApplicationError as exc:
            error = exc
    values = request.POST if request.method == "POST" else {"content": request.GET.get("noi_dung")}
    return _task_form(
        request, plan=plan, task=None, values=values, error=error, status=422 if error else 200
    )


@staff
def task_edit(request, pk: int):
    _require_manage(request)
    task = _task(request, pk)
    error = None
    if request.method == "POST":
        try:
            services.update_task(user=request.user, task=task, data=_task_input(request.POST))
            return redirect("plans:task-detail", pk=task.pk)
        except PermissionDenied:
            raise
        except ApplicationError as exc:
            error = exc
        values = request.POST
    else:
        values = {
            "content": str(task.content_id),
            "title": task.title,
            "description": task.description,
            "lead_agency": str(task.lead_agency_id),
            "due_on": task.due_on.isoformat(),
            "expected_output": task.expected_output,
            "indicator": task.indicator,
            "indicator_target": task.indicator_target if task.indicator_target is not None else "",
        }
    return _task_form(
        request, plan=task.plan, task=task, values=values, error=error, status=422 if error else 200
    )


# ----------------------------------------------------------------------------------- tasks


@staff
def task_list(request):
    status = _status(request)
    rows = selectors.task_list(request.user, status=status)
    return render(
        request,
        "plans/task_list.html",
        {
            "page": _page(request, rows),
            "status": status,
            "statuses": selectors.STATUS_LABELS.items(),
        },
    )


def _current_quarter(year: int) -> str:
    today = timezone.localdate()
    if today.year != year:
        return PeriodKind.YEAR
    return f"q{(today.month - 1) // 3 + 1}"


def _task_page(request, task, *, error=None, values=None, status=200):
    state = selectors.states([task])[0]
    agencies = selectors.reporting_agencies(request.user, task)
    return render(
        request,
        "plans/task_detail.html",
        {
            "task": task,
            "state": state,
            "reports": _page(request, selectors.reports_of(task)),
            "agencies": agencies,
            "may_manage": selectors.may_manage(request.user),
            "periods": PeriodKind.choices,
            "error": error,
            "values": values
            or {"percent": task.percent_done, "period_kind": _current_quarter(task.plan.year)},
            "key": uuid.uuid4().hex,
            "link_rows": range(3),
        },
        status=status,
    )


@staff
def task_detail(request, pk: int):
    return _task_page(request, _task(request, pk))


@staff
@require_POST
def task_report(request, pk: int):
    task = _task(request, pk)
    post = request.POST
    links = [
        services.LinkInput(url=url, title=title)
        for url, title in zip(post.getlist("link_url"), post.getlist("link_title"), strict=False)
        if url.strip() or title.strip()
    ]
    agency = None
    if (post.get("agency") or "").strip():
        # An agency that is not a valid id is refused, never silently replaced by another one.
        agency_id = _pk(post.get("agency"))
        agency = selectors.agency(agency_id) if agency_id else None
        if agency is None:
            raise PermissionDenied(DENIED_MESSAGES[Action.PLAN_REPORT])
    try:
        services.submit_report(
            user=request.user,
            task=task,
            agency=agency,
            percent=post.get("percent", ""),
            text=post.get("text", ""),
            period_kind=post.get("period_kind", ""),
            period_start=post.get("period_start", ""),
            period_end=post.get("period_end", ""),
            decrease_reason=post.get("decrease_reason", ""),
            links=links,
            files=request.FILES.getlist("files"),
            submission_key=post.get("key", ""),
        )
    except PermissionDenied:
        raise
    except ApplicationError as exc:
        return _task_page(request, task, error=exc, values=post, status=exc.status)
    return redirect(reverse("plans:task-detail", args=[task.pk]) + "?da_bao_cao=1#bao-cao")


@staff
def evidence_file(request, pk: int):
    evidence = selectors.evidence_file(pk)
    if evidence is None:
        raise NotFound(_("Không có tệp minh chứng này."))
    _task(request, evidence.report.task_id)
    try:
        handle = evidence.file.open("rb")
    except OSError:
        raise NotFound(_("Tệp minh chứng không còn trên máy chủ lưu trữ.")) from None
    return FileResponse(handle, as_attachment=True, filename=evidence.name)


# --------------------------------------------------------------------------------- exports


@staff
def plan_xlsx(request, pk: int):
    plan = _plan(request, pk)
    response = HttpResponse(
        exports.plan_xlsx(plan, selectors.task_list(request.user, plan=plan)), content_type=XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(plan, ".xlsx")}"'
    return response


@staff
def plan_pdf(request, pk: int):
    plan = _plan(request, pk)
    response = HttpResponse(
        exports.plan_pdf(plan, selectors.task_list(request.user, plan=plan)),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(plan, ".pdf")}"'
    return response
