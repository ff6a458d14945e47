"""Which of the province's agencies apply an imported procedure.

The national records name agencies in free text ("Sở Tư pháp", "Ủy ban nhân dân xã, phường,
thị trấn", "Chủ tịch Ủy ban nhân dân cấp tỉnh"). The rules, in order of precedence:

1. a mapping file entry for the procedure's code (`procedures`);
2. a mapping file entry whose text occurs in the agency text (`texts`);
3. the province's agencies whose short name occurs in the agency text (competent, implementing,
   authorised and coordinating texts each give their role);
4. a text naming the provincial People's Committee or its chairman links the provincial
   committee; commune-level procedures link every commune People's Committee;
5. a mapping file entry for the procedure's field (`fields`), when nothing above matched for a
   province-level procedure.

Mapping file (JSON):
    {"procedures": {"1.000080": [{"agency": "000.00.15.H26", "role": "implementing"}]},
     "texts": {"Công an tỉnh": "000.00.60.H26"},
     "fields": {"Hộ tịch": "000.00.15.H26"}}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from tthc.catalog.models import AgencyRole
from tthc.core.errors import ValidationError
from tthc.core.text import fold
from tthc.org.models import Agency, AgencyKind, UnitLevel

_ROLE_TEXTS = {
    AgencyRole.COMPETENT: "competent_agency",
    AgencyRole.IMPLEMENTING: "implementing_agency",
    AgencyRole.AUTHORISED: "authorised_agency",
    AgencyRole.COORDINATING: "coordinating_agency",
}
_PROVINCE_COMMITTEE_WORDS = (
    "uy ban nhan dan cap tinh",
    "uy ban nhan dan tinh",
    "ubnd tinh",
    "ubnd cap tinh",
    "chu tich uy ban nhan dan cap tinh",
)
_COMMUNE_COMMITTEE_WORDS = (
    "uy ban nhan dan xa",
    "uy ban nhan dan cap xa",
    "ubnd cap xa",
    "ubnd xa",
)


@dataclass
class MappingFile:
    procedures: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> MappingFile:
        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValidationError(f"Không đọc được tệp ánh xạ cơ quan {path}: {exc}") from exc
        if not isinstance(raw, dict):
            raise ValidationError("Tệp ánh xạ cơ quan phải là một đối tượng JSON.")
        procedures = {}
        for code, entries in (raw.get("procedures") or {}).items():
            procedures[str(code)] = [
                (str(e["agency"]), str(e.get("role", AgencyRole.IMPLEMENTING))) for e in entries
            ]
        return cls(
            procedures=procedures,
            texts={fold(k): str(v) for k, v in (raw.get("texts") or {}).items()},
            fields={fold(k): str(v) for k, v in (raw.get("fields") or {}).items()},
        )


class AgencyResolver:
    """Resolves agency texts against the province's agencies (loaded once per import)."""

    def __init__(self, mapping: MappingFile | None = None):
        self.mapping = mapping or MappingFile()
        agencies = list(Agency.objects.filter(is_active=True).select_related("unit"))
        self.by_code = {a.code: a for a in agencies}
        self.province_committees = [
            a
            for a in agencies
            if a.kind == AgencyKind.PEOPLES_COMMITTEE and a.unit.level == UnitLevel.PROVINCE
        ]
        self.commune_committees = [
            a
            for a in agencies
            if a.kind == AgencyKind.PEOPLES_COMMITTEE and a.unit.level == UnitLevel.COMMUNE
        ]
        # Match on the agency's own name without the province's name ("Sở Tư pháp").
        self.named = [
            (fold(a.short_name), a)
            for a in agencies
            if a.short_name and a.kind not in (AgencyKind.PEOPLES_COMMITTEE,)
        ]
        self.named.sort(key=lambda pair: -len(pair[0]))  # longest first: "Sở Nội vụ" vs "Sở"

    def resolve(self, code: str, data: dict) -> tuple[list[tuple[Agency, str]], list[str]]:
        """The (agency, role) links for a procedure and the problems met (Vietnamese)."""
        problems: list[str] = []
        if code in self.mapping.procedures:
            links = []
            for agency_code, role in self.mapping.procedures[code]:
                agency = self.by_code.get(agency_code)
                if agency is None:
                    problems.append(f"Tệp ánh xạ nêu cơ quan '{agency_code}' không có trong tỉnh.")
                elif role not in AgencyRole.values:
                    problems.append(f"Tệp ánh xạ nêu vai trò không hợp lệ '{role}'.")
                else:
                    links.append((agency, role))
            return links, problems

        links: list[tuple[Agency, str]] = []
        levels = set(data.get("levels", []))
        for role, key in _ROLE_TEXTS.items():
            text = fold(data.get(key, ""))
            if not text:
                continue
            for fragment, agency_code in self.mapping.texts.items():
                if fragment in text and agency_code in self.by_code:
                    links.append((self.by_code[agency_code], role))
            for name, agency in self.named:
                if name and name in text:
                    links.append((agency, role))
            if "province" in levels and any(w in text for w in _PROVINCE_COMMITTEE_WORDS):
                links += [(a, role) for a in self.province_committees]
            if "commune" in levels and any(w in text for w in _COMMUNE_COMMITTEE_WORDS):
                links += [(a, role) for a in self.commune_committees]
        if "commune" in levels and not any(a.unit.level == UnitLevel.COMMUNE for a, _ in links):
            links += [(a, AgencyRole.IMPLEMENTING) for a in self.commune_committees]
        if "province" in levels and not any(a.unit.level == UnitLevel.PROVINCE for a, _ in links):
            agency_code = self.mapping.fields.get(fold(data.get("field", "")))
            if agency_code and agency_code in self.by_code:
                links.append((self.by_code[agency_code], AgencyRole.IMPLEMENTING))
            elif self.by_code:
                text = (data.get("implementing_agency") or data.get("competent_agency") or "")[:120]
                problems.append(
                    f"Không xác định được cơ quan cấp tỉnh thực hiện từ '{text}': "
                    "bổ sung tệp ánh xạ cơ quan."
                    if text
                    else "Bản ghi không nêu cơ quan thực hiện cấp tỉnh: bổ sung tệp ánh xạ cơ quan."
                )
        return list(dict.fromkeys(links)), problems
