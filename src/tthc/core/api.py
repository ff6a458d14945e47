"""Pieces every router of the HTTP API shares: the one error body, the answers each operation
documents, bounded numbers and the pagination.

Numbers read from a request are bounded where they reach the database (a 64-bit integer): a
page, an offset or an id out of range is refused with 422 by validation instead of overflowing
the database driver with a 500.
"""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Schema
from ninja.pagination import PageNumberPagination
from pydantic import Field

BIGINT_MAX = 2**63 - 1
# Deep enough for any real list (100 rows a page), small enough that page × size stays an integer
# the database takes.
MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 100
MAX_OFFSET = MAX_PAGE * MAX_PAGE_SIZE

# A primary key read from a request (a filter by field, by agency, a reception point).
Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]


class ErrorOut(Schema):
    """Every refused request: a Vietnamese (or English) message, a stable code, the field."""

    detail: str = Field(description="Thông báo lỗi cho người dùng")
    code: str = Field(description="Mã lỗi ổn định, ví dụ `invalid`, `not_found`, `throttled`")
    field: str | None = Field(None, description="Trường gây lỗi, nếu có")
    errors: list[dict[str, Any]] | None = Field(
        None, description="Chi tiết lỗi kiểm tra tham số (chỉ với mã 422)"
    )


# The answers every operation can give whatever it does: 400 for a request Django cannot read
# (malformed body, too many parameters, body over the size limit), 422 for a parameter that does
# not validate, 503 while the database is unreachable (tthc.core.outage).
COMMON_ERRORS = (400, 422, 503)
# Operations behind `django_auth`: 401 not signed in, 403 refused by the policy or by CSRF.
STAFF_ERRORS = (401, 403)


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """`response={200: Out, **errors(404)}`: the common error answers plus `statuses`."""
    return {status: ErrorOut for status in sorted({*COMMON_ERRORS, *statuses})}


class Pagination(PageNumberPagination):
    """`page` (from 1) and `page_size` (1 to 100, default 20); out of range answers 422, a page
    past the end is empty."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="Trang, từ 1")
        page_size: int = Field(
            20, ge=1, le=MAX_PAGE_SIZE, description=f"Số dòng mỗi trang (tối đa {MAX_PAGE_SIZE})"
        )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(page_size=20, max_page_size=MAX_PAGE_SIZE, **kwargs)
