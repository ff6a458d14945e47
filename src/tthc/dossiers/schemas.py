"""API schemas more than one router of dossiers answers with (one name, one shape each)."""

from ninja import Schema


class ApplicantOut(Schema):
    """The applicant as `tthc.dossiers.personal.applicant_view` shows it: masked (`masked`
    true) on the public lookup until verified, in full on the staff API."""

    kind: str
    name: str
    citizen_id: str
    date_of_birth: str
    phone: str
    email: str
    address: str
    representative: str
    masked: bool
