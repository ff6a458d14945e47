"""Reads of the organisation: a user's roles."""

from __future__ import annotations

from django.db.models import QuerySet

from tthc.core.models import User
from tthc.org.models import Membership


def memberships_of(user: User) -> QuerySet[Membership]:
    """The roles `user` holds, with their agencies (the staff home lists them)."""
    return Membership.objects.filter(user=user).select_related("agency").order_by("role")
