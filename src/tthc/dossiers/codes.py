"""Dossier codes (DOMAIN §4 **Rule**): `{agency identifier}-{yymmdd}-{nnnn}`, e.g.
`000.00.15.H15-240202-0007`, the sequence counted per agency and day, unique and
gap-tolerant.

`next_code` increments the counter row of (agency, day) with one `UPDATE … RETURNING`. Called
outside a transaction (the intake: `services._create_rows`, before the dossier's transaction),
that statement commits at once, so concurrent intakes at one desk never wait for each other's
transaction; a number taken by an intake that then fails is a gap, which the rule tolerates.
Inside a transaction the row stays locked until it ends (and on SQLite the settings open every
transaction as IMMEDIATE, which takes the write lock at BEGIN). Numbers are never reused. The
unique constraint on `Dossier.code` is the last guard: `services` retries with
`resync_counter` if a code is somehow taken already.
"""

from __future__ import annotations

import re
from datetime import date

from django.db import IntegrityError, transaction

from tthc.dossiers.models import Dossier, DossierCodeCounter
from tthc.org.models import Agency

SEQUENCE_DIGITS = 4


def format_code(agency_code: str, day: date, sequence: int) -> str:
    return f"{agency_code}-{day:%y%m%d}-{sequence:0{SEQUENCE_DIGITS}d}"


def code_prefix(agency_code: str, day: date) -> str:
    return f"{agency_code}-{day:%y%m%d}-"


def _counter(agency: Agency, day: date) -> DossierCodeCounter:
    counter = DossierCodeCounter.objects.select_for_update().filter(agency=agency, day=day).first()
    if counter is not None:
        return counter
    try:
        with transaction.atomic():
            return DossierCodeCounter.objects.create(agency=agency, day=day, last=0)
    except IntegrityError:  # created by a concurrent intake: wait for its lock
        return DossierCodeCounter.objects.select_for_update().get(agency=agency, day=day)


def next_code(*, agency: Agency, day: date) -> str:
    """Take the next number of (agency, day): committed at once outside a transaction; inside
    one, the counter row is held until it ends."""
    connection = transaction.get_connection()
    table = connection.ops.quote_name(DossierCodeCounter._meta.db_table)
    for _ in range(2):
        # One statement locks, increments and reads (the ORM's update cannot return).
        with connection.cursor() as cursor:
            cursor.execute(
                f'UPDATE {table} SET "last" = "last" + 1 '
                'WHERE "agency_id" = %s AND "day" = %s RETURNING "last"',
                [agency.pk, day],
            )
            row = cursor.fetchone()
        if row is not None:
            return format_code(agency.code, day, row[0])
        with transaction.atomic():  # the day's first code: create the row, then increment it
            _counter(agency, day)
    raise RuntimeError("bộ đếm mã hồ sơ không tạo được")


def resync_counter(*, agency: Agency, day: date) -> None:
    """Move the counter past the highest code already used (after a unique-constraint clash,
    e.g. codes imported from another system)."""
    prefix = code_prefix(agency.code, day)
    pattern = re.compile(re.escape(prefix) + r"(\d+)$")
    highest = 0
    for code in Dossier.objects.filter(code__startswith=prefix).values_list("code", flat=True):
        match = pattern.match(code)
        if match:
            highest = max(highest, int(match.group(1)))
    counter = _counter(agency, day)
    if counter.last < highest:
        DossierCodeCounter.objects.filter(pk=counter.pk).update(last=highest)
