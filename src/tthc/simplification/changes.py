"""What a simplification changes, and what that does to the cost and to the catalog record.

Each change is a dict with a `kind` (`KINDS`) and its own keys:

- `drop_document` {document}: the document is no longer required;
- `replace_document` {document, replacement}: another (easier) document replaces it;
- `shorten_time` {amount, unit}: the processing time of the channel becomes `amount unit`;
- `lower_fee` {fees_vnd}: the fee of the channel becomes `fees_vnd`;
- `merge_steps` {steps, into}: the listed steps become the one step `into`;
- `raise_online_level` {level}: the online service becomes `partial` or `full`;
- `abolish` {}: the procedure is abolished.

`apply_to_cost` recomputes the applicant's cost after the changes from the cost before (see
`defaults` for the hours and amounts per document, trip and step); `apply_to_data` gives the
catalog content after them, saved as a new version when the proposal is implemented.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tthc.core.errors import ValidationError

from . import defaults

KINDS = {
    "drop_document": gettext_lazy("Bãi bỏ thành phần hồ sơ"),
    "replace_document": gettext_lazy("Thay thế thành phần hồ sơ"),
    "shorten_time": gettext_lazy("Rút ngắn thời hạn giải quyết"),
    "lower_fee": gettext_lazy("Giảm phí, lệ phí"),
    "merge_steps": gettext_lazy("Gộp các bước thực hiện"),
    "raise_online_level": gettext_lazy("Nâng mức độ dịch vụ công trực tuyến"),
    "abolish": gettext_lazy("Bãi bỏ thủ tục"),
}
TIME_UNITS = ("working_days", "days", "hours", "months")
ONLINE_ORDER = {"none": 0, "partial": 1, "full": 2}


def describe(change: dict[str, Any]) -> str:
    kind = change.get("kind", "")
    label = KINDS.get(kind, kind)
    if kind == "drop_document":
        return f"{label}: {change['document']}"
    if kind == "replace_document":
        return f"{label}: {change['document']} → {change['replacement']}"
    if kind == "shorten_time":
        unit = defaults.UNIT_TEXT.get(change["unit"], change["unit"])
        return _("%(label)s: còn %(amount)s %(unit)s") % {
            "label": label,
            "amount": change["amount"],
            "unit": unit,
        }
    if kind == "lower_fee":
        amount = f"{change['fees_vnd']:,}".replace(",", ".")
        return _("%(label)s: còn %(amount)s đồng") % {"label": label, "amount": amount}
    if kind == "merge_steps":
        return f"{label}: {', '.join(change['steps'])} → {change['into']}"
    if kind == "raise_online_level":
        level = {"partial": _("một phần"), "full": _("toàn trình")}.get(change["level"], "")
        return f"{label}: {level}"
    return str(label)


def _text(change: dict, key: str, index: int) -> str:
    value = change.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(
            _("Thay đổi %(n)s: thiếu '%(key)s'.") % {"n": index + 1, "key": key}, field="changes"
        )
    return value.strip()


def validate(changes: Any, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Check `changes` against the catalog content `data`; return them normalised."""
    if not isinstance(changes, list):
        raise ValidationError(_("Nội dung đơn giản hóa phải là danh sách."), field="changes")
    documents = {d["name"] for d in data.get("documents", [])}
    steps = set(data.get("steps", []))
    out: list[dict[str, Any]] = []
    for i, change in enumerate(changes):
        if not isinstance(change, dict) or change.get("kind") not in KINDS:
            raise ValidationError(
                _("Thay đổi %(n)s: loại không hợp lệ.") % {"n": i + 1}, field="changes"
            )
        kind = change["kind"]
        clean: dict[str, Any] = {"kind": kind}
        if kind in ("drop_document", "replace_document"):
            clean["document"] = _text(change, "document", i)
            if clean["document"] not in documents:
                raise ValidationError(
                    _("Thay đổi %(n)s: thủ tục không có thành phần hồ sơ '%(document)s'.")
                    % {"n": i + 1, "document": clean["document"]},
                    field="changes",
                )
            if kind == "replace_document":
                clean["replacement"] = _text(change, "replacement", i)
        elif kind == "shorten_time":
            try:
                amount = Decimal(str(change.get("amount")))
            except Exception:
                amount = Decimal(-1)
            if not amount.is_finite() or amount < 0 or change.get("unit") not in TIME_UNITS:
                raise ValidationError(
                    _("Thay đổi %(n)s: thời hạn mới không hợp lệ.") % {"n": i + 1}, field="changes"
                )
            clean.update(amount=str(amount), unit=change["unit"])
        elif kind == "lower_fee":
            fee = change.get("fees_vnd")
            if isinstance(fee, bool) or not isinstance(fee, int) or fee < 0:
                raise ValidationError(
                    _("Thay đổi %(n)s: mức phí mới không hợp lệ.") % {"n": i + 1}, field="changes"
                )
            clean["fees_vnd"] = fee
        elif kind == "merge_steps":
            merged = change.get("steps")
            if not isinstance(merged, list) or len(merged) < 2 or not set(merged) <= steps:
                raise ValidationError(
                    _("Thay đổi %(n)s: chọn ít nhất hai bước của thủ tục để gộp.") % {"n": i + 1},
                    field="changes",
                )
            clean.update(steps=list(merged), into=_text(change, "into", i))
        elif kind == "raise_online_level":
            level = change.get("level")
            if ONLINE_ORDER.get(level, 0) <= ONLINE_ORDER.get(data.get("online_level", "none"), 0):
                raise ValidationError(
                    _("Thay đổi %(n)s: mức độ trực tuyến mới phải cao hơn mức hiện tại.")
                    % {"n": i + 1},
                    field="changes",
                )
            clean["level"] = level
        out.append(clean)
    if any(c["kind"] == "abolish" for c in out) and len(out) > 1:
        raise ValidationError(
            _("Bãi bỏ thủ tục không đi cùng thay đổi khác của cùng thủ tục."), field="changes"
        )
    return out


def _adjust_hours(cost: dict, key: str, delta: Decimal) -> None:
    for activity in cost["activities"]:
        if activity.get("key") == key:
            hours = Decimal(str(activity["hours"])) + delta
            activity["hours"] = str(max(hours, Decimal(0)))
            return


def _adjust_amount(cost: dict, key: str, delta: int) -> None:
    for item in cost["other_costs"]:
        if item.get("key") == key:
            item["amount_vnd"] = max(int(item["amount_vnd"]) + delta, 0)
            return


def apply_to_cost(
    before: dict[str, Any], changes: list[dict[str, Any]], data: dict[str, Any]
) -> dict[str, Any]:
    """The cost inputs after `changes` (the officer's `before` inputs changed by each one)."""
    after = copy.deepcopy(before)
    after.setdefault("activities", [])
    after.setdefault("other_costs", [])
    by_name = {d["name"]: d for d in data.get("documents", [])}
    for change in changes:
        kind = change["kind"]
        if kind == "abolish":
            after["activities"] = []
            after["other_costs"] = []
            after["fees_vnd"] = 0
        elif kind == "drop_document":
            document = by_name.get(change["document"], {})
            _adjust_hours(after, "prepare", -defaults.HOURS_PER_DOCUMENT)
            _adjust_amount(after, "copies", -defaults.copies_cost(document))
        elif kind == "lower_fee":
            after["fees_vnd"] = min(int(after.get("fees_vnd", 0)), change["fees_vnd"])
        elif kind == "merge_steps":
            saved = defaults.HOURS_PER_STEP * (len(change["steps"]) - 1)
            _adjust_hours(after, "submit", -saved)
        elif kind == "raise_online_level":
            share = Decimal(1) if change["level"] == "full" else Decimal("0.5")
            for activity in after["activities"]:
                if activity.get("key") in ("travel", "wait"):
                    hours = Decimal(str(activity["hours"]))
                    activity["hours"] = str(hours - hours * share)
            for item in after["other_costs"]:
                if item.get("key") in ("travel", "postage"):
                    amount = Decimal(int(item["amount_vnd"]))
                    item["amount_vnd"] = int(amount - (amount * share).to_integral_value())
    return after


def apply_to_data(data: dict[str, Any], changes: list[dict[str, Any]], channel: str) -> dict:
    """The catalog content after `changes` (on `channel` for times and fees)."""
    new = copy.deepcopy(data)
    for change in changes:
        kind = change["kind"]
        if kind == "abolish":
            new["status"] = "abolished"
        elif kind == "drop_document":
            new["documents"] = [d for d in new["documents"] if d["name"] != change["document"]]
        elif kind == "replace_document":
            for document in new["documents"]:
                if document["name"] == change["document"]:
                    document["name"] = change["replacement"]
        elif kind == "shorten_time":
            for item in new.get("channels", []):
                if item["channel"] == channel:
                    item["processing_time"] = {
                        "amount": change["amount"],
                        "unit": change["unit"],
                        "text": f"{change['amount']} {defaults.UNIT_TEXT[change['unit']]}",
                    }
        elif kind == "lower_fee":
            text = f"{change['fees_vnd']:,} đồng".replace(",", ".")
            for item in new.get("channels", []):
                if item["channel"] == channel:
                    item["fees"] = [{"amount_vnd": change["fees_vnd"], "text": text}]
        elif kind == "merge_steps":
            steps = new.get("steps", [])
            position = min(steps.index(s) for s in change["steps"])
            kept = [s for s in steps if s not in change["steps"]]
            kept.insert(position, change["into"])
            new["steps"] = kept
        elif kind == "raise_online_level":
            new["online_level"] = change["level"]
            channels = new.setdefault("channels", [])
            if channels and not any(c["channel"] == "online" for c in channels):
                online = copy.deepcopy(channels[0])
                online.update(channel="online", description="Nộp hồ sơ trực tuyến")
                channels.append(online)
    return new
