"""Appending to a history: the one way every app writes its events (`tthc.core.models.Event`)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.utils import timezone

from tthc.core.models import Event

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

E = TypeVar("E", bound=Event)


def append_event(
    model: type[E],
    subject: models.Model,
    *,
    action: str,
    user: AbstractBaseUser | AnonymousUser | None,
    at: datetime | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
    **fields: Any,
) -> E:
    """Write one `model` row on `subject` (the object named by `model.subject_field`): the
    actor is `user` (None for an anonymous visitor or the system), `at` defaults to now, and
    `fields` are the model's own columns (statuses, agency)."""
    return model.objects.create(
        **{model.subject_field: subject},
        at=timezone.now() if at is None else at,
        actor=user if user is not None and user.is_authenticated else None,
        action=action,
        note=note,
        data=data or {},
        **fields,
    )
