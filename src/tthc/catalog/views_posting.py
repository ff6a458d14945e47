"""Posting sheets (niêm yết công khai): public pages and A4 PDFs for the wall, per agency, per
reception point and per procedure. PDFs are rendered on request and cached by the catalog
fingerprint, so they follow every change of the catalog."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from tthc.catalog import pdf, posting, selectors
from tthc.catalog.documents import document_sections
from tthc.catalog.models import Status
from tthc.org.models import Agency, ReceptionPoint, UnitLevel

MAX_DOCUMENTS = 7  # the per-procedure sheet stays on one A4 page


def _province_name(agency: Agency) -> str:
    unit = agency.unit
    while unit.parent_id and unit.level != UnitLevel.PROVINCE:
        unit = unit.parent
    return settings.TTHC_PROVINCE_NAME or unit.name


def _agencies_text(data: dict, names: list[str]) -> str:
    names = list(dict.fromkeys(names))
    if data.get("implementing_agency") and len(names) != 1:
        return data["implementing_agency"]
    if len(names) > 3:
        return "; ".join(names[:3]) + f" và {len(names) - 3} cơ quan khác"
    return "; ".join(names) or data.get("competent_agency", "")


def _place(province_name: str) -> str:
    """The place of the date line: "Hà Nội, ngày …" (without "Thành phố" / "Tỉnh")."""
    return province_name.removeprefix("Thành phố ").removeprefix("Tỉnh ")


def _issuer_lines(agency: Agency) -> tuple[str, str]:
    """The two lines of the issuing-body block (Decree 30/2020): the body above, then the
    agency itself."""
    parent = agency.parent.name if agency.parent_id else ""
    if not parent and agency.kind != "peoples_committee":
        parent = f"Ủy ban nhân dân {_province_name(agency)}"
    return parent, agency.name


def _sheet_context(agency: Agency, procedures, *, point: ReceptionPoint | None = None) -> dict:
    today = timezone.localdate()
    groups = posting.posting_groups(procedures)
    with_qr = [(field, [(row, pdf.qr_data_uri(row.url)) for row in rows]) for field, rows in groups]
    parent, name = _issuer_lines(agency)
    return {
        "agency": agency,
        "point": point,
        "parent_name": parent,
        "agency_name": name,
        "province_name": _province_name(agency),
        "place": _place(_province_name(agency)),
        "groups": with_qr,
        "count": sum(len(rows) for _f, rows in groups),
        "today": today,
        "base_url": settings.TTHC_PUBLIC_BASE_URL,
    }


def _pdf_response(content: bytes, filename: str, *, download: bool) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    kind = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{kind}; filename="{filename}"'
    response["Cache-Control"] = "no-cache"
    return response


def index(request):
    agencies = posting.posting_agencies()
    return render(request, "catalog/posting/index.html", {"agencies": agencies})


def agency_sheet(request, code: str):
    agency = _agency(code)
    context = _sheet_context(agency, posting.received_procedures(agency))
    return render(request, "catalog/posting/agency.html", context)


def agency_pdf(request, code: str):
    agency = _agency(code)
    key = f"agency:{agency.pk}:{posting.fingerprint(agency)}"
    content = pdf.cached_pdf(
        key,
        lambda: pdf.render_pdf(
            "catalog/posting/sheet_pdf.html",
            _sheet_context(agency, posting.received_procedures(agency)),
        ),
    )
    filename = pdf.ascii_filename(
        "niem-yet-tthc", agency.short_name or agency.name, f"{timezone.localdate():%Y%m%d}"
    )
    return _pdf_response(content, filename, download="tai" in request.GET)


def _agency(code: str) -> Agency:
    agency = posting.posting_agency(code)
    if agency is None:
        raise Http404(_("Không tìm thấy cơ quan."))
    return agency


def _point(pk: int) -> ReceptionPoint:
    point = posting.reception_point(pk)
    if point is None:
        raise Http404(_("Không tìm thấy điểm tiếp nhận."))
    return point


def point_sheet(request, pk: int):
    point = _point(pk)
    context = _sheet_context(point.agency, posting.reception_point_procedures(point), point=point)
    return render(request, "catalog/posting/agency.html", context)


def point_pdf(request, pk: int):
    point = _point(pk)
    key = f"point:{point.pk}:{point.updated_at.timestamp()}:{posting.fingerprint(point.agency)}"
    content = pdf.cached_pdf(
        key,
        lambda: pdf.render_pdf(
            "catalog/posting/sheet_pdf.html",
            _sheet_context(point.agency, posting.reception_point_procedures(point), point=point),
        ),
    )
    filename = pdf.ascii_filename("niem-yet-tthc", point.name, f"{timezone.localdate():%Y%m%d}")
    return _pdf_response(content, filename, download="tai" in request.GET)


def procedure_pdf(request, code: str):
    """One A4 page for one procedure, with a large QR code to its public page."""
    procedure = selectors.procedure_detail(code)
    if procedure is None:
        raise Http404("Không có thủ tục này.")
    row = posting.posting_row(procedure)
    version = procedure.current_version
    key = (
        f"procedure:{procedure.pk}:{version.pk}:{procedure.updated_at.timestamp()}:"
        f"{settings.TTHC_PUBLIC_BASE_URL}"
    )
    links = list(procedure.agency_links.all())
    agency = links[0].agency if links else None

    def render_sheet() -> bytes:
        data = version.data
        documents = [
            dict(d, condition=section.condition)
            for section in document_sections(data.get("documents", []))
            for d in section.documents
        ]
        context = {
            "procedure": procedure,
            "data": data,
            "row": row,
            "qr": pdf.qr_data_uri(row.url),
            "documents": documents[:MAX_DOCUMENTS],
            "more_documents": max(0, len(documents) - MAX_DOCUMENTS),
            "document_notes": data.get("document_notes", []),
            "agencies_text": _agencies_text(data, [link.agency.name for link in links]),
            "abolished": procedure.status == Status.ABOLISHED,
            "today": timezone.localdate(),
            "place": _place(_province_name(agency) if agency else settings.TTHC_PROVINCE_NAME),
            "parent_name": "",
            "agency_name": "Ủy ban nhân dân "
            + (_province_name(agency) if agency else settings.TTHC_PROVINCE_NAME),
        }
        return pdf.render_pdf("catalog/posting/procedure_pdf.html", context)

    content = pdf.cached_pdf(key, render_sheet)
    filename = pdf.ascii_filename("thu-tuc", procedure.code, procedure.name[:60])
    return _pdf_response(content, filename, download="tai" in request.GET)
