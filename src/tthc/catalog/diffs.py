"""What changed between two versions of a procedure's content: a canonical form and its hash
(to store a version only when the content differs) and the readable diff shown to the control
office."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from tthc.catalog.models import Level, OnlineLevel, Status


def canonical_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_hash(data: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(data).encode()).hexdigest()


def diff_data(old: dict[str, Any], new: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Field-level diff: for each top-level component that changed, its old and new value."""
    changes = {}
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            changes[key] = {"old": old.get(key), "new": new.get(key)}
    return changes


COMPONENT_LABELS = {
    "name": "Tên thủ tục",
    "levels": "Cấp thực hiện",
    "field": "Lĩnh vực",
    "procedure_type": "Loại thủ tục",
    "subjects": "Đối tượng thực hiện",
    "status": "Tình trạng",
    "online_level": "Dịch vụ công trực tuyến",
    "boundary_free": "Không phụ thuộc địa giới hành chính",
    "steps": "Trình tự thực hiện",
    "channels": "Cách thức thực hiện",
    "documents": "Thành phần hồ sơ",
    "legal_bases": "Căn cứ pháp lý",
    "results": "Kết quả",
    "requirements": "Yêu cầu, điều kiện",
    "competent_agency": "Cơ quan có thẩm quyền",
    "implementing_agency": "Cơ quan thực hiện",
    "authorised_agency": "Cơ quan được ủy quyền",
    "coordinating_agency": "Cơ quan phối hợp",
    "reception_address": "Địa chỉ tiếp nhận",
    "related_procedures": "Thủ tục liên quan",
    "keywords": "Từ khóa",
    "description": "Mô tả",
    "decision_number": "Số quyết định công bố",
}
_CHANNELS = {"in_person": "Trực tiếp", "online": "Trực tuyến", "postal": "Bưu chính"}


VALUE_LABELS = {
    "status": dict(Status.choices),
    "online_level": dict(OnlineLevel.choices),
    "levels": dict(Level.choices),
}


def _value_text(key: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return str(VALUE_LABELS.get(key, {}).get(value, value))


def _row_text(key: str, item: Any) -> str:
    """One row of a list component as a line a person reads."""
    if not isinstance(item, dict):
        return _value_text(key, item)
    if key == "channels":
        time = item.get("processing_time") or {}
        fees = ", ".join(
            f.get("text") or f"{f.get('amount_vnd')} đồng" for f in item.get("fees", [])
        )
        when = time.get("text") or f"{time.get('amount') or ''} {time.get('unit', '')}".strip()
        parts = [_CHANNELS.get(item.get("channel"), item.get("channel", "")), when, fees]
        if item.get("description"):
            parts.append(item["description"])
        return " — ".join(p for p in parts if p)
    if key == "documents":
        counts = []
        if item.get("originals"):
            counts.append(f"{item['originals']} bản chính")
        if item.get("copies"):
            counts.append(f"{item['copies']} bản sao")
        text = item.get("name", "")
        if item.get("group"):
            text = f"[{item['group']}] {text}"
        return text + (f" ({', '.join(counts)})" if counts else "")
    if key == "legal_bases":
        return " — ".join(p for p in (item.get("number", ""), item.get("title", "")) if p)
    if key == "results":
        return " — ".join(p for p in (item.get("name", ""), item.get("code", "")) if p)
    return canonical_json(item)


def readable_diff(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """A per-component diff two versions can be compared by: for list components the rows
    removed and added (and how many are unchanged), for the others the old and new text."""
    changes = []
    for key, change in diff_data(old, new).items():
        before, after = change["old"], change["new"]
        label = COMPONENT_LABELS.get(key, key)
        if isinstance(before, list) or isinstance(after, list):
            old_rows = [_row_text(key, i) for i in before or []]
            new_rows = [_row_text(key, i) for i in after or []]
            kept = [r for r in new_rows if r in old_rows]
            changes.append(
                {
                    "key": key,
                    "label": label,
                    "kind": "list",
                    "removed": [r for r in old_rows if r not in new_rows],
                    "added": [r for r in new_rows if r not in old_rows],
                    "unchanged": len(kept),
                }
            )
        else:
            changes.append(
                {
                    "key": key,
                    "label": label,
                    "kind": "text",
                    "old": _value_text(key, before),
                    "new": _value_text(key, after),
                }
            )
    return changes
