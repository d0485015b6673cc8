"""Differentially private counts: the discrete Laplace (two-sided geometric) mechanism over every cell of a table.

Neighbouring datasets differ by one person, added or removed; one person is one record (Lantern keeps one case a
person; a CTDC file has one row a victim). A person is counted in exactly one cell of a table, so the L1
sensitivity of the vector of cell counts is 1, and discrete Laplace noise of scale 1/epsilon gives epsilon-DP
(pure DP, no delta). Changing one person's record is two such steps: 2 * epsilon.

The noise is sampled exactly, at every table size, with integer arithmetic only: Canonne, Kamath and Steinke,
"The Discrete Gaussian for Differential Privacy" (2020), Algorithm 2 (discrete Laplace of a rational scale t/s,
from a uniform integer below t, Bernoulli(exp(-u/t)) and a run of Bernoulli(exp(-1)) trials), with its Algorithm 1
for Bernoulli(exp(-gamma)) of a rational gamma (a run of Bernoulli(gamma/k) trials, each a uniform integer below
a bound compared with another). The uniform integers come from the operating system's cryptographic generator
(`os.urandom`), read in blocks of megabytes and cut into words of the width each bound needs; a word at or above
its bound is drawn again, so there is no modulo bias. Every step runs on whole numpy arrays of integers (the
samples still waiting for a trial), never on a float: the probabilities are exactly those of the discrete Laplace,
so nothing leaks through floating-point rounding, the weakness attacks on floating-point DP use.

The scale is the exact fraction 1/epsilon of the epsilon as written (0.1 is 1/10, not the binary float), with a
denominator of at most a million; an epsilon with more decimals is rounded down, never up.

Release then post-processes (which costs no privacy): negative counts are set to 0. The published table has every
combination of the categories, the empty ones included, so which combinations exist is not revealed either.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

SENSITIVITY = 1  # one person = one record = one cell
MAX_DENOMINATOR = 1_000_000  # of epsilon as a fraction
SAMPLER = "exact"

RandomBytes = Callable[[int], bytes]
_BLOCK = 1 << 20  # bytes read from the source at a time (1 MiB)


def exact_epsilon(epsilon: float) -> Fraction:
    """The epsilon as the fraction it was written as (its shortest decimal), rounded down to a denominator of at
    most MAX_DENOMINATOR."""
    if not (epsilon > 0 and math.isfinite(epsilon)):
        raise ValueError("epsilon must be a positive number")
    exact = Fraction(repr(float(epsilon)))
    if exact.denominator > MAX_DENOMINATOR:
        exact = Fraction(math.floor(exact * MAX_DENOMINATOR), MAX_DENOMINATOR)
    if exact <= 0:
        raise ValueError("epsilon must be a positive number")
    return exact


def exact_scale(epsilon: float, sensitivity: int = SENSITIVITY) -> Fraction:
    return sensitivity / exact_epsilon(epsilon)


def scale_for(epsilon: float, sensitivity: int = SENSITIVITY) -> float:
    return float(exact_scale(epsilon, sensitivity))


def noise_variance(scale: float) -> float:
    """The variance of discrete Laplace noise of this scale: 2q / (1 - q)^2 with q = exp(-1/scale) (for the note,
    not for sampling)."""
    q = math.exp(-1 / scale)
    return 2 * q / (1 - q) ** 2


class RandomIntegers:
    """Uniform integers from a byte source: the operating system's cryptographic generator unless a test gives
    another. The bytes are read in big blocks; a bound of b bits takes fields of the narrowest width of 1, 2, 4, 8,
    16, 32 or 64 bits that holds b (eight fair coins from one byte, not one)."""

    def __init__(self, source: RandomBytes = os.urandom) -> None:
        self._source = source
        self._bytes = np.zeros(0, dtype=np.uint8)

    def _take(self, count: int) -> np.ndarray:
        if self._bytes.size < count:
            fresh = np.frombuffer(self._source(max(_BLOCK, count - self._bytes.size)), dtype=np.uint8)
            self._bytes = np.concatenate([self._bytes, fresh])
        out, self._bytes = self._bytes[:count], self._bytes[count:]
        return out

    def fields(self, count: int, bits: int) -> np.ndarray:
        """`count` uniform integers of `bits` bits (1 to 62), as int64."""
        width = 1 << max(bits - 1, 0).bit_length()  # 1, 2, 4, 8, 16, 32 or 64
        if width < 8:
            per_byte = 8 // width
            raw = self._take(-(-count // per_byte))
            shifts = np.arange(0, 8, width, dtype=np.uint8)
            out = ((raw[:, None] >> shifts) & np.uint8((1 << width) - 1)).ravel()[:count]
            out = out.astype(np.int64)
        else:
            dtype = {8: np.uint8, 16: np.uint16, 32: np.uint32, 64: np.uint64}[width]
            out = self._take(count * (width // 8)).view(dtype).astype(np.int64)
        if bits < width or width == 64:
            out &= (1 << bits) - 1
        return out

    def below(self, bound: int, count: int) -> np.ndarray:
        """`count` integers uniform on [0, bound), as int64: a field of the bound's bit length, drawn again while
        it is at or above the bound (each try succeeds with probability above one half; no modulo bias)."""
        if not 1 <= bound <= 1 << 62:
            raise ValueError("bound out of range")
        if bound == 1:
            return np.zeros(count, dtype=np.int64)
        bits = (bound - 1).bit_length()
        out = self.fields(count, bits)
        if bound == 1 << bits:
            return out
        redo = np.flatnonzero(out >= bound)
        while redo.size:
            draw = self.fields(redo.size, bits)
            out[redo] = draw
            redo = redo[draw >= bound]
        return out


def bernoulli_exp(numerators: np.ndarray, denominator: int, source: RandomIntegers) -> np.ndarray:
    """One Bernoulli(exp(-n/d)) trial for each n in `numerators` (0 <= n <= d): CKS Algorithm 1. With K from 1,
    draw Bernoulli(n / (d K)) (a uniform integer below d K that is below n) until one fails; the result is 1 when
    that K is odd. All trials advance together; a trial leaves the array when it stops."""
    result = np.empty(numerators.size, dtype=bool)
    active = np.arange(numerators.size)
    k = 1
    while active.size:
        bound = denominator * k
        if bound <= int(numerators[active].min()):  # gamma / k >= 1: this trial cannot fail
            k += 1
            continue
        success = source.below(bound, active.size) < numerators[active]
        result[active[~success]] = k % 2 == 1
        active = active[success]
        k += 1
    return result


def discrete_laplace(size: int, scale: Fraction, source: RandomIntegers | None = None) -> np.ndarray:
    """`size` exact draws of discrete Laplace noise, P(z) proportional to exp(-|z| / scale), scale = t/s: CKS
    Algorithm 2, vectorised. Each pending sample draws U uniform below t, keeps it with probability exp(-U/t),
    adds t times the number of successes V of Bernoulli(exp(-1)) before a failure (X = U + tV is geometric with
    ratio exp(-1/t)), divides by s (Y = X // s, geometric with ratio exp(-s/t)) and takes a fair sign, rejecting a
    negative zero; the rejected ones go round again."""
    source = source or RandomIntegers()
    scale = Fraction(scale)
    if scale <= 0:
        raise ValueError("the scale must be positive")
    t, s = scale.numerator, scale.denominator
    out = np.empty(size, dtype=np.int64)
    pending = np.arange(size)
    while pending.size:
        u = source.below(t, pending.size) if t > 1 else np.zeros(pending.size, dtype=np.int64)
        kept = bernoulli_exp(u, t, source) if t > 1 else np.ones(pending.size, dtype=bool)
        u, slots = u[kept], pending[kept]
        v = np.zeros(u.size, dtype=np.int64)
        running = np.arange(u.size)
        while running.size:
            success = bernoulli_exp(np.ones(running.size, dtype=np.int64), 1, source)
            running = running[success]
            v[running] += 1
        y = (u + t * v) // s
        negative = source.below(2, u.size) == 1
        valid = ~(negative & (y == 0))
        out[slots[valid]] = np.where(negative, -y, y)[valid]
        pending = np.concatenate([pending[~kept], slots[~valid]])
    return out


def opendp_laplace(values: np.ndarray, scale: float) -> np.ndarray:
    """OpenDP's discrete Laplace mechanism on a vector of integer counts (the reference the tests and the
    benchmark compare Lantern's sampler with).

    OpenDP puts its mechanisms behind the "contrib" flag until they are formally vetted; this is the only
    function that turns it on, for the mechanism itself and nothing else."""
    import opendp.prelude as dp

    dp.enable_features("contrib")
    mechanism = dp.m.make_laplace(dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=scale)
    return np.asarray(mechanism([int(v) for v in values.ravel()]), dtype=np.int64).reshape(values.shape)


def opendp_epsilon(scale: float, categories: int) -> float:
    """The privacy OpenDP's own accounting gives `make_count_by_categories` then Laplace of this scale, for one
    person added or removed: the reference the release's epsilon is checked against."""
    import opendp.prelude as dp

    dp.enable_features("contrib")
    measurement = dp.t.make_count_by_categories(
        dp.vector_domain(dp.atom_domain(T=int)), dp.symmetric_distance(), categories=list(range(categories))
    ) >> dp.m.then_laplace(scale=scale)
    return float(measurement.map(1))


@dataclass
class NoisyCounts:
    counts: np.ndarray  # non-negative integers, same shape as the true counts
    epsilon: float
    scale: float
    sampler: str  # "exact": Lantern's exact sampler, whatever the size


def release(counts: np.ndarray, epsilon: float, *, source: RandomIntegers | None = None) -> NoisyCounts:
    scale = exact_scale(epsilon)
    noise = discrete_laplace(counts.size, scale, source).reshape(counts.shape)
    noisy = counts.astype(np.int64) + noise
    return NoisyCounts(np.maximum(noisy, 0), epsilon, float(scale), SAMPLER)


def clamped_zero_mean(scale: float) -> float:
    """What a cell whose true count is 0 is published as on average, once its negative draws are raised to 0:
    E[max(0, Z)] for discrete Laplace Z of this scale, q / ((1 - q)(1 + q)) with q = exp(-1/scale). The upward
    bias of every empty cell, which a sum of many cells adds up (for the methodology note; not a sampler)."""
    q = math.exp(-1 / scale)
    return q / ((1 - q) * (1 + q))
