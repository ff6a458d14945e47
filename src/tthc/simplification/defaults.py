"""Default cost inputs derived from a catalog record, which the officer then adjusts.

Assumptions (documented in docs/simplification.md; each is an input the officer can change):
one hour to prepare each document; certified copies at `COPY_VND` each; in person: two trips
(submit, collect) of `TRIP_HOURS` and `TRIP_VND` each, plus `WAIT_HOURS` waiting at the
counter; by post: `POSTAGE_VND` each way; online: `ONLINE_SUBMIT_HOURS` to fill in and upload.
The fee is the lowest amount the channel lists (DOMAIN §7: the low figure where sources differ).
The value of an hour comes from the settings `TTHC_HOURLY_VALUE_VND`,
`TTHC_HOURLY_VALUE_SOURCE` and `TTHC_HOURLY_VALUE_YEAR`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings

HOURS_PER_DOCUMENT = Decimal(1)
HOURS_PER_STEP = Decimal(1)
COPY_VND = 2_000
TRIP_HOURS = Decimal(1)
TRIP_VND = 20_000
WAIT_HOURS = Decimal(1)
POSTAGE_VND = 30_000
ONLINE_SUBMIT_HOURS = Decimal("0.5")
UNIT_TEXT = {
    "working_days": "ngày làm việc",
    "days": "ngày",
    "hours": "giờ",
    "months": "tháng",
}


def hourly_value() -> tuple[int, str, int | None]:
    return (
        int(settings.TTHC_HOURLY_VALUE_VND),
        str(settings.TTHC_HOURLY_VALUE_SOURCE),
        settings.TTHC_HOURLY_VALUE_YEAR,
    )


def copies_cost(document: dict[str, Any]) -> int:
    return int(document.get("copies") or 0) * COPY_VND


def channel_fee(data: dict[str, Any], channel: str) -> int:
    for item in data.get("channels", []):
        if item["channel"] == channel:
            amounts = [f["amount_vnd"] for f in item.get("fees", []) if f.get("amount_vnd")]
            return min(amounts) if amounts else 0
    return 0


def cost_inputs(data: dict[str, Any], channel: str) -> dict[str, Any]:
    """The calculator's inputs for `channel` of the catalog content `data`."""
    value, source, year = hourly_value()
    documents = data.get("documents", [])
    prepare = HOURS_PER_DOCUMENT * max(len(documents), 1)
    activities = [{"key": "prepare", "name": "Chuẩn bị hồ sơ", "hours": str(prepare)}]
    other = [
        {
            "key": "copies",
            "name": "Sao chụp, chứng thực giấy tờ",
            "amount_vnd": sum(copies_cost(d) for d in documents),
        }
    ]
    steps = max(len(data.get("steps", [])), 1)
    if channel == "in_person":
        activities += [
            {
                "key": "travel",
                "name": "Đi lại (nộp hồ sơ, nhận kết quả)",
                "hours": str(2 * TRIP_HOURS),
            },
            {"key": "wait", "name": "Chờ đợi tại bộ phận một cửa", "hours": str(WAIT_HOURS)},
            {
                "key": "submit",
                "name": "Nộp hồ sơ, thực hiện các bước",
                "hours": str(HOURS_PER_STEP * steps),
            },
        ]
        other.append({"key": "travel", "name": "Chi phí đi lại", "amount_vnd": 2 * TRIP_VND})
    elif channel == "postal":
        activities.append(
            {
                "key": "submit",
                "name": "Gửi hồ sơ qua bưu chính",
                "hours": str(HOURS_PER_STEP * steps),
            }
        )
        other.append(
            {"key": "postage", "name": "Cước bưu chính hai chiều", "amount_vnd": 2 * POSTAGE_VND}
        )
    else:
        activities.append(
            {
                "key": "submit",
                "name": "Khai, nộp hồ sơ trực tuyến",
                "hours": str(ONLINE_SUBMIT_HOURS * steps),
            }
        )
    return {
        "hourly_value_vnd": value,
        "hourly_value_source": source,
        "hourly_value_year": year,
        "activities": activities,
        "other_costs": other,
        "fees_vnd": channel_fee(data, channel),
        "filings_per_subject_per_year": "1",
        "subjects_per_year": 0,
    }
