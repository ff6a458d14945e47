"""DOMAIN §7: the compliance-cost formula, its worked example and its rounding."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tthc.core.errors import ValidationError
from tthc.simplification.calculator import (
    Activity,
    CostInput,
    OtherCost,
    compare,
    compute,
    round_vnd,
)

HOURLY = 25_000


def before_example(**overrides):
    # 32 h × 25,000 = 800,000 labour + 124,000 other costs + 100,000 fees = 1,024,000 VND.
    values = dict(
        hourly_value_vnd=HOURLY,
        activities=(
            Activity("Chuẩn bị hồ sơ", Decimal("16")),
            Activity("Đi lại", Decimal("8")),
            Activity("Chờ đợi, nộp hồ sơ", Decimal("6")),
            Activity("Nhận kết quả", Decimal("2")),
        ),
        other_costs=(OtherCost("Sao y, chứng thực", 74_000), OtherCost("Đi lại", 50_000)),
        fees_vnd=100_000,
        filings_per_subject_per_year=1,
        subjects_per_year=12_000,
    )
    values.update(overrides)
    return CostInput(**values)


def after_example(**overrides):
    # 6 h × 25,000 = 150,000 labour + 31,000 other costs + 50,000 fees = 231,000 VND.
    values = dict(
        hourly_value_vnd=HOURLY,
        activities=(Activity("Khai trực tuyến", Decimal("4.5")), Activity("Nhận kết quả", "1.5")),
        other_costs=(OtherCost("Sao y", 31_000),),
        fees_vnd=50_000,
        filings_per_subject_per_year=1,
        subjects_per_year=12_000,
    )
    values.update(overrides)
    return CostInput(**values)


def test_worked_example_reproduces_exactly():
    result = compare(before_example(), after_example())
    assert result.before.labour_vnd == 800_000
    assert result.before.per_filing_vnd == 1_024_000
    assert result.after.labour_vnd == 150_000
    assert result.after.per_filing_vnd == 231_000
    assert result.saving_per_filing_vnd == 793_000
    assert result.saving_rate_pct == Decimal("77.44")
    # Yearly: 12,000 filings a year.
    assert result.before.per_year_vnd == 12_288_000_000
    assert result.after.per_year_vnd == 2_772_000_000
    assert result.saving_per_year_vnd == 9_516_000_000


def test_rounded_half_up_once_per_filing():
    cost = CostInput(
        hourly_value_vnd=3,
        activities=(Activity("a", "0.5"), Activity("b", "0.5"), Activity("c", "0.5")),
        fees_vnd=0,
        subjects_per_year=10,
    )
    # 1.5 h × 3 = 4.5 → 5 (per activity 1.5 → 2 each would give 6).
    assert compute(cost).per_filing_vnd == 5
    assert compute(cost).per_year_vnd == 50
    assert round_vnd(Decimal("2.5")) == 3
    assert round_vnd(Decimal("2.4999")) == 2


def test_fractional_filings_round_per_year_once():
    cost = before_example(filings_per_subject_per_year="0.2", subjects_per_year=7)
    assert compute(cost).per_year_vnd == round_vnd(Decimal(1_024_000) * Decimal("1.4"))


def test_rate_is_none_when_nothing_was_spent():
    zero = CostInput(hourly_value_vnd=HOURLY, fees_vnd=0, subjects_per_year=1)
    assert compare(zero, zero).saving_rate_pct is None


def test_from_dict_matches_dataclasses():
    data = before_example().to_dict()
    assert compute(CostInput.from_dict(data)) == compute(before_example())


@pytest.mark.parametrize(
    "change, field_name",
    [
        ({"hourly_value_vnd": -1}, "hourly_value_vnd"),
        ({"fees_vnd": "abc"}, "fees_vnd"),
        ({"fees_vnd": 10.5}, "fees_vnd"),
        ({"subjects_per_year": -3}, "subjects_per_year"),
        ({"filings_per_subject_per_year": None}, "filings_per_subject_per_year"),
        ({"activities": [{"name": "x", "hours": -1}]}, "hours"),
        ({"activities": [{"name": "x", "hours": "NaN"}]}, "hours"),
        ({"other_costs": [{"name": "x", "amount_vnd": -5}]}, "amount_vnd"),
        ({"activities": "nhiều"}, "activities"),
        ({"hourly_value_vnd": True}, "hourly_value_vnd"),
    ],
)
def test_invalid_inputs_refused(change, field_name):
    data = before_example().to_dict()
    data.update(change)
    with pytest.raises(ValidationError) as info:
        compute(CostInput.from_dict(data))
    assert info.value.field == field_name


def test_missing_field_refused():
    data = before_example().to_dict()
    del data["fees_vnd"]
    with pytest.raises(ValidationError):
        CostInput.from_dict(data)


hours = st.decimals(min_value=0, max_value=500, places=2, allow_nan=False, allow_infinity=False)
money = st.integers(min_value=0, max_value=50_000_000)
costs = st.builds(
    CostInput,
    hourly_value_vnd=st.integers(min_value=0, max_value=500_000),
    activities=st.lists(st.builds(Activity, name=st.just("hđ"), hours=hours), max_size=6).map(
        tuple
    ),
    other_costs=st.lists(
        st.builds(OtherCost, name=st.just("cp"), amount_vnd=money), max_size=4
    ).map(tuple),
    fees_vnd=money,
    filings_per_subject_per_year=st.integers(min_value=0, max_value=12),
    subjects_per_year=st.integers(min_value=0, max_value=1_000_000),
)


@given(costs)
def test_per_year_is_per_filing_times_counts(cost):
    result = compute(cost)
    assert isinstance(result.per_filing_vnd, int)
    assert result.per_year_vnd == (
        result.per_filing_vnd * int(cost.filings_per_subject_per_year) * cost.subjects_per_year
    )
    assert result.per_filing_vnd == result.labour_vnd + result.other_costs_vnd + result.fees_vnd


@given(st.lists(st.tuples(costs, costs), min_size=1, max_size=5))
def test_savings_add_up_across_items(pairs):
    comparisons = [compare(before, after) for before, after in pairs]
    total_before = sum(c.before.per_year_vnd for c in comparisons)
    total_after = sum(c.after.per_year_vnd for c in comparisons)
    assert sum(c.saving_per_year_vnd for c in comparisons) == total_before - total_after
    assert sum(c.saving_per_filing_vnd for c in comparisons) == sum(
        c.before.per_filing_vnd - c.after.per_filing_vnd for c in comparisons
    )


@given(costs, costs)
def test_rate_bounded_by_two_decimals(before, after):
    result = compare(before, after)
    if result.before.per_filing_vnd == 0:
        assert result.saving_rate_pct is None
    else:
        assert result.saving_rate_pct == result.saving_rate_pct.quantize(Decimal("0.01"))
        assert result.saving_rate_pct <= 100


@given(st.decimals(max_value=Decimal("-0.01"), allow_nan=False, allow_infinity=False))
def test_negative_hours_always_refused(value):
    with pytest.raises(ValidationError):
        Activity("x", value)
