"""Pages: public form, archive, answer page with votes, sender lookup (no JavaScript); staff list,
entry, detail with the actions of the transition table, figures."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tthc.core import lookupcode
from tthc.core.dates import parse_date
from tthc.core.errors import ApplicationError, PermissionDenied
from tthc.core.ratelimit import digest
from tthc.feedback import abuse, exports, selectors, services
from tthc.feedback.forms import EntryForm, FeedbackForm
from tthc.feedback.models import Attachment, Category, Feedback, Status, Vote
from tthc.feedback.transitions import ACTION_LABELS, Action
from tthc.org.policy import Action as Policy

PAGE_SIZE = 20
VISITOR_COOKIE = "pakn_visitor"
VISITOR_SALT = "tthc.feedback.visitor"


def _form_error(form, exc: ApplicationError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


# --------------------------------------------------------------------------- public


@require_http_methods(["GET", "POST"])
def submit(request):
    form = FeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            feedback = services.submit(
                data=form.to_input(),
                attachments=request.FILES.getlist("attachments"),
                ip=abuse.client_ip(request),
                honeypot=form.cleaned_data["website"],
            )
        except ApplicationError as exc:
            _form_error(form, exc)
            status = exc.status
        else:
            return render(
                request,
                "feedback/submitted.html",
                {"feedback": feedback, "secret": lookupcode.display(feedback.lookup_secret)},
            )
    elif request.method == "POST":
        status = 422
    return render(request, "feedback/submit.html", {"form": form}, status=status)


def archive(request):
    q = request.GET.get("q", "")[:200]
    category = request.GET.get("loai", "")
    procedure = request.GET.get("thu_tuc", "")[:40]
    try:
        agency = int(request.GET.get("co_quan") or 0) or None
    except ValueError:
        agency = None
    page = Paginator(
        selectors.archive(q=q, agency=agency, procedure=procedure, category=category), PAGE_SIZE
    ).get_page(request.GET.get("trang"))
    page.object_list = [selectors.public_view(f) for f in page.object_list]
    params = request.GET.copy()
    params.pop("trang", None)
    return render(
        request,
        "feedback/archive.html",
        {
            "page": page,
            "q": q,
            "category": category,
            "procedure": procedure,
            "agency": agency,
            "categories": Category.choices,
            "agencies": selectors.filter_agencies(),
            "query_string": params.urlencode(),
        },
    )


def answer(request, code: str):
    feedback = selectors.published(code)
    if feedback is None:
        raise Http404(_("Không tìm thấy câu trả lời."))
    return render(
        request,
        "feedback/answer.html",
        {
            "item": selectors.public_view(feedback),
            "voted": request.GET.get("da_binh_chon"),
            "files": selectors.public_files(feedback),
        },
    )


def _visitor(request) -> tuple[str, bool]:
    token = request.get_signed_cookie(VISITOR_COOKIE, default="", salt=VISITOR_SALT)
    if token:
        return token, False
    return secrets.token_hex(16), True


@require_POST
def vote(request, code: str):
    feedback = selectors.published(code)
    if feedback is None:
        raise Http404(_("Không tìm thấy câu trả lời."))
    token, new = _visitor(request)
    value = Vote.LIKE if request.POST.get("value") == "like" else Vote.DISLIKE
    if request.POST.get("value") not in ("like", "dislike"):
        messages.error(request, _("Bình chọn không hợp lệ."))
    else:
        try:
            services.vote(
                feedback=feedback,
                value=value,
                cookie_key=digest(f"cookie:{token}"),
                client_key=abuse.client_key(request),
            )
            messages.success(request, _("Cảm ơn bạn đã đánh giá câu trả lời."))
        except ApplicationError as exc:
            messages.error(request, exc.message)
    response = redirect(reverse("feedback:answer", args=[feedback.code]) + "#danh-gia")
    if new:
        response.set_signed_cookie(
            VISITOR_COOKIE,
            token,
            salt=VISITOR_SALT,
            max_age=5 * 365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
        )
    return response


@require_http_methods(["GET", "POST"])
def lookup(request):
    source = request.POST if request.method == "POST" else request.GET
    code = (source.get("ma") or "").strip()[:32]
    verify = (source.get("xac_minh") or "").strip()[:254] if request.method == "POST" else ""
    result, error, status = None, "", 200
    if code and request.method == "POST":
        result = selectors.lookup(code, verify)
        if result is None:
            error, status = _("Không tìm thấy phản ánh, kiến nghị có mã này."), 404
        elif result["erased"]:
            error = _(
                "Dữ liệu cá nhân của người gửi phản ánh, kiến nghị này đã được xóa theo thời hạn "
                "lưu trữ, nên không còn tra cứu được. Câu trả lời đã công khai (nếu có) xem tại "
                "trang các câu trả lời."
            )
        elif result["blocked"]:
            error = _("Đã nhập sai thông tin xác minh quá nhiều lần. Vui lòng thử lại sau 15 phút.")
        elif not result["verified"]:
            error = _(
                "Thông tin xác minh không đúng: nhập mã tra cứu (8 ký tự, trên trang xác nhận "
                "và trong thư, tin nhắn thông báo) hoặc địa chỉ thư điện tử đã khai khi gửi."
            )
    return _lookup_page(request, code, verify, result, error, status)


def _lookup_page(request, code, verify, result, error, status, done=""):
    verified = result if result and result["verified"] else None
    return render(
        request,
        "feedback/lookup.html",
        {
            "code": code,
            "result": verified,
            "error": error,
            "done": done,
            # The sender may send the requested information online (verification repeated).
            "verify": verify if verified else "",
            "may_supplement": bool(verified and verified["status"] == Status.SUPPLEMENT_REQUESTED),
        },
        status=status,
    )


@require_POST
def supplement(request):
    """The sender sends the information the agency asked for, from the lookup page: text and
    attachments (the submission's checks); the item goes back to "received"."""
    code = (request.POST.get("ma") or "").strip().upper()[:32]
    verify = (request.POST.get("xac_minh") or "").strip()[:254]
    feedback = selectors.by_code(code)
    if feedback is None:
        raise Http404(_("Không tìm thấy phản ánh, kiến nghị có mã này."))
    if selectors.verify_blocked(code):
        error = _("Đã nhập sai thông tin xác minh quá nhiều lần. Vui lòng thử lại sau 15 phút.")
        return _lookup_page(request, code, "", None, error, 403)
    error, status, done = "", 200, ""
    try:
        services.complete_supplement(
            feedback=feedback,
            note=request.POST.get("noi_dung", ""),
            attachments=request.FILES.getlist("attachments"),
            verify=verify,
        )
    except PermissionDenied as exc:
        selectors.verify_failed(code)
        return _lookup_page(request, code, "", None, exc.message, 403)
    except ApplicationError as exc:
        error, status = exc.message, exc.status
    else:
        done = _("Đã gửi thông tin bổ sung. Cơ quan tiếp tục xử lý phản ánh, kiến nghị của bạn.")
    result = selectors.lookup(code, verify)
    return _lookup_page(request, code, verify, result, error, status, done)


def _download(attachment: Attachment) -> FileResponse:
    """The stored file of `attachment` (never a path from the request), as a download."""
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("Không tìm thấy tệp.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def public_attachment(request, code: str, pk: int):
    """An attachment of a published answer that an officer marked public."""
    attachment = selectors.public_attachment(code, pk)
    if attachment is None:
        raise Http404(_("Không tìm thấy tệp."))
    return _download(attachment)


# --------------------------------------------------------------------------- staff


def _forbidden(request, exc: ApplicationError):
    return render(request, "feedback/staff_denied.html", {"message": exc.message}, status=403)


@login_required
def staff_list(request):
    try:
        selectors.require_staff(request.user, Policy.FEEDBACK_VIEW)
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    status = request.GET.get("trang_thai", "")
    q = request.GET.get("q", "")[:200]
    overdue = request.GET.get("qua_han") == "1"
    page = Paginator(
        selectors.staff_list(request.user, status=status, q=q, overdue=overdue), PAGE_SIZE
    ).get_page(request.GET.get("trang"))
    now = timezone.now()
    rows = [{"f": f, "overdue": selectors.is_overdue(f, now)} for f in page.object_list]
    return render(
        request,
        "feedback/staff_list.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "q": q,
            "overdue": overdue,
            "statuses": Status.choices,
            **selectors.staff_menu(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_enter(request):
    try:
        selectors.require_staff(request.user, Policy.FEEDBACK_RECEIVE)
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            feedback = services.enter(
                user=request.user,
                data=form.to_input(),
                channel=form.cleaned_data["channel"],
                attachments=request.FILES.getlist("attachments"),
            )
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request, _("Đã nhập phản ánh, kiến nghị %(code)s.") % {"code": feedback.code}
            )
            return redirect("feedback:staff-detail", code=feedback.code)
    return render(request, "feedback/staff_enter.html", {"form": form})


def _staff_feedback(request, code: str) -> Feedback:
    feedback = selectors.staff_item(request.user, code)
    if feedback is None:
        raise Http404(_("Không tìm thấy phản ánh, kiến nghị."))
    return feedback


@login_required
def staff_attachment(request, code: str, pk: int):
    """Download for staff who may view the item (FEEDBACK_VIEW on its agency); logged as a
    read of the sender's personal data."""
    try:
        feedback = _staff_feedback(request, code)
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    attachment = selectors.staff_attachment(feedback, pk)
    if attachment is None:
        raise Http404(_("Không tìm thấy tệp."))
    services.log_access(
        user=request.user, feedback=feedback, what=f"tải tệp đính kèm: {attachment.name}"
    )
    return _download(attachment)


@login_required
def staff_detail(request, code: str):
    try:
        feedback = _staff_feedback(request, code)
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    events = [
        {"e": e, "label": ACTION_LABELS.get(Action(e.action), e.action)}
        for e in feedback.events.all()
    ]
    services.log_access(
        user=request.user, feedback=feedback, what="xem chi tiết (thông tin người gửi)"
    )
    return render(
        request,
        "feedback/staff_detail.html",
        {
            "f": feedback,
            # For feedback received by phone, letter or at the counter: the officer gives the
            # sender this secret (the lookup page asks for it).
            "secret": (
                ""
                if feedback.personal_data_erased_at
                else lookupcode.display(feedback.lookup_secret)
            ),
            "status_label": Status(feedback.status).label,
            "events": events,
            "deadlines": selectors.deadline_rows(feedback),
            "agencies": selectors.transfer_agencies(feedback),
            **selectors.staff_actions(request.user, feedback),
        },
    )


# What a staff action form posts besides the fields of the action (`services.perform`
# refuses any other); `user` and `obj` are its own arguments.
NOT_FIELDS = {"csrfmiddlewaretoken", "action", "user", "obj"}


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@login_required
@require_POST
def staff_action(request, code: str):
    try:
        feedback = _staff_feedback(request, code)
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    action = request.POST.get("action", "")
    fields = {k: request.POST.get(k) for k in request.POST if k not in NOT_FIELDS}
    try:
        services.perform(action=action, user=request.user, obj=feedback, **fields)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Đã thực hiện: %(action)s.") % {"action": ACTION_LABELS[Action(action)]}
        )
    return redirect("feedback:staff-detail", code=feedback.code)


def _figures(request):
    today = timezone.localdate()
    end = parse_date(request.GET.get("den"), today)
    start = parse_date(request.GET.get("tu"), end - timedelta(days=90))
    if start > end:
        start, end = end, start
    agency = _int(request.GET.get("co_quan")) or None
    return agency, selectors.figures(start=start, end=end, agency=agency)


@login_required
def staff_figures_xlsx(request):
    """The figures page as an Excel workbook (same filters)."""
    try:
        selectors.require_staff(request.user, Policy.FEEDBACK_REPORT)
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    agency, result = _figures(request)
    agency_name = selectors.agency_name(agency)
    response = HttpResponse(
        exports.figures_xlsx(result, agency_name=agency_name),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="so-lieu-phan-anh-{result.start:%Y%m%d}-{result.end:%Y%m%d}.xlsx"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def staff_figures(request):
    try:
        selectors.require_staff(request.user, Policy.FEEDBACK_REPORT)
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    agency, result = _figures(request)
    return render(
        request,
        "feedback/staff_figures.html",
        {
            "r": result,
            "agency": agency,
            "agencies": selectors.active_agencies(),
            "query_string": request.GET.urlencode(),
            "satisfaction_pct": (
                None if result.satisfaction is None else round(result.satisfaction * 100, 1)
            ),
        },
    )
