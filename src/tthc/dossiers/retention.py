"""Retention of applicants' personal data (DOMAIN §11: keep and delete by a stated retention
period; Decree 13/2023).

A dossier finished (refused, withdrawn, stopped, resolved, result returned — the status is one
of `FINISHED_STATUSES` and its last finishing event is older than the period) loses its
applicant's personal data: name, citizen ID, date of birth, phone, e-mail, address and the
organisation's representative become empty, `Applicant.erased_at` is set, the addresses the
notifications were sent to are blanked, and a `personal_data_erased` event is appended (the
audit trail `/quan-tri/nhat-ky/` lists it, with no user: the system did it). What statistics
and the index need stays: the dossier, its code, procedure, agencies, channel, status, dates,
deadlines and events, the applicant's kind, an organisation's name and tax code (not personal
data). Unfinished dossiers are never touched.

The period is `TTHC_DOSSIER_RETENTION_DAYS` (default 1825 = 5 years, the same stated period as
feedback); the clock runs `erase_expired_task` daily (`TTHC_PERIODIC_TASKS`). Batched (a batch
is selected by primary key, updated with one statement per table and committed), so a million
expired rows never load at once; idempotent (erased applicants are skipped, a second run
changes nothing); safe beside a concurrent run (each batch locks its applicants first).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django_tasks import task

from tthc.dossiers.models import (
    FINISHED_STATUSES,
    Applicant,
    Dossier,
    DossierEvent,
    Notification,
)
from tthc.dossiers.transitions import Action

DEFAULT_RETENTION_DAYS = 5 * 365
DEFAULT_BATCH_SIZE = 500

# The events that finish a dossier (as selectors._FINISH_ORDER): the latest one dates the end.
FINISHING_ACTIONS = (
    Action.REFUSE,
    Action.WITHDRAW,
    Action.STOP,
    Action.RESOLVE,
    Action.RETURN_RESULT,
)

ERASED_FIELDS = {
    "full_name": "",
    "citizen_id": "",
    "date_of_birth": None,
    "phone": "",
    "email": "",
    "address": "",
    "representative": "",
}


def retention_days() -> int:
    return int(getattr(settings, "TTHC_DOSSIER_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def retention_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=retention_days())


def expired(cutoff: datetime) -> QuerySet[Dossier]:
    """Finished dossiers whose applicant is not erased yet and whose last finishing event is
    before `cutoff`."""
    finished = (
        DossierEvent.objects.filter(dossier=OuterRef("pk"), action__in=FINISHING_ACTIONS)
        .order_by("-at")
        .values("at")[:1]
    )
    return (
        Dossier.objects.filter(status__in=FINISHED_STATUSES, applicant__erased_at__isnull=True)
        .annotate(finished_at=Subquery(finished))
        .filter(finished_at__lt=cutoff)
    )


def _erase_batch(rows: list[tuple], *, now: datetime, cutoff: datetime) -> list[str]:
    """`rows`: (pk, applicant_id) of candidate dossiers. Returns the codes erased."""
    with transaction.atomic():
        locked = set(
            Applicant.objects.select_for_update()
            .filter(pk__in=[applicant for _, applicant in rows], erased_at__isnull=True)
            .values_list("pk", flat=True)
        )
        # Re-read under the lock: a concurrent run may have erased some already.
        dossiers = list(
            Dossier.objects.filter(pk__in=[pk for pk, _ in rows], applicant_id__in=locked)
            .filter(status__in=FINISHED_STATUSES)
            .values_list("pk", "code", "status", "current_agency_id", "applicant_id")
        )
        if not dossiers:
            return []
        applicants = [d[4] for d in dossiers]
        Applicant.objects.filter(pk__in=applicants).update(**ERASED_FIELDS, erased_at=now)
        Notification.objects.filter(event__dossier_id__in=[d[0] for d in dossiers]).exclude(
            recipient=""
        ).update(recipient="")
        DossierEvent.objects.bulk_create(
            DossierEvent(
                dossier_id=pk,
                at=now,
                actor=None,
                action=Action.PERSONAL_DATA_ERASED,
                from_status=status,
                to_status=status,
                agency_id=agency,
                data={"cutoff": cutoff.isoformat(), "retention_days": retention_days()},
            )
            for pk, _code, status, agency, _applicant in dossiers
        )
    return [d[1] for d in dossiers]


def erase_expired(
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> int:
    """Erase the personal data of applicants of dossiers finished before the retention cutoff;
    returns how many dossiers were erased (with `dry_run`, would be, nothing written)."""
    now = now or timezone.now()
    cutoff = retention_cutoff(now)
    candidates = expired(cutoff).order_by("pk")
    if dry_run:
        return candidates.count()
    done = 0
    last = 0
    while True:
        rows = list(candidates.filter(pk__gt=last).values_list("pk", "applicant_id")[:batch_size])
        if not rows:
            return done
        done += len(_erase_batch(rows, now=now, cutoff=cutoff))
        last = rows[-1][0]


@task()
def erase_expired_task() -> int:
    """Periodic (the clock, daily): the retention erasure of applicants' personal data."""
    return erase_expired()
