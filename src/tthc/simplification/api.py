"""API: the compliance-cost calculator the forms call as the officer types (/api/v1/)."""

from __future__ import annotations

from ninja import Router

from tthc.core.api import errors
from tthc.simplification import calculator
from tthc.simplification.schemas import CompareIn, CompareOut, CostIn, CostOut

router = Router(tags=["Chi phí tuân thủ thủ tục hành chính"])


def _input(payload: CostIn) -> calculator.CostInput:
    return calculator.CostInput.from_dict(payload.dict())


@router.post(
    "/compliance-cost", response={200: CostOut, **errors()}, summary="Tính chi phí tuân thủ"
)
def compliance_cost(request, payload: CostIn):
    """Chi phí một lần thực hiện và một năm (Thông tư 02/2017/TT-VPCP, điều 27)."""
    return calculator.compute(_input(payload)).as_dict()


@router.post(
    "/compliance-cost/compare",
    response={200: CompareOut, **errors()},
    summary="So sánh chi phí trước và sau",
)
def compliance_cost_compare(request, payload: CompareIn):
    """Chi phí trước và sau đơn giản hóa, chi phí tiết kiệm và tỷ lệ cắt giảm."""
    result = calculator.compare(_input(payload.before), _input(payload.after)).as_dict()
    rate = result["saving_rate_pct"]
    result["saving_rate_pct"] = float(rate) if rate is not None else None
    return result
