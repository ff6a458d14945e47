"""Shapes of the compliance-cost API (DOMAIN §7)."""

from __future__ import annotations

from decimal import Decimal

from ninja import Schema
from pydantic import Field

MAX_VND = 10**13
MAX_HOURS = Decimal(100_000)


class ActivityIn(Schema):
    name: str = Field(max_length=300, description="Hoạt động của người nộp (chuẩn bị, đi lại...)")
    hours: Decimal = Field(ge=0, le=MAX_HOURS, description="Số giờ")


class OtherCostIn(Schema):
    name: str = Field(max_length=300, description="Chi phí khác (sao chụp, chứng thực, bưu chính)")
    amount_vnd: int = Field(ge=0, le=MAX_VND, description="Số tiền (đồng)")


class CostIn(Schema):
    hourly_value_vnd: int = Field(ge=0, le=MAX_VND, description="Giá trị một giờ (đồng)")
    activities: list[ActivityIn] = Field(max_length=100)
    other_costs: list[OtherCostIn] = Field(max_length=100)
    fees_vnd: int = Field(ge=0, le=MAX_VND, description="Phí, lệ phí (đồng)")
    filings_per_subject_per_year: Decimal = Field(
        ge=0, le=100_000, description="Số lần thực hiện của một đối tượng trong một năm"
    )
    subjects_per_year: int = Field(ge=0, le=10**9, description="Số đối tượng trong một năm")


class CostOut(Schema):
    labour_vnd: int
    per_filing_vnd: int
    per_year_vnd: int


class CompareIn(Schema):
    before: CostIn
    after: CostIn


class CompareOut(Schema):
    before: CostOut
    after: CostOut
    saving_per_filing_vnd: int
    saving_per_year_vnd: int
    saving_rate_pct: float | None = Field(
        description="Tỷ lệ cắt giảm (%), 2 chữ số thập phân; null khi chi phí trước bằng 0"
    )
