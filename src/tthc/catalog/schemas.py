"""Typed shape of a procedure's content: what versions store and what the API returns."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import BaseModel, StringConstraints
from pydantic import Field as PydanticField

ChannelKind = Literal["in_person", "online", "postal"]
TimeUnit = Literal["working_days", "days", "hours", "months", "none"]
LevelName = Literal["ministry", "province", "commune", "other"]
StatusName = Literal["published", "amended", "abolished"]
OnlineLevelName = Literal["full", "partial", "none"]


class ProcessingTime(Schema):
    amount: Decimal | None = None
    unit: TimeUnit = "none"
    text: str = ""


class Fee(Schema):
    amount_vnd: int | None = None
    text: str = ""


class Channel(Schema):
    channel: ChannelKind
    processing_time: ProcessingTime
    fees: list[Fee] = []
    description: str = ""


class Document(Schema):
    name: str
    group: str = ""  # the heading the portal prints above it ("Giấy tờ phải nộp", a case)
    form: str = ""
    originals: int | None = None
    copies: int | None = None
    condition: str = ""  # when it is needed ("Trường hợp …"); "" = always
    mandatory: bool = True  # False: "nếu có", conditional, or one of alternatives


class LegalBasis(Schema):
    title: str = ""
    number: str = ""


class Result(Schema):
    name: str
    code: str = ""


HourMinute = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class OfficeHoursOverride(Schema):
    """Office hours of one procedure where they differ from the province's (DOMAIN §5):
    only the times given replace the settings."""

    morning_start: HourMinute | None = None
    morning_end: HourMinute | None = None
    afternoon_start: HourMinute | None = None
    afternoon_end: HourMinute | None = None
    cutoff: HourMinute | None = None


class ProcedureData(Schema):
    """Every component of a procedure (DOMAIN §2). Stored as a version's `data`."""

    name: str = PydanticField(min_length=1, max_length=2000)
    levels: list[LevelName] = []
    field: str = ""
    procedure_type: str = ""
    subjects: list[str] = []
    status: StatusName = "published"
    online_level: OnlineLevelName = "none"
    boundary_free: bool = False
    steps: list[str] = []
    channels: list[Channel] = []
    documents: list[Document] = []
    document_notes: list[str] = []  # rules printed among the documents, shown under the list
    legal_bases: list[LegalBasis] = []
    results: list[Result] = []
    requirements: str = ""
    competent_agency: str = ""
    implementing_agency: str = ""
    authorised_agency: str = ""
    coordinating_agency: str = ""
    reception_address: str = ""
    related_procedures: str = ""
    keywords: str = ""
    description: str = ""
    decision_number: str = ""
    office_hours: OfficeHoursOverride | None = None


class AgencyRef(Schema):
    code: str
    name: str
    role: str


class DecisionRef(Schema):
    number: str
    issuer: str = ""
    signed_on: date | None = None
    effective_on: date | None = None


# A list row: a plain pydantic model, not a ninja `Schema` (the rows are dicts; a `Schema`
# validates each field through ninja's attribute getter, ~40 % of a cached search's time).
# No docstring: it would become the OpenAPI description, which stays as it was.
class ProcedureSummary(BaseModel):
    code: str
    name: str
    levels: list[LevelName]
    field: str | None
    status: StatusName
    online_level: OnlineLevelName
    boundary_free: bool
    version: int


class ProcedureDetail(ProcedureData):
    code: str
    agencies: list[AgencyRef] = []
    decisions: list[DecisionRef] = []
    version: int
    updated_at: datetime


class FieldOut(Schema):
    id: int
    name: str
    procedure_count: int


class AgencyOut(Schema):
    code: str
    name: str
    kind: str
    unit: str
    parent: str | None
    address: str
    phone: str
    email: str
