"""Compliance cost of an administrative procedure (DOMAIN §7; Circular 02/2017/TT-VPCP art. 27).

Pure functions (of Django only `gettext`, for the messages). Money is integer VND; hours and
counts are exact `Decimal`s.

    labour      = Σ hours × value of an hour
    per filing  = labour + Σ other costs + fees      (rounded half up once, to integer VND)
    per year    = per filing × filings per subject per year × subjects per year
                  (exact for whole counts; rounded half up once when a count is fractional,
                  e.g. 0.2 filings a year for a permit renewed every five years)

A comparison gives both results, the saving per filing and per year, and the saving rate
(saving per filing / cost per filing before, in per cent, two decimals, half up; None when the
cost before is 0). Invalid inputs (negative or non-numeric amounts, missing fields) raise
`tthc.core.errors.ValidationError` naming the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from tthc.core.errors import ValidationError

CENT = Decimal("0.01")
ONE = Decimal("1")


def round_vnd(amount: Decimal) -> int:
    """Round to integer VND, half up (0.5 → 1)."""
    return int(amount.quantize(ONE, rounding=ROUND_HALF_UP))


def _decimal(value: Any, field_name: str, *, integer: bool = False) -> Decimal:
    if value is None:
        raise ValidationError(
            _("Thiếu giá trị '%(field)s'.") % {"field": field_name}, field=field_name
        )
    if isinstance(value, bool):
        raise ValidationError(
            _("'%(field)s' phải là số.") % {"field": field_name}, field=field_name
        )
    try:
        number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise ValidationError(
            _("'%(field)s' phải là số.") % {"field": field_name}, field=field_name
        ) from None
    if not number.is_finite():
        raise ValidationError(
            _("'%(field)s' phải là số hữu hạn.") % {"field": field_name}, field=field_name
        )
    if number < 0:
        raise ValidationError(
            _("'%(field)s' không được âm.") % {"field": field_name}, field=field_name
        )
    if integer and number != number.to_integral_value():
        raise ValidationError(
            _("'%(field)s' phải là số nguyên (đồng).") % {"field": field_name}, field=field_name
        )
    return number


@dataclass(frozen=True)
class Activity:
    name: str
    hours: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "hours", _decimal(self.hours, "hours"))


@dataclass(frozen=True)
class OtherCost:
    name: str
    amount_vnd: int

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "amount_vnd", int(_decimal(self.amount_vnd, "amount_vnd", integer=True))
        )


@dataclass(frozen=True)
class CostInput:
    hourly_value_vnd: int
    activities: tuple[Activity, ...] = ()
    other_costs: tuple[OtherCost, ...] = ()
    fees_vnd: int = 0
    filings_per_subject_per_year: Decimal = ONE
    subjects_per_year: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "hourly_value_vnd",
            int(_decimal(self.hourly_value_vnd, "hourly_value_vnd", integer=True)),
        )
        object.__setattr__(self, "fees_vnd", int(_decimal(self.fees_vnd, "fees_vnd", integer=True)))
        object.__setattr__(
            self,
            "filings_per_subject_per_year",
            _decimal(self.filings_per_subject_per_year, "filings_per_subject_per_year"),
        )
        object.__setattr__(
            self,
            "subjects_per_year",
            int(_decimal(self.subjects_per_year, "subjects_per_year", integer=True)),
        )
        object.__setattr__(self, "activities", tuple(self.activities))
        object.__setattr__(self, "other_costs", tuple(self.other_costs))
        for item in self.activities:
            if not isinstance(item, Activity):
                raise ValidationError(_("Hoạt động không hợp lệ."), field="activities")
        for item in self.other_costs:
            if not isinstance(item, OtherCost):
                raise ValidationError(_("Chi phí khác không hợp lệ."), field="other_costs")

    @property
    def hours(self) -> Decimal:
        return sum((a.hours for a in self.activities), Decimal(0))

    @property
    def other_costs_vnd(self) -> int:
        return sum(c.amount_vnd for c in self.other_costs)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CostInput:
        """Build from the API/JSON shape; every key is required except the lists."""
        if not isinstance(data, Mapping):
            raise ValidationError(_("Dữ liệu chi phí không hợp lệ."))
        for key in ("hourly_value_vnd", "fees_vnd", "filings_per_subject_per_year"):
            if key not in data:
                raise ValidationError(_("Thiếu giá trị '%(field)s'.") % {"field": key}, field=key)
        if "subjects_per_year" not in data:
            raise ValidationError(
                _("Thiếu giá trị 'subjects_per_year'."), field="subjects_per_year"
            )
        return cls(
            hourly_value_vnd=data["hourly_value_vnd"],
            activities=tuple(
                Activity(name=str(a.get("name", "")), hours=a.get("hours"))
                for a in _list(data.get("activities"), "activities")
            ),
            other_costs=tuple(
                OtherCost(name=str(c.get("name", "")), amount_vnd=c.get("amount_vnd"))
                for c in _list(data.get("other_costs"), "other_costs")
            ),
            fees_vnd=data["fees_vnd"],
            filings_per_subject_per_year=data["filings_per_subject_per_year"],
            subjects_per_year=data["subjects_per_year"],
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "hourly_value_vnd": self.hourly_value_vnd,
            "activities": [{"name": a.name, "hours": str(a.hours)} for a in self.activities],
            "other_costs": [{"name": c.name, "amount_vnd": c.amount_vnd} for c in self.other_costs],
            "fees_vnd": self.fees_vnd,
            "filings_per_subject_per_year": str(self.filings_per_subject_per_year),
            "subjects_per_year": self.subjects_per_year,
        }


def _list(value: Any, field_name: str) -> Iterable[Mapping[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(v, Mapping) for v in value):
        raise ValidationError(
            _("'%(field)s' phải là danh sách.") % {"field": field_name}, field=field_name
        )
    return value


@dataclass(frozen=True)
class CostResult:
    labour_vnd: int
    other_costs_vnd: int
    fees_vnd: int
    per_filing_vnd: int
    filings_per_year: Decimal
    per_year_vnd: int

    def as_dict(self) -> dict[str, int]:
        return {
            "labour_vnd": self.labour_vnd,
            "per_filing_vnd": self.per_filing_vnd,
            "per_year_vnd": self.per_year_vnd,
        }


def compute(cost: CostInput) -> CostResult:
    """Cost per filing and per year of one procedure on one channel."""
    labour_exact = cost.hours * cost.hourly_value_vnd
    per_filing = round_vnd(labour_exact + cost.other_costs_vnd + cost.fees_vnd)
    filings = cost.filings_per_subject_per_year * cost.subjects_per_year
    return CostResult(
        # The other terms are whole VND, so the rounded labour plus them is the per-filing cost.
        labour_vnd=round_vnd(labour_exact),
        other_costs_vnd=cost.other_costs_vnd,
        fees_vnd=cost.fees_vnd,
        per_filing_vnd=per_filing,
        filings_per_year=filings,
        per_year_vnd=round_vnd(per_filing * filings),
    )


def rate_pct(saving: int, before: int) -> Decimal | None:
    if before == 0:
        return None
    return (Decimal(saving) * 100 / Decimal(before)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Comparison:
    before: CostResult
    after: CostResult
    saving_per_filing_vnd: int = field(init=False)
    saving_per_year_vnd: int = field(init=False)
    saving_rate_pct: Decimal | None = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "saving_per_filing_vnd", self.before.per_filing_vnd - self.after.per_filing_vnd
        )
        object.__setattr__(
            self, "saving_per_year_vnd", self.before.per_year_vnd - self.after.per_year_vnd
        )
        object.__setattr__(
            self,
            "saving_rate_pct",
            rate_pct(self.saving_per_filing_vnd, self.before.per_filing_vnd),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "before": self.before.as_dict(),
            "after": self.after.as_dict(),
            "saving_per_filing_vnd": self.saving_per_filing_vnd,
            "saving_per_year_vnd": self.saving_per_year_vnd,
            "saving_rate_pct": self.saving_rate_pct,
        }


def compare(before: CostInput, after: CostInput) -> Comparison:
    return Comparison(before=compute(before), after=compute(after))
