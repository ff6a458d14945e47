"""Dossier codes: `{agency}-{yymmdd}-{nnnn}` per agency and day, unique under concurrency."""

import re

import pytest
from django.db import connection

from tests.concurrency import race
from tests.dossiers.conftest import DOCUMENTS, PERSON
from tthc.dossiers import codes, services
from tthc.dossiers.models import Dossier, DossierCodeCounter
from tthc.dossiers.services import DocumentInput

CODE = re.compile(r"^(?P<agency>\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})-(?P<day>\d{6})-(?P<seq>\d{4})$")


def test_format():
    from datetime import date

    assert codes.format_code("000.00.15.H15", date(2024, 2, 2), 7) == "000.00.15.H15-240202-0007"


@pytest.mark.django_db
def test_sequence_per_receiving_agency_and_day(received, submitted, travel, other_agency):
    travel(2024, 2, 2, 9)
    first, second = received(), received()
    assert (first.code, second.code) == ("000.00.31.H26-240202-0001", "000.00.31.H26-240202-0002")
    assert CODE.match(first.code)
    online = submitted()  # same receiving agency, same day: same sequence
    assert online.code == "000.00.31.H26-240202-0003"
    travel(2024, 2, 5, 9)
    assert received().code == "000.00.31.H26-240205-0001"


@pytest.mark.django_db
def test_a_taken_code_is_skipped_not_fatal(received, travel):
    travel(2024, 2, 2, 9)
    received()
    received()
    DossierCodeCounter.objects.all().delete()  # e.g. counters lost, codes imported
    third = received()
    assert third.code.endswith("-0003")
    assert Dossier.objects.count() == 3


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_parallel_intake_gets_distinct_codes(procedure, point, department, officer):
    if connection.vendor != "postgresql":
        pytest.skip("cần PostgreSQL (DATABASE_URL=postgres://...)")
    workers, per_worker = 20, 10

    def work():
        return [
            services.receive(
                user=officer,
                procedure=procedure,
                reception_point=point,
                resolving_agency=department,
                applicant=PERSON,
                documents=[DocumentInput(DOCUMENTS[0])],
            ).code
            for _ in range(per_worker)
        ]

    batches, errors = race(workers, work)
    made = [code for batch in batches for code in batch]
    assert errors == []
    assert len(made) == len(set(made)) == workers * per_worker
    stored = set(Dossier.objects.values_list("code", flat=True))
    assert stored == set(made)
    sequences = sorted(int(CODE.match(code)["seq"]) for code in stored)
    assert sequences == list(range(1, workers * per_worker + 1))


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_an_intake_never_waits_for_another_ones_transaction_at_the_same_desk(submitted):
    """The number is taken by a statement of its own before the dossier's transaction: while
    one intake's transaction is still open (its desk's counter row was locked until its commit
    before), another intake at that desk goes through, and a failed intake leaves a gap."""
    import threading

    from django.db import connections

    if connection.vendor != "postgresql":
        pytest.skip("cần PostgreSQL (DATABASE_URL=postgres://...)")
    inside, release = threading.Event(), threading.Event()

    def held(dossier):
        inside.set()
        release.wait(30)
        raise RuntimeError("this intake fails after its number was taken")

    def first():
        try:
            submitted(then=held)
        except RuntimeError:
            pass
        finally:
            connections.close_all()

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert inside.wait(30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")  # a wait on the counter row would fail
        second = submitted()
    finally:
        release.set()
        thread.join(30)
    assert second.code.endswith("-0002")  # -0001 went to the intake that failed: a gap
    assert list(Dossier.objects.values_list("code", flat=True)) == [second.code]
