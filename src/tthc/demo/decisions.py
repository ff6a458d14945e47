"""Publication decisions of the demo year (index 766, 1.1 and 1.2).

Four decisions of the province's chairman amending procedures of the demo catalog: two
published in time and put on the catalog within five working days, one signed too close to the
date its legal basis took effect, one put on the catalog late. Recorded through the catalog's
own service; only the time each version reached the catalog is set afterwards, since it lies
in the past. Idempotent: a decision already recorded is left as it is.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from tthc.catalog.models import DecisionAction, Procedure, ProcedureVersion, PublicationDecision
from tthc.catalog.models import Status as ProcedureStatus
from tthc.catalog.services import DecisionItemInput, record_decision
from tthc.demo.services import PROCESSES
from tthc.workdays.engine import VN_TZ
from tthc.workdays.selectors import calendar_for

# (number, signed days ago, effective days after signing, procedures, working days to the catalog)
DECISIONS = [
    ("1024/QĐ-UBND", 300, 21, 12, 2),
    ("2187/QĐ-UBND", 200, 3, 6, 4),
    ("3350/QĐ-UBND", 120, 20, 10, 3),
    ("4412/QĐ-UBND", 40, 14, 5, 8),
]


def build_decisions(*, today: date | None = None) -> int:
    """Record the demo decisions; returns how many were new."""
    today = today or timezone.localdate()
    calendar = calendar_for(None)
    skip = set(PROCESSES)  # the journeys' procedures keep their first version
    candidates = list(
        Procedure.objects.filter(status=ProcedureStatus.PUBLISHED)
        .exclude(code__in=skip)
        .order_by("code")
        .values_list("code", flat=True)
    )
    created = 0
    start = 0
    for number, ago, effective_after, count, to_catalog in DECISIONS:
        codes = candidates[start : start + count]
        start += count
        if not codes or PublicationDecision.objects.filter(number=number).exists():
            continue
        signed = calendar.working_day_on_or_after(today - timedelta(days=ago))
        decision = record_decision(
            number=number,
            signed_on=signed,
            effective_on=signed + timedelta(days=effective_after),
            issuer="Chủ tịch Ủy ban nhân dân Thành phố",
            title="Công bố danh mục thủ tục hành chính được sửa đổi, bổ sung",
            items=[DecisionItemInput(code, DecisionAction.AMENDED) for code in codes],
        )
        on_catalog = datetime.combine(
            calendar.add_working_days(signed, to_catalog), time(9, 30), tzinfo=VN_TZ
        )
        ProcedureVersion.objects.filter(decision=decision).update(created_at=on_catalog)
        created += 1
    return created
