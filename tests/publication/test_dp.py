"""The differential-privacy mechanism, checked against OpenDP: the same epsilon for the same scale by OpenDP's own
accounting, the same noise distribution (variance and shape) from Lantern's sampler as from OpenDP's discrete
Laplace, every combination released (empty ones included), and non-negative integers out."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lantern.publication import dp

EPSILON = 0.5


def test_the_scale_gives_the_epsilon_that_opendp_accounts_for() -> None:
    for epsilon in (0.1, 0.5, 1.0, 2.0):
        scale = dp.scale_for(epsilon)
        assert dp.opendp_epsilon(scale, categories=12) == pytest.approx(epsilon, rel=1e-9)


def test_lantern_noise_has_the_variance_of_opendp_noise_at_the_same_epsilon() -> None:
    scale = dp.scale_for(EPSILON)
    expected = dp.noise_variance(scale)  # 2q/(1-q)^2 = 7.835 at scale 2
    ours = dp.discrete_laplace(400_000, scale, np.random.default_rng(20260302))
    theirs = dp.opendp_laplace(np.zeros(40_000, dtype=np.int64), scale)
    # Standard error of a sample variance of discrete Laplace noise: sqrt((kurtosis - 1) / n) * variance, with
    # excess kurtosis about 3 here: 4 standard errors of tolerance.
    assert ours.var() == pytest.approx(expected, rel=4 * math.sqrt(5 / ours.size))
    assert theirs.var() == pytest.approx(expected, rel=4 * math.sqrt(5 / theirs.size))
    assert abs(ours.mean()) < 4 * math.sqrt(expected / ours.size)


def test_lantern_noise_has_the_distribution_of_opendp_noise() -> None:
    scale = dp.scale_for(EPSILON)
    q = math.exp(-1 / scale)
    ours = dp.discrete_laplace(200_000, scale, np.random.default_rng(7))
    theirs = dp.opendp_laplace(np.zeros(40_000, dtype=np.int64), scale)
    for value in (0, 1, -1, 3, -5):
        exact = (1 - q) / (1 + q) * q ** abs(value)
        for sample in (ours, theirs):
            share = float((sample == value).mean())
            assert share == pytest.approx(exact, abs=5 * math.sqrt(exact * (1 - exact) / sample.size))


@pytest.mark.parametrize("sampler", ["opendp", "numpy-philox"])
def test_a_release_covers_every_cell_with_non_negative_integers(sampler: str) -> None:
    counts = np.zeros((4, 3, 5), dtype=np.int64)
    counts[0, 0, 0] = 30
    noisy = dp.release(counts, 1.0, sampler=sampler)
    assert noisy.counts.shape == counts.shape  # the empty combinations are released as well
    assert noisy.counts.dtype == np.int64
    assert (noisy.counts >= 0).all()
    assert noisy.sampler == sampler
    assert abs(int(noisy.counts[0, 0, 0]) - 30) < 30


def test_the_noise_is_not_the_same_twice() -> None:
    counts = np.zeros(1000, dtype=np.int64)
    first = dp.release(counts, 1.0, sampler="numpy-philox").counts
    second = dp.release(counts, 1.0, sampler="numpy-philox").counts
    assert not np.array_equal(first, second)


def test_a_bad_epsilon_is_refused() -> None:
    for epsilon in (0.0, -1.0, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="epsilon"):
            dp.scale_for(epsilon)
