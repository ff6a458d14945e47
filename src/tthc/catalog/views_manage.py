"""Catalog management for the procedure-control office: create and edit procedures, record
publication decisions, version history with a readable diff, abolish, import from files.

Views parse and render; every rule (mandatory components, permissions, scheduling by the
decision's effective date) is in `tthc.catalog.services`.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from tthc.catalog import diffs, import_jobs, selectors, services
from tthc.catalog.forms import (
    AbolishForm,
    DecisionForm,
    DecisionItemFormSet,
    ImportForm,
    ProcedureForm,
    build_formsets,
    formsets_data,
)
from tthc.catalog.models import Procedure, Status
from tthc.catalog.schemas import ProcedureData
from tthc.core.errors import ApplicationError, PermissionDenied
from tthc.org.policy import DENIED_MESSAGES, Action, can

PAGE_SIZE = 50
IMPORT_POLL_SECONDS = 2


def forbidden(request, message: str):
    return render(request, "catalog/manage/forbidden.html", {"message": message}, status=403)


def guarded(action: Action):
    """Login required (→ /dang-nhap/), then the policy's grant, else a 403 page in Vietnamese."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not can(request.user, action):
                return forbidden(request, DENIED_MESSAGES[action])
            try:
                return view(request, *args, **kwargs)
            except PermissionDenied as exc:
                return forbidden(request, exc.message)

        return wrapper

    return decorator


def _nav(request) -> dict:
    user = request.user
    return {
        "can_edit": can(user, Action.CATALOG_EDIT),
        "can_publish": can(user, Action.CATALOG_PUBLISH),
        "can_import": can(user, Action.CATALOG_IMPORT),
    }


@guarded(Action.CATALOG_EDIT)
def procedure_list(request):
    query = request.GET.get("q", "").strip()
    status = request.GET.get("tinh-trang", "")
    if status not in Status.values:
        status = ""
    queryset = selectors.procedure_list(q=query, status=status)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("trang"))
    scheduled = selectors.scheduled_procedure_ids(page.object_list)
    return render(
        request,
        "catalog/manage/list.html",
        {
            **_nav(request),
            "page": page,
            "query": query,
            "status": status,
            "statuses": Status.choices,
            "scheduled": scheduled,
        },
    )


def _render_form(request, *, form, formsets, procedure=None, latest=None, status=200):
    return render(
        request,
        "catalog/manage/procedure_form.html",
        {
            **_nav(request),
            "form": form,
            "formsets": formsets,
            "procedure": procedure,
            "latest": latest,
        },
        status=status,
    )


# which form or formset shows the message of a missing mandatory component
_MISSING_TARGET = {
    "name": ("form", "name", _lazy("Nhập tên thủ tục.")),
    "steps": ("steps", None, _lazy("Nhập ít nhất một bước của trình tự thực hiện.")),
    "channels": ("channels", None, _lazy("Nhập ít nhất một cách thức thực hiện.")),
    "documents": ("documents", None, _lazy("Nhập ít nhất một giấy tờ của thành phần hồ sơ.")),
    "processing_time": (
        "channels",
        None,
        _lazy(
            "Chưa có thời hạn giải quyết: nhập số và đơn vị (hoặc ghi bằng chữ) cho cách thức "
            "thực hiện."
        ),
    ),
    "subjects": ("form", "subjects", _lazy("Nhập đối tượng thực hiện (mỗi dòng một đối tượng).")),
    "agency": (
        "form",
        "agencies",
        _lazy("Chọn cơ quan thực hiện hoặc ghi tên cơ quan thực hiện."),
    ),
}


def _show_error(exc: ApplicationError, form, formsets) -> None:
    missing = getattr(exc, "missing", None)
    if missing:
        for key in missing:
            target, field, message = _MISSING_TARGET[key]
            if target == "form":
                form.add_error(field, message)
            else:
                formsets[target].non_form_errors().append(message)
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _links_for(procedure: Procedure | None, selected) -> list[tuple]:
    """Selected agencies keep the roles they had; newly selected ones are implementing."""
    previous: dict[int, list[str]] = {}
    if procedure is not None:
        for link in procedure.agency_links.all():
            previous.setdefault(link.agency_id, []).append(link.role)
    links = []
    for agency in selected:
        for role in previous.get(agency.pk, ["implementing"]):
            links.append((agency, role))
    return links


def _save(request, *, form, formsets, procedure, create: bool):
    """Validate the form and formsets, then save through the service; None on errors."""
    valid = form.is_valid()
    valid = all([fs.is_valid() for fs in formsets.values()]) and valid
    if not valid:
        form.add_error(None, _("Chưa lưu được: kiểm tra các ô được đánh dấu bên dưới."))
        return None
    base = dict(selectors.latest_version(procedure).data) if procedure else {}
    data = {**base, **form.scalar_data(), **formsets_data(formsets)}
    try:
        return services.edit_procedure(
            user=request.user,
            code=form.cleaned_data["code"] if create else procedure.code,
            data=data,
            agencies=_links_for(procedure, form.cleaned_data["agencies"]),
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
            create=create,
        )
    except PermissionDenied:
        raise
    except ApplicationError as exc:
        _show_error(exc, form, formsets)
        return None


def _saved_message(request, result) -> None:
    version = result.version
    if result.outcome == services.Outcome.UNCHANGED:
        messages.info(request, _("Nội dung không thay đổi: không tạo phiên bản mới."))
    elif version.effective_from:
        messages.success(
            request,
            _(
                "Đã lưu phiên bản %(number)s. Phiên bản này có hiệu lực từ ngày %(date)s; đến "
                "ngày đó trang công khai vẫn hiển thị phiên bản hiện hành."
            )
            % {"number": version.number, "date": f"{version.effective_from:%d/%m/%Y}"},
        )
    else:
        messages.success(request, _("Đã lưu phiên bản %(number)s.") % {"number": version.number})


@guarded(Action.CATALOG_EDIT)
@require_http_methods(["GET", "POST"])
def procedure_create(request):
    post = request.POST if request.method == "POST" else None
    form = ProcedureForm(post, create=True, initial={"online_level": "none"})
    formsets = build_formsets(None, post)
    if post is not None:
        result = _save(request, form=form, formsets=formsets, procedure=None, create=True)
        if result is not None:
            _saved_message(request, result)
            return redirect("catalog:manage-history", code=result.procedure.code)
    return _render_form(
        request, form=form, formsets=formsets, status=422 if post is not None else 200
    )


def _procedure(code: str) -> Procedure:
    procedure = selectors.managed_procedure(code)
    if procedure is None:
        raise Http404(_("Không tìm thấy thủ tục."))
    return procedure


@guarded(Action.CATALOG_EDIT)
@require_http_methods(["GET", "POST"])
def procedure_edit(request, code: str):
    procedure = _procedure(code)
    latest = selectors.latest_version(procedure)
    if procedure.status == Status.ABOLISHED:
        messages.error(request, _("Thủ tục đã bãi bỏ: chỉ xem được nội dung và lịch sử."))
        return redirect("catalog:manage-history", code=code)
    post = request.POST if request.method == "POST" else None
    agencies = list({link.agency_id: link.agency for link in procedure.agency_links.all()}.values())
    form = ProcedureForm(post, initial=ProcedureForm.initial_from(latest.data, agencies=agencies))
    formsets = build_formsets(latest.data, post)
    if post is not None:
        result = _save(request, form=form, formsets=formsets, procedure=procedure, create=False)
        if result is not None:
            _saved_message(request, result)
            return redirect("catalog:manage-history", code=code)
    return _render_form(
        request,
        form=form,
        formsets=formsets,
        procedure=procedure,
        latest=latest,
        status=422 if post is not None else 200,
    )


def _version_number(value: str | None, default: int) -> int:
    try:
        return int(value or default)
    except ValueError:
        return default


@guarded(Action.CATALOG_EDIT)
def procedure_history(request, code: str):
    procedure = _procedure(code)
    versions = selectors.procedure_versions(procedure)
    current = procedure.current_version.number if procedure.current_version else 0
    newest = versions[0].number if versions else 0
    right = _version_number(request.GET.get("den"), newest)
    left = _version_number(request.GET.get("tu"), max(1, right - 1))
    by_number = {v.number: v for v in versions}
    diff = None
    if left in by_number and right in by_number and left != right:
        diff = diffs.readable_diff(by_number[left].data, by_number[right].data)
    return render(
        request,
        "catalog/manage/history.html",
        {
            **_nav(request),
            "procedure": procedure,
            "versions": versions,
            "current": current,
            "left": left,
            "right": right,
            "diff": diff,
            "data": ProcedureData.model_validate(procedure.current_version.data),
            "abolished": procedure.status == Status.ABOLISHED,
        },
    )


@guarded(Action.CATALOG_PUBLISH)
@require_http_methods(["GET", "POST"])
def procedure_abolish(request, code: str):
    procedure = _procedure(code)
    form = AbolishForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.abolish_procedure(user=request.user, code=code, **form.cleaned_data)
        except PermissionDenied:
            raise
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            when = decision.effective_on
            messages.success(
                request,
                _(
                    "Đã ghi nhận bãi bỏ thủ tục %(code)s theo Quyết định %(number)s, có hiệu lực "
                    "từ ngày %(date)s. Nội dung và lịch sử vẫn xem được."
                )
                % {"code": code, "number": decision.number, "date": f"{when:%d/%m/%Y}"},
            )
            return redirect("catalog:manage-history", code=code)
    return render(
        request,
        "catalog/manage/abolish.html",
        {**_nav(request), "procedure": procedure, "form": form},
        status=422 if request.method == "POST" else 200,
    )


@guarded(Action.CATALOG_EDIT)
def decision_list(request):
    page = Paginator(selectors.decision_list(), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "catalog/manage/decisions.html", {**_nav(request), "page": page})


@guarded(Action.CATALOG_PUBLISH)
@require_http_methods(["GET", "POST"])
def decision_create(request):
    post = request.POST if request.method == "POST" else None
    form = DecisionForm(post)
    items = DecisionItemFormSet(post, prefix="muc")
    if post is not None and form.is_valid() and items.is_valid():
        rows = [
            services.DecisionItemInput(
                code=i["code"].strip(),
                action=i["action"],
                replaces=(i.get("replaces") or "").strip(),
                effective_on=i.get("effective_on"),
            )
            for i in items.cleaned_data
            if i.get("code")
        ]
        try:
            decision = services.publish_decision(user=request.user, items=rows, **form.cleaned_data)
        except PermissionDenied:
            raise
        except ApplicationError as exc:
            if exc.field and exc.field.startswith("items"):
                items.non_form_errors().append(exc.message)
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Đã ghi nhận Quyết định %(number)s với %(count)s thủ tục, có hiệu lực từ ngày "
                    "%(date)s."
                )
                % {
                    "number": decision.number,
                    "count": len(rows),
                    "date": f"{decision.effective_on:%d/%m/%Y}",
                },
            )
            return redirect("catalog:manage-decisions")
    return render(
        request,
        "catalog/manage/decision_form.html",
        {**_nav(request), "form": form, "items": items},
        status=422 if post is not None else 200,
    )


@guarded(Action.CATALOG_EDIT)
def decision_detail(request, pk: int):
    decision = selectors.decision_detail(pk)
    if decision is None:
        raise Http404(_("Không tìm thấy quyết định công bố."))
    return render(
        request,
        "catalog/manage/decision_detail.html",
        {
            **_nav(request),
            "decision": decision,
            "items": decision.items.all(),
            "versions": decision.versions.all(),
        },
    )


@guarded(Action.CATALOG_IMPORT)
@require_http_methods(["GET", "POST"])
def import_start(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploads = []
        for upload in form.cleaned_data["files"]:
            head = next(upload.chunks(chunk_size=512), b"")[:512]
            upload.seek(0)
            uploads.append(
                import_jobs.Upload(
                    name=upload.name, size=upload.size, chunks=upload.chunks, head=head
                )
            )
        try:
            job = import_jobs.start_import(user=request.user, uploads=uploads)
        except PermissionDenied:
            raise
        except ApplicationError as exc:
            form.add_error("files", exc.message)
        else:
            return redirect("catalog:manage-import-status", pk=job.pk)
    jobs = selectors.recent_import_jobs()
    return render(
        request,
        "catalog/manage/import.html",
        {**_nav(request), "form": form, "jobs": jobs},
        status=422 if request.method == "POST" else 200,
    )


@guarded(Action.CATALOG_IMPORT)
def import_status(request, pk: int):
    job = selectors.import_job(pk)
    if job is None:
        raise Http404(_("Không tìm thấy lần nhập dữ liệu."))
    return render(
        request,
        "catalog/manage/import_status.html",
        {
            **_nav(request),
            "job": job,
            "poll": IMPORT_POLL_SECONDS if not job.is_finished else None,
            "self_url": reverse("catalog:manage-import-status", args=[job.pk]),
        },
    )
