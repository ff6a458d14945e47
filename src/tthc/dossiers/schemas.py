"""API schemas more than one router of dossiers answers with (one name, one shape each)."""

from ninja import Schema


class ApplicantOut(Schema):
    """The applicant as `tthc.dossiers.personal.applicant_view` shows it: masked (`masked`
    true) on the public lookup until verified, in full on the staff API; empty with `erased`
    true (and `erased_date`, dd/mm/yyyy) once the personal data was erased at the end of the
    retention period (`TTHC_DOSSIER_RETENTION_DAYS`)."""

    kind: str
    name: str
    citizen_id: str
    date_of_birth: str
    phone: str
    email: str
    address: str
    representative: str
    masked: bool
    erased: bool = False
    erased_date: str = ""
