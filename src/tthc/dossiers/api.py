"""Public API of dossiers: status lookup by code."""

from datetime import datetime

from ninja import Router, Schema

from tthc.core.errors import NotFound
from tthc.dossiers import selectors

router = Router(tags=["Hồ sơ"])


class ApplicantOut(Schema):
    kind: str
    name: str
    citizen_id: str
    date_of_birth: str
    phone: str
    email: str
    address: str
    representative: str
    masked: bool


class StepOut(Schema):
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
    steps: list[StepOut]
    verified: bool
    verify_blocked: bool
    applicant: ApplicantOut


@router.get("/{code}", response=DossierLookupOut, summary="Tra cứu hồ sơ theo mã")
def dossier_lookup(request, code: str, verify: str | None = None):
    """Status, steps and appointment (dd/mm/yyyy) of a dossier. Personal details appear in full
    only when `verify` holds the last 4 digits of the applicant's citizen ID or phone."""
    result = selectors.lookup(code, verify=verify)
    if result is None:
        raise NotFound("Không tìm thấy hồ sơ có mã này.", field="code")
    return result
