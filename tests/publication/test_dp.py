"""The differential-privacy mechanism, checked against OpenDP: the same epsilon for the same scale by OpenDP's own
accounting, the same noise distribution (pmf by chi-square, variance) from Lantern's exact sampler as from OpenDP's
discrete Laplace and as the formula, every combination released (empty ones included), non-negative integers out,
and no float in the sampling path."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy.stats import chi2, chi2_contingency

from lantern.publication import dp

EPSILON = 0.5


def seeded(seed: int) -> dp.RandomIntegers:
    """Lantern's sampler fed by reproducible bytes instead of the operating system's (so a test cannot flake)."""
    generator = np.random.default_rng(seed)
    return dp.RandomIntegers(generator.bytes)


def pmf(value: int, scale: Fraction) -> float:
    q = math.exp(-1 / scale)
    return (1 - q) / (1 + q) * q ** abs(value)


def test_the_scale_gives_the_epsilon_that_opendp_accounts_for() -> None:
    for epsilon in (0.1, 0.5, 1.0, 2.0):
        scale = dp.scale_for(epsilon)
        assert dp.opendp_epsilon(scale, categories=12) == pytest.approx(epsilon, rel=1e-9)


def test_the_scale_is_the_exact_fraction_of_the_epsilon_as_written() -> None:
    assert dp.exact_scale(0.1) == Fraction(10)
    assert dp.exact_scale(0.3) == Fraction(10, 3)
    assert dp.exact_scale(1.0) == Fraction(1)
    assert dp.exact_scale(1 / 3) >= 3  # more decimals than a million: rounded to more noise, never less
    assert dp.exact_epsilon(1 / 3).denominator <= dp.MAX_DENOMINATOR


@pytest.mark.parametrize("scale", [Fraction(1), Fraction(2), Fraction(10, 3)])
def test_lantern_noise_has_the_variance_of_the_formula_and_of_opendp_noise(scale: Fraction) -> None:
    expected = dp.noise_variance(float(scale))  # 2q/(1-q)^2, 7.835 at scale 2
    ours = dp.discrete_laplace(400_000, scale, seeded(20260302))
    theirs = dp.opendp_laplace(np.zeros(40_000, dtype=np.int64), float(scale))
    # Standard error of a sample variance of discrete Laplace noise: sqrt((kurtosis - 1) / n) * variance, with
    # excess kurtosis about 3 here: 4 standard errors of tolerance.
    assert ours.var() == pytest.approx(expected, rel=4 * math.sqrt(5 / ours.size))
    assert theirs.var() == pytest.approx(expected, rel=4 * math.sqrt(5 / theirs.size))
    assert abs(ours.mean()) < 4 * math.sqrt(expected / ours.size)


@pytest.mark.parametrize("scale", [Fraction(1), Fraction(2), Fraction(10, 3)])
def test_lantern_noise_has_the_exact_pmf_by_chi_square(scale: Fraction) -> None:
    size = 300_000
    ours = dp.discrete_laplace(size, scale, seeded(7))
    edge = 1
    while size * pmf(edge + 1, scale) * 2 >= 20:  # bins with at least 20 expected draws; the tails pooled
        edge += 1
    values = np.arange(-edge, edge + 1)
    expected = np.array([pmf(int(v), scale) for v in values]) * size
    tail = (size - expected.sum()) / 2
    observed = np.array([(ours < -edge).sum(), *[(ours == v).sum() for v in values], (ours > edge).sum()])
    expected = np.array([tail, *expected, tail])
    statistic = float((((observed - expected) ** 2) / expected).sum())
    assert statistic < chi2.ppf(0.999, df=observed.size - 1)


def test_lantern_noise_and_opendp_noise_are_the_same_distribution() -> None:
    scale = dp.exact_scale(EPSILON)
    ours = dp.discrete_laplace(40_000, scale, seeded(11))
    theirs = dp.opendp_laplace(np.zeros(40_000, dtype=np.int64), float(scale))
    bins = np.arange(-8, 9)
    table = np.array([[np.clip(sample, -8, 8).__eq__(b).sum() for b in bins] for sample in (ours, theirs)])
    assert chi2_contingency(table).pvalue > 0.001


def test_the_sampler_is_integer_only() -> None:
    source = seeded(3)
    assert source.below(1000, 10_000).dtype == np.int64
    assert dp.bernoulli_exp(np.arange(0, 8, dtype=np.int64), 7, source).dtype == bool
    words = source.below(6, 60_000)  # a bound that is not a power of two: rejection, no modulo bias
    assert set(np.unique(words).tolist()) == set(range(6))
    counts = np.bincount(words)
    assert chi2.sf(float((((counts - 10_000) ** 2) / 10_000).sum()), df=5) > 0.001


def test_bernoulli_of_exp_minus_gamma_is_exact_in_frequency() -> None:
    trials = dp.bernoulli_exp(np.full(200_000, 3, dtype=np.int64), 4, seeded(5))  # exp(-3/4) = 0.4724
    assert trials.mean() == pytest.approx(math.exp(-0.75), abs=4 * math.sqrt(0.25 / trials.size))


def test_a_release_covers_every_cell_with_non_negative_integers() -> None:
    counts = np.zeros((4, 3, 5), dtype=np.int64)
    counts[0, 0, 0] = 30
    noisy = dp.release(counts, 1.0)
    assert noisy.counts.shape == counts.shape  # the empty combinations are released as well
    assert noisy.counts.dtype == np.int64
    assert (noisy.counts >= 0).all()
    assert noisy.sampler == "exact"
    assert abs(int(noisy.counts[0, 0, 0]) - 30) < 30


def test_a_large_release_uses_the_same_exact_sampler() -> None:
    noisy = dp.release(np.zeros(250_000, dtype=np.int64), 1.0)
    assert noisy.sampler == "exact"
    assert noisy.counts.size == 250_000


def test_the_noise_is_not_the_same_twice() -> None:
    counts = np.zeros(1000, dtype=np.int64)
    first = dp.release(counts, 1.0).counts
    second = dp.release(counts, 1.0).counts
    assert not np.array_equal(first, second)


def test_a_bad_epsilon_is_refused() -> None:
    for epsilon in (0.0, -1.0, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="epsilon"):
            dp.scale_for(epsilon)


def test_the_note_s_bias_of_an_empty_cell_is_what_the_sampler_gives() -> None:
    """The methodology note warns that an empty cell is published as clamped_zero_mean(scale) on average (the
    reason the cells of a DP release must not be added up): 400,000 clamped draws agree within 2%."""
    scale = Fraction(4)  # epsilon 0.25
    draws = np.maximum(dp.discrete_laplace(400_000, scale), 0)
    expected = dp.clamped_zero_mean(float(scale))
    assert expected == pytest.approx(1.979, abs=0.001)
    assert float(draws.mean()) == pytest.approx(expected, rel=0.02)
