"""GET /api/v1/workdays/due and /api/v1/workdays/calendar/{year}; hand computations as in
test_cli (02/02/2024 09:00 + 5 working days across Tết 2024 -> 16/02/2024 17:00)."""

from datetime import date

import pytest

from tests.factories import AgencyFactory, UserFactory
from tthc.workdays import services

pytestmark = pytest.mark.django_db

URL = "/api/v1/workdays/due"
MAIN = {"start": "2024-02-02T09:00", "amount": "5", "unit": "working_days"}


def test_due_answers_with_the_deadline_and_its_explanation(client):
    response = client.get(URL, MAIN)
    assert response.status_code == 200
    body = response.json()
    assert body["due"] == "2024-02-16T17:00:00+07:00"
    assert body["received_at"] == "2024-02-02T09:00:00+07:00"
    assert body["effective_start"] == "2024-02-02T09:00:00+07:00"
    assert body["is_final"] is True
    assert body["paused_working_days"] == 0
    assert body["unit"] == "working_days"
    assert body["explanation"][-1] == "Hạn giải quyết: 17 giờ 00 phút, ngày 16 tháng 02 năm 2024"
    assert body["steps"][0] == {
        "kind": "received",
        "date": "2024-02-02",
        "text": "Tiếp nhận hồ sơ lúc 09 giờ 00 phút, ngày 02/02/2024 (Thứ Sáu)",
    }
    assert {
        "kind": "skip",
        "date": "2024-02-12",
        "text": "Bỏ qua 12/02/2024 (Thứ Hai): Mùng ba Tết Nguyên Đán",
    } in body["steps"]
    assert [step["text"] for step in body["steps"]] == body["explanation"]


def test_due_accepts_an_offset_and_converts_it(client):
    body = client.get(URL, {**MAIN, "start": "2024-02-02T02:00:00Z"}).json()
    assert body["received_at"] == "2024-02-02T09:00:00+07:00"
    assert body["due"] == "2024-02-16T17:00:00+07:00"


def test_due_with_repeated_pauses_an_open_pause_cutoff_and_agency(client):
    params = {**MAIN, "pause": ["2024-02-05T08:00/2024-02-15T10:00", "2024-02-16/2024-02-19"]}
    body = client.get(URL, params).json()
    assert (body["due"], body["paused_working_days"]) == ("2024-02-22T17:00:00+07:00", 4)
    body = client.get(
        URL, {**MAIN, "pause": "2024-02-05T08:00/", "as_of": "2024-02-15T10:00"}
    ).json()
    assert (body["due"], body["is_final"]) == ("2024-02-21T17:00:00+07:00", False)
    same_day = {"start": "2024-03-04T15:30", "amount": "1", "unit": "same_day"}
    assert client.get(URL, same_day).json()["due"] == "2024-03-05T17:00:00+07:00"
    assert client.get(URL, {**same_day, "cutoff": "16:00"}).json()["due"] == (
        "2024-03-04T17:00:00+07:00"
    )
    agency = AgencyFactory(code="000.00.15.H26")
    services.add_override(
        user=UserFactory(is_superuser=True),
        date=date(2024, 3, 5),
        is_working=False,
        name="Chuyển trụ sở",
        agency=agency,
    )
    assert client.get(URL, {**same_day, "agency": agency.code}).json()["due"] == (
        "2024-03-06T17:00:00+07:00"
    )


def test_hours_accept_fractions(client):
    # Monday 04/03/2024 10:00 + 2.5 working hours: 10:00-11:30 (1.5 h), 13:30-14:30 (1 h)
    body = client.get(URL, {"start": "2024-03-04T10:00", "amount": "2.5", "unit": "hours"}).json()
    assert body["due"] == "2024-03-04T14:30:00+07:00"


@pytest.mark.parametrize(
    "params",
    [
        {**MAIN, "unit": "weeks"},
        {**MAIN, "start": "2024-02-30T09:00"},
        {**MAIN, "start": "hôm qua"},
        {**MAIN, "amount": "năm"},
        {**MAIN, "as_of": "mai"},
        {**MAIN, "cutoff": "25:00"},
        {"amount": "5", "unit": "days"},
    ],
)
def test_schema_errors_are_422_with_details(client, params):
    response = client.get(URL, params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"] == "Tham số không hợp lệ."
    assert body["errors"]


@pytest.mark.parametrize(
    ("params", "field", "detail"),
    [
        ({**MAIN, "amount": "-1"}, "amount", "Thời hạn không được là số âm."),
        (
            {**MAIN, "amount": "2.5"},
            "amount",
            "Thời hạn tính theo ngày làm việc phải là số nguyên.",
        ),
        (
            {**MAIN, "pause": "2024-02-06T10:00/2024-02-05T10:00"},
            "pause[0]",
            "Tạm dừng thứ 1: thời điểm kết thúc (10 giờ 00 phút, ngày 05/02/2024 (Thứ Hai)) "
            "trước thời điểm bắt đầu (10 giờ 00 phút, ngày 06/02/2024 (Thứ Ba)).",
        ),
        (
            {**MAIN, "pause": ["2024-02-05/2024-02-07", "2024-02-06/2024-02-08"]},
            "pause[1]",
            "Tạm dừng thứ 2 chồng lấn với tạm dừng thứ 1.",
        ),
        (
            {**MAIN, "pause": "05/02/2024-07/02/2024"},
            "pause[0]",
            "Tạm dừng thứ 1 phải có dạng BẮT_ĐẦU/KẾT_THÚC, ví dụ 2024-02-05T08:00/"
            "2024-02-07T10:00, hoặc BẮT_ĐẦU/ nếu chưa kết thúc; nhận được '05/02/2024-07/02/2024'.",
        ),
        (
            {**MAIN, "pause": "2024-02-05T08:00/"},
            "as_of",
            "Tạm dừng thứ 1 chưa kết thúc: cần thời điểm tạm tính (as_of) để tính hạn.",
        ),
        (
            {**MAIN, "start": "1990-01-02T09:00"},
            "start",
            "Thời điểm tiếp nhận phải trong các năm 1995–2100.",
        ),
        (
            {**MAIN, "cutoff": "06:00"},
            "cutoff",
            "Giờ chốt tiếp nhận trong ngày phải sau giờ bắt đầu làm việc và không muộn hơn giờ "
            "kết thúc làm việc.",
        ),
        ({**MAIN, "agency": "KHONG-CO"}, "agency", "Không tìm thấy cơ quan có mã 'KHONG-CO'."),
        (
            {"start": "2024-02-02T09:00", "amount": "2", "unit": "same_day"},
            "amount",
            "Thời hạn quá lớn: tối đa 1 trong ngày.",
        ),
    ],
)
def test_engine_errors_are_422_with_message_and_field(client, params, field, detail):
    response = client.get(URL, params)
    assert response.status_code == 422
    assert response.json() == {"detail": detail, "code": "invalid", "field": field}


def test_calendar_of_a_year(client):
    response = client.get("/api/v1/workdays/calendar/2025")
    assert response.status_code == 200
    days = response.json()
    assert {
        "date": "2025-01-29",
        "is_working": False,
        "name": "Tết Nguyên Đán",
        "weekday": "Thứ Tư",
    } in days
    assert {
        "date": "2025-04-26",
        "is_working": True,
        "name": "Làm bù cho ngày nghỉ 02/05/2025",
        "weekday": "Thứ Bảy",
    } in days
    assert len(days) == 13


def test_calendar_includes_overrides_of_the_agency_asked_for(client):
    agency = AgencyFactory(code="000.00.15.H26")
    services.add_override(
        user=UserFactory(is_superuser=True),
        date=date(2025, 3, 4),
        is_working=False,
        name="Chuyển trụ sở",
        reference="5/QĐ-UBND",
        agency=agency,
    )
    province = client.get("/api/v1/workdays/calendar/2025").json()
    own = client.get("/api/v1/workdays/calendar/2025", {"agency": agency.code}).json()
    assert len(province) == 13
    assert {
        "date": "2025-03-04",
        "is_working": False,
        "name": "Chuyển trụ sở (ngày nghỉ theo 5/QĐ-UBND)",
        "weekday": "Thứ Ba",
    } in own


@pytest.mark.parametrize("year", [1994, 2101, 0])
def test_calendar_year_out_of_range_is_422(client, year):
    response = client.get(f"/api/v1/workdays/calendar/{year}")
    assert response.status_code == 422
    assert response.json() == {
        "detail": f"Năm {year} nằm ngoài phạm vi lịch làm việc hỗ trợ (1995–2100).",
        "code": "invalid",
        "field": "year",
    }


def test_calendar_year_not_a_number_is_422(client):
    response = client.get("/api/v1/workdays/calendar/abc")
    assert response.status_code == 422
    assert response.json()["errors"]


def test_openapi_documents_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/workdays/due" in paths
    assert "/api/v1/workdays/calendar/{year}" in paths
