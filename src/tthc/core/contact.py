"""Contact details shared by the apps that collect them (dossiers, feedback): validation of a
Vietnamese phone number and an e-mail address, and masking of names, numbers, e-mail and postal
addresses for public views (Decree 13/2023, DOMAIN §11)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email as _django_validate_email

from tthc.core.errors import ValidationError

_PHONE = re.compile(r"^0\d{9,10}$")
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.\-]?\d){8,10}(?!\d)")
_EMAIL_IN_TEXT = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_ID_IN_TEXT = re.compile(r"(?<!\d)\d{12}(?!\d)")


def clean_phone(value: str | None, *, field: str = "phone") -> str:
    """'+84 912.345.678' -> '0912345678'; empty stays empty; raises ValidationError."""
    value = re.sub(r"[\s.\-()]", "", value or "")
    if value.startswith("+84"):
        value = "0" + value[3:]
    elif value.startswith("84") and len(value) in (11, 12):
        value = "0" + value[2:]
    if value and not _PHONE.match(value):
        raise ValidationError("Số điện thoại không hợp lệ.", field=field)
    return value


def clean_email(value: str | None, *, field: str = "email") -> str:
    value = (value or "").strip()
    if value:
        try:
            _django_validate_email(value)
        except DjangoValidationError:
            raise ValidationError("Địa chỉ thư điện tử không hợp lệ.", field=field) from None
    return value.lower() if value else ""


def mask_name(name: str) -> str:
    """'Nguyễn Văn An' -> 'Nguyễn V*** A'."""
    words = (name or "").split()
    if not words:
        return ""
    if len(words) == 1:
        return words[0][0] + "***"
    return " ".join([words[0], *(w[0] + "***" for w in words[1:-1]), words[-1][0]])


def mask_digits(value: str, keep: int = 3) -> str:
    """'0912345678' -> '*******678'."""
    if not value:
        return ""
    return "*" * max(len(value) - keep, 0) + value[-keep:]


def mask_email(value: str) -> str:
    """'an.nguyen@example.vn' -> 'a***@example.vn'."""
    if not value or "@" not in value:
        return ""
    local, domain = value.split("@", 1)
    return f"{local[0]}***@{domain}"


def mask_address(value: str) -> str:
    """Only the last part (province or commune) stays: '***, Hà Nội'."""
    parts = [p.strip() for p in (value or "").split(",") if p.strip()]
    if not parts:
        return ""
    return "***" if len(parts) == 1 else f"***, {parts[-1]}"


def redact_contacts(text: str) -> str:
    """Phone numbers, e-mail addresses and 12-digit identity numbers written inside a free text
    are replaced by '***' before the text is shown in public."""
    text = _EMAIL_IN_TEXT.sub("***", text or "")
    text = _ID_IN_TEXT.sub("***", text)
    return _PHONE_IN_TEXT.sub("***", text)
