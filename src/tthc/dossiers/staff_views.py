"""Staff screens of the one-stop desk: queues, counter reception, the dossier page with its
timeline and actions, the official forms as PDF, the tracking book. Thin: each view parses,
calls one service or selector and renders; permissions come from `tthc.org.policy` through the
services (`check_permission`, `read_applicant`)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tthc.catalog.selectors import procedure_list
from tthc.core import uploads
from tthc.core.dates import parse_date
from tthc.core.errors import ApplicationError, PermissionDenied, ValidationError
from tthc.dossiers import forms_pdf, pdf, processes, queues, routing, selectors, services
from tthc.dossiers.forms import DOCUMENT_FORMS, ReceptionForm
from tthc.dossiers.models import (
    OPEN_STATUSES,
    Channel,
    DocumentForm,
    DossierDocument,
    EventAttachment,
    Status,
)
from tthc.dossiers.services import DocumentInput
from tthc.dossiers.transitions import ACTION_LABELS, Action
from tthc.org.models import Agency, ReceptionPoint
from tthc.org.policy import DENIED_MESSAGES, can, can_somewhere, granted_agencies
from tthc.org.policy import Action as Policy
from tthc.workdays.engine import VN_TZ

PAGE_SIZE = 25


def _forbidden(request, message: str):
    return render(request, "dossiers/staff/forbidden.html", {"message": message}, status=403)


def _dossier_or_404(code: str):
    dossier = selectors.staff_dossier(code)
    if dossier is None:
        raise Http404(_("Không tìm thấy hồ sơ."))
    return dossier


# --------------------------------------------------------------------------- queues


@login_required
def queue(request):
    if not can_somewhere(request.user, Policy.DOSSIER_VIEW):
        return _forbidden(request, DENIED_MESSAGES[Policy.DOSSIER_VIEW])
    tab = request.GET.get("tab", "")
    if tab not in selectors.QUEUE_TABS:
        tab = "moi" if can_somewhere(request.user, Policy.DOSSIER_RECEIVE) else "dang-xu-ly"
    now = timezone.now()
    agencies = selectors.staff_agencies(request.user)
    # Keyset pages (decision 0011): `sau` = after this row, `truoc` = before it; plain links.
    page = queues.page(
        request.user,
        tab,
        size=PAGE_SIZE,
        after=(request.GET.get("sau") or "")[:40] or None,
        before=(request.GET.get("truoc") or "")[:40] or None,
        now=now,
        agencies=agencies,
    )
    counts = selectors.queue_counts(request.user, now=now, agencies=agencies)
    tabs = [(key, label, _count_text(counts[key])) for key, label in selectors.QUEUE_TABS.items()]
    rows = selectors.with_time_left(page.rows, now=now)
    return render(
        request,
        "dossiers/staff/queue.html",
        {
            "tab": tab,
            "tab_label": selectors.QUEUE_TABS[tab],
            "tabs": tabs,
            "page": page,
            "rows": rows,
            "summary_panel": {
                "summary": [
                    {
                        "tab": key,
                        "label": selectors.QUEUE_TABS[key],
                        "count": _count_text(counts[key]),
                    }
                    for key in selectors.DESK_SUMMARY
                ]
            },
            "now": now,
            "running": [Status.RECEIVED, Status.PROCESSING, Status.AWAITING_PAYMENT],
            "may_receive": can_somewhere(request.user, Policy.DOSSIER_RECEIVE),
        },
    )


def _count_text(count: int) -> str:
    """A tab's count as shown: “1.000+” above the cap of the finished tab."""
    if count > queues.DONE_COUNT_CAP:
        return f"{queues.DONE_COUNT_CAP:,}+".replace(",", ".")
    return f"{count:,}".replace(",", ".")


@login_required
def find(request):
    code = (request.GET.get("ma") or "").strip()[:64]
    if selectors.staff_dossier(code) is None:
        messages.error(request, _("Không tìm thấy hồ sơ có mã này."))
        return redirect("dossiers:staff-queue")
    return redirect("dossiers:staff-dossier", code=code)


def home_panel(request) -> dict | None:
    """The staff home's panel: counts of the desk's queues for staff who see dossiers, and the
    desks nobody serves for those who manage staff (administrators)."""
    user = request.user
    if not can_somewhere(user, Policy.DOSSIER_VIEW) and not can(
        user, Policy.ORG_MANAGE_STAFF, None
    ):
        return None
    return {
        "template": "dossiers/staff/_home_panel.html",
        "summary": selectors.desk_summary(user) if can_somewhere(user, Policy.DOSSIER_VIEW) else [],
        "unserved": routing.unserved_desks() if can(user, Policy.ORG_MANAGE_STAFF, None) else [],
    }


# --------------------------------------------------------------------------- counter


def _reception_points(user):
    points = ReceptionPoint.objects.filter(is_active=True).select_related("agency")
    ids = granted_agencies(user, Policy.DOSSIER_RECEIVE)
    if ids is not None:
        points = points.filter(agency_id__in=routing.with_descendants(ids))
    return list(points.order_by("name"))


def _checklist(procedure, post=None) -> list[dict]:
    rows = []
    for row in selectors.required_documents(procedure.current_version.data):
        n = row["position"]
        document = procedure.current_version.data["documents"][n - 1]
        default_form = (
            DocumentForm.COPY
            if not document.get("originals") and document.get("copies")
            else DocumentForm.ORIGINAL
        )
        rows.append(
            dict(
                row,
                checked=bool(post.get(f"doc_{n}")) if post is not None else not row["optional"],
                form=(post.get(f"form_{n}") if post is not None else None) or default_form,
                quantity=(post.get(f"qty_{n}") if post is not None else None) or "1",
            )
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def reception(request):
    """The counter: pick a procedure, tick its documents (original / copy, optional scan),
    enter the applicant and the fee; on acceptance the code, the appointment and the receipt."""
    user = request.user
    if not can_somewhere(user, Policy.DOSSIER_RECEIVE):
        return _forbidden(request, DENIED_MESSAGES[Policy.DOSSIER_RECEIVE])
    code = (request.POST.get("thu_tuc") or request.GET.get("thu_tuc") or "").strip()[:50]
    q = (request.GET.get("q") or "").strip()[:200]
    procedure = selectors.intake_procedure(code) if code else None
    if procedure is None:
        found = list(procedure_list(q=q, status="")[:20]) if q else []
        return render(
            request, "dossiers/staff/reception_pick.html", {"q": q, "found": found, "code": code}
        )
    agencies = list(selectors.resolving_agencies(procedure)) or list(
        Agency.objects.filter(is_active=True).order_by("name")
    )
    points = _reception_points(user)
    post = request.POST if request.method == "POST" else None
    form = ReceptionForm(
        post,
        agencies=agencies,
        points=points,
        initial={
            "fee_due": services.channel_fee(procedure.current_version.data, "in_person"),
            "reception_point": str(points[0].pk) if len(points) == 1 else "",
        },
    )
    checklist = _checklist(procedure, post)
    if post is not None and form.is_valid():
        try:
            documents = []
            for row in checklist:
                if not row["checked"]:
                    continue
                scan = request.FILES.get(f"scan_{row['position']}")
                try:
                    quantity = int(row["quantity"])
                except ValueError:
                    raise ValidationError(
                        "Số lượng giấy tờ phải là số.", field="documents"
                    ) from None
                documents.append(
                    DocumentInput(
                        row["name"],
                        form=row["form"],
                        quantity=quantity,
                        upload=uploads.check(scan, field=f"scan_{row['position']}")
                        if scan
                        else None,
                    )
                )
            point = next(p for p in points if str(p.pk) == form.cleaned_data["reception_point"])
            resolving = next(a for a in agencies if a.code == form.cleaned_data["resolving_agency"])
            dossier = services.receive(
                user=user,
                procedure=procedure,
                reception_point=point,
                resolving_agency=resolving,
                applicant=form.applicant(),
                documents=documents,
                fee_due=form.cleaned_data["fee_due"],
                channel=form.cleaned_data["channel"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            if exc.field in form.fields:
                form.add_error(exc.field, exc.message)
            else:
                form.add_error(None, exc.message)
        else:
            appointment = pdf._fmt_time(dossier.appointment_at)
            messages.success(
                request,
                _("Đã tiếp nhận hồ sơ %(code)s. Hẹn trả kết quả: %(time)s, ngày %(date)s.")
                % {
                    "code": dossier.code,
                    "time": appointment,
                    "date": pdf._fmt_date(dossier.appointment_at),
                },
            )
            return redirect("dossiers:staff-dossier", code=dossier.code)
    return render(
        request,
        "dossiers/staff/reception.html",
        {
            "procedure": procedure,
            "form": form,
            "checklist": checklist,
            "document_forms": DOCUMENT_FORMS,
        },
        status=422 if post is not None else 200,
    )


# --------------------------------------------------------------------------- dossier page

ACTION_FORMS = {
    Action.ACCEPT: ("note",),
    Action.REFUSE: ("reason",),
    Action.REQUEST_COMPLETION: ("reason", "missing"),
    Action.SUBMIT_COMPLETION: ("note", "files"),
    Action.START: ("note",),
    Action.REQUEST_SUPPLEMENT: ("reason", "missing"),
    Action.COMPLETE_SUPPLEMENT: ("note", "files"),
    Action.REQUEST_PAYMENT: ("amount", "note"),
    Action.CONFIRM_PAYMENT: ("payment_online", "note"),
    Action.TRANSFER: ("to_agency", "note"),
    Action.RESOLVE: ("result_code", "electronic", "files", "note"),
    Action.RETURN_RESULT: ("return_method", "note"),
    Action.STOP: ("reason",),
    Action.WITHDRAW: ("reason",),
    Action.APOLOGISE: ("new_appointment", "reason"),
    Action.ASSIGN: ("assignee", "note"),
    Action.COMPLETE_STEP: ("note", "files"),
    Action.RETURN_STEP: ("reason",),
}
DANGEROUS = {Action.REFUSE, Action.STOP, Action.WITHDRAW}


def _detail_context(request, dossier, *, error: tuple[str, str, str] | None = None) -> dict:
    applicant = services.read_applicant(
        user=request.user, dossier=dossier, what="xem hồ sơ trên trang cán bộ"
    )
    actions = selectors.allowed_actions(request.user, dossier)
    return {
        "dossier": dossier,
        "applicant": applicant,
        "documents": list(dossier.documents.all()),
        "events": _labelled(dossier.events.all(), dossier),
        "fee_text": f"{dossier.fee_due:,} đồng".replace(",", ".") if dossier.fee_due else "",
        "actions": [
            {
                "action": a.value,
                "label": ACTION_LABELS[a],
                "fields": ACTION_FORMS[a],
                "danger": a in DANGEROUS,
            }
            for a in actions
        ],
        "error": error,
        "procedure_documents": [
            row["label"] for row in selectors.required_documents(_version_data(dossier))
        ],
        "agencies": Agency.objects.filter(is_active=True)
        .exclude(pk=dossier.current_agency_id)
        .order_by("name")
        .only("code", "name"),
        "forms": forms_pdf.available(dossier),
        "classification": selectors.classify(dossier),
        "open_status": selectors.open_status_of(dossier),
        "step": selectors.current_step(dossier) if dossier.status in OPEN_STATUSES else None,
        "missing": selectors.missing_documents(dossier),
        "rating": getattr(dossier, "rating", None) if dossier.status == Status.RETURNED else None,
        "specialists": selectors.specialists_of(dossier.current_agency_id)
        if Action.ASSIGN in actions
        else [],
        "return_methods": Channel.choices,
    }


def _labelled(events, dossier) -> list:
    out = []
    for event in events:
        event.unit = forms_pdf.unit_of(event, dossier)
        event.who = forms_pdf.actor_of(event)
        try:
            event.label = ACTION_LABELS[Action(event.action)]
        except ValueError:
            event.label = event.action
        out.append(event)
    return out


def _version_data(dossier) -> dict:
    version = dossier.procedure.versions.filter(number=dossier.procedure_version).first()
    return version.data if version else {}


@login_required
def dossier_page(request, code: str):
    dossier = _dossier_or_404(code)
    try:
        context = _detail_context(request, dossier)
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    return render(request, "dossiers/staff/dossier.html", context)


def _local_datetime(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError("Ngày giờ hẹn mới không hợp lệ.", field="new_appointment") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=VN_TZ)
    return parsed


def _perform(request, dossier, action: Action):
    post = request.POST
    user = request.user
    note = post.get("note", "")
    reason = post.get("reason", "")
    files = [
        uploads.check(f, field="files") for f in request.FILES.getlist("files") if f is not None
    ]
    if action == Action.ACCEPT:
        return services.accept(user=user, dossier=dossier, note=note)
    if action == Action.REFUSE:
        return services.refuse(user=user, dossier=dossier, reason=reason)
    if action == Action.REQUEST_COMPLETION:
        missing = post.getlist("missing") + [
            line for line in post.get("missing_other", "").splitlines() if line.strip()
        ]
        return services.request_completion(
            user=user, dossier=dossier, reason=reason, missing=missing
        )
    if action == Action.SUBMIT_COMPLETION:
        return services.submit_completion(user=user, dossier=dossier, note=note, files=files)
    if action == Action.START:
        return services.start_processing(user=user, dossier=dossier, note=note)
    if action == Action.REQUEST_SUPPLEMENT:
        missing = post.getlist("missing") + [
            line for line in post.get("missing_other", "").splitlines() if line.strip()
        ]
        return services.request_supplement(
            user=user, dossier=dossier, reason=reason, missing=missing
        )
    if action == Action.COMPLETE_SUPPLEMENT:
        return services.complete_supplement(user=user, dossier=dossier, note=note, files=files)
    if action == Action.REQUEST_PAYMENT:
        try:
            amount = int(post.get("amount", ""))
        except ValueError:
            raise ValidationError("Số tiền phải là số nguyên (đồng).", field="amount") from None
        return services.request_payment(user=user, dossier=dossier, amount=amount, note=note)
    if action == Action.CONFIRM_PAYMENT:
        return services.confirm_payment(
            user=user, dossier=dossier, note=note, online=post.get("payment_online") == "1"
        )
    if action == Action.TRANSFER:
        to_agency = Agency.objects.filter(code=post.get("to_agency", "")).first()
        if to_agency is None:
            raise ValidationError("Vui lòng chọn cơ quan nhận.", field="to_agency")
        return services.transfer(user=user, dossier=dossier, to_agency=to_agency, note=note)
    if action == Action.RESOLVE:
        return services.resolve(
            user=user,
            dossier=dossier,
            note=note,
            result_code=post.get("result_code", ""),
            files=files,
            electronic=bool(post.get("electronic")),
        )
    if action == Action.RETURN_RESULT:
        return services.return_result(
            user=user, dossier=dossier, note=note, method=post.get("return_method")
        )
    if action == Action.STOP:
        return services.stop(user=user, dossier=dossier, reason=reason)
    if action == Action.WITHDRAW:
        return services.withdraw(user=user, dossier=dossier, reason=reason)
    if action == Action.APOLOGISE:
        return services.apologise(
            user=user,
            dossier=dossier,
            new_appointment=_local_datetime(post.get("new_appointment", "")),
            reason=reason,
        )
    if action == Action.ASSIGN:
        assignee = selectors.specialists_of(dossier.current_agency_id).filter(
            username=post.get("assignee", "")
        )
        return services.assign(user=user, dossier=dossier, assignee=assignee.first(), note=note)
    if action == Action.COMPLETE_STEP:
        return services.complete_step(user=user, dossier=dossier, note=note, files=files)
    if action == Action.RETURN_STEP:
        return services.return_step(user=user, dossier=dossier, reason=reason)
    raise ValidationError("Thao tác không hợp lệ.", field="action")  # pragma: no cover


@login_required
@require_POST
def dossier_action(request, code: str):
    dossier = _dossier_or_404(code)
    try:
        action = Action(request.POST.get("action", ""))
    except ValueError:
        raise Http404(_("Thao tác không hợp lệ.")) from None
    if action not in ACTION_FORMS:
        raise Http404(_("Thao tác không hợp lệ."))
    try:
        _perform(request, dossier, action)
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    except ApplicationError as exc:
        dossier = _dossier_or_404(code)
        try:
            context = _detail_context(
                request, dossier, error=(action.value, exc.field or "", exc.message)
            )
        except PermissionDenied as denied:
            return _forbidden(request, denied.message)
        return render(request, "dossiers/staff/dossier.html", context, status=exc.status)
    messages.success(request, _("Đã thực hiện: %(label)s.") % {"label": ACTION_LABELS[action]})
    return redirect(reverse("dossiers:staff-dossier", args=[code]) + "#lich-su")


# --------------------------------------------------------------------------- files, forms


def _may_view_or_403(request, dossier):
    if not selectors.may_view(request.user, dossier):
        raise PermissionDenied(DENIED_MESSAGES[Policy.DOSSIER_VIEW])


@login_required
def dossier_file(request, code: str, kind: str, pk: int):
    """A document or attachment of the dossier, to staff who may view it (media files are not
    public)."""
    dossier = _dossier_or_404(code)
    try:
        _may_view_or_403(request, dossier)
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    if kind == "giay-to":
        item = DossierDocument.objects.filter(dossier=dossier, pk=pk).first()
        field, name = (item.file, item.file_name or item.name) if item else (None, "")
    else:
        item = EventAttachment.objects.filter(event__dossier=dossier, pk=pk).first()
        field, name = (item.file, item.name) if item else (None, "")
    if not field:
        raise Http404(_("Không có tệp."))
    return FileResponse(field.open("rb"), as_attachment=True, filename=name)


@login_required
def dossier_pdf(request, code: str, form: str):
    dossier = _dossier_or_404(code)
    try:
        _may_view_or_403(request, dossier)
        data = forms_pdf.render(dossier, form)
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    except KeyError:
        raise Http404(_("Không có biểu mẫu này cho hồ sơ.")) from None
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{form}-{dossier.code}.pdf"'
    return response


@login_required
def tracking_book(request):
    """The dossier tracking book (sổ theo dõi hồ sơ) as Excel, by period and agency."""
    if not can_somewhere(request.user, Policy.DOSSIER_VIEW):
        return _forbidden(request, DENIED_MESSAGES[Policy.DOSSIER_VIEW])
    today = timezone.localdate()
    start = parse_date(request.GET.get("tu"), today.replace(day=1))
    end = parse_date(request.GET.get("den"), today)
    agencies = selectors.staff_agencies(request.user)
    choices = Agency.objects.filter(is_active=True).order_by("name").only("code", "name")
    if agencies is not None:
        choices = choices.filter(pk__in=agencies)
    agency = choices.filter(code=request.GET.get("co_quan", "")).first()
    if "tai" not in request.GET:
        return render(
            request,
            "dossiers/staff/tracking_book.html",
            {"start": start, "end": end, "agencies": choices, "agency": agency},
        )
    if agency is not None and not can(request.user, Policy.DOSSIER_VIEW, agency):
        return _forbidden(request, DENIED_MESSAGES[Policy.DOSSIER_VIEW])
    data = forms_pdf.tracking_book_xlsx(
        user=request.user,
        start=datetime.combine(start, time.min, tzinfo=VN_TZ),
        end=datetime.combine(end, time.max, tzinfo=VN_TZ),
        agency=agency,
    )
    response = HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="so-theo-doi-{start}-{end}.xlsx"'
    return response


# --------------------------------------------------------------------------- process definitions

EXTRA_STEP_ROWS = 3


def _step_rows(steps, post=None) -> list[dict]:
    if post is not None:
        count = sum(1 for key in post if key.startswith("name_"))
        return [
            {
                "n": n,
                "name": post.get(f"name_{n}", ""),
                "role": post.get(f"role_{n}", ""),
                "share": post.get(f"share_{n}", ""),
                "agency": post.get(f"agency_{n}", ""),
            }
            for n in range(1, count + 1)
        ]
    rows = [
        {
            "n": n,
            "name": s.name,
            "role": s.role,
            "share": str(s.share_percent),
            "agency": s.responsible_agency.code if s.responsible_agency else "",
        }
        for n, s in enumerate(steps, start=1)
    ]
    start = len(rows) + 1
    rows += [
        {"n": n, "name": "", "role": "specialist", "share": "", "agency": ""}
        for n in range(start, start + EXTRA_STEP_ROWS)
    ]
    return rows


def _step_inputs(rows: list[dict], agencies: dict) -> list:
    inputs = []
    for row in rows:
        if not row["name"].strip() and not row["share"].strip():
            continue  # an empty row
        try:
            share = int(row["share"])
        except ValueError:
            raise ValidationError(
                f"Bước “{row['name'][:60]}”: tỷ lệ thời gian phải là số nguyên (%).",
                field="steps",
            ) from None
        agency = agencies.get(row["agency"]) if row["agency"] else None
        if row["agency"] and agency is None:
            raise ValidationError("Cơ quan thực hiện không hợp lệ.", field="steps")
        inputs.append(
            processes.StepInput(
                name=row["name"], role=row["role"], share_percent=share, responsible_agency=agency
            )
        )
    return inputs


@login_required
@require_http_methods(["GET", "POST"])
def process_edit(request, code: str):
    """The internal process of a procedure (general, or for one resolving agency)."""
    from tthc.dossiers.models import ProcessStep
    from tthc.org.models import Role

    procedure = selectors.intake_procedure(code)
    if procedure is None:
        raise Http404(_("Không tìm thấy thủ tục."))
    resolving = list(selectors.resolving_agencies(procedure))
    agency_code = request.POST.get("co_quan") or request.GET.get("co_quan") or ""
    agency = next((a for a in resolving if a.code == agency_code), None)
    if agency_code and agency is None:
        agency = Agency.objects.filter(code=agency_code, is_active=True).first()
        if agency is None:
            raise Http404(_("Không tìm thấy cơ quan."))
    if not processes.may_edit_process(request.user, agency):
        return _forbidden(request, _("Bạn không có quyền sửa quy trình nội bộ của thủ tục này."))
    steps = list(
        ProcessStep.objects.filter(procedure=procedure, agency=agency)
        .select_related("responsible_agency")
        .order_by("order")
    )
    choices = list(Agency.objects.filter(is_active=True).order_by("name").only("code", "name"))
    post = request.POST if request.method == "POST" else None
    rows = _step_rows(steps, post)
    error = None
    if post is not None:
        try:
            inputs = _step_inputs(rows, {a.code: a for a in choices})
            processes.save_process(
                user=request.user, procedure=procedure, agency=agency, steps=inputs
            )
        except PermissionDenied as exc:
            return _forbidden(request, exc.message)
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("Đã lưu quy trình nội bộ."))
            url = reverse("dossiers:staff-process", args=[procedure.code])
            return redirect(url + (f"?co_quan={agency.code}" if agency else ""))
    return render(
        request,
        "dossiers/staff/process.html",
        {
            "procedure": procedure,
            "agency": agency,
            "resolving": resolving,
            "rows": rows,
            "roles": Role.choices,
            "agencies": choices,
            "defined": bool(steps),
            "error": error,
            "default_name": selectors.DEFAULT_STEP_NAME,
        },
        status=422 if error else 200,
    )


# --------------------------------------------------------------------------- audit trail

AUDIT_PAGE_SIZE = 50


@login_required
def audit_log(request):
    """Read-only audit trail for administrators: dossier changes and staff reads of personal
    data (dossiers, feedback), filtered by user, period and code."""
    if not can(request.user, Policy.AUDIT_VIEW):
        return _forbidden(request, DENIED_MESSAGES[Policy.AUDIT_VIEW])
    username = (request.GET.get("nguoi_dung") or "").strip()[:150]
    code = (request.GET.get("ma") or "").strip()[:64]
    start = parse_date(request.GET.get("tu"))
    end = parse_date(request.GET.get("den"))
    rows = selectors.audit_entries(
        username=username,
        code=code,
        start=datetime.combine(start, time.min, tzinfo=VN_TZ) if start else None,
        end=datetime.combine(end, time.min, tzinfo=VN_TZ) + timedelta(days=1) if end else None,
    )
    page = Paginator(rows, AUDIT_PAGE_SIZE).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "dossiers/staff/audit.html",
        {
            "page": page,
            "entries": selectors.audit_rows(page.object_list),
            "username": username,
            "code": code,
            "start": start,
            "end": end,
            "query": query.urlencode(),
        },
    )
