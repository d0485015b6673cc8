"""ISO code lists (countries ISO 3166-1 alpha-2, languages ISO 639-1), from Babel's CLDR data."""

from __future__ import annotations

from functools import cache

from babel import Locale

# CLDR territories that are not ISO 3166-1 countries: exceptional reservations, groupings and private-use
# codes. Kosovo (XK) stays: it is user-assigned but used by the EU, IOM and UNODC alike.
_NOT_COUNTRIES = frozenset({"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"})


@cache
def country_codes() -> frozenset[str]:
    territories = [str(code) for code in Locale("en").territories]
    iso = frozenset(code for code in territories if len(code) == 2 and code.isalpha() and code.isupper())
    return iso - _NOT_COUNTRIES


@cache
def language_codes() -> frozenset[str]:
    names = [str(code) for code in Locale("en").languages]
    return frozenset(code for code in names if len(code) == 2 and code.isalpha())


def country_name(code: str, locale: str = "en") -> str:
    return Locale.parse(locale).territories.get(code, code)


def language_name(code: str, locale: str | None = None) -> str:
    """A language's name; in its own language when no locale is given (as language pickers show them)."""
    try:
        own = Locale.parse(locale or code)
    except (ValueError, TypeError):
        return code
    return own.languages.get(code, code)
