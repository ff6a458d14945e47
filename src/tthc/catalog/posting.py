"""Reads for the posting sheets (niêm yết công khai): which procedures an agency or a
reception point receives, one row per procedure, and the catalog fingerprint that keys the
rendered PDFs so a change of the catalog produces a new file."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.urls import NoReverseMatch, reverse

from tthc.catalog.models import Procedure, ProcedureAgency, ProcedureVersion, Status
from tthc.org.models import Agency, AgencyKind, ReceptionPoint, UnitLevel

MAX_CELL_CHARS = 110
CHANNEL_LABELS = {"in_person": "Trực tiếp", "online": "Trực tuyến", "postal": "Bưu chính"}


def served_agencies(agency: Agency) -> QuerySet[Agency]:
    """The agencies whose procedures `agency` receives.

    Rule:
    - an ordinary agency receives its own procedures (those linked to it by ProcedureAgency, in
      any role);
    - a provincial Public Administration Service Centre (AgencyKind.SERVICE_CENTRE on a
      province-level unit) receives for every province-level agency of its province
      (Decree 118/2025: one centre, procedures received regardless of boundary);
    - a commune service centre receives for the People's Committee of its commune.
    The centre itself is always included (procedures linked to it directly).
    """
    if agency.kind != AgencyKind.SERVICE_CENTRE:
        return Agency.objects.filter(pk=agency.pk)
    if agency.unit.level == UnitLevel.PROVINCE:
        return Agency.objects.filter(
            Q(pk=agency.pk) | Q(unit=agency.unit, unit__level=UnitLevel.PROVINCE)
        )
    return Agency.objects.filter(
        Q(pk=agency.pk) | Q(unit=agency.unit, kind=AgencyKind.PEOPLES_COMMITTEE)
    )


def posting_agency(code: str) -> Agency | None:
    """An agency whose posting sheet is asked for, with what the sheet's heading shows."""
    return Agency.objects.select_related("unit", "parent").filter(code=code).first()


def reception_point(pk: int) -> ReceptionPoint | None:
    return (
        ReceptionPoint.objects.select_related("agency__unit", "agency__parent")
        .filter(pk=pk)
        .first()
    )


def received_procedures(agency: Agency) -> QuerySet[Procedure]:
    """The procedures in force that `agency` receives (see `served_agencies`), by code.

    A service centre lists only the procedures of its level: province-level procedures for
    the provincial centre, commune-level ones for a commune centre. Abolished procedures are
    not posted.
    """
    queryset = Procedure.objects.filter(agency_links__agency__in=served_agencies(agency))
    if agency.kind == AgencyKind.SERVICE_CENTRE:
        direct = Q(agency_links__agency=agency)
        if agency.unit.level == UnitLevel.PROVINCE:
            queryset = queryset.filter(direct | Q(is_province_level=True))
        else:
            queryset = queryset.filter(direct | Q(is_commune_level=True))
    ids = queryset.exclude(status=Status.ABOLISHED).values("pk")
    return (
        Procedure.objects.filter(pk__in=ids)
        .select_related("current_version", "field")
        .defer("name_folded", "body_folded", "current_version__source", "current_version__diff")
        .order_by("field__name", "code")
    )


def reception_point_procedures(point: ReceptionPoint) -> QuerySet[Procedure]:
    """A reception point receives the procedures of its agency."""
    return received_procedures(point.agency)


def fingerprint(agency: Agency) -> str:
    """Changes whenever anything printed on the agency's sheets can change: a new version,
    a version made current (procedure updated), a link added or removed, the agency's own
    details, or the public address the QR codes point to."""
    agencies = served_agencies(agency)
    versions = ProcedureVersion.objects.aggregate(last=Max("id"))
    procedures = Procedure.objects.aggregate(updated=Max("updated_at"), n=Count("id"))
    links = ProcedureAgency.objects.filter(agency__in=agencies).aggregate(
        n=Count("id"), last=Max("id")
    )
    points = ReceptionPoint.objects.filter(agency=agency).aggregate(updated=Max("updated_at"))
    parts = [
        versions["last"],
        procedures["updated"],
        procedures["n"],
        links["n"],
        links["last"],
        agency.updated_at,
        points["updated"],
        settings.TTHC_PUBLIC_BASE_URL,
    ]
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:16]


def public_url(code: str) -> str:
    """The absolute address of a procedure's public page (what the QR codes encode)."""
    try:
        path = reverse("catalog:procedure", args=[code])
    except NoReverseMatch:  # the public page's URL is not registered (yet)
        path = f"/thu-tuc/{code}/"
    return settings.TTHC_PUBLIC_BASE_URL.rstrip("/") + path


@dataclass(frozen=True)
class PostingRow:
    code: str
    name: str
    field: str
    time: str
    fee: str
    url: str
    online_level: str


def _per_channel(channels: list[dict], text_of) -> str:
    """One text if every channel says the same, else "Trực tiếp: …; Trực tuyến: …"."""
    texts = [(CHANNEL_LABELS.get(c["channel"], c["channel"]), text_of(c)) for c in channels]
    texts = [(label, text) for label, text in texts if text]
    # The portal repeats one text per channel with different brackets: compare them folded.
    distinct = {re.sub(r"[\W_]+", "", text.lower()): text for _label, text in texts}
    if len(distinct) <= 1:
        return next(iter(distinct.values()), "")
    return "; ".join(f"{label}: {text}" for label, text in texts)


def shorten(text: str, limit: int = MAX_CELL_CHARS) -> str:
    """A wall sheet's cell stays short; the full text is one QR scan away."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:(") + " … (xem mã QR)"


def _time_text(channel: dict) -> str:
    time = channel.get("processing_time") or {}
    if time.get("text"):
        return time["text"]
    units = {"working_days": "ngày làm việc", "days": "ngày", "hours": "giờ", "months": "tháng"}
    if time.get("amount") is not None:
        return f"{time['amount']} {units.get(time.get('unit'), '')}".strip()
    return ""


def _fee_text(channel: dict) -> str:
    parts = []
    for fee in channel.get("fees", []):
        if fee.get("text"):
            parts.append(fee["text"])
        elif fee.get("amount_vnd") is not None:
            parts.append(f"{fee['amount_vnd']:,} đồng".replace(",", "."))
    return ", ".join(parts)


def posting_row(procedure: Procedure) -> PostingRow:
    data = procedure.current_version.data
    channels = data.get("channels", [])
    return PostingRow(
        code=procedure.code,
        name=procedure.name,
        field=procedure.field.name if procedure.field else "Lĩnh vực khác",
        time=shorten(_per_channel(channels, _time_text)) or "Theo quy định",
        fee=shorten(_per_channel(channels, _fee_text)) or "Không có thông tin",
        url=public_url(procedure.code),
        online_level=procedure.get_online_level_display(),
    )


def posting_groups(procedures) -> list[tuple[str, list[PostingRow]]]:
    """Rows grouped by field, in the order given (the queryset sorts by field, then code)."""
    groups: dict[str, list[PostingRow]] = {}
    for procedure in procedures:
        row = posting_row(procedure)
        groups.setdefault(row.field, []).append(row)
    return list(groups.items())


def posting_agencies() -> QuerySet[Agency]:
    """Agencies that have something to post, with their reception points."""
    return (
        Agency.objects.filter(is_active=True)
        .select_related("unit")
        .prefetch_related("reception_points")
        .order_by("unit__level", "kind", "name")
    )
