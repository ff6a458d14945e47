"""The refusals every state machine's `services.perform` shares (decision 0012): an action it
does not know, a field the action does not take."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from tthc.core.errors import ValidationError


def unknown_action(*, field: str = "action") -> ValidationError:
    return ValidationError(_("Thao tác không hợp lệ."), field=field, code="unknown_action")


def refuse_unknown_fields(fields: Iterable[str], taken: Iterable[str], *, label: str) -> None:
    """Refuse every field of `fields` not in `taken`, naming them and the action (`label`)."""
    unknown = sorted(set(fields) - set(taken))
    if unknown:
        raise ValidationError(
            _("Thao tác “%(action)s” không nhận thông tin: %(fields)s.")
            % {"action": label, "fields": ", ".join(unknown)},
            field=unknown[0],
            code="unknown_field",
        )
