"""Internal processing steps of a procedure (quy trình nội bộ): who does what share of the legal
time. A definition, not a dossier write: dossiers read it through `selectors.current_step`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from tthc.catalog.models import Procedure
from tthc.core.errors import PermissionDenied, ValidationError
from tthc.core.text import normalize_space
from tthc.dossiers.models import ProcessStep
from tthc.org.models import Agency, Role
from tthc.org.policy import Action as Policy
from tthc.org.policy import can


@dataclass(frozen=True)
class StepInput:
    """One internal step: `responsible_agency` None means the dossier's resolving agency."""

    name: str
    role: str
    share_percent: int
    responsible_agency: Agency | None = None


def may_edit_process(user, agency: Agency | None) -> bool:
    """Catalog editors define every process; an agency's leader (who manages the agency) the
    process of their own agency."""
    if can(user, Policy.CATALOG_EDIT):
        return True
    return agency is not None and can(user, Policy.ORG_MANAGE_AGENCY, agency)


def save_process(
    *, user, procedure: Procedure, agency: Agency | None = None, steps: Sequence[StepInput]
) -> list[ProcessStep]:
    """Replace the process definition of `procedure` (for the resolving `agency`, or for every
    agency when None). The shares must sum to 100 % of the legal time; no steps removes the
    definition (the default single step applies again). Open dossiers keep their step number,
    capped to the new number of steps by `selectors.current_step`."""
    if not may_edit_process(user, agency):
        raise PermissionDenied(_("Bạn không có quyền sửa quy trình nội bộ của thủ tục này."))
    rows = []
    roles = set(Role.values)
    for order, step in enumerate(steps, start=1):
        name = normalize_space(step.name)
        if not name:
            raise ValidationError(
                _("Bước %(order)s: cần nhập tên bước.") % {"order": order}, field="steps"
            )
        if len(name) > 300:
            raise ValidationError(
                _("Bước %(order)s: tên bước quá dài (tối đa 300 ký tự).") % {"order": order},
                field="steps",
            )
        if step.role not in roles:
            raise ValidationError(
                _("Bước %(order)s: vai trò thực hiện không hợp lệ.") % {"order": order},
                field="steps",
            )
        share = step.share_percent
        if isinstance(share, bool) or not isinstance(share, int) or not 1 <= share <= 100:
            raise ValidationError(
                _("Bước %(order)s: tỷ lệ thời gian phải là số nguyên từ 1 đến 100 (%%).")
                % {"order": order},
                field="steps",
            )
        if step.responsible_agency is not None and not step.responsible_agency.is_active:
            raise ValidationError(
                _("Bước %(order)s: cơ quan thực hiện đã ngừng hoạt động.") % {"order": order},
                field="steps",
            )
        rows.append(
            ProcessStep(
                procedure=procedure,
                agency=agency,
                order=order,
                name=name,
                role=step.role,
                share_percent=share,
                responsible_agency=step.responsible_agency,
            )
        )
    total = sum(row.share_percent for row in rows)
    if rows and total != 100:
        raise ValidationError(
            _(
                "Tổng tỷ lệ thời gian của các bước phải bằng 100%% thời hạn giải quyết theo quy "
                "định (hiện là %(total)s%%)."
            )
            % {"total": total},
            field="steps",
        )
    with transaction.atomic():
        ProcessStep.objects.filter(procedure=procedure, agency=agency).delete()
        ProcessStep.objects.bulk_create(rows)
    return rows
