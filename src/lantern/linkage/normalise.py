# ruff: noqa: RUF001, RUF003 - transliteration tables are made of look-alike letters on purpose
"""Normalisation of names and dates before encoding, so that two organisations that wrote the same person down
differently produce encodings that agree: case, spaces and punctuation, diacritics folded, Cyrillic, Greek and
Arabic names transliterated to Latin, first and family names in any order, day and month swapped.

Transliteration follows the common romanisations closely enough that a name written in its own script by one
organisation and in Latin letters by another shares most of its bigrams (ISO 9 / BGN-PCGN for Cyrillic, ELOT 743 for
Greek, a simplified UNGEGN for Arabic without the vowels Arabic does not write)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e", "є": "ie", "ж": "zh",
    "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia", "ў": "u", "ј": "j", "љ": "lj",
    "њ": "nj", "ћ": "c", "ђ": "dj", "џ": "dz", "ѓ": "gj", "ќ": "kj", "ѕ": "dz",
}  # fmt: skip
GREEK = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i", "κ": "k",
    "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s", "ς": "s", "τ": "t",
    "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
}  # fmt: skip
GREEK_DIGRAPHS = {"ου": "ou", "αι": "ai", "ει": "ei", "οι": "oi", "μπ": "b", "ντ": "nt", "γκ": "gk", "τσ": "ts"}
ARABIC = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh",
    "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
    "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "ة": "a",
    "و": "u", "ي": "i", "ى": "a", "ئ": "i", "ؤ": "u", "ء": "", "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g",
    "ک": "k", "ی": "i",
}  # fmt: skip
# Arabic writes long vowels only: "محمد" is "mhmd", "Mohammed" in Latin. Comparing the consonant skeletons as well
# lets the two agree; the skeleton is an extra token, so Latin-Latin comparisons keep their vowels.
VOWELS = re.compile(r"[aeiouy]")
_NOT_LETTER = re.compile(r"[^a-z ]+")
_NOT_LETTER_OR_DIGIT = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")


def transliterate(text: str) -> str:
    text = text.lower()
    for digraph, latin in GREEK_DIGRAPHS.items():
        text = text.replace(digraph, latin)
    out = []
    for char in text:
        out.append(CYRILLIC.get(char) or GREEK.get(char) or ARABIC.get(char, char))
    return "".join(out)


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower case, accents removed, other scripts in Latin letters, punctuation as spaces, spaces collapsed."""
    return _fold(text, _NOT_LETTER)


@lru_cache(maxsize=200_000)
def fold_field(text: str) -> str:
    """`fold` keeping digits: the other columns (addresses, postcodes, house numbers)."""
    return _fold(text, _NOT_LETTER_OR_DIGIT)


def _fold(text: str, drop: re.Pattern[str]) -> str:
    if text.isascii():
        return _SPACES.sub(" ", drop.sub(" ", text.lower())).strip()
    # Greek accents first (ά -> α) so that the transliteration tables see bare letters.
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    latin = transliterate(bare)
    latin = unicodedata.normalize("NFKD", latin)
    latin = "".join(c for c in latin if not unicodedata.combining(c))
    latin = latin.replace("ß", "ss").replace("ø", "o").replace("æ", "ae").replace("đ", "d").replace("ł", "l")
    return _SPACES.sub(" ", drop.sub(" ", latin)).strip()


def name_parts(*names: str) -> list[str]:
    """Every part of every name field, folded and sorted: "Popescu Ana" and "Ana Popescu" give the same parts."""
    parts: list[str] = []
    for name in names:
        parts.extend(p for p in fold(name or "").split(" ") if p)
    return sorted(parts)


_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")


def is_arabic(text: str) -> bool:
    return bool(text) and not text.isascii() and _ARABIC_LETTER.search(text) is not None


def skeleton(part: str) -> str:
    return VOWELS.sub("", part)


_DIGITS8 = re.compile(r"\d{8}")
_DAY_FIRST = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")


@lru_cache(maxsize=100_000)  # birth dates repeat: a million records hold some twenty thousand of them
def parse_date(value: str) -> date | None:
    """An ISO date (YYYY-MM-DD); also DD/MM/YYYY and YYYYMMDD as organisations export them. None when empty;
    ValueError when present and not a date."""
    if len(value) == 10 and value[4] == "-":  # the common case first: an ISO date and nothing else
        return date.fromisoformat(value)
    value = (value or "").strip()
    if not value:
        return None
    if _DIGITS8.fullmatch(value):
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    match = _DAY_FIRST.fullmatch(value)
    if match:
        return date(int(match[3]), int(match[2]), int(match[1]))
    return date.fromisoformat(value[:10])
