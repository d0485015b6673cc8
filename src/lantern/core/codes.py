"""ISO code lists: countries (ISO 3166-1 alpha-2, from Babel's CLDR data) and languages (ISO 639-1, 639-2 and
639-3), with their names in the reader's language and the way back from a typed name to its code.

A language is stored under one code: its ISO 639-1 code when it has one (`ro`, whatever was typed: `ron`, `rum`,
`Romanian`), its ISO 639-3 code otherwise (Edo `bin`, Nigerian Pidgin `pcm`, Dari `prs`, Sorani `ckb`), so that a
caseworker's `ro` and an HTCDS file's `rum` meet the same interpreter. The list of 639-2/639-3 codes is vendored
from Debian's iso-codes (core/data/iso639.tsv, LGPL-2.1-or-later, codes only); the names come from Babel (CLDR),
in the reader's language where CLDR has one, and the code itself otherwise. Nothing here raises on an unknown code.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from django.utils.translation import get_language

# CLDR territories that are not ISO 3166-1 countries: exceptional reservations, groupings and private-use
# codes. Kosovo (XK) stays: it is user-assigned but used by the EU, IOM and UNODC alike.
_NOT_COUNTRIES = frozenset({"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"})
# ISO 639 special codes: no language at all, undetermined, several, not coded. A person's language is left empty
# rather than given one of these.
_NOT_LANGUAGES = frozenset({"mis", "mul", "und", "zxx"})
_ISO639_FILE = Path(__file__).parent / "data" / "iso639.tsv"
# Close names a refusal suggests ("Did you mean GR (Greece)?"), and how close they must be (difflib's ratio).
SUGGESTIONS = 3
SUGGESTION_CUTOFF = 0.6
# Names that caseworkers and interpreters use for a language and CLDR does not (it says "Bini" for Edo, "Central
# Kurdish" for Sorani): typed in any interface language, they find the language; the picker shows them beside it.
OTHER_NAMES = {
    "bin": ("Edo",),
    "ckb": ("Sorani",),
    "ku": ("Kurmanji",),
    "fa": ("Farsi",),
    "pcm": ("Pidgin", "Naija"),
    "prs": ("Afghan Persian",),
}


@cache
def country_codes() -> frozenset[str]:
    territories = [str(code) for code in Locale("en").territories]
    iso = frozenset(code for code in territories if len(code) == 2 and code.isalpha() and code.isupper())
    return iso - _NOT_COUNTRIES


@cache
def currency_codes() -> frozenset[str]:
    """ISO 4217 currency codes (from Babel's CLDR data)."""
    codes = (str(code) for code in Locale("en").currencies)
    return frozenset(code for code in codes if len(code) == 3 and code.isalpha())


@cache
def _iso639() -> dict[str, str]:
    """Every accepted spelling of a language code (639-1, 639-2/T, 639-2/B, 639-3) -> the code Lantern stores."""
    canonical: dict[str, str] = {}
    for line in _ISO639_FILE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        alpha3, alpha2, bibliographic = ([*line.split("\t"), "", ""])[:3]
        if alpha3 in _NOT_LANGUAGES:
            continue
        stored = alpha2 or alpha3
        for spelling in (alpha3, alpha2, bibliographic):
            if spelling:
                canonical[spelling] = stored
    return canonical


@cache
def language_codes() -> frozenset[str]:
    """The codes a language is stored under: ISO 639-1 where it has one, ISO 639-3 (or 639-2) otherwise."""
    return frozenset(_iso639().values())


def language_code(raw: str) -> str | None:
    """The stored code of a typed ISO 639-1/2/3 code (`RUM`, `ron`, `ro` -> `ro`; `bin` -> `bin`), or None."""
    return _iso639().get(raw.strip().lower()) if isinstance(raw, str) else None


def _locale(locale: str | None) -> Locale:
    try:
        return Locale.parse((locale or get_language() or "en").replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return Locale("en")


def country_name(code: str, locale: str | None = None) -> str:
    """The country's name in `locale` (default: the reader's language); the code itself when it has none."""
    if not code:
        return ""
    return str(_locale(locale).territories.get(str(code).upper(), code))


def _cldr_language(code: str) -> str:
    """The CLDR key of a stored code: itself, or CLDR's alias of it (`prs` -> `fa_AF`, Dari)."""
    aliases = get_global("language_aliases")
    return str(aliases.get(code, code))


def language_label(code: str, locale: str | None = None) -> str:
    """The language's name in `locale` (default: the reader's language); the code itself when CLDR has none."""
    if not code:
        return ""
    names = _locale(locale).languages
    stored = language_code(code) or str(code)
    return str(names.get(stored) or names.get(_cldr_language(stored)) or stored)


def language_name(code: str, locale: str | None = None) -> str:
    """A language's name; in its own language when no locale is given (as language pickers show them)."""
    try:
        own = Locale.parse(locale or _cldr_language(code))
    except (ValueError, TypeError, UnknownLocaleError):
        return code
    return str(own.languages.get(code) or own.languages.get(_cldr_language(code)) or code)


def _folded(text: str) -> str:
    """For matching what was typed: case, accents and spacing do not count ("grèce" finds "Grèce")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@dataclass(frozen=True)
class Choice:
    code: str
    name: str

    @property
    def other_names(self) -> str:
        return ", ".join(OTHER_NAMES.get(self.code, ()))


@cache
def _country_choices(language: str) -> tuple[Choice, ...]:
    names = _locale(language).territories
    return tuple(
        sorted((Choice(c, str(names.get(c, c))) for c in country_codes()), key=lambda choice: _folded(choice.name))
    )


@cache
def _language_choices(language: str) -> tuple[Choice, ...]:
    """The languages CLDR names in the reader's language (a picker's list); other ISO 639 codes are typed."""
    names = _locale(language).languages
    accepted = _iso639()
    aliases = get_global("language_aliases")
    chosen: dict[str, Choice] = {}
    for key, name in names.items():
        stored = accepted.get(str(key))
        # CLDR names a macrolanguage's main member under its own code too, by the same name (Standard Arabic `arb`
        # is "Arabic" beside `ar`, Mandarin `cmn` is "Chinese" beside `zh`): the picker lists the language once,
        # under the code CLDR points the member to. Aliases to another name (Twi to Akan) stay apart.
        target = str(aliases.get(str(key), ""))
        if accepted.get(target) and names.get(target) == name:
            stored = accepted[target]
        if stored is not None and stored not in chosen:
            chosen[stored] = Choice(stored, str(name))
    for alias, target in aliases.items():  # Dari is fa_AF in CLDR, prs in ISO 639-3
        stored = accepted.get(str(alias))
        if stored == alias and stored not in chosen and str(target) in names and not accepted.get(str(target)):
            chosen[stored] = Choice(stored, str(names[str(target)]))
    by_name: dict[str, Choice] = {}
    for choice in sorted(chosen.values(), key=lambda choice: (len(choice.code), choice.code)):
        by_name.setdefault(_folded(choice.name), choice)  # still two by one name: the ISO 639-1 code
    return tuple(sorted(by_name.values(), key=lambda choice: _folded(choice.name)))


def _reader() -> str:
    return (get_language() or "en").split("-")[0].lower()


def reader_language() -> str:
    """The language the choices above are named in for this request (what a cache of them is kept by)."""
    return _reader()


LATIN_SCRIPT_LANGUAGES = frozenset({"en", "es", "fr"})  # of the staff UI's languages (settings.LANGUAGES)


def reader_writes_latin() -> bool:
    """Whether the reader's language is written in the Latin script (codes and English aliases read naturally)."""
    return _reader() in LATIN_SCRIPT_LANGUAGES


def country_choices() -> tuple[Choice, ...]:
    """Every country, named and sorted in the reader's language."""
    return _country_choices(_reader())


def language_choices() -> tuple[Choice, ...]:
    """Every language CLDR names, named and sorted in the reader's language."""
    return _language_choices(_reader())


@cache
def _by_name(kind: str, language: str) -> dict[str, str]:
    """Folded name -> code, in the reader's language and in English (staff often type English names)."""
    choices = _country_choices if kind == "country" else _language_choices
    found: dict[str, str] = {}
    for each in ("en", language):
        for choice in choices(each):
            found[_folded(choice.name)] = choice.code
    if kind == "language":
        found.update({_folded(name): code for code, names in OTHER_NAMES.items() for name in names})
    return found


def country_from(raw: str) -> str | None:
    """The ISO 3166-1 code of a typed code or name (in the reader's language or English), or None."""
    text = (raw or "").strip()
    if text.upper() in country_codes():
        return text.upper()
    return _by_name("country", _reader()).get(_folded(text))


def language_from(raw: str) -> str | None:
    """The stored code of a typed ISO 639 code or language name (in the reader's language or English), or None."""
    text = (raw or "").strip()
    return language_code(text) or _by_name("language", _reader()).get(_folded(text))


def suggestions(kind: str, raw: str) -> list[Choice]:
    """Close countries or languages to what was typed: names that start with it, then names like it."""
    typed = _folded(raw or "")
    if not typed:
        return []
    names = _by_name(kind, _reader())
    label = country_name if kind == "country" else language_label
    codes: list[str] = [code for name, code in names.items() if name.startswith(typed)]
    codes += [names[name] for name in difflib.get_close_matches(typed, list(names), SUGGESTIONS, SUGGESTION_CUTOFF)]
    unique = list(dict.fromkeys(codes))[:SUGGESTIONS]
    return [Choice(code, label(code)) for code in unique]


def did_you_mean(kind: str, raw: str) -> str:
    """ "GR (Greece)" or "GR (Greece), GT (Guatemala)" for a refusal's "Did you mean ...?", or ""."""
    from lantern.core import listing

    return listing.join(f"{choice.code} ({choice.name})" for choice in suggestions(kind, raw))
