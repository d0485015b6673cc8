"""The coordinator's side: link encodings, never anything else. Every function here takes record ids and packed
bit vectors (numpy uint8 matrices) only.

- Blocking: Hamming LSH on the bit vectors (each band keys the records by `k` bits the band samples; records of two
  sources sharing a key become candidate pairs). `k` is set from the sizes so that chance collisions stay near a few
  per record, and the number of bands so that a pair agreeing on `MATCH_AGREEMENT` of its bits is missed with
  probability under `MISS_PROBABILITY`.
- Similarity: 1 - 2 * Hamming / bits, with numpy's popcount (`np.bitwise_count`) on 64-bit words.
- Threshold, without ground truth (`--threshold` overrides it): the score that fewer than `FALSE_LINKS_PER_RECORD`
  pairs of different people a record are expected to reach, from an exponential tail fitted to the scores of random
  pairs (a Fellegi-Sunter bound on false links). A Gaussian mixture fitted by EM to each record's best score was
  measured too and is kept for its component means and as the fallback: it fails both ways, choosing 0.75 on FEBRL4
  (nearly every record has a counterpart, so there is no non-match mode to fit) and 0.61 on the demo's cases (no
  counterpart at all, so it splits the non-matches in two).
- Two sources: one-to-one assignment, greedy by decreasing score (a person is registered once per organisation).
- Three or more: clusters grown from the pairwise links by decreasing score, never holding two records of one
  source.
- The count of distinct people comes with an interval: the counts with the threshold moved two chance-score
  spreads down and up."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MATCH_AGREEMENT = 0.65  # per-bit agreement of the weakest pairs blocking should still find (score 0.3)
MISS_PROBABILITY = 0.002
CHANCE_CANDIDATES_PER_RECORD = 2.0
MAX_BANDS = 400
SCORE_FLOOR = 0.2  # pairs below this are not kept between bands (they are far below any threshold measured)
DEFAULT_CHUNK = 1_000_000
# Exact copies all score 1: without a floor the match component collapses onto them and the threshold climbs to
# just under 1, leaving out every copy with a typo.
MIN_SD = 0.02
MATCH_COMPONENTS = 2
RANDOM_PAIRS = 200_000
INTERVAL_SPREADS = 2.0  # the interval: the count at the threshold moved this many chance-score spreads either way
TAIL_SHARE = 0.01
TAIL_TRIM = 0.0005
# Pairs of different people expected above the threshold, per record, before the one-to-one assignment (which drops
# most of them: a record keeps its best partner). Measured on FEBRL4 and generated populations (docs/linkage.md).
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
    value: float
    how: str  # "em" or "given"
    match_mean: float = 0.0
    nonmatch_mean: float = 0.0


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


def _words(bits: np.ndarray) -> np.ndarray:
    width = bits.shape[1]
    if width % 8:
        bits = np.pad(bits, ((0, 0), (0, 8 - width % 8)))
    return np.ascontiguousarray(bits).view(np.uint64)


def scores(a_words: np.ndarray, b_words: np.ndarray, ia: np.ndarray, ib: np.ndarray, bits: int) -> np.ndarray:
    """Similarity of pairs (ia[i], ib[i]) in chunks, so memory stays bounded at any size."""
    out = np.empty(len(ia), dtype=np.float32)
    for start in range(0, len(ia), DEFAULT_CHUNK):
        stop = start + DEFAULT_CHUNK
        differing = np.bitwise_count(a_words[ia[start:stop]] ^ b_words[ib[start:stop]]).sum(axis=1, dtype=np.int32)
        out[start:stop] = 1.0 - 2.0 * differing / bits
    return out


def _bit_columns(packed: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The bits at `positions` of every record, as a (n, len(positions)) uint8 matrix of 0/1."""
    return (packed[:, positions >> 3] >> (7 - (positions & 7)).astype(np.uint8)) & 1


def lsh_parameters(n_a: int, n_b: int, bits: int, agreement_nonmatch: float) -> tuple[int, int]:
    """(bits per band, bands)."""
    chance = max(CHANCE_CANDIDATES_PER_RECORD * (n_a + n_b), 1.0)
    k = math.ceil(math.log(max(n_a * n_b / chance, 2.0)) / -math.log(agreement_nonmatch))
    k = min(max(k, 8), 62, bits)
    hit = MATCH_AGREEMENT**k
    bands = math.ceil(math.log(MISS_PROBABILITY) / math.log1p(-hit)) if hit < 1 else 1
    return k, min(max(bands, 1), MAX_BANDS)


def _nonmatch_agreement(a: np.ndarray, b: np.ndarray, rng: np.random.Generator) -> float:
    """Per-bit agreement of random pairs (nearly all are different people)."""
    n = 2000
    ia, ib = rng.integers(0, len(a), n), rng.integers(0, len(b), n)
    bits = a.shape[1] * 8
    differing = np.bitwise_count(a[ia] ^ b[ib]).sum(axis=1)
    return float(np.median(1.0 - differing / bits))


def candidates(a: Source, b: Source, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate pairs from LSH blocking with their scores (pairs scoring under SCORE_FLOOR dropped)."""
    if not len(a.ids) or not len(b.ids):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)
    bits = a.bits.shape[1] * 8
    rng = np.random.default_rng(seed)
    k, bands = lsh_parameters(len(a.ids), len(b.ids), bits, _nonmatch_agreement(a.bits, b.bits, rng))
    aw, bw = _words(a.bits), _words(b.bits)
    weights = (np.uint64(1) << np.arange(k, dtype=np.uint64)).astype(np.uint64)
    kept_a: list[np.ndarray] = []
    kept_b: list[np.ndarray] = []
    for _ in range(bands):
        positions = rng.choice(bits, size=k, replace=False).astype(np.int64)
        key_a = (_bit_columns(a.bits, positions).astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64)
        key_b = (_bit_columns(b.bits, positions).astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64)
        order = np.argsort(key_a, kind="stable")
        sorted_a = key_a[order]
        left = np.searchsorted(sorted_a, key_b, "left")
        right = np.searchsorted(sorted_a, key_b, "right")
        counts = right - left
        if not counts.sum():
            continue
        ib = np.repeat(np.arange(len(key_b)), counts)
        # offsets inside each bucket
        starts = np.repeat(left, counts)
        within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        ia = order[starts + within]
        s = scores(aw, bw, ia, ib, bits)
        keep = s >= SCORE_FLOOR
        kept_a.append(ia[keep])
        kept_b.append(ib[keep])
    if not kept_a:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)
    pair = np.unique(np.concatenate(kept_a).astype(np.int64) * len(b.ids) + np.concatenate(kept_b))
    ia, ib = pair // len(b.ids), pair % len(b.ids)
    return ia, ib, scores(aw, bw, ia, ib, bits)


@dataclass(frozen=True)
class Mixture:
    """Gaussian components; the first is the non-matches, the others together the matches."""

    weights: tuple[float, ...]
    means: tuple[float, ...]
    sds: tuple[float, ...]

    def posterior(self, x: np.ndarray) -> np.ndarray:
        """Probability that a pair with score x is a match."""
        x = np.asarray(x, dtype=np.float64)
        dens = [
            w * np.exp(-0.5 * ((x - m) / sd) ** 2) / sd
            for w, m, sd in zip(self.weights, self.means, self.sds, strict=True)
        ]
        matches = sum(dens[1:])
        return matches / (dens[0] + matches + 1e-300)


def best_scores(ia: np.ndarray, ib: np.ndarray, s: np.ndarray, n_a: int, n_b: int) -> np.ndarray:
    """Each record's best candidate score. Bimodal where a plain list of candidate scores is not: a record with a
    counterpart has one high best score, a record without has the best of chance collisions."""
    best_a = np.full(n_a, -np.inf, dtype=np.float64)
    best_b = np.full(n_b, -np.inf, dtype=np.float64)
    np.maximum.at(best_a, ia, s)
    np.maximum.at(best_b, ib, s)
    values = np.concatenate([best_a, best_b])
    return values[np.isfinite(values)]


def em_threshold(values: np.ndarray, *, iterations: int = 300) -> tuple[Threshold, Mixture]:
    """Fit Gaussians to the records' best scores by EM: one for the non-matches and `MATCH_COMPONENTS` for the
    matches (exact copies and copies with errors do not make one bell). The threshold is where a score becomes more
    likely a match than not. Uses no ground truth: this is what `lantern linkage match` does unless given
    --threshold."""
    x = np.asarray(values, dtype=np.float64)
    if len(x) < 8 or float(x.max() - x.min()) < 1e-6:
        mixture = Mixture((0.5, 0.5), (0.0, 1.0), (0.1, 0.1))
        return Threshold(0.5, "em"), mixture
    k = 1 + MATCH_COMPONENTS
    mu = np.percentile(x, np.linspace(5, 99, k))
    sd = np.full(k, max(float(x.std()) / k, MIN_SD))
    pi = np.full(k, 1.0 / k)
    for _ in range(iterations):
        dens = pi * np.exp(-0.5 * ((x[:, None] - mu) / sd) ** 2) / sd
        r = dens / (dens.sum(axis=1, keepdims=True) + 1e-300)
        weight = r.sum(axis=0) + 1e-12
        new_mu = (r * x[:, None]).sum(axis=0) / weight
        sd = np.sqrt((r * (x[:, None] - new_mu) ** 2).sum(axis=0) / weight).clip(MIN_SD)
        pi = weight / weight.sum()
        converged = np.allclose(new_mu, mu, atol=1e-7)
        mu = new_mu
        if converged:
            break
    order = np.argsort(mu)
    mixture = Mixture(tuple(pi[order].tolist()), tuple(mu[order].tolist()), tuple(sd[order].tolist()))
    grid = np.linspace(mixture.means[0], mixture.means[-1], 4001)
    above = mixture.posterior(grid) >= 0.5
    crossing = float(grid[np.argmax(above)]) if above.any() else mixture.means[-1]
    return Threshold(crossing, "em", mixture.means[-1], mixture.means[0]), mixture


def tail_threshold(a: np.ndarray, b: np.ndarray, *, seed: int = 0) -> tuple[float, float]:
    """The score above which fewer than `FALSE_LINKS_PER_RECORD` pairs of different people a record are expected,
    from the scores of random pairs (nearly all of them different people). It needs no ground truth, and it holds
    where a mixture cannot: when nearly every record has its counterpart (FEBRL4), the records' best scores have
    no non-match mode to fit. Returns the threshold and the spread of chance scores."""
    rng = np.random.default_rng(seed)
    n = min(RANDOM_PAIRS, len(a) * len(b))
    ia, ib = rng.integers(0, len(a), n), rng.integers(0, len(b), n)
    values = np.sort(scores(_words(a), _words(b), ia, ib, a.shape[1] * 8).astype(np.float64))
    centre = float(np.median(values))
    spread = max(float(np.median(np.abs(values - centre))) * 1.4826, 1e-3)
    # Chance scores have heavier tails than a normal (people share names and birth years): an exponential tail is
    # fitted to the top TAIL_SHARE of the random pairs, leaving out the very top, where the few true matches a
    # random sample holds would be.
    start = values[int(len(values) * (1 - TAIL_SHARE))]
    excess = values[(values > start) & (values <= values[int(len(values) * (1 - TAIL_TRIM))])] - start
    scale = max(float(excess.mean()) if len(excess) else spread, 1e-3)
    pairs = float(len(a)) * float(len(b))
    allowed = FALSE_LINKS_PER_RECORD * (len(a) + len(b))
    # pairs * TAIL_SHARE * exp(-(t - start) / scale) = allowed
    return start + scale * math.log(max(pairs * TAIL_SHARE / allowed, 1.0)), spread


def one_to_one(ia: np.ndarray, ib: np.ndarray, s: np.ndarray, threshold: float) -> Links:
    """Greedy assignment by decreasing score: each record is linked at most once."""
    above = np.flatnonzero(s >= threshold)
    order = above[np.argsort(-s[above], kind="stable")]
    used_a: set[int] = set()
    used_b: set[int] = set()
    chosen = []
    for i in order.tolist():
        x, y = int(ia[i]), int(ib[i])
        if x in used_a or y in used_b:
            continue
        used_a.add(x)
        used_b.add(y)
        chosen.append(i)
    picked = np.array(chosen, dtype=np.int64)
    return Links(ia[picked], ib[picked], s[picked])


def _chosen(fitted: Threshold, tails: list[tuple[float, float]], given: float | None) -> tuple[Threshold, float]:
    """The threshold (the chance-score tail bound, or the one given) and the spread the interval moves it by."""
    spread = max((t[1] for t in tails), default=0.05)
    if given is not None:
        return Threshold(given, "given", fitted.match_mean, fitted.nonmatch_mean), spread
    # The tail bound of the most confusable pair of sources; the mixture only when there is no pair to sample.
    value = float(max(t[0] for t in tails)) if tails else fitted.value
    return Threshold(value, "em", fitted.match_mean, fitted.nonmatch_mean), spread


def link_two(a: Source, b: Source, *, threshold: float | None = None) -> tuple[Links, Estimate]:
    ia, ib, s = candidates(a, b)
    fitted, _ = em_threshold(best_scores(ia, ib, s, len(a.ids), len(b.ids)))
    tails = [tail_threshold(a.bits, b.bits)] if len(a.ids) and len(b.ids) else []
    chosen, spread = _chosen(fitted, tails, threshold)
    links = one_to_one(ia, ib, s, chosen.value)
    records = len(a.ids) + len(b.ids)
    distinct = records - len(links.a)
    # The interval: the count with the threshold moved INTERVAL_SPREADS chance-score spreads either way.
    low = records - len(one_to_one(ia, ib, s, chosen.value - INTERVAL_SPREADS * spread).a)
    high = records - len(one_to_one(ia, ib, s, chosen.value + INTERVAL_SPREADS * spread).a)
    return links, Estimate(records, distinct, min(low, distinct), max(high, distinct), chosen)


def _clusters(ga: np.ndarray, gb: np.ndarray, gs: np.ndarray, source_of: np.ndarray, threshold: float) -> np.ndarray:
    """Cluster labels (dense) grown by decreasing score, never two records of one source in a cluster."""
    records = len(source_of)
    parent = list(range(records))
    members: dict[int, set[int]] = {r: {int(source_of[r])} for r in range(records)}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i in np.argsort(-gs, kind="stable").tolist():
        if gs[i] < threshold:
            break
        x, y = root(int(ga[i])), root(int(gb[i]))
        if x == y or members[x] & members[y]:  # two records of one source are two people
            continue
        parent[y] = x
        members[x] |= members.pop(y)
    labels = np.array([root(r) for r in range(records)], dtype=np.int64)
    return np.unique(labels, return_inverse=True)[1] if records else labels


def cluster(sources: Sequence[Source], *, threshold: float | None = None) -> tuple[list[np.ndarray], Estimate]:
    """Clusters across several sources: one label per record of each source (labels are cluster numbers)."""
    offsets = np.cumsum([0] + [len(s.ids) for s in sources])
    records = int(offsets[-1])
    pairs_a, pairs_b, pair_s, tails = [], [], [], []
    for i in range(len(sources)):
        for j in range(i + 1, len(sources)):
            ia, ib, s = candidates(sources[i], sources[j], seed=i * 31 + j)
            pairs_a.append(ia + offsets[i])
            pairs_b.append(ib + offsets[j])
            pair_s.append(s)
            if len(sources[i].ids) and len(sources[j].ids):
                tails.append(tail_threshold(sources[i].bits, sources[j].bits, seed=i * 31 + j))
    ga = np.concatenate(pairs_a) if pairs_a else np.zeros(0, dtype=np.int64)
    gb = np.concatenate(pairs_b) if pairs_b else np.zeros(0, dtype=np.int64)
    gs = np.concatenate(pair_s) if pair_s else np.zeros(0, dtype=np.float32)
    fitted, _ = em_threshold(best_scores(ga, gb, gs, records, records))
    chosen, spread = _chosen(fitted, tails, threshold)
    source_of = np.searchsorted(offsets, np.arange(records), side="right") - 1
    dense = _clusters(ga, gb, gs, source_of, chosen.value)
    count = lambda labels: int(labels.max() + 1) if records else 0  # noqa: E731
    distinct = count(dense)
    low = count(_clusters(ga, gb, gs, source_of, chosen.value - INTERVAL_SPREADS * spread))
    high = count(_clusters(ga, gb, gs, source_of, chosen.value + INTERVAL_SPREADS * spread))
    per_source = [dense[offsets[i] : offsets[i + 1]] for i in range(len(sources))]
    return per_source, Estimate(records, distinct, min(low, distinct), max(high, distinct), chosen)
