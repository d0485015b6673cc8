"""Differentially private counts: the discrete Laplace (two-sided geometric) mechanism over every cell of a table.

Neighbouring datasets differ by one person, added or removed; one person is one record (Lantern keeps one case a
person; a CTDC file has one row a victim). A person is counted in exactly one cell of a table, so the L1
sensitivity of the vector of cell counts is 1, and discrete Laplace noise of scale 1/epsilon gives epsilon-DP
(pure DP, no delta). Changing one person's record is two such steps: 2 * epsilon.

The noise is integer, so there is no floating-point Laplace leaking through its low bits. Two samplers:
- OpenDP's (`make_laplace` on a vector of integers, which is its discrete Laplace): exact sampling with a
  cryptographically secure generator, about 18 microseconds a cell. Used up to EXACT_SAMPLER_MAX_CELLS cells.
- Above that, Lantern's vectorised sampler: the difference of two geometric variables with p = 1 - exp(-1/scale),
  from numpy's Philox counter-based generator seeded with 128 bits from the operating system. Its probabilities are
  those of the discrete Laplace up to double-precision rounding inside numpy's geometric sampler. The tests check
  it against OpenDP's (variance and distribution at the same scale).

Release then post-processes (which costs no privacy): negative counts are set to 0. The published table has every
combination of the categories, the empty ones included, so which combinations exist is not revealed either.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass

import numpy as np

EXACT_SAMPLER_MAX_CELLS = 100_000
SENSITIVITY = 1  # one person = one record = one cell


def scale_for(epsilon: float, sensitivity: int = SENSITIVITY) -> float:
    if not (epsilon > 0 and math.isfinite(epsilon)):
        raise ValueError("epsilon must be a positive number")
    return sensitivity / epsilon


def noise_variance(scale: float) -> float:
    """The variance of discrete Laplace noise of this scale: 2q / (1 - q)^2 with q = exp(-1/scale)."""
    q = math.exp(-1 / scale)
    return 2 * q / (1 - q) ** 2


def secure_generator() -> np.random.Generator:
    return np.random.Generator(np.random.Philox(secrets.randbits(128)))


def discrete_laplace(size: int, scale: float, rng: np.random.Generator) -> np.ndarray:
    """`size` draws of discrete Laplace noise: P(k) proportional to exp(-|k| / scale)."""
    p = -math.expm1(-1 / scale)  # 1 - exp(-1/scale), exactly even when the scale is large
    return rng.geometric(p, size).astype(np.int64) - rng.geometric(p, size).astype(np.int64)


def opendp_laplace(values: np.ndarray, scale: float) -> np.ndarray:
    """OpenDP's discrete Laplace mechanism on a vector of integer counts.

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
    sampler: str  # "opendp" or "numpy-philox"


def release(
    counts: np.ndarray, epsilon: float, *, rng: np.random.Generator | None = None, sampler: str = "auto"
) -> NoisyCounts:
    scale = scale_for(epsilon)
    if sampler == "auto":
        sampler = "opendp" if counts.size <= EXACT_SAMPLER_MAX_CELLS and rng is None else "numpy-philox"
    if sampler == "opendp":
        noisy = opendp_laplace(counts, scale)
    else:
        noise = discrete_laplace(counts.size, scale, rng or secure_generator()).reshape(counts.shape)
        noisy = counts.astype(np.int64) + noise
    return NoisyCounts(np.maximum(noisy, 0), epsilon, scale, sampler)
