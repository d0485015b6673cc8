"""The coordinator's side: link encodings, never anything else. Every function here takes record ids and packed
bit vectors (numpy uint8 matrices) only.

- Layout: an encoding is segments (`SEGMENTS`: names; birth date, gender and citizenship; other columns), each a
  Bloom filter of its own, so that a field missing on one side (an empty segment) is left out, not counted as a
  disagreement.
- Blocking: exact keys on the name segment and on the birth segment (most true pairs agree exactly on one), then
  Hamming LSH on the bit vectors, in two groups of bands: the name and birth segments, and the other columns. The
  keys and bands can be shared among worker processes (`workers`), with the same candidates as in one. Each band
  keys the records by `k` bits it samples; records of two sources sharing a key become candidate pairs. `k` is set
  from the sizes so that chance collisions stay near a few per record, and the number of bands so that a pair
  agreeing on `MATCH_AGREEMENT` of a group's bits is missed with probability under `MISS_PROBABILITY`.
  Pairs are kept only above a floor from the chance-score tail, so memory stays bounded at any size.
- Comparison: the Dice coefficient of each segment, with numpy's popcount (`np.bitwise_count`) on 64-bit words,
  cut into agreement levels.
- Weights: Fellegi-Sunter log2(m/u) of each level of each segment, u from random pairs of the two sources (nearly
  all different people), m from the likely matches the data gives (refitted twice). A pair's weight is the sum over
  the segments present on both sides.
- Threshold, without ground truth (`--threshold` overrides it): Fellegi and Sunter's error rate. Two different
  people's segments agree independently, each at its frequencies among random pairs, which gives the expected
  number of pairs of different people at each weight. Under the one-to-one constraint only records without a
  counterpart can make a false link, so the number of such pairs is estimated from the links themselves, and the
  threshold is the lowest weight at which fewer than `FALSE_LINKS_PER_RECORD` false links a record are expected.
  EM on the candidate pairs was measured first and failed on generated populations (docs/linkage.md).
- Two sources: one-to-one assignment, greedy by decreasing weight (a person is registered once per organisation).
- Three or more: clusters grown from the pairwise links by decreasing margin over each pair's threshold, never
  holding two records of one source.
- Scores shown are `to_score(weight)`, the probability of a match at even prior odds. The count of distinct people
  comes with an interval: the counts with the false-link budget multiplied by 10 and by 0.1."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context

import numpy as np

# The layout of an encoding, shared with the encoder: each field group has its own segment (bits, multiples of 64),
# so that a field missing on one side is left out of the comparison instead of counting as a disagreement.
SEGMENTS: tuple[tuple[str, int], ...] = (("name", 448), ("birth", 192), ("extra", 384))
BLOCKING_SEGMENTS = 2  # the first two (name; birth date, gender and citizenship) key the blocking bands
_STARTS = np.cumsum([0] + [bits // 64 for _, bits in SEGMENTS])[:-1]
_WORDS_OF_SEGMENT = [range(s, s + bits // 64) for s, (_, bits) in zip(_STARTS.tolist(), SEGMENTS, strict=True)]
# The segments' weights before the data has spoken (the first pass only picks the likely matches the Fellegi-Sunter
# weights are then estimated from).
PRIOR_WEIGHTS = np.array([1.0, 1.0, 0.5])
# Blocking: a pair agreeing exactly on the name segment, or on the birth segment (date, gender, citizenship), is
# always proposed (`EXACT_SEGMENTS`, one key each: cheap, and most true pairs are there). The LSH bands are for the
# rest, pairs with an error in both; they are set to find a pair agreeing on MATCH_AGREEMENT of a group's bits with
# probability 1 - MISS_PROBABILITY (docs/linkage.md: measured on FEBRL4, its harder copy and generated populations).
EXACT_SEGMENTS = (0, 1)
EXACT_BLOCK_LIMIT = 10_000  # a key shared by more pairs than this (a very common name) is left to the LSH bands
MATCH_AGREEMENT = 0.85  # per-bit agreement, on a band group's bits, of the weakest pairs the bands should find
MISS_PROBABILITY = 0.05
CHANCE_CANDIDATES_PER_RECORD = 1.0
MAX_BANDS = 400
# Candidate pairs kept between bands: those above the score that this many pairs of different people a record are
# expected to reach (from the chance-score tail). It bounds memory at any size, far below any threshold.
CANDIDATES_PER_RECORD = 1.0
BANDS_PER_BATCH = 8  # bands after which the pairs kept so far are made distinct (a true pair is found by many)
# Sources whose pairs number at most this are compared pair by pair: no blocking, nothing lost to it (a few hundred
# records each; the chance floors of the blocking, fitted to random pairs, mean nothing when a third of the pairs
# may be true ones).
ALL_PAIRS_UP_TO = 250_000
DEFAULT_CHUNK = 65_536  # pairs scored at a time: arrays small enough to be reused, not mapped and faulted in anew
RANDOM_PAIRS = 200_000
TAIL_SHARE = 0.01
TAIL_TRIM = 0.0005
# Pairs of different people expected above the threshold, per record, among the records that lack a counterpart
# (docs/linkage.md).
FALSE_LINKS_PER_RECORD = 0.002


@dataclass(frozen=True)
class Source:
    name: str
    ids: Sequence[str]
    bits: np.ndarray  # (n, bytes) uint8, packed

    def __post_init__(self) -> None:
        if self.bits.dtype != np.uint8 or self.bits.ndim != 2 or len(self.ids) != self.bits.shape[0]:
            raise ValueError("a source is record ids and a packed uint8 bit matrix of the same length")


@dataclass(frozen=True)
class Threshold:
    value: float  # a score (`to_score`)
    how: str  # "em" (estimated from the data, without ground truth) or "given"


@dataclass(frozen=True)
class Links:
    a: np.ndarray  # indices into source a
    b: np.ndarray
    score: np.ndarray


@dataclass(frozen=True)
class Estimate:
    records: int
    distinct: int
    low: int
    high: int
    threshold: Threshold


@dataclass(frozen=True)
class Prepared:
    """A source's encodings as 64-bit words, with the set bits of each segment of each record."""

    words: np.ndarray
    counts: np.ndarray  # (n, segments) int32

    def __len__(self) -> int:
        return int(self.words.shape[0])


def _words(bits: np.ndarray) -> np.ndarray:
    width = bits.shape[1]
    if width % 8:
        bits = np.pad(bits, ((0, 0), (0, 8 - width % 8)))
    return np.ascontiguousarray(bits).view(np.uint64)


def prepare(bits: np.ndarray) -> Prepared:
    if bits.shape[1] * 8 != sum(b for _, b in SEGMENTS):
        raise ValueError(f"encodings of {bits.shape[1] * 8} bits; the layout has {sum(b for _, b in SEGMENTS)}")
    words = _words(bits)
    counts = np.add.reduceat(np.bitwise_count(words), _STARTS, axis=1, dtype=np.int32)
    return Prepared(words, counts)


def _intersections(a: Prepared, b: Prepared, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """(pairs, segments) set bits that both records of each pair have, as float32 (`np.take`: rows gathered faster
    than by fancy indexing)."""
    out = np.empty((len(ia), len(SEGMENTS)), dtype=np.float32)
    for start in range(0, len(ia), DEFAULT_CHUNK):  # a chunk at a time: small arrays, reused, not faulted in anew
        stop = start + DEFAULT_CHUNK
        both = np.take(a.words, ia[start:stop], axis=0)
        both &= np.take(b.words, ib[start:stop], axis=0)
        counts = np.bitwise_count(both).astype(np.int16)
        # column by column: several times faster than numpy's `add.reduceat` along rows, and no matrix product (the
        # BLAS threads would spin on the other core)
        for segment, words in enumerate(_WORDS_OF_SEGMENT):
            total = counts[:, words[0]].copy()
            for word in words[1:]:
                total += counts[:, word]
            out[start:stop, segment] = total
    return out


def segment_dice(a: Prepared, b: Prepared, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """(pairs, segments) Dice coefficients; NaN where a segment is empty on either side (the field is missing)."""
    inter = _intersections(a, b, ia, ib)
    count_a, count_b = np.take(a.counts, ia, axis=0), np.take(b.counts, ib, axis=0)
    dice = (2.0 * inter) / np.maximum(count_a + count_b, 1).astype(np.float32)
    dice[(count_a == 0) | (count_b == 0)] = np.nan
    return dice


def combine(dice: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The weighted mean of the segments present on both sides; 0 when none is."""
    present = ~np.isnan(dice)
    w = np.where(present, weights, 0.0)
    total = w.sum(axis=1)
    summed = (np.where(present, dice, 0.0) * w).sum(axis=1)
    return np.where(total > 0, summed / np.maximum(total, 1e-12), 0.0).astype(np.float32)


def scores(a: Prepared, b: Prepared, ia: np.ndarray, ib: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Similarity of pairs (ia[i], ib[i]) in chunks, so memory stays bounded at any size."""
    out = np.empty(len(ia), dtype=np.float32)
    for start in range(0, len(ia), DEFAULT_CHUNK):
        stop = start + DEFAULT_CHUNK
        out[start:stop] = combine(segment_dice(a, b, ia[start:stop], ib[start:stop]), weights)
    return out


def band_keys(columns: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Each record's key in a band: the bits at `positions` (at most 64) as one integer. `columns` is the packed
    bits turned on their side (bytes x records, `byte_columns`), so that each bit is read from one contiguous row
    and no (records x bits) matrix is made."""
    kind = np.dtype(np.uint32 if len(positions) <= 32 else np.uint64)  # 32-bit keys sort faster
    key: np.ndarray = np.zeros(columns.shape[1], dtype=kind)
    for shift, position in enumerate(positions.tolist()):
        bit = (columns[position >> 3] >> np.uint8(7 - (position & 7))) & np.uint8(1)
        np.bitwise_or(key, np.left_shift(bit.astype(kind), np.array(shift, dtype=kind)), out=key)
    return key


def byte_columns(packed: np.ndarray, first_bit: int, last_bit: int) -> np.ndarray:
    """The bytes holding bits first_bit..last_bit-1 of each record, as (bytes, records): band positions are then
    counted from first_bit."""
    return np.ascontiguousarray(packed[:, first_bit // 8 : last_bit // 8].T)


def lsh_parameters(n_a: int, n_b: int, bits: int, agreement_nonmatch: float) -> tuple[int, int]:
    """(bits per band, bands)."""
    chance = max(CHANCE_CANDIDATES_PER_RECORD * (n_a + n_b), 1.0)
    k = math.ceil(math.log(max(n_a * n_b / chance, 2.0)) / -math.log(agreement_nonmatch))
    k = min(max(k, 8), 62, bits)
    hit = MATCH_AGREEMENT**k
    bands = math.ceil(math.log(MISS_PROBABILITY) / math.log1p(-hit)) if hit < 1 else 1
    return k, min(max(bands, 1), MAX_BANDS)


def _segment_bits(first: int, last: int) -> tuple[int, int]:
    """(start, stop) bit offsets of segments first..last-1."""
    sizes = [bits for _, bits in SEGMENTS]
    return sum(sizes[:first]), sum(sizes[:last])


# Band groups: the bits a group's bands sample. The name and birth segments key most bands; the other columns
# (addresses) have bands of their own, so that a pair whose names and dates were both mistyped is still found.
BAND_GROUPS: tuple[tuple[int, int], ...] = ((0, BLOCKING_SEGMENTS), (BLOCKING_SEGMENTS, len(SEGMENTS)))


def _nonmatch_agreement(
    a: np.ndarray, in_a: np.ndarray, b: np.ndarray, in_b: np.ndarray, bits: tuple[int, int], rng: np.random.Generator
) -> float:
    """Per-bit agreement, on the given bits, of random pairs of the records taking part (nearly all are different
    people)."""
    n = 2000
    lo, hi = bits[0] // 8, bits[1] // 8
    ia, ib = in_a[rng.integers(0, len(in_a), n)], in_b[rng.integers(0, len(in_b), n)]
    differing = np.bitwise_count(a[ia, lo:hi] ^ b[ib, lo:hi]).sum(axis=1)
    return float(np.median(1.0 - differing / ((hi - lo) * 8)))


def _band_pairs(
    key_a: np.ndarray, key_b: np.ndarray, limit: int = 0, chunk: int = DEFAULT_CHUNK
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Pairs of records of a and b sharing a key, about `chunk` at a time (a large block of a common key is cut, so
    memory stays bounded); with `limit`, keys shared by more pairs than that are left out. Both sides are sorted, so
    that the search walks the keys in order (a search of unsorted keys of a million records costs three times as
    much: each probe misses the cache)."""
    order_a = np.argsort(key_a)
    sorted_a = key_a[order_a]
    order_b = np.argsort(key_b)
    sorted_b = key_b[order_b]
    left = np.searchsorted(sorted_a, sorted_b, "left")
    counts = np.searchsorted(sorted_a, sorted_b, "right") - left
    if limit:
        # records of b with the same key are neighbours: the size of each run of equal keys
        run = np.concatenate(([0], np.flatnonzero(sorted_b[1:] != sorted_b[:-1]) + 1, [len(sorted_b)]))
        per_key = np.repeat(np.diff(run), np.diff(run))
        counts[counts * per_key > limit] = 0
    found = np.flatnonzero(counts)
    if not len(found):
        return
    counts, left = counts[found], left[found]
    ends = np.cumsum(counts)
    cuts = np.searchsorted(ends, np.arange(chunk, int(ends[-1]), chunk), "left") + 1
    for lo, hi in zip(np.concatenate(([0], cuts)).tolist(), np.concatenate((cuts, [len(found)])).tolist(), strict=True):
        if lo >= hi:
            continue
        c = counts[lo:hi]
        total = int(ends[hi - 1] - (ends[lo - 1] if lo else 0))
        starts = np.cumsum(c) - c
        within = np.arange(total, dtype=np.int64) - np.repeat(starts, c)
        yield order_a[np.repeat(left[lo:hi], c) + within], order_b[np.repeat(found[lo:hi], c)]


def segment_keys(words: np.ndarray, segment: int) -> np.ndarray:
    """A 64-bit hash of each record's bits in one segment: equal segments, equal keys (a collision between unequal
    ones only adds a candidate, which is scored like any other)."""
    start = int(_STARTS[segment])
    key = np.zeros(len(words), dtype=np.uint64)
    for word in range(start, start + SEGMENTS[segment][1] // 64):
        key ^= words[:, word]
        key *= np.uint64(0x9E3779B97F4A7C15)
        key ^= key >> np.uint64(29)
    return key


@dataclass(frozen=True)
class Floors:
    """What a blocked pair must reach to be kept: the prior score, or the Dice of a segment outside the blocking
    ones (each at the chance-score tail, CANDIDATES_PER_RECORD)."""

    score: float
    segments: tuple[float, ...]  # one per segment from BLOCKING_SEGMENTS on


def _reaches_floors(plan: _Plan, xa: np.ndarray, xb: np.ndarray) -> np.ndarray:
    """Whether each pair reaches the floors: `segment_dice` and `combine` in one pass, in float32 and column by
    column, an empty segment counting as a Dice of 0 (its intersection is empty) and left out of the weighted mean."""
    inter = _intersections(plan.a, plan.b, xa, xb)
    count_a, count_b = np.take(plan.a.counts, xa, axis=0), np.take(plan.b.counts, xb, axis=0)
    summed = np.zeros(len(xa), dtype=np.float32)
    total = np.zeros(len(xa), dtype=np.float32)
    keep = np.zeros(len(xa), dtype=bool)
    for segment, weight in enumerate(plan.weights.astype(np.float32).tolist()):
        present = (count_a[:, segment] > 0) & (count_b[:, segment] > 0)
        dice = (2 * inter[:, segment]) / np.maximum(count_a[:, segment] + count_b[:, segment], 1).astype(np.float32)
        summed += weight * dice
        total += weight * present
        if segment >= BLOCKING_SEGMENTS:
            keep |= dice >= plan.floors.segments[segment - BLOCKING_SEGMENTS]
    keep |= np.where(total > 0, summed / np.maximum(total, np.float32(1e-12)), 0) >= plan.floors.score
    return keep


def _distinct(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values (by sorting: faster here than numpy's hashing unique)."""
    keys = np.sort(keys)
    return keys[np.concatenate(([True], keys[1:] != keys[:-1]))] if len(keys) else keys


@dataclass(frozen=True)
class _Band:
    """One unit of blocking work: an exact key on a segment (`positions` empty), or an LSH band's bit positions."""

    group: int  # index into the plan's record subsets
    segment: int
    positions: np.ndarray


@dataclass(frozen=True)
class _Plan:
    """What every band needs, made once; worker processes inherit it (fork) instead of receiving copies."""

    a: Prepared
    b: Prepared
    # per group: the records of a and of b taking part, and what their keys are made from (the words of the
    # records for an exact key, `byte_columns` of the group's bits for LSH bands)
    subsets: tuple[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], ...]
    floors: Floors
    weights: np.ndarray


_PLAN: _Plan | None = None  # the plan of the running `candidates`, read by its worker processes


def _keys(plan: _Plan, band: _Band, side: int) -> np.ndarray:
    data = plan.subsets[band.group][2 + side]
    return band_keys(data, band.positions) if len(band.positions) else segment_keys(data, band.segment)


def _run_bands(plan: _Plan, bands: Sequence[_Band]) -> np.ndarray:
    """The pairs (as a * len(b) + b, sorted, distinct) that some of `bands` proposes and that reach the floors.
    A pair that several bands propose is scored each time (few are: chance pairs rarely meet twice) and kept once;
    removing duplicates before scoring cost more than the scoring it saved."""
    n_b = np.int64(len(plan.b))
    kept: list[np.ndarray] = []
    for n, band in enumerate(bands):
        in_a, in_b = plan.subsets[band.group][:2]
        whole_a, whole_b = len(in_a) == len(plan.a), len(in_b) == len(plan.b)
        limit = 0 if len(band.positions) else EXACT_BLOCK_LIMIT
        for ia, ib in _band_pairs(_keys(plan, band, 0), _keys(plan, band, 1), limit):
            xa = ia if whole_a else in_a[ia]
            xb = ib if whole_b else in_b[ib]
            keep = _reaches_floors(plan, xa, xb)
            kept.append(xa[keep] * n_b + xb[keep])
        if (n + 1) % BANDS_PER_BATCH == 0 and kept:
            kept = [_distinct(np.concatenate(kept))]
    return _distinct(np.concatenate(kept)) if kept else np.zeros(0, dtype=np.int64)


_SHARES: list[list[_Band]] = []  # the bands of each worker process, likewise


def _run_share(share: int) -> np.ndarray:
    """A worker process's share of the bands (every `workers`-th one, from `share`)."""
    if _PLAN is None:
        raise RuntimeError("no blocking plan: workers are started by `candidates` only")
    return _run_bands(_PLAN, _SHARES[share])


def candidates(
    a: Source,
    b: Source,
    *,
    floors: Floors,
    weights: np.ndarray = PRIOR_WEIGHTS,
    seed: int = 0,
    workers: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs from blocking (exact keys on the name and birth segments, then LSH bands), keeping those that
    reach the floors. Records with nothing in a group's bits (no address given) take no part in its bands. With
    `workers` > 1 the bands are shared among that many processes; the pairs are the same as with one."""
    global _PLAN, _SHARES  # handed to the forked workers
    empty = np.zeros(0, dtype=np.int64)
    if not len(a.ids) or not len(b.ids):
        return empty, empty
    rng = np.random.default_rng(seed)
    pa, pb = prepare(a.bits), prepare(b.bits)
    subsets: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    bands: list[_Band] = []
    rows = lambda matrix, which: matrix if len(which) == len(matrix) else matrix[which]  # noqa: E731
    for segment in EXACT_SEGMENTS:
        in_a = np.flatnonzero(pa.counts[:, segment] > 0)
        in_b = np.flatnonzero(pb.counts[:, segment] > 0)
        if len(in_a) and len(in_b):
            subsets.append((in_a, in_b, rows(pa.words, in_a), rows(pb.words, in_b)))
            bands.append(_Band(len(subsets) - 1, segment, np.zeros(0, dtype=np.int64)))
    for first, last in BAND_GROUPS:
        in_a = np.flatnonzero(pa.counts[:, first:last].sum(axis=1) > 0)
        in_b = np.flatnonzero(pb.counts[:, first:last].sum(axis=1) > 0)
        if not len(in_a) or not len(in_b):
            continue
        bits = _segment_bits(first, last)
        agreement = _nonmatch_agreement(a.bits, in_a, b.bits, in_b, bits, rng)
        k, count = lsh_parameters(len(in_a), len(in_b), bits[1] - bits[0], agreement)
        subsets.append((in_a, in_b, byte_columns(rows(a.bits, in_a), *bits), byte_columns(rows(b.bits, in_b), *bits)))
        for _ in range(count):
            positions = rng.choice(np.arange(bits[0], bits[1]), size=k, replace=False).astype(np.int64)
            bands.append(_Band(len(subsets) - 1, first, positions - bits[0]))
    plan = _Plan(pa, pb, tuple(subsets), floors, weights)
    workers = max(1, min(workers, len(bands)))
    if workers == 1:
        pair = _run_bands(plan, bands)
    else:
        _PLAN, _SHARES = plan, [bands[share::workers] for share in range(workers)]
        try:
            with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
                found = list(pool.map(_run_share, range(workers)))
        finally:
            _PLAN, _SHARES = None, []
        pair = _distinct(np.concatenate(found))
    n_b = np.int64(len(b.ids))
    return pair // n_b, pair % n_b


@dataclass(frozen=True)
class Tail:
    """The chance-score tail of a pair of sources, fitted to the scores of random pairs."""

    start: float
    scale: float
    spread: float
    pairs: float

    def bound(self, per_record: float, records: int) -> float:
        """The score that fewer than `per_record` pairs of different people a record are expected to reach."""
        allowed = max(per_record * records, 1e-9)
        # pairs * TAIL_SHARE * exp(-(t - start) / scale) = allowed
        return self.start + self.scale * math.log(max(self.pairs * TAIL_SHARE / allowed, 1.0))


def random_pairs(n_a: int, n_b: int, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = min(RANDOM_PAIRS, n_a * n_b)
    return rng.integers(0, n_a, n), rng.integers(0, n_b, n)


def tail_of(values: np.ndarray, n_a: int, n_b: int) -> Tail:
    """Chance scores have heavier tails than a normal (people share names and birth years): an exponential tail is
    fitted to the top TAIL_SHARE of the random pairs, leaving out the very top, where the few true matches a random
    sample holds would be. It needs no ground truth, and it holds where a mixture cannot: when nearly every record
    has its counterpart (FEBRL4), the records' best scores have no non-match mode to fit."""
    values = values.astype(np.float64)
    centre = float(np.median(values))
    spread = max(float(np.median(np.abs(values - centre))) * 1.4826, 1e-3)
    at_start, at_top = int(len(values) * (1 - TAIL_SHARE)), int(len(values) * (1 - TAIL_TRIM))
    start, top = np.partition(values, [at_start, at_top])[[at_start, at_top]]  # two ranks: no need to sort all
    excess = values[(values > start) & (values <= top)] - start
    scale = max(float(excess.mean()) if len(excess) else spread, 1e-3)
    return Tail(float(start), scale, spread, float(n_a) * float(n_b))


# Agreement levels of a segment by its Dice coefficient: level 0 from 0.95 up, ..., the last under 0.5. A segment
# missing on either side has a level of its own (the last index), whose weight is 0: it says nothing.
LEVELS = np.array([0.95, 0.85, 0.75, 0.65, 0.5], dtype=np.float32)
MISSING = len(LEVELS) + 1
M_SMOOTHING = 0.05  # m is mixed with this share of a uniform distribution: no level is impossible for a match
REFITS = 2  # the likely matches are chosen again with the fitted weights, and m estimated again
INTERVAL_BUDGETS = (10.0, 0.1)  # the interval: the counts with the false-link budget multiplied by these
UNLINKED_ROUNDS = 10
GREEDY_ROUND_MIN = 64  # pairs a round of the one-to-one assignment must take to go on (else pair by pair)
MIN_UNLINKED_SHARE = 0.01  # at least this share of each source is taken to lack a counterpart


def levels(dice: np.ndarray) -> np.ndarray:
    """(pairs, segments) agreement levels; MISSING where the segment is empty on either side."""
    missing = np.isnan(dice)
    # the number of level bounds above each Dice (LEVELS is decreasing): one search instead of a comparison each
    out = (len(LEVELS) - np.searchsorted(LEVELS[::-1], np.where(missing, 1.0, dice), "right")).astype(np.int8)
    out[missing] = MISSING
    return out


# What the data is pulled towards when it says little (a source of a few records): level frequencies of matches
# (m) and of random pairs (u) for each segment, rounded from FEBRL4 and generated populations (docs/linkage.md),
# worth PRIOR_PAIRS pairs each.
PRIOR_M = np.array(
    [
        [0.60, 0.20, 0.10, 0.05, 0.03, 0.02],  # name
        [0.85, 0.05, 0.03, 0.03, 0.02, 0.02],  # birth date, gender, citizenship
        [0.40, 0.30, 0.15, 0.07, 0.05, 0.03],  # other columns
    ]
)
PRIOR_U = np.array(
    [
        [0.0001, 0.0001, 0.0003, 0.002, 0.04, 0.9575],
        [0.0001, 0.0001, 0.0005, 0.005, 0.1, 0.8943],
        [0.0001, 0.0001, 0.0001, 0.0005, 0.2, 0.7992],
    ]
)
PRIOR_PAIRS = {"m": 20.0, "u": 2000.0}


def _frequencies(lv: np.ndarray, prior: np.ndarray, strength: float) -> np.ndarray:
    """(segments, levels + missing) share of each level among the pairs where the segment is present, pulled
    towards `prior` by `strength` pairs, and the share of pairs where it is missing in the last column."""
    out = np.empty((lv.shape[1], MISSING + 1))
    for f in range(lv.shape[1]):
        counts = np.bincount(lv[:, f], minlength=MISSING + 1).astype(np.float64)
        present = counts[:MISSING] + strength * prior[f] / prior[f].sum()
        out[f, :MISSING] = present / present.sum()
        out[f, MISSING] = counts[MISSING] / max(counts.sum(), 1.0)
    return out


@dataclass(frozen=True)
class FellegiSunter:
    """m and u of each agreement level of each segment (u from random pairs of the two sources, m from the likely
    matches), and the weight of a pair: the sum of log2(m/u) over the segments present on both sides."""

    m: np.ndarray
    u: np.ndarray

    @property
    def table(self) -> np.ndarray:
        table = np.log2(self.m[:, :MISSING] / self.u[:, :MISSING])
        return np.concatenate([table, np.zeros((len(table), 1))], axis=1)

    def weight(self, lv: np.ndarray) -> np.ndarray:
        table = self.table
        return table[np.arange(lv.shape[1]), lv.astype(np.int64)].sum(axis=1) if len(lv) else np.zeros(0)

    def chance_pairs_at_least(self, weights: np.ndarray) -> np.ndarray:
        """The share of pairs of different people reaching each weight: the segments of two different people
        agree independently, each at its level frequencies among random pairs (Fellegi and Sunter's error rate
        mu, summed over the patterns of agreement)."""
        table = self.table
        values = np.zeros(1)
        probs = np.ones(1)
        for f in range(len(table)):
            values = (values[:, None] + table[f][None, :]).ravel()
            probs = (probs[:, None] * self.u[f][None, :]).ravel()
        order = np.argsort(-values)
        tail = np.cumsum(probs[order])
        # P(W >= w): the cumulated probability of every pattern at or above w
        index = np.searchsorted(-values[order], -np.asarray(weights, dtype=np.float64), side="right")
        return np.where(index > 0, tail[np.maximum(index - 1, 0)], 0.0)

    def threshold(self, pairs: float, allowed: float) -> float:
        """The lowest pattern weight at which fewer than `allowed` pairs of different people are expected."""
        table = self.table
        values = np.zeros(1)
        for f in range(len(table)):
            values = np.unique((values[:, None] + table[f][None, :]).ravel())
        candidates = np.sort(values)
        expected = pairs * self.chance_pairs_at_least(candidates)
        ok = np.flatnonzero(expected <= allowed)
        return float(candidates[ok[0]]) if len(ok) else float(candidates[-1]) + 1.0


def _smoothed(m: np.ndarray) -> np.ndarray:
    present = (1 - M_SMOOTHING) * m[:, :MISSING] + M_SMOOTHING / MISSING
    return np.concatenate([present, m[:, MISSING:]], axis=1)


@dataclass(frozen=True)
class PairLinks:
    """Candidate pairs of two sources with their weights (log2 likelihood ratios), the model, and the weight a pair
    needs to be linked (without ground truth) with the weights of the interval."""

    ia: np.ndarray
    ib: np.ndarray
    weight: np.ndarray
    model: FellegiSunter
    threshold: float
    low: float
    high: float


def _segment_floor(dice: np.ndarray, n_a: int, n_b: int) -> float:
    """The Dice of one segment that CANDIDATES_PER_RECORD random pairs a record reach (1.01, keeping nothing, when
    too few random pairs have the segment on both sides to tell)."""
    present = dice[~np.isnan(dice)]
    if len(present) < RANDOM_PAIRS // 20:
        return 1.01
    share = len(present) / len(dice)
    return tail_of(present, n_a, n_b).bound(CANDIDATES_PER_RECORD / share, n_a + n_b)


def score_pairs(a: Source, b: Source, *, seed: int = 0, workers: int = 1) -> PairLinks:
    """Blocking, the Fellegi-Sunter weights estimated from the data, and the threshold, without ground truth."""
    pa, pb = prepare(a.bits), prepare(b.bits)
    ra, rb = random_pairs(len(pa), len(pb), seed=seed)
    records = len(pa) + len(pb)
    dice_random = segment_dice(pa, pb, ra, rb)
    prior_tail = tail_of(combine(dice_random, PRIOR_WEIGHTS), len(pa), len(pb))
    floors = Floors(
        prior_tail.bound(CANDIDATES_PER_RECORD, records),
        tuple(_segment_floor(dice_random[:, f], len(pa), len(pb)) for f in range(BLOCKING_SEGMENTS, len(SEGMENTS))),
    )
    if len(pa) * len(pb) <= ALL_PAIRS_UP_TO:
        ia = np.repeat(np.arange(len(pa), dtype=np.int64), len(pb))
        ib = np.tile(np.arange(len(pb), dtype=np.int64), len(pa))
    else:
        ia, ib = candidates(a, b, floors=floors, seed=seed, workers=workers)
    lv = levels(segment_dice(pa, pb, ia, ib))
    u = _frequencies(levels(dice_random), PRIOR_U, PRIOR_PAIRS["u"])
    pairs, allowed = float(len(pa)) * float(len(pb)), FALSE_LINKS_PER_RECORD * records
    # The first likely matches: the one-to-one links at the chance bound of the prior score.
    prior_scores = scores(pa, pb, ia, ib, PRIOR_WEIGHTS)
    likely = one_to_one(ia, ib, prior_scores, prior_tail.bound(FALSE_LINKS_PER_RECORD, records))
    model = FellegiSunter(_smoothed(_frequencies(lv[:0], PRIOR_M, PRIOR_PAIRS["m"])), u)
    for _ in range(REFITS):
        rows = _rows(ia, ib, likely)
        model = FellegiSunter(_smoothed(_frequencies(lv[rows], PRIOR_M, PRIOR_PAIRS["m"])), u)
        likely = one_to_one(ia, ib, model.weight(lv), model.threshold(pairs, allowed))
    weight = model.weight(lv)
    # The one-to-one constraint: a record linked to its counterpart is not free to take a chance partner, so false
    # links come from pairs of records that both lack a counterpart. Their number is estimated by the links at the
    # threshold, which moves the threshold, until it settles.
    unlinked = pairs
    cut = model.threshold(unlinked, allowed)
    for _ in range(UNLINKED_ROUNDS):
        linked = len(one_to_one(ia, ib, weight, cut).a)
        free_a = max(len(pa) - linked, MIN_UNLINKED_SHARE * len(pa), 1.0)
        free_b = max(len(pb) - linked, MIN_UNLINKED_SHARE * len(pb), 1.0)
        unlinked = free_a * free_b
        moved = model.threshold(unlinked, allowed)
        if moved == cut:
            break
        cut = moved
    return PairLinks(ia, ib, weight, model, cut, model.threshold(unlinked, allowed * INTERVAL_BUDGETS[0]),
                     model.threshold(unlinked, allowed * INTERVAL_BUDGETS[1]))  # fmt: skip


def _rows(ia: np.ndarray, ib: np.ndarray, links: Links) -> np.ndarray:
    """Where the linked pairs are among the candidate pairs."""
    n_b = np.int64(max(int(ib.max()) if len(ib) else 0, int(links.b.max()) if len(links.b) else 0) + 1)
    keys = ia.astype(np.int64) * n_b + ib
    order = np.argsort(keys)
    return order[np.searchsorted(keys[order], links.a.astype(np.int64) * n_b + links.b)]


def to_score(weight: np.ndarray | float) -> np.ndarray:
    """A weight as a score between 0 and 1: the probability of a match at even prior odds."""
    return 1.0 / (1.0 + np.exp2(-np.clip(np.asarray(weight, dtype=np.float64), -60, 60)))


def to_weight(score: float) -> float:
    return math.log2(score / (1 - score))


def one_to_one(ia: np.ndarray, ib: np.ndarray, s: np.ndarray, threshold: float) -> Links:
    """Greedy assignment by decreasing score: each record is linked at most once. Greedy takes every pair that is
    the first left for both its records, so those are taken together, round after round (a few rounds in practice);
    when a round takes few, the rest goes pair by pair, as greedy would."""
    above = np.flatnonzero(s >= threshold)
    order = above[np.argsort(-s[above], kind="stable")]
    live = np.arange(len(order))  # positions in `order` still free
    taken: list[np.ndarray] = []
    while len(live) > GREEDY_ROUND_MIN:
        xa, xb = ia[order[live]], ib[order[live]]
        first = np.zeros(len(live), dtype=bool)
        first[np.unique(xa, return_index=True)[1]] = True
        first_b = np.zeros(len(live), dtype=bool)
        first_b[np.unique(xb, return_index=True)[1]] = True
        first &= first_b
        taken.append(live[first])
        live = live[~(np.isin(xa, xa[first]) | np.isin(xb, xb[first]))]
        if first.sum() < GREEDY_ROUND_MIN:
            break
    used_a: set[int] = set()
    used_b: set[int] = set()
    if taken:
        done = np.concatenate(taken)
        used_a, used_b = set(ia[order[done]].tolist()), set(ib[order[done]].tolist())
    rest = []
    for position in live.tolist():
        x, y = int(ia[order[position]]), int(ib[order[position]])
        if x in used_a or y in used_b:
            continue
        used_a.add(x)
        used_b.add(y)
        rest.append(position)
    picked = order[np.sort(np.concatenate([*taken, np.array(rest, dtype=np.int64)]))]
    return Links(ia[picked], ib[picked], s[picked])


def link_two(a: Source, b: Source, *, threshold: float | None = None, workers: int = 1) -> tuple[Links, Estimate]:
    """One-to-one links between two sources; `threshold` is a score (see `to_score`) when given; the blocking
    runs in `workers` processes."""
    records = len(a.ids) + len(b.ids)
    if not len(a.ids) or not len(b.ids):
        empty = np.zeros(0, dtype=np.int64)
        how = "em" if threshold is None else "given"
        estimate = Estimate(records, records, records, records, Threshold(threshold or 0.5, how))
        return Links(empty, empty, np.zeros(0, dtype=np.float32)), estimate
    return link_scored(score_pairs(a, b, workers=workers), records, threshold=threshold)


def link_scored(pairs: PairLinks, records: int, *, threshold: float | None = None) -> tuple[Links, Estimate]:
    """`link_two` once the pairs are scored (the benchmark keeps them to measure what blocking missed)."""
    cut = pairs.threshold if threshold is None else to_weight(threshold)
    chosen = Threshold(float(to_score(cut)), "em" if threshold is None else "given")

    def linked(weight: float) -> Links:
        found = one_to_one(pairs.ia, pairs.ib, pairs.weight, weight)
        return Links(found.a, found.b, to_score(found.score).astype(np.float32))

    links = linked(cut)
    distinct = records - len(links.a)
    shift = (pairs.low - pairs.threshold, pairs.high - pairs.threshold)
    low = records - len(linked(cut + shift[0]).a)
    high = records - len(linked(cut + shift[1]).a)
    return links, Estimate(records, distinct, min(low, distinct), max(high, distinct), chosen)


def _clusters(ga: np.ndarray, gb: np.ndarray, margin: np.ndarray, source_of: np.ndarray) -> np.ndarray:
    """Cluster labels (dense) grown by decreasing margin over the threshold (pairs with a margin of at least 0),
    never two records of one source in a cluster."""
    records = len(source_of)
    parent = list(range(records))
    members: dict[int, set[int]] = {r: {int(source_of[r])} for r in range(records)}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i in np.argsort(-margin, kind="stable").tolist():
        if margin[i] < 0:
            break
        x, y = root(int(ga[i])), root(int(gb[i]))
        if x == y or members[x] & members[y]:  # two records of one source are two people
            continue
        parent[y] = x
        members[x] |= members.pop(y)
    labels = np.array([root(r) for r in range(records)], dtype=np.int64)
    return np.unique(labels, return_inverse=True)[1] if records else labels


def cluster(
    sources: Sequence[Source], *, threshold: float | None = None, workers: int = 1
) -> tuple[list[np.ndarray], Estimate]:
    """Clusters across several sources: one label per record of each source (labels are cluster numbers). Each
    pair of sources gets its own weights and threshold; the clusters grow by the margin of a pair's weight over
    its threshold (`threshold`, a score, replaces every pair's)."""
    offsets = np.cumsum([0] + [len(s.ids) for s in sources])
    records = int(offsets[-1])
    pairs_a, pairs_b = [], []
    margins: list[list[np.ndarray]] = [[], [], []]
    shown = []
    for i in range(len(sources)):
        for j in range(i + 1, len(sources)):
            if not len(sources[i].ids) or not len(sources[j].ids):
                continue
            found = score_pairs(sources[i], sources[j], seed=i * 31 + j, workers=workers)
            cut = found.threshold if threshold is None else to_weight(threshold)
            shown.append(cut)
            pairs_a.append(found.ia + offsets[i])
            pairs_b.append(found.ib + offsets[j])
            shifts = (0.0, found.low - found.threshold, found.high - found.threshold)
            for kept, shift in zip(margins, shifts, strict=True):
                kept.append(found.weight - (cut + shift))
    ga = np.concatenate(pairs_a) if pairs_a else np.zeros(0, dtype=np.int64)
    gb = np.concatenate(pairs_b) if pairs_b else np.zeros(0, dtype=np.int64)
    source_of = np.searchsorted(offsets, np.arange(records), side="right") - 1

    def labels_of(kept: list[np.ndarray]) -> np.ndarray:
        margin = np.concatenate(kept) if kept else np.zeros(0, dtype=np.float64)
        return _clusters(ga, gb, margin, source_of)

    dense, at_low, at_high = (labels_of(kept) for kept in margins)
    size = lambda labels: int(labels.max() + 1) if records else 0  # noqa: E731
    distinct = size(dense)
    value = threshold if threshold is not None else float(to_score(max(shown))) if shown else 0.5
    chosen = Threshold(value, "em" if threshold is None else "given")
    per_source = [dense[offsets[i] : offsets[i + 1]] for i in range(len(sources))]
    return per_source, Estimate(records, distinct, min(size(at_low), distinct), max(size(at_high), distinct), chosen)
