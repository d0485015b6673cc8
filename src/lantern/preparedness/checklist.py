"""The preparedness checklist: a versioned TOML file of pillars and items (data/checklist.toml), or a country's
adapted copy of it stored in the database. Read with the standard library; validated before it is used, so a
copy that names an unknown pillar, repeats an id or gives a weight out of range is refused with the reason."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation

BUILT_IN = Path(__file__).parent / "data" / "checklist.toml"
LEVELS = range(0, 6)  # PER: 0 not reviewed, 1 does not exist, 2 initial, 3 developing, 4 established, 5 high
WEIGHTS = range(1, 4)  # how much an item counts when gaps are ranked: 1 useful, 2 important, 3 essential
# Where Lantern can fill in an item from what it already holds (lantern.preparedness.evidence).
EVIDENCE_SOURCES = frozenset(
    {
        "lead_agency",
        "roles_acknowledged",
        "minimum_package",
        "operating_status",
        "disaggregated_indicators",
        "statistics_published",
        "portal_languages",
        "hotlines_public",
        "quarantine_beds",
        "remote_hearings",
    }
)
MAX_CHECKLIST_BYTES = 512 * 1024


def localised(text: dict[str, str] | str, language: str | None = None) -> str:
    """A text of the file in the reader's language, else in English."""
    if isinstance(text, str):
        return text
    language = (language or translation.get_language() or "en").split("-")[0]
    return text.get(language) or text.get("en", "")


@dataclass(frozen=True)
class Pillar:
    id: str
    name: dict[str, str]

    @property
    def label(self) -> str:
        return localised(self.name)


@dataclass(frozen=True)
class Item:
    id: str
    pillar: str
    weight: int
    cites: str
    title: dict[str, str]
    evidence: str
    lantern: str

    @property
    def label(self) -> str:
        return localised(self.title)


@dataclass(frozen=True)
class Checklist:
    version: str
    title: str
    levels: dict[int, dict[str, str]]
    pillars: list[Pillar]
    items: list[Item]
    at_risk_groups: list[str]

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)

    def pillar(self, pillar_id: str) -> Pillar | None:
        return next((p for p in self.pillars if p.id == pillar_id), None)


def _text(value: Any, where: str) -> dict[str, str]:
    if isinstance(value, str):
        value = {"en": value}
    if not isinstance(value, dict) or not isinstance(value.get("en"), str) or not value["en"].strip():
        raise ValidationError({"checklist": f"{where}: an English text is required"})
    if not all(isinstance(k, str) and isinstance(v, str) and len(v) <= 500 for k, v in value.items()):
        raise ValidationError({"checklist": f"{where}: texts must be strings of at most 500 characters"})
    return value


def parse(data: dict[str, Any]) -> Checklist:
    """Validate a decoded checklist and return it; a ValidationError names the first thing wrong."""
    version = data.get("version")
    if not isinstance(version, str) or not 0 < len(version) <= 40:
        raise ValidationError({"checklist": "version: a text of at most 40 characters is required"})
    pillars = []
    for raw in data.get("pillars") or []:
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"]:
            raise ValidationError({"checklist": "every pillar needs an id"})
        pillars.append(Pillar(id=raw["id"][:40], name=_text(raw.get("name"), f"pillar {raw['id']}")))
    pillar_ids = [p.id for p in pillars]
    if not pillars or len(set(pillar_ids)) != len(pillar_ids):
        raise ValidationError({"checklist": "pillars: at least one, each id once"})
    items, seen = [], set()
    for raw in data.get("items") or []:
        item_id = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(item_id, str) or not 0 < len(item_id) <= 20 or item_id in seen:
            raise ValidationError({"checklist": f"item id {item_id!r}: required, at most 20 characters, once"})
        seen.add(item_id)
        if raw.get("pillar") not in pillar_ids:
            raise ValidationError({"checklist": f"item {item_id}: unknown pillar {raw.get('pillar')!r}"})
        weight = raw.get("weight", 1)
        if not isinstance(weight, int) or weight not in WEIGHTS:
            raise ValidationError({"checklist": f"item {item_id}: weight must be 1, 2 or 3"})
        source = raw.get("lantern", "")
        if source and source not in EVIDENCE_SOURCES:
            raise ValidationError({"checklist": f"item {item_id}: unknown Lantern evidence {source!r}"})
        cites = raw.get("cites")
        if not isinstance(cites, str) or not cites.strip():
            raise ValidationError({"checklist": f"item {item_id}: cite the recommendation it comes from"})
        items.append(
            Item(
                id=item_id,
                pillar=raw["pillar"],
                weight=weight,
                cites=cites[:500],
                title=_text(raw.get("title"), f"item {item_id}"),
                evidence=str(raw.get("evidence", ""))[:500],
                lantern=source,
            )
        )
    if not items:
        raise ValidationError({"checklist": "at least one item is required"})
    levels = {}
    for key, value in (data.get("levels") or {}).items():
        if not str(key).isdigit() or int(key) not in LEVELS or not isinstance(value, dict):
            raise ValidationError({"checklist": f"levels: {key!r} is not a level from 0 to 5"})
        levels[int(key)] = {"name": str(value.get("name", "")), "evidence": str(value.get("evidence", ""))}
    groups = [str(g)[:200] for g in data.get("at_risk_groups") or []]
    return Checklist(str(version), str(data.get("title", ""))[:200], levels, pillars, items, groups)


def parse_toml(text: str) -> Checklist:
    if len(text.encode()) > MAX_CHECKLIST_BYTES:
        raise ValidationError({"checklist": "the file is larger than 512 KB"})
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError({"checklist": f"not valid TOML: {exc}"}) from None
    return parse(data)


_BUILT_IN: Checklist | None = None


def built_in() -> Checklist:
    global _BUILT_IN
    if _BUILT_IN is None:
        _BUILT_IN = parse_toml(BUILT_IN.read_text(encoding="utf-8"))
    return _BUILT_IN
