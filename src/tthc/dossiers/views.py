"""Public pages: the dossier lookup (no JavaScript), the online submission."""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tthc.core import lookupcode, uploads
from tthc.core.errors import ApplicationError
from tthc.core.ratelimit import client_ip
from tthc.dossiers import pending, routing, selectors, services
from tthc.dossiers.forms import ApplyForm
from tthc.dossiers.personal import clean_applicant


def _lookup_page(request, code: str, verify: str, *, done: str = "", errors=None):
    result = None
    error = ""
    citizen = {}
    if code:
        result = selectors.lookup(code, verify=verify)
        if result is None:
            error = _("Không tìm thấy hồ sơ có mã này. Vui lòng kiểm tra lại mã trên giấy hẹn.")
        elif result["verify_blocked"]:
            error = _(
                "Đã nhập sai mã xác minh quá nhiều lần: thông tin cá nhân được che. "
                "Vui lòng thử lại sau 15 phút."
            )
        elif verify and not result["verified"]:
            error = _(
                "Mã xác minh không đúng: thông tin cá nhân được che. Nhập mã tra cứu 8 ký tự "
                "in trên giấy tiếp nhận, trên trang xác nhận nộp trực tuyến hoặc trong thư, tin "
                "nhắn thông báo."
            )
        elif result["verified"]:
            citizen = selectors.citizen_actions(code)
    return render(
        request,
        "dossiers/lookup.html",
        {
            "code": code,
            "verify": verify if result and result["verified"] else "",
            "result": result,
            "error": error,
            "citizen": citizen,
            "done": done,
            "errors": errors or {},
            "max_mb": settings.TTHC_MAX_UPLOAD_MB,
        },
        status=404 if code and result is None else (422 if errors else 200),
    )


def _code_and_verify(request) -> tuple[str, str]:
    code = (request.POST.get("ma") or "").strip()[:64]
    verify = (request.POST.get("xac_minh") or "").strip()[:32]
    return code, verify


@require_http_methods(["GET", "POST"])
def lookup(request):
    """`/tra-cuu-ho-so/?ma=CODE` (the receipt's QR opens it); the form posts the code and the
    optional lookup secret, so it stays out of the address bar and the server logs.
    Once verified, the applicant may upload the documents a supplement request asks for and,
    after the result was returned, rate the service."""
    if request.method == "POST":
        code, verify = _code_and_verify(request)
    else:
        code, verify = (request.GET.get("ma") or "").strip()[:64], ""
    return _lookup_page(request, code, verify)


def _verified_dossier(code: str, verify: str):
    result = selectors.lookup(code, verify=verify) if code else None
    if result is None or not result["verified"]:
        return None
    return selectors.dossier_by_code(code)


@require_POST
def lookup_rate(request):
    code, verify = _code_and_verify(request)
    dossier = _verified_dossier(code, verify)
    if dossier is None:
        return _lookup_page(request, code, verify)
    try:
        services.rate(
            dossier=dossier,
            verify=verify,
            satisfied=request.POST.get("hai_long") == "1",
            comment=request.POST.get("y_kien", ""),
        )
    except ApplicationError as exc:
        return _lookup_page(request, code, verify, errors={"rating": exc.message})
    return _lookup_page(request, code, verify, done=_("Cảm ơn ông/bà đã đánh giá."))


@require_POST
def lookup_supplement(request):
    code, verify = _code_and_verify(request)
    dossier = _verified_dossier(code, verify)
    if dossier is None:
        return _lookup_page(request, code, verify)
    try:
        files = [uploads.check(f, field="tep") for f in request.FILES.getlist("tep")]
        services.supplement_online(
            dossier=dossier, verify=verify, files=files, note=request.POST.get("ghi_chu", "")
        )
    except ApplicationError as exc:
        return _lookup_page(request, code, verify, errors={"supplement": exc.message})
    return _lookup_page(
        request,
        code,
        verify,
        done=_("Đã nhận giấy tờ bổ sung. Hồ sơ tiếp tục được xử lý."),
    )


@require_POST
def lookup_result(request):
    """The verified applicant downloads a file of the electronic result (POST, so the
    lookup secret stays out of addresses and logs)."""
    code, verify = _code_and_verify(request)
    dossier = _verified_dossier(code, verify)
    if dossier is None:
        return _lookup_page(request, code, verify)
    chosen = request.POST.get("tep", "")
    attachment = next(
        (a for a in selectors.electronic_results(dossier) if str(a.pk) == chosen), None
    )
    if attachment is None:
        raise Http404(_("Không có tệp."))
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------- online submission

SUBMITTED_SESSION_KEY = "dossiers_submitted"


def _form_error(form, exc: ApplicationError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _kept_files(request, form, documents, key: str) -> dict:
    """The uploads of this POST that pass the checks, kept for a corrected form (an error is
    shown next to each refused one), and the files kept from earlier attempts."""
    files = {}
    for row in documents:
        field = row["field"]
        upload = request.FILES.get(field)
        if upload:
            try:
                checked = uploads.check(upload, field=field)
            except ApplicationError as exc:
                form.add_error(field, exc.message)
                continue
            if key:
                pending.keep(session=request.session, key=key, field=field, upload=checked)
            files[field] = ContentFile(checked.content, name=checked.display_name)
        elif key and (entry := pending.kept(request.session, key).get(field)):
            loaded = pending.load(entry)
            if loaded is not None:
                files[field] = loaded
    return files


def _applicant_errors(form) -> None:
    """A refused form shows the applicant's mistakes too, not only the missing files, so the
    citizen corrects everything in one go."""
    if any(name in form.errors for name in form.APPLICANT_FIELDS):
        return
    try:
        clean_applicant(form.applicant(), today=timezone.localdate())
    except ApplicationError as exc:
        _form_error(form, exc)


@require_http_methods(["GET", "POST"])
def apply(request, code: str):
    """`/nop-truc-tuyen/<code>/`: the online submission of a procedure. Only agencies with a
    staffed desk are offered (`routing`); files that passed the checks survive a refusal."""
    offer = selectors.online_offer(code)
    if offer is None:
        raise Http404(_("Thủ tục này không nhận hồ sơ trực tuyến."))
    procedure, documents, linked = offer.procedure, list(offer.documents), offer.resolving
    desks = routing.desks_by_agency(procedure, linked)
    agencies = [a for a in linked if desks[a.pk]]
    post = request.POST if request.method == "POST" else None
    key = ((post or {}).get("submission_key") or "").strip()[:64]
    kept = pending.kept(request.session, key) if key else {}
    form = ApplyForm(
        post,
        request.FILES if post is not None else None,
        documents=documents,
        agencies=agencies,
        desks=desks,
        kept=kept,
    )
    status = 200
    if post is not None:
        status = 422
        valid = form.is_valid()
        files = _kept_files(request, form, documents, key)
        if not valid:
            _applicant_errors(form)
        if valid and not form.errors:
            try:
                point = form.cleaned_data.get("reception_point")
                services.check_submission_rate(ip=client_ip(request))
                dossier = services.submit_once(
                    key=form.cleaned_data["submission_key"],
                    submit=lambda then: services.submit_online_request(
                        procedure_code=procedure.code,
                        resolving_agency_code=form.cleaned_data["resolving_agency"],
                        reception_point_id=int(point) if point else None,
                        applicant=form.applicant(),
                        files=files,
                        then=then,
                    ),
                )
            except ApplicationError as exc:
                _form_error(form, exc)
                status = exc.status if exc.status == 429 else 422
            else:
                pending.release(session=request.session, key=key)
                request.session[SUBMITTED_SESSION_KEY] = dossier.code
                return redirect("dossiers:submitted")
        # Show what is now kept (the form was built before this POST's files were checked).
        form.show_kept(pending.kept(request.session, key) if key else {})
    return render(
        request,
        "dossiers/apply.html",
        {
            "procedure": procedure,
            "form": form,
            "agencies": agencies,
            "linked_agencies": linked,
            "notes": procedure.current_version.data.get("document_notes") or [],
            "max_mb": settings.TTHC_MAX_UPLOAD_MB,
            "noindex": True,
        },
        status=status,
    )


def submitted(request):
    """The confirmation after an online submission: the code (kept in the session only) and
    the lookup secret that shows the applicant's details on the lookup page."""
    code = request.session.get(SUBMITTED_SESSION_KEY)
    result = selectors.lookup(code) if code else None
    if result is None:
        return redirect("dossiers:lookup")
    secret = lookupcode.display(selectors.dossier_by_code(code).lookup_secret)
    response = render(
        request,
        "dossiers/submitted.html",
        {"result": result, "secret": secret, "noindex": True},
    )
    response["Cache-Control"] = "private, no-store"  # the page shows the lookup secret
    return response
