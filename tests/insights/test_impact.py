"""The interrupted time series (insights/impact.py): the segmented regression and its Newey-West standard errors
against statsmodels, on series whose effects are known."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from lantern.insights.impact import default_maxlags, design, segmented_regression


def _series(n: int, t0: int, *, level: float, slope: float, seed: int, ar: float = 0.5) -> np.ndarray:
    """A trend, a known jump and change of slope at t0, and AR(1) noise (autocorrelated, as monthly series are)."""
    rng = np.random.default_rng(seed)
    noise = np.zeros(n)
    for t in range(1, n):
        noise[t] = ar * noise[t - 1] + rng.normal(0, 1.0)
    t = np.arange(n)
    return 10 + 0.2 * t + level * (t >= t0) + slope * (t - t0) * (t >= t0) + noise


@pytest.mark.parametrize(
    ("n", "t0", "maxlags", "seed"), [(48, 24, 3, 1), (30, 14, 2, 2), (96, 60, 5, 3), (24, 12, 0, 4)]
)
def test_coefficients_and_standard_errors_equal_statsmodels(n: int, t0: int, maxlags: int, seed: int) -> None:
    y = _series(n, t0, level=5.0, slope=-0.3, seed=seed)
    ours = segmented_regression(y, t0, maxlags=maxlags)
    theirs = sm.OLS(y, design(n, t0)).fit(cov_type="HAC", cov_kwds={"maxlags": maxlags})
    np.testing.assert_allclose(ours.coefficients, theirs.params, rtol=0, atol=1e-8)
    np.testing.assert_allclose(ours.standard_errors, theirs.bse, rtol=0, atol=1e-8)
    low, high = ours.ci("level_change")
    np.testing.assert_allclose([low, high], theirs.conf_int(alpha=0.05)[2], rtol=0, atol=1e-8)


def test_the_known_effects_are_found_with_intervals_that_cover_them() -> None:
    covered = 0
    for seed in range(40):
        fit = segmented_regression(_series(60, 30, level=8.0, slope=0.5, seed=seed, ar=0.3), 30)
        low, high = fit.ci("level_change")
        covered += low <= 8.0 <= high
        assert fit.estimate("level_change") > 0
    # A 95% interval should cover the truth most of the time (HAC intervals undercover a little in short series).
    assert covered >= 32


def test_a_series_without_enough_months_on_one_side_is_refused() -> None:
    with pytest.raises(ValueError, match="three months"):
        segmented_regression(np.arange(10.0), 1)


def test_the_default_lag_follows_newey_and_wests_rule() -> None:
    assert default_maxlags(100) == 4
    assert default_maxlags(30) == 3
