"""Applicant data: validation of what staff or citizens enter, and masking for public views
(Decree 13/2023, DOMAIN §11)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from tthc.core import lookupcode
from tthc.core.contact import (
    clean_email,
    clean_phone,
    mask_address,
    mask_digits,
    mask_email,
    mask_name,
)
from tthc.core.errors import ValidationError
from tthc.core.text import normalize_space
from tthc.dossiers.models import Applicant, ApplicantKind, Dossier
from tthc.workdays.engine import to_local

_CITIZEN_ID = re.compile(r"^\d{12}$")
_TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")
# 4th digit of the citizen ID: century and sex (0/1: 1900s, 2/3: 2000s, 4/5: 2100s...).
_CENTURY = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200}


@dataclass(frozen=True)
class ApplicantInput:
    kind: str = ApplicantKind.PERSON
    full_name: str = ""
    citizen_id: str = ""
    date_of_birth: date | None = None
    phone: str = ""
    email: str = ""
    address: str = ""
    organisation_name: str = ""
    tax_code: str = ""
    representative: str = ""


def validate_citizen_id(value: str, date_of_birth: date | None = None) -> str:
    """A 12-digit personal identification number (Decree 137/2015, Circular 59/2021): province
    code 001–096, then century/sex digit and the two last digits of the birth year."""
    value = (value or "").strip()
    if not _CITIZEN_ID.match(value):
        raise ValidationError(
            _("Số định danh cá nhân phải gồm đúng 12 chữ số."), field="citizen_id"
        )
    if not 1 <= int(value[:3]) <= 96:
        raise ValidationError(
            "Số định danh cá nhân có mã tỉnh (3 chữ số đầu) không hợp lệ.", field="citizen_id"
        )
    century = _CENTURY.get(int(value[3]))
    if century is None:
        raise ValidationError(
            "Số định danh cá nhân có mã thế kỷ, giới tính (chữ số thứ 4) không hợp lệ.",
            field="citizen_id",
        )
    if date_of_birth is not None and (
        date_of_birth.year // 100 * 100 != century
        or value[4:6] != f"{date_of_birth.year % 100:02d}"
    ):
        raise ValidationError(
            _("Số định danh cá nhân không khớp với năm sinh."), field="citizen_id"
        )
    return value


def clean_applicant(data: ApplicantInput, *, today: date) -> dict:
    """The applicant's fields, validated and normalised; raises ValidationError."""
    if data.kind not in ApplicantKind.values:
        raise ValidationError(_("Loại người nộp không hợp lệ."), field="kind")
    fields = {
        "kind": data.kind,
        "full_name": normalize_space(data.full_name)[:200],
        "phone": clean_phone(data.phone),
        "email": clean_email(data.email),
        "address": normalize_space(data.address)[:300],
        "date_of_birth": data.date_of_birth,
        "citizen_id": "",
        "organisation_name": "",
        "tax_code": "",
        "representative": "",
    }
    if data.date_of_birth is not None and data.date_of_birth > today:
        raise ValidationError(_("Ngày sinh không được sau ngày hôm nay."), field="date_of_birth")
    if data.kind == ApplicantKind.PERSON:
        if not fields["full_name"]:
            raise ValidationError(_("Cần nhập họ và tên người nộp."), field="full_name")
        fields["citizen_id"] = validate_citizen_id(data.citizen_id, data.date_of_birth)
    else:
        fields["organisation_name"] = normalize_space(data.organisation_name)[:300]
        if not fields["organisation_name"]:
            raise ValidationError(_("Cần nhập tên tổ chức."), field="organisation_name")
        tax_code = (data.tax_code or "").strip()
        if not _TAX_CODE.match(tax_code):
            raise ValidationError(
                "Mã số thuế phải gồm 10 chữ số (hoặc 10 chữ số, gạch ngang và 3 chữ số).",
                field="tax_code",
            )
        fields["tax_code"] = tax_code
        fields["representative"] = normalize_space(data.representative)[:200]
        if not fields["representative"]:
            raise ValidationError(_("Cần nhập người đại diện của tổ chức."), field="representative")
        if data.citizen_id:
            fields["citizen_id"] = validate_citizen_id(data.citizen_id, None)
    if not fields["phone"] and not fields["email"]:
        raise ValidationError(
            "Cần ít nhất số điện thoại hoặc thư điện tử để liên hệ.", field="phone"
        )
    return fields


def applicant_view(applicant: Applicant, *, full: bool) -> dict:
    """What the lookup shows about the applicant: everything when `full`, else masked."""
    person = applicant.kind == ApplicantKind.PERSON
    if applicant.erased_at is not None:
        # Erased at the end of the retention period (`tthc.dossiers.retention`): nothing left.
        return {
            "kind": applicant.kind,
            "name": "" if person else applicant.organisation_name,
            "citizen_id": "",
            "date_of_birth": "",
            "phone": "",
            "email": "",
            "address": "",
            "representative": "",
            "masked": False,
            "erased": True,
            "erased_date": f"{to_local(applicant.erased_at):%d/%m/%Y}",
        }
    if full:
        return {
            "kind": applicant.kind,
            "name": applicant.full_name if person else applicant.organisation_name,
            "citizen_id": applicant.citizen_id,
            "date_of_birth": (
                f"{applicant.date_of_birth:%d/%m/%Y}" if applicant.date_of_birth else ""
            ),
            "phone": applicant.phone,
            "email": applicant.email,
            "address": applicant.address,
            "representative": applicant.representative,
            "masked": False,
            "erased": False,
        }
    return {
        "kind": applicant.kind,
        # An organisation's name is not personal data.
        "name": mask_name(applicant.full_name) if person else applicant.organisation_name,
        "citizen_id": mask_digits(applicant.citizen_id, 4),
        "date_of_birth": (
            f"**/**/{applicant.date_of_birth.year}" if applicant.date_of_birth else ""
        ),
        "phone": mask_digits(applicant.phone, 3),
        "email": mask_email(applicant.email),
        "address": mask_address(applicant.address),
        "representative": mask_name(applicant.representative),
        "masked": True,
        "erased": False,
    }


def verifies(dossier: Dossier, verify: str | None) -> bool:
    """True when `verify` is the dossier's lookup secret (case, spaces and hyphens ignored).
    Never for a dossier without one or whose applicant data was erased."""
    if dossier.applicant.erased_at is not None:
        return False
    return lookupcode.matches(dossier.lookup_secret, verify)
