"""Public API of the service-quality index (Decision 766/QĐ-TTg, DOMAIN §8): the index of the
province or of an agency for a period, and the drill-down of each figure."""

from decimal import Decimal
from typing import Literal

from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from tthc.core.api import Pagination, errors
from tthc.core.errors import NotFound
from tthc.metrics import drilldown, index, index_params
from tthc.org.models import Agency

router = Router(tags=["Chỉ số phục vụ người dân, doanh nghiệp (766)"])

DATE = {"format": "date", "example": "2025-01-31"}
PERIOD_HELP = (
    f"Kỳ tính từ `from` đến `to` (cả hai ngày, dạng YYYY-MM-DD, trong khoảng "
    f"{index_params.MIN_DATE:%Y} – {index_params.MAX_DATE:%Y}, dài nhất "
    f"{index_params.MAX_YEARS} năm); `agency`: mã định danh của cơ quan hoặc UBND xã, phường "
    "(bỏ trống: toàn tỉnh). Ngày sai, `from` sau `to` hay khoảng quá dài: 422; mã cơ quan "
    "không có: 404."
)


class ServiceIndexParams(Schema):
    from_: str = Field(alias="from", description="Ngày đầu kỳ (YYYY-MM-DD)", json_schema_extra=DATE)
    to: str = Field(description="Ngày cuối kỳ (YYYY-MM-DD)", json_schema_extra=DATE)
    agency: str = Field("", description="Mã định danh của cơ quan (bỏ trống: toàn tỉnh)")


class ServiceIndexPeriodOut(Schema):
    from_: str = Field(alias="from", description="Ngày đầu kỳ (YYYY-MM-DD)")
    to: str = Field(description="Ngày cuối kỳ (YYYY-MM-DD)")


class ServiceIndexAgencyOut(Schema):
    code: str
    name: str


class ServiceIndexIndicatorOut(Schema):
    code: str = Field(description="Mã chỉ số thành phần, ví dụ `2.1`")
    name: str
    numerator: int | None = Field(
        description="Tử số (2.2: tổng số ngày làm việc; 5.3, 5.4: tổng số trừ các lần bị trừ)"
    )
    denominator: int | None
    rate: float | None = Field(
        description="Tỷ lệ % làm tròn 2 chữ số (2.2: số ngày làm việc trung bình); null khi "
        "mẫu số bằng 0 (không áp dụng) hoặc không có dữ liệu"
    )
    points: float | None = Field(
        description="Điểm, làm tròn 2 chữ số; null với chỉ số không tính điểm hoặc không có dữ liệu"
    )
    max_points: int
    unit: Literal["%", "days"] = Field(description="Đơn vị của `rate`: % hay ngày làm việc")
    available: bool = Field(
        description="false: nền tảng không có dữ liệu cho chỉ số này (không có dữ liệu)"
    )
    note: str = Field(description="Giải thích, lý do không có dữ liệu")


class ServiceIndexGroupOut(Schema):
    code: str
    name: str
    points: float
    max_points: int
    indicators: list[ServiceIndexIndicatorOut]


class ServiceIndexOut(Schema):
    period: ServiceIndexPeriodOut
    agency: ServiceIndexAgencyOut | None
    total_points: float
    max_points: int
    groups: list[ServiceIndexGroupOut]


class ServiceIndexItemOut(Schema):
    kind: Literal["dossier", "procedure", "feedback"]
    key: str = Field(description="Mã hồ sơ, mã thủ tục hoặc mã phản ánh")
    title: str = Field(description="Tên thủ tục (hồ sơ, thủ tục) hoặc tiêu đề phản ánh")
    agency: str = Field(description="Cơ quan giải quyết / xử lý (trống với thủ tục)")
    counted: bool = Field(description="true: được tính vào tử số")
    reason: str = Field(description="Vì sao được tính hoặc không")
    deductions: int | None = Field(
        None, description="5.3, 5.4: số lần mục này bị trừ khỏi tử số (trễ hạn, không hài lòng…)"
    )


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def scope_of(params: ServiceIndexParams) -> index.Scope:
    start = index_params.iso_date(params.from_, "from")
    end = index_params.iso_date(params.to, "to")
    period = index_params.period(start, end)
    return index.Scope.of(period, index_params.agency(params.agency))


def as_dict(result: index.IndexResult) -> dict:
    """The index as the API answers it (and as the public pages may reuse it)."""
    scope = result.scope
    agency: Agency | None = scope.agency
    return {
        "period": {"from": scope.period.start.isoformat(), "to": scope.period.end.isoformat()},
        "agency": {"code": agency.code, "name": agency.name} if agency else None,
        "total_points": _number(result.total_points),
        "max_points": result.max_points,
        "groups": [
            {
                "code": group.code,
                "name": str(group.name),
                "points": _number(group.points),
                "max_points": group.max_points,
                "indicators": [
                    {
                        "code": r.indicator.code,
                        "name": str(r.indicator.name),
                        "numerator": r.figure.numerator,
                        "denominator": r.figure.denominator,
                        "rate": _number(r.figure.rate),
                        "points": _number(r.figure.points),
                        "max_points": r.indicator.max_points,
                        "unit": r.indicator.unit,
                        "available": r.figure.available,
                        "note": str(
                            r.indicator.note or ("" if r.figure.available else index.NO_DATA)
                        ),
                    }
                    for r in group.indicators
                ],
            }
            for group in result.groups
        ],
    }


INDEX_HELP = (
    "Sáu nhóm, 100 điểm (Quyết định 766/QĐ-TTg). "
    + PERIOD_HELP
    + " Chỉ số nền tảng không có dữ liệu (1.4, 4.3–4.6): `available: false`, `rate` và "
    "`points` null, không cộng điểm. Mẫu số bằng 0: `rate` null (không áp dụng). Điểm dưới "
    "ngưỡng T: tỷ lệ × điểm tối đa / T. Tỷ lệ, điểm làm tròn 2 chữ số."
)


@router.get(
    "service-index",
    response={200: ServiceIndexOut, **errors(404)},
    by_alias=True,
    summary="Chỉ số phục vụ người dân, doanh nghiệp",
    description=INDEX_HELP,
)
def service_index(request, params: Query[ServiceIndexParams]):
    return as_dict(index.compute(scope_of(params)))


@router.get(
    "service-index/{code}/items",
    response={200: list[ServiceIndexItemOut], **errors(404)},
    summary="Danh sách chi tiết của một chỉ số",
)
@paginate(Pagination)
def service_index_items(request, code: str, params: Query[ServiceIndexParams]):
    """Đúng các hồ sơ, thủ tục, phản ánh mà chỉ số `code` đếm (mẫu số), mỗi mục có `counted`
    (được tính vào tử số) và lý do; chưa được tính xếp trước. Cùng bộ chọn với con số của
    `GET /service-index`, nên số mục bằng mẫu số và số mục được tính bằng tử số (2.2: tử số là
    tổng số ngày; 5.3, 5.4: tổng số trừ `deductions`). Không có dữ liệu cá nhân. `from`, `to`,
    `agency` như `GET /service-index`; `page` từ 1, `page_size` 1–100. Mã chỉ số không có: 404;
    chỉ số không có dữ liệu: danh sách trống."""
    if code not in index.BY_CODE:
        raise NotFound(f"Không có chỉ số '{code[:20]}'.", field="code")
    scope = scope_of(params)
    return _Page(scope, code, drilldown.selection(scope, code))


class _Page:
    """The selection seen as rows, counted and sliced lazily by the paginator."""

    def __init__(self, scope: index.Scope, code: str, selected):
        self.scope, self.code, self.selected = scope, code, selected

    def __len__(self) -> int:
        return self.count()

    def count(self) -> int:
        selected = self.selected
        return selected.count() if hasattr(selected, "query") else len(selected)

    def __getitem__(self, item):
        return [r.__dict__ for r in drilldown.rows(self.scope, self.code, self.selected[item])]
