"""The mandatory components of a procedure record (Decree 63/2010/NĐ-CP art. 8.2, amended).

A record missing any of (a)–(g) is incomplete; index 766 item 1.3 counts it so, the importer
reports it, and catalog management refuses to publish it.
"""

from __future__ import annotations

from typing import Any

MANDATORY = {
    "name": "(a) tên thủ tục",
    "steps": "(b) trình tự thực hiện",
    "channels": "(c) cách thức thực hiện",
    "documents": "(d) thành phần, số lượng hồ sơ",
    "processing_time": "(đ) thời hạn giải quyết",
    "subjects": "(e) đối tượng thực hiện",
    "agency": "(g) cơ quan thực hiện",
}


def missing_components(data: dict[str, Any], *, has_linked_agency: bool = False) -> list[str]:
    """The labels of the mandatory components absent from `data`, in legal order."""
    present = {
        "name": bool(data.get("name", "").strip()),
        "steps": bool(data.get("steps")),
        "channels": bool(data.get("channels")),
        "documents": bool(data.get("documents")),
        "processing_time": any(
            c["processing_time"].get("amount") is not None or c["processing_time"].get("text")
            for c in data.get("channels", [])
        ),
        "subjects": bool(data.get("subjects")),
        "agency": has_linked_agency
        or bool(data.get("implementing_agency") or data.get("competent_agency")),
    }
    return [label for key, label in MANDATORY.items() if not present[key]]
