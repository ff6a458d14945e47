"""Pages: the public calendar with a due-date checker, and the staff screen for overrides."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tthc.core.errors import ApplicationError, PermissionDenied
from tthc.org.policy import DENIED_MESSAGES, Action, can
from tthc.workdays import selectors, services
from tthc.workdays.engine import FIRST_YEAR, LAST_YEAR
from tthc.workdays.forms import DueForm, OverrideForm
from tthc.workdays.models import CalendarOverride

PAGE_SIZE = 50


def public_calendar(request, year: int | None = None):
    today = timezone.localdate()
    year = year or today.year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404(_("Không có lịch làm việc của năm này."))
    days = selectors.year_exceptions_as_dicts(year)
    form = DueForm(request.GET if "start" in request.GET else None)
    deadline = None
    if form.is_bound and form.is_valid():
        try:
            deadline = selectors.due_date(
                start=form.cleaned_data["start"],
                amount=form.cleaned_data["amount"],
                unit=form.cleaned_data["unit"],
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(
        request,
        "workdays/public_calendar.html",
        {
            "year": year,
            "days_off": [day for day in days if not day["is_working"]],
            "days_worked": [day for day in days if day["is_working"]],
            "previous_year": year - 1 if year > FIRST_YEAR else None,
            "next_year": year + 1 if year < LAST_YEAR else None,
            "form": form,
            "deadline": deadline,
            "hours": selectors.office_hours(),
        },
    )


def _forbidden(request, message: str | None = None):
    return render(
        request,
        "workdays/forbidden.html",
        {"message": message or DENIED_MESSAGES[Action.CALENDAR_MANAGE]},
        status=403,
    )


def _scope(request):
    """(province allowed, agencies) or None when the user may manage nothing."""
    province, agencies = selectors.manageable_scope(request.user)
    agencies = list(agencies)
    if not province and not agencies:
        return None
    return province, agencies


def _year_param(request) -> int:
    try:
        year = int(request.GET.get("nam", ""))
    except ValueError:
        return timezone.localdate().year
    return year if FIRST_YEAR <= year <= LAST_YEAR else timezone.localdate().year


def _list_url(year: int) -> str:
    return f"{reverse('workdays:overrides')}?nam={year}"


def _done_message(verb: str, override: CalendarOverride) -> str:
    return _(
        "Đã %(verb)s %(what)s. Thời hạn của các hồ sơ đang giải quyết được tính lại theo lịch mới."
    ) % {"verb": verb, "what": services.describe_override(override=override)}


@login_required
@require_http_methods(["GET", "POST"])
def overrides(request):
    scope = _scope(request)
    if scope is None:
        return _forbidden(request)
    province, agencies = scope
    form = OverrideForm(
        request.POST if request.method == "POST" else None, province=province, agencies=agencies
    )
    year = _year_param(request)
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["date"].year  # show the list the new row would be in
        try:
            override = services.add_override(user=request.user, **form.service_arguments())
        except PermissionDenied as exc:
            return _forbidden(request, exc.message)
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _done_message(_("thêm"), override))
            return redirect(f"{_list_url(override.date.year)}#dieu-chinh-{override.pk}")
    page = Paginator(selectors.override_list(year=year), PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    manageable = {agency.pk for agency in agencies}
    # A province grant covers every agency; an agency grant only its own (and those below).
    rows = [
        (override, province or override.agency_id in manageable) for override in page.object_list
    ]
    return render(
        request,
        "workdays/overrides.html",
        {
            "form": form,
            "year": year,
            "years": range(max(FIRST_YEAR, year - 2), min(LAST_YEAR, year + 2) + 1),
            "page": page,
            "rows": rows,
            "recent_changes": selectors.recent_deadline_changes(),
        },
        status=422 if request.method == "POST" else 200,
    )


def _managed_override(request, pk: int):
    """The override and the user's scope, or None for the scope when they may not manage it."""
    override = selectors.override(pk)
    if override is None:
        raise Http404(_("Không có điều chỉnh lịch này."))
    if not can(request.user, Action.CALENDAR_MANAGE, override.agency):
        return override, None
    province, agencies = selectors.manageable_scope(request.user)
    agencies = list(agencies)
    if override.agency_id and override.agency_id not in {agency.pk for agency in agencies}:
        agencies.append(override.agency)  # e.g. an agency no longer active
    return override, (province, agencies)


@login_required
@require_http_methods(["GET", "POST"])
def override_edit(request, pk: int):
    override, scope = _managed_override(request, pk)
    if scope is None:
        return _forbidden(request)
    province, agencies = scope
    initial = {
        "date": override.date,
        "kind": "working" if override.is_working else "off",
        "name": override.name,
        "reference": override.reference,
        "scope": str(override.agency_id or ""),
    }
    form = OverrideForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        province=province,
        agencies=agencies,
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.change_override(
                user=request.user, override=override, **form.service_arguments()
            )
        except PermissionDenied as exc:
            return _forbidden(request, exc.message)
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _done_message(_("sửa thành"), changed))
            return redirect(f"{_list_url(changed.date.year)}#dieu-chinh-{changed.pk}")
    return render(
        request,
        "workdays/override_edit.html",
        {"form": form, "override": override},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def override_delete(request, pk: int):
    override, scope = _managed_override(request, pk)
    if scope is None:
        return _forbidden(request)
    if request.method == "POST":
        try:
            services.remove_override(user=request.user, override=override)
        except PermissionDenied as exc:
            return _forbidden(request, exc.message)
        messages.success(request, _done_message(_("xóa"), override))
        return redirect(f"{_list_url(override.date.year)}#danh-sach")
    return render(
        request,
        "workdays/override_confirm_delete.html",
        {"override": override, "change_count": override.deadline_changes.count()},
    )
