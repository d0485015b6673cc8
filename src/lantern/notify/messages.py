"""Messages to survivors, per language, as data: one file per language in `messages/<code>.toml`.

They are not gettext catalogues on purpose: gettext falls back to the source text without saying so, and a survivor
who reads Arabic must never get English because a string was missing. Here the fallback chain asks whether a
language has the message (`has`), walks the person's preferred language, their other languages, then their
organisation's languages, and when none has it the caseworker is asked to call instead.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_datetime_format

MESSAGES_DIR = Path(__file__).resolve().parent / "messages"
HEARING_KINDS = (
    "hearing.scheduled",
    "hearing.postponed",
    "hearing.rescheduled",
    "hearing.cancelled",
    "hearing.mode_changed",
)
MODES = ("in_person", "remote", "hybrid")


@cache
def catalogue() -> dict[str, dict]:
    """Every language file, read once: {code: parsed file}."""
    return {path.stem: tomllib.loads(path.read_text(encoding="utf-8")) for path in sorted(MESSAGES_DIR.glob("*.toml"))}


def languages() -> list[str]:
    return list(catalogue())


def has(language: str, kind: str, detail: str) -> bool:
    """Whether `language` has the message for this event kind at this detail level."""
    data = catalogue().get(language)
    if data is None:
        return False
    if detail == "minimal":
        return bool(data.get("minimal", {}).get("text")) and bool(data.get("minimal", {}).get("subject"))
    section = data.get("detailed", {})
    subject = data.get("minimal", {}).get("subject")
    # A postponement with a known new date is told with the "rescheduled" wording (see render).
    needed = [kind, "hearing.rescheduled"] if kind == "hearing.postponed" else [kind]
    return (
        all(section.get(k) for k in needed)
        and bool(section.get("opening"))
        and bool(subject)
        and all(m in data.get("modes", {}) for m in MODES)
    )


def fallback_chain(preferred: str, others: list[str], organisation_languages: list[str]) -> list[str]:
    """The languages to try, in order, without repeats: the person's own first, their organisation's last."""
    chain: list[str] = []
    for code in [preferred, *others, *organisation_languages]:
        code = (code or "").strip().lower()
        if code and code not in chain:
            chain.append(code)
    return chain


def choose_language(chain: list[str], kind: str, detail: str) -> str | None:
    for code in chain:
        if has(code, kind, detail):
            return code
    return None


def direction(language: str) -> str:
    return str(catalogue().get(language, {}).get("direction", "ltr"))


@dataclass(frozen=True)
class HearingFacts:
    """What a detailed message may say: when, where, how. Never who, never the case."""

    starts_at: datetime | None
    new_starts_at: datetime | None
    court: str
    time_zone: str
    mode: str


# Babel's "en" writes American dates ("April 14, 2026"); Lantern's English is British ("14 April 2026").
BABEL_LOCALES = {"en": "en_GB"}


def when(moment: datetime | None, language: str, time_zone: str) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(time_zone))
    locale = BABEL_LOCALES.get(language, language)
    # The language's own way of joining a date and a time (Arabic joins them with "،").
    pattern = str(get_datetime_format("medium", locale=locale)).replace("'", "")
    return pattern.replace("{1}", format_date(local, "long", locale=locale)).replace(
        "{0}", format_time(local, "HH:mm", locale=locale)
    )


def render(*, language: str, kind: str, detail: str, facts: HearingFacts | None) -> tuple[str, str]:
    """(subject, text) of the message; raises KeyError when the language lacks it (check `has` first).

    Every subject is the minimal one, and a detailed text starts with a neutral line of its own: a lock screen, an
    inbox list and a notification preview show the subject and the first line, and someone else may be looking.
    The court and the date come after that line (docs/glossary.md)."""
    data = catalogue()[language]
    if detail == "minimal" or facts is None:
        return data["minimal"]["subject"], data["minimal"]["text"]
    if kind == "hearing.postponed" and facts.new_starts_at is not None:
        kind = "hearing.rescheduled"  # postponed to a known date: say the date
    template = data["detailed"][kind]
    text = template.format(
        date=when(facts.starts_at, language, facts.time_zone),
        new_date=when(facts.new_starts_at, language, facts.time_zone),
        court=facts.court,
        mode=data["modes"].get(facts.mode, data["modes"]["in_person"]),
    )
    return data["minimal"]["subject"], f"{data['detailed']['opening']}\n\n{text}"
