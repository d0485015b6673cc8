"""The indicator checklists, kept as data: one JSON file per version under `lantern/cases/indicators/`, read once
and checked when first read. Each indicator has a stable code and its label in every language of the staff UI;
an answer stores the code and the checklist's version, so a later version may reword or add indicators without
changing what an earlier checklist said. Read directly rather than loaded into tables: the wording is reviewed and
versioned with the code (git), and nothing in the database can drift from the file (docs/decisions/0013)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import get_language

DATA_DIR = Path(__file__).resolve().parent.parent / "indicators"
FILE_PREFIX = "ilo-iom-"
CODE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz_")


def staff_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


@dataclass(frozen=True)
class Indicator:
    code: str
    labels: dict[str, str]

    def label(self, language: str | None = None) -> str:
        return _in(self.labels, language)


@dataclass(frozen=True)
class Section:
    code: str
    labels: dict[str, str]
    indicators: tuple[Indicator, ...]

    def label(self, language: str | None = None) -> str:
        return _in(self.labels, language)


@dataclass(frozen=True)
class Checklist:
    version: str
    titles: dict[str, str]
    sources: tuple[str, ...]
    sections: tuple[Section, ...]

    def title(self, language: str | None = None) -> str:
        return _in(self.titles, language)

    @property
    def indicators(self) -> dict[str, Indicator]:
        return {i.code: i for s in self.sections for i in s.indicators}

    def section_of(self, code: str) -> Section | None:
        return next((s for s in self.sections if any(i.code == code for i in s.indicators)), None)


def _in(labels: dict[str, str], language: str | None) -> str:
    language = (language or get_language() or "en").split("-")[0]
    return labels.get(language) or labels["en"]


class ChecklistFileError(ValueError):
    pass


def _labels(raw: object, where: str) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise ChecklistFileError(f"{where}: labels must be an object of language -> text")
    missing = [code for code in staff_languages() if not str(raw.get(code, "")).strip()]
    if missing:
        raise ChecklistFileError(f"{where}: no label in {', '.join(missing)}")
    return {str(k): str(v).strip() for k, v in raw.items()}


def parse(data: dict[str, Any], *, where: str = "checklist") -> Checklist:
    """A checklist from the decoded JSON, refused with the place of the first mistake."""
    version = str(data.get("version", "")).strip()
    if not version:
        raise ChecklistFileError(f"{where}: no version")
    seen: set[str] = set()
    sections = []
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        raise ChecklistFileError(f"{where}: no sections")
    for raw_section in raw_sections:
        section_code = str(raw_section.get("code", ""))
        indicators = []
        for raw in raw_section.get("indicators", []):
            code = str(raw.get("code", ""))
            if not code or not set(code) <= CODE_CHARS or len(code) > 40:
                raise ChecklistFileError(f"{where}: indicator code {code!r} is not lower-case letters and _")
            if code in seen:
                raise ChecklistFileError(f"{where}: indicator code {code} twice")
            seen.add(code)
            indicators.append(Indicator(code, _labels(raw.get("label"), f"{where} {code}")))
        if not indicators:
            raise ChecklistFileError(f"{where}: section {section_code} has no indicators")
        sections.append(Section(section_code, _labels(raw_section.get("label"), f"{where} {section_code}"),
                                tuple(indicators)))  # fmt: skip
    titles = _labels(data.get("title"), f"{where} title")
    sources = tuple(str(s) for s in data.get("sources", []))
    return Checklist(version, titles, sources, tuple(sections))


@cache
def versions() -> dict[str, Checklist]:
    """Every version of the checklist in the repository, by version."""
    found: dict[str, Checklist] = {}
    for path in sorted(DATA_DIR.glob(f"{FILE_PREFIX}*.json")):
        checklist = parse(json.loads(path.read_text(encoding="utf-8")), where=path.name)
        found[checklist.version] = checklist
    if not found:
        raise ChecklistFileError(f"no checklist in {DATA_DIR}")
    return found


def current() -> Checklist:
    """The version a new checklist is filled in against: the highest."""
    return versions()[max(versions(), key=_version_key)]


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))


def of_version(version: str) -> Checklist | None:
    return versions().get(version)
