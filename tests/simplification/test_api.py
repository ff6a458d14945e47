"""POST /api/v1/compliance-cost and /compliance-cost/compare (issue 8)."""

import pytest

URL = "/api/v1/compliance-cost"

BEFORE = {
    "hourly_value_vnd": 25_000,
    "activities": [
        {"name": "Chuẩn bị hồ sơ", "hours": 16},
        {"name": "Đi lại", "hours": 8},
        {"name": "Chờ, nộp hồ sơ", "hours": "6"},
        {"name": "Nhận kết quả", "hours": 2.0},
    ],
    "other_costs": [
        {"name": "Sao y, chứng thực", "amount_vnd": 74_000},
        {"name": "Đi lại", "amount_vnd": 50_000},
    ],
    "fees_vnd": 100_000,
    "filings_per_subject_per_year": 1,
    "subjects_per_year": 12_000,
}
AFTER = {
    "hourly_value_vnd": 25_000,
    "activities": [{"name": "Khai trực tuyến", "hours": "4.5"}, {"name": "Nhận", "hours": 1.5}],
    "other_costs": [{"name": "Sao y", "amount_vnd": 31_000}],
    "fees_vnd": 50_000,
    "filings_per_subject_per_year": 1,
    "subjects_per_year": 12_000,
}


def test_cost_of_one_procedure(client):
    response = client.post(URL, BEFORE, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {
        "labour_vnd": 800_000,
        "per_filing_vnd": 1_024_000,
        "per_year_vnd": 12_288_000_000,
    }


def test_compare_reproduces_the_worked_example(client):
    response = client.post(
        f"{URL}/compare", {"before": BEFORE, "after": AFTER}, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["before"]["per_filing_vnd"] == 1_024_000
    assert body["after"]["per_filing_vnd"] == 231_000
    assert body["saving_per_filing_vnd"] == 793_000
    assert body["saving_per_year_vnd"] == 9_516_000_000
    assert body["saving_rate_pct"] == 77.44


def test_compare_rate_is_null_when_before_is_zero(client):
    zero = {**AFTER, "activities": [], "other_costs": [], "fees_vnd": 0}
    body = client.post(
        f"{URL}/compare", {"before": zero, "after": zero}, content_type="application/json"
    ).json()
    assert body["saving_rate_pct"] is None


@pytest.mark.parametrize(
    "payload",
    [
        {**BEFORE, "activities": [{"name": "x", "hours": -1}]},
        {k: v for k, v in BEFORE.items() if k != "fees_vnd"},
        {k: v for k, v in BEFORE.items() if k != "activities"},
        {**BEFORE, "fees_vnd": "nhiều"},
        {**BEFORE, "fees_vnd": 10.5},
        {**BEFORE, "hourly_value_vnd": -25_000},
        {**BEFORE, "subjects_per_year": [1]},
        {**BEFORE, "other_costs": [{"name": "x"}]},
        {**BEFORE, "activities": "nhiều"},
    ],
)
def test_invalid_input_is_422_with_details(client, payload):
    response = client.post(URL, payload, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"]
    assert body["errors"]


def test_compare_invalid_side_is_422(client):
    response = client.post(
        f"{URL}/compare",
        {"before": BEFORE, "after": {**AFTER, "activities": [{"name": "x", "hours": -2}]}},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert any("after" in [str(p) for p in e["loc"]] for e in response.json()["errors"])


def test_not_json_is_4xx(client):
    response = client.post(URL, "không phải json", content_type="application/json")
    assert 400 <= response.status_code < 500
