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
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from multiprocessing import get_context
from typing import Any

import numpy as np

from lantern.linkage.matching import SEGMENTS
from lantern.linkage.normalise import fold, fold_field, is_arabic, name_parts, skeleton

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


@dataclass(slots=True)  # a million of them are held while a large file is encoded
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


_WORDS = OUT_BITS // 64
_K_MAX = max(FIELD_K.values())
# Field values whose bits are kept (128 bytes each), and units whose token ids are kept, before the caches start
# again: bounds the memory of a long run (a million records hold fewer distinct values than this a field).
MAX_CACHED_VALUES = 500_000
DIFFUSION_BLOCK = 2048  # records diffused together: 2 MB work arrays
_BIT_SHIFT = (7 - np.arange(OUT_BITS) % 8).astype(np.uint8)[:, None]  # where bit j sits in its byte (packbits)


class Encoder:
    """Encodes people; a person gives the same bits whatever else is encoded with them, in any batch or process.

    Speed comes from what repeats: each token's keyed positions, each unit's tokens (a name part, an address word)
    and each field value's filter bits (a first name, a postcode, a birth year) are made once per encoder and reused
    for every record holding them. A record's plain filter is the OR of its values' packed rows, and the diffusion
    is applied to a whole batch at once, one gather of bit rows per input bit. The caches hold keyed positions:
    they live in the encoder's memory only and are never written anywhere."""

    def __init__(self, keys: Keys, *, field_k: Mapping[str, int] | None = None) -> None:
        self.keys = keys
        self.field_k = dict(field_k or FIELD_K)
        rng = np.random.default_rng(keys.diffusion_seed)
        # Each output bit XORs DIFFUSION_T distinct input bits of its own segment, chosen by the secret.
        self.diffusion = np.concatenate(
            [
                np.stack([rng.choice(bits, size=DIFFUSION_T, replace=False) + start for _ in range(bits)])
                for start, bits in ((_SEGMENT_START[name], bits) for name, bits in SEGMENTS)
            ]
        ).astype(np.intp)
        k_max = max(_K_MAX, *self.field_k.values())
        # Token id -> its k positions, padded with OUT_BITS (a column past the filter, dropped after the scatter).
        self._token_ids: dict[tuple[str, str], int] = {}
        self._token_positions = np.full((1024, k_max), OUT_BITS, dtype=np.intp)
        self._reset_values()

    def _reset_values(self) -> None:
        self._unit_ids: dict[tuple[str, ...], tuple[int, ...]] = {}
        # Each field value's plain filter bits, packed in a row of `_table`; `_rows[kind][value]` is its row.
        self._rows: dict[object, dict[object, int]] = {}
        self._table = np.zeros((1024, _WORDS), dtype=np.uint64)
        self._used = 1  # row 0 stays empty: a missing field

    def _token_id(self, key: tuple[str, str]) -> int:
        found = self._token_ids.get(key)
        if found is None:
            found = self._token_ids[key] = len(self._token_ids) + 1  # from 1: row 0 is never a token
            if found == len(self._token_positions):
                grown = np.full((2 * found, self._token_positions.shape[1]), OUT_BITS, dtype=np.intp)
                grown[:found] = self._token_positions
                self._token_positions = grown
            positions = self.positions(*key)
            self._token_positions[found, : len(positions)] = positions
        return found

    def positions(self, feature: str, token: str) -> np.ndarray:
        """The filter positions of a token: `k` of its field's segment, from its HMAC under the secret's key."""
        group = "extra" if feature.startswith("extra:") else feature
        k, segment = self.field_k[group], SEGMENT_OF[group]
        start, size = _SEGMENT_START[segment], SEGMENT_BITS[segment]
        digest = hmac.new(self.keys.token_key, f"{feature}\x1f{token}".encode(), hashlib.sha256).digest()
        h1 = int.from_bytes(digest[:8], "big")
        h2 = int.from_bytes(digest[8:16], "big") | 1
        return np.array([start + (h1 + i * h2) % size for i in range(k)], dtype=np.intp)

    def _codes(self, kind: object, values: list[Any], units_of: Callable[[Any], list[tuple[str, ...]]]) -> np.ndarray:
        """The table row of each value of a field, adding the rows of the values not seen before in one scatter."""
        rows = self._rows.setdefault(kind, {})
        new = [v for v in dict.fromkeys(values) if v not in rows]
        if new:
            unit_ids, known, token_id = self._unit_ids, self._token_ids.get, self._token_id
            flat: list[int] = []
            lengths: list[int] = []
            for value in new:
                before = len(flat)
                for unit in units_of(value):
                    ids = unit_ids.get(unit)
                    if ids is None:
                        ids = unit_ids[unit] = tuple([known(t) or token_id(t) for t in unit_tokens(unit)])
                    flat.extend(ids)
                lengths.append(len(flat) - before)
            plain = np.zeros((len(new), OUT_BITS + 1), dtype=np.uint8)
            if flat:
                positions = self._token_positions[np.array(flat, dtype=np.intp)]
                owner = np.repeat(np.arange(len(new), dtype=np.intp), lengths)
                plain[owner[:, None], positions] = 1
            first = self._used
            if first + len(new) > len(self._table):
                grown = np.zeros((max(2 * len(self._table), first + len(new)), _WORDS), dtype=np.uint64)
                grown[:first] = self._table[:first]
                self._table = grown
            self._table[first : first + len(new)] = np.packbits(plain[:, :OUT_BITS], axis=1).view(np.uint64)
            rows.update(zip(new, range(first, first + len(new)), strict=True))
            self._used = first + len(new)
        return np.fromiter(map(rows.__getitem__, values), dtype=np.intp, count=len(values))

    def _plain_packed(self, people: Sequence[Person]) -> np.ndarray:
        """The plain (not yet diffused) filters of a batch as np.packbits packs them, viewed as 64-bit words."""
        if self._used > MAX_CACHED_VALUES or len(self._unit_ids) > MAX_CACHED_VALUES:
            self._reset_values()  # between batches only: the rows of a batch stay valid until it is done
        first_names = [p.first_name or "" for p in people]
        second_names = [p.second_name or "" for p in people]
        firsts: list[str | tuple[str, bool]] = list(first_names)
        seconds: list[str | tuple[str, bool]] = list(second_names)
        arabic = {v for v in {*first_names, *second_names} if is_arabic(v)}
        if arabic:  # an Arabic name on a record changes the tokens of both its names
            flagged = [f in arabic or s in arabic for f, s in zip(first_names, second_names, strict=True)]
            firsts = [(f, True) if a else f for f, a in zip(first_names, flagged, strict=True)]
            seconds = [(s, True) if a else s for s, a in zip(second_names, flagged, strict=True)]
        codes = [self._codes("name", firsts, _name_units), self._codes("name", seconds, _name_units)]
        codes.extend(self._birth_codes([p.birth_date for p in people]))
        codes.append(self._codes("gender", [p.gender or "" for p in people], _gender_units))
        codes.append(self._codes("citizenship", [p.citizenship or "" for p in people], _citizenship_units))
        for column in sorted({c for p in people for c in p.extra}):
            values = [p.extra.get(column) or "" for p in people]
            codes.append(self._codes(("extra", column), values, partial(_extra_units, column)))
        table = self._table
        out = table[codes[0]]
        for more in codes[1:]:
            out |= table[more]
        return out

    def _birth_codes(self, born: list[date | None]) -> list[np.ndarray]:
        """Rows of the year, of the day and month pair and of each digit of YYYYMMDD, computed on arrays: a
        thousand birth dates cost a few operations, not a thousand strings."""
        n = len(born)
        ymd = np.fromiter((b.year * 10_000 + b.month * 100 + b.day if b else 0 for b in born), np.int64, count=n)
        dated = ymd > 0
        year, month, day = ymd // 10_000, ymd // 100 % 100, ymd % 100
        # A year before 1000 is written with fewer digits (as strftime does): its digits take the slow path.
        short = dated & (year < 1000)

        def lookup(kind: str, values: np.ndarray, mask: np.ndarray, text: Callable[[int], str]) -> np.ndarray:
            unique, inverse = np.unique(np.where(mask, values, -1), return_inverse=True)
            keys = [text(v) if v >= 0 else "" for v in unique.tolist()]
            return self._codes(("birth", kind), keys, partial(_birth_units, kind))[inverse.reshape(-1)]

        low, high = np.minimum(day, month), np.maximum(day, month)
        out = [
            lookup("year", year, dated, str),
            lookup("daymonth", low * 100 + high, dated, lambda v: f"{v // 100}-{v % 100}"),
        ]
        for i in range(8):
            out.append(lookup("digit", ymd // 10 ** (7 - i) % 10, dated & ~short, partial(_digit_token, i)))
        if short.any():
            written = [b.strftime("%Y%m%d") if b and b.year < 1000 else "" for b in born]
            out.append(self._codes(("birth", "written"), written, partial(_birth_units, "written")))
        return out

    def bloom(self, people: list[Person]) -> np.ndarray:
        """Plain (not yet diffused) filters as a boolean matrix: never written out, kept for the tests' attacks."""
        if not people:
            return np.zeros((0, OUT_BITS), dtype=bool)
        return np.unpackbits(self._plain_packed(people).view(np.uint8), axis=1).astype(bool)

    def diffuse(self, filters: np.ndarray) -> np.ndarray:
        """Diffusion of boolean filters (`encode` does the same on packed ones, a batch at a time)."""
        out = filters[:, self.diffusion[:, 0]].copy()
        for j in range(1, DIFFUSION_T):
            out ^= filters[:, self.diffusion[:, j]]
        return out

    def _diffuse_packed(self, packed: np.ndarray) -> np.ndarray:
        """`diffuse` on packed filters, a few thousand records at a time (the work arrays stay in the cache)."""
        if len(packed) <= DIFFUSION_BLOCK:
            return self._diffuse_block(packed)
        return np.concatenate([self._diffuse_block(packed[i : i + DIFFUSION_BLOCK])
                               for i in range(0, len(packed), DIFFUSION_BLOCK)])  # fmt: skip

    def _diffuse_block(self, packed: np.ndarray) -> np.ndarray:
        """With the bytes laid out one row per byte position, output bit j is a gather of whole rows (its input
        bits' bytes, shifted), and eight such rows make an output byte."""
        by_byte = np.ascontiguousarray(packed.view(np.uint8).T)  # (OUT_BITS // 8, records)
        out = np.zeros((OUT_BITS, by_byte.shape[1]), dtype=np.uint8)
        for j in range(DIFFUSION_T):
            source = self.diffusion[:, j]
            out ^= by_byte[source >> 3] >> _BIT_SHIFT[source]
        out &= 1
        out <<= _BIT_SHIFT
        bits = out.reshape(OUT_BITS // 8, 8, -1)
        packed_out = bits[:, 0].copy()
        for b in range(1, 8):
            packed_out |= bits[:, b]
        return np.ascontiguousarray(packed_out.T)

    def encode_batch(self, people: Sequence[Person]) -> np.ndarray:
        """The packed encodings of a batch (`OUT_BITS // 8` bytes a record)."""
        if not people:
            return np.zeros((0, OUT_BITS // 8), dtype=np.uint8)
        return self._diffuse_packed(self._plain_packed(people))

    def encode(
        self, people: Iterable[Person], *, chunk: int = 50_000, workers: int = 1
    ) -> tuple[list[str], np.ndarray]:
        """Record ids and their encodings, packed (`OUT_BITS // 8` bytes a record). With `workers` > 1 the records
        are shared among that many processes, in order: the same bits as in one."""
        people = people if isinstance(people, list) else list(people)
        ids = [p.record_id for p in people]
        if workers > 1 and len(people) > 1:
            return ids, _encode_in_processes(self, people, chunk=chunk, workers=workers)
        packed = [self.encode_batch(people[i : i + chunk]) for i in range(0, len(people), chunk)]
        matrix = np.concatenate(packed) if packed else np.zeros((0, OUT_BITS // 8), dtype=np.uint8)
        return ids, matrix


def _digit_token(place: int, digit: int) -> str:
    return f"{place}:{digit}"


def _name_units(value: str | tuple[str, bool]) -> list[tuple[str, ...]]:
    name, arabic = (value, False) if isinstance(value, str) else value
    return [("part", part, "1" if arabic else "") for part in name_parts(name)]


def _gender_units(value: str) -> list[tuple[str, ...]]:
    return [("gender", fold(value)[:1])] if value else []


def _citizenship_units(value: str) -> list[tuple[str, ...]]:
    codes = {c.strip().upper() for c in value.replace(";", ",").split(",")} - {""}
    return [("citizenship", code) for code in sorted(codes)]


def _birth_units(kind: str, value: str) -> list[tuple[str, ...]]:
    if not value:
        return []
    if kind == "written":  # a year before 1000: every digit of the date as strftime writes it
        return [("digit", f"{i}:{d}") for i, d in enumerate(value)]
    return [(kind, value)]


def _extra_units(column: str, value: str) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for part in fold_field(value).split(" "):
        if part.isdigit():  # a number belongs to its column (house number, postcode)
            out.append((f"extra:{column}", part))
        elif part:  # words of any column together: one organisation's second address line is another's first
            out.append(("extra:", part))
    return out


# The records and the encoder a forked worker process encodes a slice of (inherited, never pickled).
_JOB: tuple[Encoder, list[Person]] | None = None


def _encode_slice(bounds: tuple[int, int]) -> np.ndarray:
    if _JOB is None:
        raise RuntimeError("no records: worker processes are started by `Encoder.encode` only")
    encoder, people = _JOB
    start, stop = bounds
    return encoder.encode_batch(people[start:stop])


def _encode_in_processes(encoder: Encoder, people: list[Person], *, chunk: int, workers: int) -> np.ndarray:
    global _JOB  # handed to the forked workers
    step = max(1, min(chunk, -(-len(people) // workers)))
    bounds = [(i, min(i + step, len(people))) for i in range(0, len(people), step)]
    _JOB = (encoder, people)
    try:
        with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
            return np.concatenate(list(pool.map(_encode_slice, bounds)))
    finally:
        _JOB = None
