"""Keyed Bloom-filter encodings of people, hardened by diffusion.

A record becomes a set of tokens (bigrams of every name part in any order, with their consonant skeletons; the
birth year, the day and month as an unordered pair, each digit of the date in its place; gender; citizenship;
bigrams and numbers of any extra column). The 1,024 bits are segments (`matching.SEGMENTS`: names; birth date,
gender and citizenship; other columns), each a Bloom filter of its own, so that the matcher compares field by field
and a missing field stays an empty segment. Each token is hashed with HMAC-SHA256 under a key derived from the
shared secret into `k` positions of its segment (double hashing). Each segment is then *diffused* (Armknecht, Heng
and Schnell, PoPETs 2023): every output bit is the XOR of `DIFFUSION_T` input bits of the segment chosen by the
secret, so no output bit belongs to one q-gram and the frequency attacks on plain Bloom filters have less to count.

Only record ids and the diffused bits leave an organisation; the secret stays with the organisations."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from lantern.linkage.matching import SEGMENTS
from lantern.linkage.normalise import fold, fold_field, is_arabic, name_parts, parse_date, skeleton

OUT_BITS = sum(bits for _, bits in SEGMENTS)  # 1,024: 128 bytes a record
DIFFUSION_T = 2  # input bits XORed into each output bit (docs/linkage.md: the measurement behind 2)
MIN_SECRET_BYTES = 32

# Hash positions per token. Each field group has its own segment of the filter (`matching.SEGMENTS`), so these only
# set how full a segment is, not how much a field counts: the matcher weighs the segments by their Fellegi-Sunter
# m/u, estimated from the data it links.
FIELD_K: dict[str, int] = {
    "name": 6,  # bigrams of every name part, first and family names together (swaps do not matter)
    "skeleton": 2,  # bigrams of consonant skeletons: Arabic spellings without vowels against Latin ones
    "digit": 3,  # each digit of the birth date in its place (YYYYMMDD): a mistyped digit costs one token
    "year": 4,
    "daymonth": 4,  # day and month as an unordered pair: a day/month swap still agrees
    "gender": 2,
    "citizenship": 2,
    "extra": 3,  # bigrams of each word (digits of each number, in place) of the columns given with --fields
}
SEGMENT_OF: dict[str, str] = {
    "name": "name",
    "skeleton": "name",
    "digit": "birth",
    "year": "birth",
    "daymonth": "birth",
    "gender": "birth",
    "citizenship": "birth",
    "extra": "extra",
}
_SEGMENT_START: dict[str, int] = {}
_start = 0
for _name, _bits in SEGMENTS:
    _SEGMENT_START[_name] = _start
    _start += _bits
SEGMENT_BITS = dict(SEGMENTS)


class SecretError(ValueError):
    pass


@dataclass(frozen=True)
class Keys:
    token_key: bytes
    diffusion_seed: int
    fingerprint: str  # says whether two files were made with the same secret, without revealing it

    @classmethod
    def from_secret(cls, secret: bytes) -> Keys:
        secret = secret.strip()
        if len(secret) < MIN_SECRET_BYTES:
            raise SecretError(f"the secret must hold at least {MIN_SECRET_BYTES} bytes (`lantern linkage secret`)")
        derive = lambda label: hmac.new(secret, label, hashlib.sha256).digest()  # noqa: E731
        return cls(
            token_key=derive(b"lantern-linkage/tokens"),
            diffusion_seed=int.from_bytes(derive(b"lantern-linkage/diffusion")[:8], "big"),
            fingerprint=derive(b"lantern-linkage/fingerprint")[:8].hex(),
        )


@dataclass
class Person:
    record_id: str
    first_name: str = ""
    second_name: str = ""
    birth_date: date | None = None
    gender: str = ""
    citizenship: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _bigrams(word: str) -> list[str]:
    padded = f"_{word}_"
    return [padded[i : i + 2] for i in range(len(padded) - 1)]


def units(person: Person) -> list[tuple[str, ...]]:
    """The parts a person's tokens come from (a name part, the year, ...): each maps to a fixed set of tokens, so
    the encoder hashes each unit once however many people share it."""
    out: list[tuple[str, ...]] = []
    arabic = "1" if is_arabic(person.first_name) or is_arabic(person.second_name) else ""
    out.extend(("part", part, arabic) for part in name_parts(person.first_name, person.second_name))
    born = person.birth_date
    if born is not None:
        low, high = sorted((born.day, born.month))
        out.append(("year", str(born.year)))
        out.append(("daymonth", f"{low}-{high}"))
        out.extend(("digit", f"{i}:{d}") for i, d in enumerate(born.strftime("%Y%m%d")))
    if person.gender:
        out.append(("gender", fold(person.gender)[:1]))
    for code in sorted({c.strip().upper() for c in (person.citizenship or "").replace(";", ",").split(",")} - {""}):
        out.append(("citizenship", code))
    for column, value in sorted(person.extra.items()):
        for part in fold_field(value).split(" "):
            if part.isdigit():  # a number belongs to its column (house number, postcode)
                out.append((f"extra:{column}", part))
            elif part:  # words of any column together: one organisation's second address line is another's first
                out.append(("extra:", part))
    return out


def unit_tokens(unit: tuple[str, ...]) -> list[tuple[str, str]]:
    """(field, token) pairs of one unit."""
    feature, value = unit[0], unit[1]
    if feature == "part":
        name = [("name", g) for g in _bigrams(value)]
        consonants = [("skeleton", g) for g in _bigrams(skeleton(value))]
        # An Arabic name is written without its short vowels, so its own bigrams mostly disagree with a Latin
        # spelling: its consonant skeleton speaks for it twice instead.
        return consonants * 2 if unit[2] else name + consonants
    if feature.startswith("extra:"):
        if value.isdigit():  # numbers (street numbers, postcodes): digits in place, as unigrams
            return [(feature, f"{i}:{d}") for i, d in enumerate(value)]
        return [(feature, g) for g in _bigrams(value)]
    return [(feature, value)]


def tokens(person: Person) -> list[tuple[str, str]]:
    """(field, token) pairs of a person: a pure function of the normalised values."""
    return [token for unit in units(person) for token in unit_tokens(unit)]


class Encoder:
    def __init__(self, keys: Keys, *, field_k: Mapping[str, int] | None = None) -> None:
        self.keys = keys
        self.field_k = dict(field_k or FIELD_K)
        self._positions: dict[tuple[str, str], np.ndarray] = {}
        self._units: dict[tuple[str, ...], np.ndarray] = {}
        rng = np.random.default_rng(keys.diffusion_seed)
        # Each output bit XORs DIFFUSION_T distinct input bits of its own segment, chosen by the secret.
        self.diffusion = np.concatenate(
            [
                np.stack([rng.choice(bits, size=DIFFUSION_T, replace=False) + start for _ in range(bits)])
                for start, bits in ((_SEGMENT_START[name], bits) for name, bits in SEGMENTS)
            ]
        ).astype(np.intp)

    def positions(self, feature: str, token: str) -> np.ndarray:
        key = (feature, token)
        found = self._positions.get(key)
        if found is None:
            group = "extra" if feature.startswith("extra:") else feature
            k, segment = self.field_k[group], SEGMENT_OF[group]
            start, size = _SEGMENT_START[segment], SEGMENT_BITS[segment]
            digest = hmac.new(self.keys.token_key, f"{feature}\x1f{token}".encode(), hashlib.sha256).digest()
            h1 = int.from_bytes(digest[:8], "big")
            h2 = int.from_bytes(digest[8:16], "big") | 1
            found = np.array([start + (h1 + i * h2) % size for i in range(k)], dtype=np.intp)
            self._positions[key] = found
        return found

    def bloom(self, people: list[Person]) -> np.ndarray:
        """Plain (not yet diffused) filters as a boolean matrix: never written out, kept for the tests' attacks."""
        filters = np.zeros((len(people), OUT_BITS), dtype=bool)
        cols: list[np.ndarray] = []
        cache = self._units
        lengths: list[int] = []
        for person in people:
            total = 0
            for unit in units(person):
                pos = cache.get(unit)
                if pos is None:
                    found = [self.positions(f, t) for f, t in unit_tokens(unit)]
                    pos = cache[unit] = np.concatenate(found) if found else np.zeros(0, dtype=np.intp)
                cols.append(pos)
                total += len(pos)
            lengths.append(total)
        if cols:
            rows_of = np.repeat(np.arange(len(people), dtype=np.intp), lengths)
            filters[rows_of, np.concatenate(cols)] = True
        return filters

    def diffuse(self, filters: np.ndarray) -> np.ndarray:
        out = filters[:, self.diffusion[:, 0]].copy()
        for j in range(1, DIFFUSION_T):
            out ^= filters[:, self.diffusion[:, j]]
        return out

    def encode(self, people: Iterable[Person], *, chunk: int = 50_000) -> tuple[list[str], np.ndarray]:
        """Record ids and their encodings, packed (`OUT_BITS // 8` bytes a record)."""
        ids: list[str] = []
        packed: list[np.ndarray] = []
        batch: list[Person] = []

        def flush() -> None:
            if batch:
                packed.append(np.packbits(self.diffuse(self.bloom(batch)), axis=1))
                ids.extend(p.record_id for p in batch)
                batch.clear()

        for person in people:
            batch.append(person)
            if len(batch) >= chunk:
                flush()
        flush()
        matrix = np.concatenate(packed) if packed else np.zeros((0, OUT_BITS // 8), dtype=np.uint8)
        return ids, matrix


def person_from_row(row: Mapping[str, str], extra_fields: Iterable[str] = ()) -> Person:
    """A person from an HTCDS-style CSV row (record_id, prs_FirstName, prs_SecondName, prs_Birthdate...)."""
    return Person(
        record_id=(row.get("record_id") or "").strip(),
        first_name=row.get("prs_FirstName") or "",
        second_name=row.get("prs_SecondName") or "",
        birth_date=parse_date(row.get("prs_Birthdate") or ""),
        gender=row.get("prs_Gender") or "",
        citizenship=row.get("prs_Citizenship") or "",
        extra={name: row.get(name) or "" for name in extra_fields},
    )
