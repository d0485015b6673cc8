# ruff: noqa: RUF001 - transliteration tables are made of look-alike letters on purpose
"""Generated populations for the tests and the benchmarks: people with names from the case generator's lists
(lantern.cases.generate) widened with syllables so that a million people do not share a few hundred names, birth
dates, and copies of some of them as another organisation would register them: typos, names swapped, day and month
swapped, a name in Cyrillic or Greek letters, a missing field."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from lantern.cases.generate import FAMILY_NAMES, FIRST_NAMES
from lantern.linkage.encoding import Person

SYLLABLES = ["ka", "lo", "mi", "ra", "na", "te", "vo", "si", "de", "an", "el", "or", "ul", "ba", "zi", "po", "gu"]
CYRILLIC_OF = {"a": "а", "b": "б", "v": "в", "g": "г", "d": "д", "e": "е", "z": "з", "i": "и", "k": "к",
               "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т", "u": "у",
               "f": "ф"}  # fmt: skip
GREEK_OF = {"a": "α", "b": "μπ", "v": "β", "g": "γ", "d": "δ", "e": "ε", "z": "ζ", "i": "ι", "k": "κ", "l": "λ",
            "m": "μ", "n": "ν", "o": "ο", "p": "π", "r": "ρ", "s": "σ", "t": "τ", "f": "φ"}  # fmt: skip


@dataclass(frozen=True)
class Truth:
    """Which generated record is which person (the tests' ground truth; never given to the matcher)."""

    person_of: dict[str, int]


def _name(rng: random.Random, base: list[str]) -> str:
    name = rng.choice(base)
    if rng.random() < 0.8:  # most names are widened; some keep the short common forms
        name += "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 2)))
    return name.capitalize()


def person(rng: random.Random, record_id: str) -> Person:
    sex = rng.choice(["Feminine", "Masculine"])
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 58))
    return Person(
        record_id=record_id,
        first_name=_name(rng, FIRST_NAMES[sex]),
        second_name=_name(rng, FAMILY_NAMES),
        birth_date=born,
        gender=sex,
        citizenship=rng.choice(["RO", "BG", "UA", "NG", "AL", "PK", "SY", "GR"]),
    )


def typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word + rng.choice("aeiou")
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:  # a letter replaced
        return word[:i] + rng.choice("abcdefghiklmnoprstuvz") + word[i + 1 :]
    if kind == 1:  # a letter dropped
        return word[:i] + word[i + 1 :]
    if kind == 2:  # a letter doubled
        return word[:i] + word[i] + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]  # two letters exchanged


def script(word: str, table: dict[str, str]) -> str:
    return "".join(table.get(c, c) for c in word.lower())


def variant(rng: random.Random, original: Person, record_id: str, *, error_rate: float) -> Person:
    """A copy of a person as another organisation registered them, with errors at `error_rate`."""
    copy = replace(original, record_id=record_id, extra=dict(original.extra))
    if rng.random() < error_rate:
        copy.first_name = typo(rng, copy.first_name)
    if rng.random() < error_rate:
        copy.second_name = typo(rng, copy.second_name)
    if rng.random() < error_rate / 3:
        copy.first_name, copy.second_name = copy.second_name, copy.first_name
    if rng.random() < error_rate / 4 and copy.birth_date and copy.birth_date.day <= 12:
        copy.birth_date = copy.birth_date.replace(day=copy.birth_date.month, month=copy.birth_date.day)
    if rng.random() < error_rate / 5:
        table = rng.choice([CYRILLIC_OF, GREEK_OF])
        copy.first_name, copy.second_name = script(copy.first_name, table), script(copy.second_name, table)
    if rng.random() < error_rate / 5:
        copy.gender = ""
    return copy


def population(*, sizes: list[int], overlap: float, error_rate: float, seed: int) -> tuple[list[list[Person]], Truth]:
    """Sources of the given sizes; each record after the first source is, with probability `overlap`, someone
    already in an earlier source (registered again with errors), otherwise a new person."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    originals: list[Person] = []
    sources: list[list[Person]] = []
    person_of: dict[str, int] = {}
    for s, size in enumerate(sizes):
        records: list[Person] = []
        used: set[int] = set()
        for i in range(size):
            record_id = f"s{s}-{i}"
            if s > 0 and originals and rng.random() < overlap:
                who = rng.randrange(len(originals))
                if who in used:  # one source registers a person once
                    who = -1
            else:
                who = -1
            if who < 0:
                originals.append(person(rng, record_id))
                who = len(originals) - 1
                record = replace(originals[who], record_id=record_id)
            else:
                record = variant(rng, originals[who], record_id, error_rate=error_rate)
            used.add(who)
            person_of[record_id] = who
            records.append(record)
        sources.append(records)
    return sources, Truth(person_of)
