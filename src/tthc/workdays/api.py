"""API: due-date computation and the year's calendar (mounted at /api/v1/workdays/)."""

from __future__ import annotations

from datetime import date, datetime, time

from ninja import Query, Router, Schema
from pydantic import Field

from tthc.core.api import errors
from tthc.workdays import parsing, selectors
from tthc.workdays.engine import Unit

router = Router(tags=["Lịch làm việc và thời hạn"])


class DueParams(Schema):
    start: datetime = Field(
        description="Thời điểm tiếp nhận, ISO 8601 (giờ Việt Nam nếu thiếu múi giờ)"
    )
    amount: float = Field(description="Thời hạn (số lượng)")
    unit: Unit = Field(description="Đơn vị thời hạn")
    cutoff: time | None = Field(None, description="Giờ chốt tiếp nhận trong ngày (HH:MM)")
    pause: list[str] = Field(
        default_factory=list,
        description=(
            "Tạm dừng BẮT_ĐẦU/KẾT_THÚC (ISO 8601), lặp lại được; BẮT_ĐẦU/ nếu chưa kết thúc"
        ),
    )
    as_of: datetime | None = Field(
        None, description="Thời điểm tạm tính cho tạm dừng chưa kết thúc"
    )
    agency: str = Field("", description="Mã cơ quan: tính cả ngày điều chỉnh của cơ quan")


class DueStepOut(Schema):
    kind: str
    date: date | None
    text: str


class DueOut(Schema):
    due: datetime
    received_at: datetime
    effective_start: datetime
    is_final: bool
    paused_working_days: int
    unit: str
    explanation: list[str]
    steps: list[DueStepOut]


class DayOut(Schema):
    date: date
    is_working: bool
    name: str
    weekday: str


@router.get(
    "due",
    response={200: DueOut, **errors()},
    summary="Tính hạn giải quyết",
    description=(
        "Cùng tham số và ý nghĩa với lệnh `tthc workdays due`. Kết quả kèm diễn giải từng "
        "bước bằng tiếng Việt."
    ),
)
def due(request, params: Query[DueParams]):
    deadline = selectors.due_date(
        start=params.start,
        amount=params.amount,
        unit=params.unit,
        pauses=parsing.parse_pauses(params.pause, received=params.start),
        as_of=params.as_of,
        cutoff=params.cutoff,
        agency=selectors.agency_by_code(params.agency),
    )
    return selectors.deadline_as_dict(deadline)


@router.get(
    "calendar/{year}",
    response={200: list[DayOut], **errors()},
    summary="Ngày nghỉ trong tuần và ngày làm việc cuối tuần của một năm",
)
def calendar(request, year: int, agency: str = ""):
    return selectors.year_exceptions_as_dicts(
        selectors.check_year(year), selectors.agency_by_code(agency)
    )
