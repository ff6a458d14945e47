"""Staff screens of the one-stop desk: queues, counter reception, the dossier page with its
timeline and actions, the official forms as PDF, the tracking book. Thin: each view parses,
calls the selectors (reads, with the permission each page needs) or one service (writes:
`services.perform` for the actions of the transition table) and renders."""

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
from tthc.core.dates import fmt_date, fmt_time, parse_date
from tthc.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationError
from tthc.dossiers import forms_pdf, pdf, processes, queues, selectors, services
from tthc.dossiers.forms import DOCUMENT_FORMS, ReceptionForm
from tthc.dossiers.models import OPEN_STATUSES, Channel, DocumentForm, Status
from tthc.dossiers.services import DocumentInput
from tthc.dossiers.transitions import ACTION_LABELS, Action
from tthc.org.models import Role
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
    tab = request.GET.get("the", "")
    try:
        # Keyset pages (decision 0011): `sau` = after this row, `truoc` = before it; plain links.
        view = selectors.queue_view(
            request.user,
            tab=tab if tab in selectors.QUEUE_TABS else "",
            size=PAGE_SIZE,
            after=(request.GET.get("sau") or "")[:40] or None,
            before=(request.GET.get("truoc") or "")[:40] or None,
        )
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    counts = view.counts
    tabs = [(key, label, _count_text(counts[key])) for key, label in selectors.QUEUE_TABS.items()]
    return render(
        request,
        "dossiers/staff/queue.html",
        {
            "tab": view.tab,
            "tab_label": selectors.QUEUE_TABS[view.tab],
            "tabs": tabs,
            "page": view.page,
            "rows": selectors.queue_rows(view.page.rows, now=view.now),
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
            "may_receive": view.may_receive,
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
    """The staff home's panel (`selectors.home_panel`), for those who see dossiers or manage
    staff."""
    panel = selectors.home_panel(request.user)
    if panel is None:
        return None
    return {"template": "dossiers/staff/_home_panel.html", **panel}


# --------------------------------------------------------------------------- counter


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


def _documents(request, checklist: list[dict]) -> list[DocumentInput]:
    """The ticked documents of the counter's form, each with its checked scan."""
    documents = []
    for row in checklist:
        if not row["checked"]:
            continue
        scan = request.FILES.get(f"scan_{row['position']}")
        try:
            quantity = int(row["quantity"])
        except ValueError:
            raise ValidationError(_("Số lượng giấy tờ phải là số."), field="documents") from None
        documents.append(
            DocumentInput(
                row["name"],
                form=row["form"],
                quantity=quantity,
                upload=uploads.check(scan, field=f"scan_{row['position']}") if scan else None,
            )
        )
    return documents


@login_required
@require_http_methods(["GET", "POST"])
def reception(request):
    """The counter: pick a procedure, tick its documents (original / copy, optional scan),
    enter the applicant and the fee; on acceptance the code, the appointment and the receipt."""
    user = request.user
    try:
        selectors.require_reception(user)
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    code = (request.POST.get("thu_tuc") or request.GET.get("thu_tuc") or "").strip()[:50]
    q = (request.GET.get("q") or "").strip()[:200]
    procedure = selectors.intake_procedure(code) if code else None
    if procedure is None:
        found = list(procedure_list(q=q, status="")[:20]) if q else []
        return render(
            request, "dossiers/staff/reception_pick.html", {"q": q, "found": found, "code": code}
        )
    counter = selectors.counter(user, procedure)
    points = counter.points
    post = request.POST if request.method == "POST" else None
    form = ReceptionForm(
        post,
        agencies=counter.agencies,
        points=points,
        initial={
            "fee_due": selectors.channel_fee(procedure.current_version.data, "in_person"),
            "reception_point": str(points[0].pk) if len(points) == 1 else "",
        },
    )
    checklist = _checklist(procedure, post)
    if post is not None and form.is_valid():
        try:
            documents = _documents(request, checklist)
            point = next(p for p in points if str(p.pk) == form.cleaned_data["reception_point"])
            resolving = next(
                a for a in counter.agencies if a.code == form.cleaned_data["resolving_agency"]
            )
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
            messages.success(
                request,
                _("Đã tiếp nhận hồ sơ %(code)s. Hẹn trả kết quả: %(time)s, ngày %(date)s.")
                % {
                    "code": dossier.code,
                    "time": fmt_time(dossier.appointment_at),
                    "date": fmt_date(dossier.appointment_at),
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

DANGEROUS = {Action.REFUSE, Action.STOP, Action.WITHDRAW}


def _detail_context(request, dossier, *, error: tuple[str, str, str] | None = None) -> dict:
    applicant = services.read_applicant(
        user=request.user, dossier=dossier, what="xem hồ sơ trên trang cán bộ"
    )
    actions = services.allowed_actions(user=request.user, dossier=dossier)
    return {
        "dossier": dossier,
        "applicant": applicant,
        "documents": list(dossier.documents.all()),
        "events": _labelled(dossier.events.all(), dossier),
        "fee_text": pdf.fee_text(dossier.fee_due),
        "actions": [
            {
                "action": a.value,
                "label": ACTION_LABELS[a],
                "fields": services.action_fields(action=a),
                "danger": a in DANGEROUS,
            }
            for a in actions
        ],
        "error": error,
        "procedure_documents": [
            row["label"] for row in selectors.required_documents(selectors.version_data(dossier))
        ],
        "agencies": selectors.transfer_agencies(dossier),
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


@login_required
def dossier_page(request, code: str):
    dossier = _dossier_or_404(code)
    try:
        context = _detail_context(request, dossier)
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    return render(request, "dossiers/staff/dossier.html", context)


def _action_fields(request, action: Action) -> dict:
    """The action's fields from the page's form (`services.ACTIONS`): the missing documents are
    the ticked ones and one a line of “other”, the files the uploaded ones."""
    post = request.POST
    fields: dict[str, object] = {}
    for name in services.action_fields(action=action):
        if name == "files":
            fields[name] = request.FILES.getlist("files")
        elif name == "missing":
            other = post.get("missing_other", "").splitlines()
            fields[name] = post.getlist("missing") + [line for line in other if line.strip()]
        else:
            fields[name] = post.get(name, "")
    return fields


@login_required
@require_POST
def dossier_action(request, code: str):
    dossier = _dossier_or_404(code)
    try:
        action = Action(request.POST.get("action", ""))
    except ValueError:
        raise Http404(_("Thao tác không hợp lệ.")) from None
    if not services.action_fields(action=action):
        raise Http404(_("Thao tác không hợp lệ."))
    try:
        services.perform(
            action=action, user=request.user, obj=dossier, **_action_fields(request, action)
        )
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


@login_required
def dossier_file(request, code: str, kind: str, pk: int):
    """A document or attachment of the dossier, to staff who may view it (media files are not
    public)."""
    dossier = _dossier_or_404(code)
    try:
        found = selectors.dossier_file(request.user, dossier, kind=kind, pk=pk)
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    if found is None:
        raise Http404(_("Không có tệp."))
    field, name = found
    return FileResponse(field.open("rb"), as_attachment=True, filename=name)


@login_required
def dossier_pdf(request, code: str, form: str):
    dossier = _dossier_or_404(code)
    try:
        selectors.require_view(request.user, dossier)
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
    try:
        choice = selectors.tracking_choice(request.user, request.GET.get("co_quan", ""))
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    today = timezone.localdate()
    start = parse_date(request.GET.get("tu"), today.replace(day=1))
    end = parse_date(request.GET.get("den"), today)
    if "tai" not in request.GET:
        return render(
            request,
            "dossiers/staff/tracking_book.html",
            {"start": start, "end": end, "agencies": choice.agencies, "agency": choice.agency},
        )
    data = forms_pdf.tracking_book_xlsx(
        user=request.user,
        start=datetime.combine(start, time.min, tzinfo=VN_TZ),
        end=datetime.combine(end, time.max, tzinfo=VN_TZ),
        agency=choice.agency,
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
                _("Bước “%(name)s”: tỷ lệ thời gian phải là số nguyên (%%).")
                % {"name": row["name"][:60]},
                field="steps",
            ) from None
        agency = agencies.get(row["agency"]) if row["agency"] else None
        if row["agency"] and agency is None:
            raise ValidationError(_("Cơ quan thực hiện không hợp lệ."), field="steps")
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
    agency_code = request.POST.get("co_quan") or request.GET.get("co_quan") or ""
    try:
        process = selectors.process_page(request.user, procedure_code=code, agency_code=agency_code)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    procedure, agency, steps = process.procedure, process.agency, process.steps
    post = request.POST if request.method == "POST" else None
    rows = _step_rows(steps, post)
    error = None
    if post is not None:
        try:
            inputs = _step_inputs(rows, {a.code: a for a in process.agencies})
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
            "resolving": process.resolving,
            "rows": rows,
            "roles": Role.choices,
            "agencies": process.agencies,
            "defined": bool(steps),
            "error": error,
            "default_name": _(selectors.DEFAULT_STEP_NAME),
        },
        status=422 if error else 200,
    )


# --------------------------------------------------------------------------- audit trail

AUDIT_PAGE_SIZE = 50


@login_required
def audit_log(request):
    """Read-only audit trail for administrators: dossier changes and staff reads of personal
    data (dossiers, feedback), filtered by user, period and code."""
    username = (request.GET.get("nguoi_dung") or "").strip()[:150]
    code = (request.GET.get("ma") or "").strip()[:64]
    start = parse_date(request.GET.get("tu"))
    end = parse_date(request.GET.get("den"))
    try:
        rows = selectors.audit_trail(
            request.user,
            username=username,
            code=code,
            start=datetime.combine(start, time.min, tzinfo=VN_TZ) if start else None,
            end=datetime.combine(end, time.min, tzinfo=VN_TZ) + timedelta(days=1) if end else None,
        )
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
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
