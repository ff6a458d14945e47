"""Reads of the organisation: a user's roles, an agency named in a form or a request."""

from __future__ import annotations

from django.db.models import QuerySet

from tthc.core.models import User
from tthc.core.text import ascii_digits
from tthc.org.models import Agency, Membership


def agency_by_reference(value: object) -> Agency | None:
    """An agency given as itself, its id or its code; None for none or no such agency."""
    if value is None or isinstance(value, Agency):
        return value
    text = str(value).strip()
    if ascii_digits(text) and len(text) < 10:
        found = Agency.objects.filter(pk=int(text)).first()
        if found is not None:
            return found
    return Agency.objects.filter(code=text[:40]).first() if text else None


def memberships_of(user: User) -> QuerySet[Membership]:
    """The roles `user` holds, with their agencies (the staff home lists them)."""
    return Membership.objects.filter(user=user).select_related("agency").order_by("role")
