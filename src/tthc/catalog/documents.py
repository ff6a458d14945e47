"""The document checklist of a procedure as pages show it: sections by group and condition."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import ngettext


@dataclass
class Section:
    group: str  # the heading the portal prints above the documents
    condition: str  # "" for documents always needed
    documents: list[dict[str, Any]] = field(default_factory=list)


def display_name(document: dict[str, Any]) -> str:
    """The name without the list dash the national text often starts it with."""
    name = document.get("name", "")
    return name.lstrip("-–+•* ").strip() or name


def quantity_text(document: dict[str, Any]) -> str:
    """“1 bản chính, 2 bản sao” as the catalog asks; empty when it does not say."""
    parts = []
    if n := document.get("originals"):
        parts.append(ngettext("%(n)s bản chính", "%(n)s bản chính", n) % {"n": n})
    if n := document.get("copies"):
        parts.append(ngettext("%(n)s bản sao", "%(n)s bản sao", n) % {"n": n})
    return ", ".join(parts)


def document_sections(documents: list[dict[str, Any]]) -> list[Section]:
    """Documents always needed first, then one section per condition, each in source order.

    A document that is its own condition ("Trường hợp ủy quyền phải kèm theo giấy ủy quyền")
    goes to an untitled conditional section rather than repeating itself as a heading.
    """
    sections: dict[tuple[bool, str, str], Section] = {}
    for document in documents:
        name = display_name(document)
        condition = (document.get("condition") or "").strip()
        if condition and condition.rstrip(" .;") == name.rstrip(" .;"):
            condition = "Các trường hợp khác"
        group = document.get("group") or ""
        key = (bool(condition), group, condition)
        section = sections.setdefault(key, Section(group, condition))
        section.documents.append(
            dict(document, name=name, mandatory=document.get("mandatory", True))
        )
    return sorted(sections.values(), key=lambda s: bool(s.condition))
