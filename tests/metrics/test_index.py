"""The index 766 computed by hand on a known set of dossiers (DOMAIN §8).

Every dossier is received at the counter on Wednesday 22/1/2025 10:00 for a procedure of 5
working days: across Tết 2025 (25/1–2/2 off) the deadline is Wednesday 5/2/2025 17:00.
"""

from datetime import date
from decimal import Decimal

import pytest

from tests.dossiers.conftest import at
from tthc.dossiers import services
from tthc.dossiers.models import Channel
from tthc.metrics import daily, facts, index
from tthc.metrics.models import DossierFact

pytestmark = pytest.mark.django_db

JANUARY = index.Period(date(2025, 1, 1), date(2025, 1, 31))
FEBRUARY = index.Period(date(2025, 2, 1), date(2025, 2, 28))


@pytest.fixture
def book(received, submitted, specialist, officer, travel):
    """A–I as in the module docstring; returns the dossiers by letter, facts refreshed."""
    made = {}
    travel(2025, 1, 22, 10)
    for letter in "ABCDEFGI":
        made[letter] = received()
    travel(2025, 1, 21, 20)
    online = submitted()
    travel(2025, 1, 22, 10)
    made["K"] = services.accept(user=officer, dossier=online)
    travel(2025, 1, 21, 21)
    made["J"] = services.refuse(user=officer, dossier=submitted(), reason="Không đúng thẩm quyền")

    def go(letter, when, action, **kwargs):
        travel(*when)
        made[letter] = action(user=specialist, dossier=made[letter], **kwargs)

    for letter in "ABCDEFGIK":
        go(letter, (2025, 1, 22, 14), services.start_processing)
    go("I", (2025, 1, 23, 9), services.withdraw, reason="Người dân rút hồ sơ")
    go("D", (2025, 1, 24, 9), services.request_supplement, reason="Thiếu giấy chứng sinh")
    go("G", (2025, 1, 24, 9), services.request_supplement, reason="Thiếu giấy chứng sinh")
    go("E", (2025, 1, 23, 9), services.request_supplement, reason="Thiếu tờ khai")
    go("E", (2025, 1, 23, 14), services.complete_supplement)
    go("E", (2025, 1, 24, 9), services.request_supplement, reason="Tờ khai sai")
    go("E", (2025, 2, 3, 9), services.complete_supplement)
    go("E", (2025, 2, 4, 9), services.resolve)
    go("A", (2025, 2, 4, 9), services.resolve, electronic=True)
    go("D", (2025, 2, 4, 10), services.complete_supplement)
    go("B", (2025, 2, 5, 16), services.resolve)
    go("C", (2025, 2, 7, 9), services.resolve)
    go("D", (2025, 2, 7, 16), services.resolve)
    go("K", (2025, 2, 5, 9), services.resolve, electronic=True)
    travel(2025, 3, 3, 9)
    facts.refresh_all()
    return made


def figure(period, code):
    return index.compute(index.Scope.of(period)).indicator(code).figure


def test_facts_record_each_outcome(book):
    outcome = dict(DossierFact.objects.values_list("dossier__code", "outcome"))
    assert {k: outcome[book[k].code] for k in "ABCDEIK"} == {
        "A": "early",
        "B": "on_time",
        "C": "late",
        "D": "on_time",  # the pause 24/1–4/2 moved the deadline to 7/2
        "E": "late",  # two supplement requests
        "I": "early",  # withdrawn the next day
        "K": "on_time",
    }
    c = DossierFact.objects.get(dossier=book["C"])
    assert c.late_days == 2
    assert outcome[book["F"].code] == "" and outcome[book["J"].code] == ""


def test_progress_for_february(book):
    # Finished in February: A, B, C, D, E, K; open at its end: F (due 5/2: overdue), G (waiting
    # on its only request, made before the deadline: ends at the request). I finished in
    # January, J was never received.
    got = figure(FEBRUARY, "2.1")
    assert (got.numerator, got.denominator) == (5, 8)  # A, B, D, G, K
    assert got.rate == Decimal("62.50")
    assert got.points == Decimal("12.50")


def test_progress_for_january_uses_the_state_at_the_period_end(book):
    # At 31/1 nothing but I had finished; E already had two requests; every other dossier was
    # within its deadline or waiting on its only request.
    got = figure(JANUARY, "2.1")
    assert (got.numerator, got.denominator) == (8, 9)
    assert got.points == Decimal("17.78")


def test_average_processing_time_excludes_the_supplement_pause(book):
    got = figure(FEBRUARY, "2.2")
    # Working days received → resolved: A 4, B 5, C 7, E 4 − 1 (pause 24/1 → 3/2: one working
    # day, 3/2), K 5, D 7 − 2 (pause 24/1 → 4/2: 3/2 and 4/2).
    days = sorted(
        DossierFact.objects.filter(resolved=True).values_list("processing_days", flat=True)
    )
    assert days == [3, 4, 5, 5, 5, 7]
    assert (got.numerator, got.denominator, got.rate) == (29, 6, Decimal("4.83"))
    assert got.points is None


def test_online_share_and_electronic_results(book):
    online = figure(JANUARY, "3.3")
    assert (online.numerator, online.denominator) == (1, 9)  # K of A–I + K (J never received)
    assert online.rate == Decimal("11.11")
    assert online.points == Decimal("1.33")  # below the 50 % threshold: 11.11 × 6 / 50
    electronic = figure(FEBRUARY, "4.1")
    assert (electronic.numerator, electronic.denominator) == (2, 6)


def test_drill_down_lists_what_the_figure_counts(book):
    scope = index.Scope.of(FEBRUARY)
    rows = list(index.items(scope, "2.1"))
    got = figure(FEBRUARY, "2.1")
    assert len(rows) == got.denominator
    assert sum(r.counted for r in rows) == got.numerator
    reasons = {r.dossier.code: index.dossier_reason(r, "2.1", FEBRUARY) for r in rows}
    assert "trễ hạn 2 ngày làm việc" in reasons[book["C"].code]
    assert "bổ sung 2 lần" in reasons[book["E"].code]
    assert "quá hạn" in reasons[book["F"].code]
    assert "Chờ bổ sung" in reasons[book["G"].code]


def test_no_dossiers_is_not_applicable(db):
    got = figure(FEBRUARY, "2.1")
    assert (got.denominator, got.rate, got.points) == (0, None, Decimal("0.00"))
    # No feedback: the Decision gives the feedback indicators full points.
    assert figure(FEBRUARY, "5.2").points == Decimal("6.00")


def test_groups_add_up_to_the_total(book):
    result = index.compute(index.Scope.of(FEBRUARY))
    assert [g.max_points for g in result.groups] == [18, 20, 12, 10, 18, 22]
    assert sum(i.indicator.max_points for g in result.groups for i in g.indicators) == 100
    assert result.total_points == sum(g.points for g in result.groups)
    assert not result.indicator("1.4").figure.available


def test_agency_scope_counts_only_its_dossiers(book, department, commune):
    mine = index.compute(index.Scope.of(FEBRUARY, department)).indicator("2.1").figure
    assert mine.denominator == 8
    other = index.compute(index.Scope.of(FEBRUARY, commune)).indicator("2.1").figure
    assert other.denominator == 0


def test_refresh_changed_picks_up_new_events(book, specialist, travel):
    f = DossierFact.objects.get(dossier=book["F"])
    assert f.finished_at is None
    travel(2025, 3, 4, 9)
    services.resolve(user=specialist, dossier=book["F"])
    result = facts.refresh_changed()
    assert result.dossiers >= 1
    f.refresh_from_db()
    assert f.outcome == "late" and f.finished_at == at(2025, 3, 4, 9)
    assert facts.refresh_changed().dossiers <= 1  # nothing new but the re-read window


def test_channel_label(book):
    assert index.dossier_reason(DossierFact.objects.get(dossier=book["K"]), "3.3", JANUARY) == str(
        Channel.ONLINE.label
    )


def test_drill_down_of_the_average_time_lists_the_resolved_dossiers(book):
    # 2.2 counts every dossier of its list: its drill-down once failed (When() refuses Q()).
    rows = list(index.items(index.Scope.of(FEBRUARY), "2.2"))
    got = figure(FEBRUARY, "2.2")
    assert len(rows) == got.denominator == 6
    assert all(r.counted for r in rows)
    assert sum(r.processing_days for r in rows) == got.numerator


def test_rankings_add_up_to_the_province(book):
    by_agency = index.dossier_figures_by_agency(FEBRUARY)
    assert index.add_figures(by_agency.values()) == index.dossier_figures(index.Scope.of(FEBRUARY))


def test_day_totals_follow_the_facts(book, specialist, travel):
    # Resolving F moves it from "open at the end of March" to "finished in March".
    march = index.Period(date(2025, 3, 1), date(2025, 3, 31))
    before = figure(march, "2.1")
    travel(2025, 3, 4, 9)
    services.resolve(user=specialist, dossier=book["F"])
    facts.refresh_changed()
    after = figure(march, "2.1")
    assert after.denominator == before.denominator
    assert daily.rebuild() and figure(march, "2.1") == after  # a full rebuild agrees


def test_a_running_period_judges_open_dossiers_now(received, travel):
    # Received 22/1, due 5/2; on 3/2 February is running: the dossier is within time today,
    # whatever may happen before 28/2.
    travel(2025, 1, 22, 10)
    received()
    travel(2025, 2, 3, 12)
    facts.refresh_all()
    got = figure(FEBRUARY, "2.1")
    assert (got.numerator, got.denominator) == (1, 1)
    row = index.items(index.Scope.of(FEBRUARY), "2.1").get()
    assert index.dossier_reason(row, "2.1", FEBRUARY).endswith("còn trong hạn")


def test_satisfaction_with_dossiers(book, officer, travel):
    """5.4 = 100 % − (late rate + rate with feedback or dislike) over February's finished
    dossiers A, B, C, D, E, K: C and E late; A and C rated unsatisfied; feedback about B. C is
    subtracted twice, as the formula reads: 6 − 2 − 2 − 1 = 1."""
    from tests.feedback.conftest import feedback_input
    from tthc.feedback import services as feedback_services

    travel(2025, 2, 10, 9)
    for letter in "AC":
        dossier = services.return_result(user=officer, dossier=book[letter])
        services.rate(
            dossier=dossier, verify=dossier.lookup_secret, satisfied=False, comment="Chờ lâu"
        )
    feedback_services.submit(data=feedback_input(dossier_code=book["B"].code), ip="203.0.113.5")
    travel(2025, 3, 3, 9)
    facts.refresh_all()
    got = figure(FEBRUARY, "5.4")
    assert (got.numerator, got.denominator) == (1, 6)
    assert got.rate == Decimal("16.67") and got.points == Decimal("1.11")  # 90 % threshold
    rows = list(index.items(index.Scope.of(FEBRUARY), "5.4"))
    assert len(rows) - sum(r.deductions for r in rows) == got.numerator
    reasons = {r.dossier.code: index.dossier_reason(r, "5.4", FEBRUARY) for r in rows}
    assert "người dân không hài lòng" in reasons[book["A"].code]
    assert "có phản ánh, kiến nghị về hồ sơ" in reasons[book["B"].code]
