"""The API of dossiers, one router that `tthc.api` mounts at the root like every app's:
the public operations under /dossiers (online submission with files, status lookup by code,
below) and the staff's under /staff/ (`staff_api`: queues, the full dossier, the actions;
session authentication)."""

from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import Form, Router, Schema, Status

from tthc.core.api import Id, errors
from tthc.core.errors import NotFound
from tthc.core.ratelimit import client_ip
from tthc.dossiers import selectors, services, staff_api
from tthc.dossiers.pdf import lookup_url
from tthc.dossiers.personal import ApplicantInput
from tthc.dossiers.schemas import ApplicantOut

public = Router(tags=["Hồ sơ"])


class DossierStepOut(Schema):
    action: str
    label: str
    at: datetime
    date: str
    time: str
    status: int
    status_label: str


class DossierLookupOut(Schema):
    code: str
    procedure_code: str
    procedure_name: str
    channel: int
    channel_label: str
    status: int
    status_label: str
    receiving_agency: str
    resolving_agency: str
    reception_point: str
    submitted_at: datetime
    received_at: datetime | None
    received_date: str
    appointment_at: datetime | None
    appointment_date: str
    appointment_time: str
    rescheduled: bool
    steps: list[DossierStepOut]
    verified: bool
    verify_blocked: bool
    applicant: ApplicantOut


@public.get(
    "/{code}", response={200: DossierLookupOut, **errors(404)}, summary="Tra cứu hồ sơ theo mã"
)
def dossier_lookup(request, code: str, verify: str | None = None):
    """Status, steps and appointment (dd/mm/yyyy) of a dossier. Personal details appear in full
    only when `verify` holds the dossier's lookup secret: 8 characters (`ABCD-EFGH`, hyphen,
    spaces and case ignored) printed on the receipt, shown on the online confirmation page and
    sent in the e-mail and SMS notifications; nothing the masked answer shows verifies. After
    `TTHC_DOSSIER_LOOKUP_VERIFY_ATTEMPTS` wrong secrets for one code within
    `TTHC_DOSSIER_LOOKUP_VERIFY_WINDOW_SECONDS` (5 in 15 minutes), `verify_blocked` is true and
    the details stay masked until the window ends."""
    result = selectors.lookup(code, verify=verify)
    if result is None:
        raise NotFound(_("Không tìm thấy hồ sơ có mã này."), field="code")
    return result


class SubmissionIn(Schema):
    procedure: str
    resolving_agency: str
    reception_point: Id | None = None
    kind: str = "person"
    full_name: str = ""
    citizen_id: str = ""
    date_of_birth: date | None = None
    phone: str = ""
    email: str = ""
    address: str = ""
    organisation_name: str = ""
    tax_code: str = ""
    representative: str = ""


class SubmissionOut(Schema):
    code: str
    status: int
    status_label: str
    lookup_url: str


def _multipart_schema() -> dict:
    schema = SubmissionIn.model_json_schema()
    schema["description"] = (
        "Các trường của người nộp và một tệp cho mỗi thành phần hồ sơ: file_1, file_2, ... "
        "theo thứ tự thành phần hồ sơ của thủ tục."
    )
    schema["patternProperties"] = {r"^file_\d+$": {"type": "string", "format": "binary"}}
    return {
        "requestBody": {
            "required": True,
            "content": {"multipart/form-data": {"schema": schema}},
        }
    }


@public.post(
    "",
    response={201: SubmissionOut, **errors(404, 409, 429)},
    summary="Nộp hồ sơ trực tuyến (multipart, kèm tệp)",
    openapi_extra=_multipart_schema(),
)
def dossier_submit(request, payload: Form[SubmissionIn]):
    """Multipart form: the fields below and one file per document of the procedure version,
    named `file_1`, `file_2`, ... in the order of the procedure's documents. An
    `Idempotency-Key` header makes a retried request return the first dossier. Files: PDF, JPEG,
    PNG, DOCX, XLSX, ODT, at most `TTHC_MAX_UPLOAD_MB` each; a refused file answers 422
    `{"detail", "code", "field"}` and nothing is stored."""
    applicant = ApplicantInput(
        kind=payload.kind,
        full_name=payload.full_name,
        citizen_id=payload.citizen_id,
        date_of_birth=payload.date_of_birth,
        phone=payload.phone,
        email=payload.email,
        address=payload.address,
        organisation_name=payload.organisation_name,
        tax_code=payload.tax_code,
        representative=payload.representative,
    )
    files = {name: request.FILES[name] for name in request.FILES}
    services.check_submission_rate(ip=client_ip(request))
    dossier = services.submit_once(
        key=request.headers.get("Idempotency-Key", ""),
        submit=lambda then: services.submit_online_request(
            procedure_code=payload.procedure,
            resolving_agency_code=payload.resolving_agency,
            reception_point_id=payload.reception_point,
            applicant=applicant,
            files=files,
            then=then,
        ),
    )
    return Status(
        201,
        {
            "code": dossier.code,
            "status": dossier.status,
            "status_label": dossier.get_status_display(),
            "lookup_url": lookup_url(dossier),
        },
    )


router = Router()
router.add_router("/dossiers", public)
router.add_router("/staff/", staff_api.router)
