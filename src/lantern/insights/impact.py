"""Measure-impact analysis: an interrupted time series of an indicator around a measure (or a crisis start).

The model is the segmented regression of the monthly values y_t, t = 0 .. n-1, with the measure starting at
month t0:

    y_t = b0 + b1*t + b2*after_t + b3*(t - t0)*after_t + e_t,      after_t = 1 if t >= t0 else 0

b2 is the change in level when the measure starts and b3 the change in slope (per month) after it. The errors of
monthly series are autocorrelated, so the ordinary least-squares standard errors are too small; they are replaced
by Newey and West's heteroskedasticity- and autocorrelation-consistent (HAC) estimate with the Bartlett kernel:

    V = (X'X)^-1 S (X'X)^-1,   S = G_0 + sum_{l=1..L} (1 - l/(L+1)) (G_l + G_l'),
    G_l = sum_{t>=l} e_t e_{t-l} x_t x_{t-l}'

(no small-sample correction, normal quantiles for the intervals: what statsmodels' OLS(...).fit(
cov_type="HAC", cov_kwds={"maxlags": L}) gives, which the tests check). L defaults to floor(4 (n/100)^(2/9)).

The window: up to 36 months before the measure, and the months it lasted, so that the fit compares the measure's
time with the time before; the month in which it started, when it started after the 1st, is a transition left
out of the fit (half affected, it belongs to neither side).
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lantern.crisis.models import CrisisEvent, Measure
from lantern.insights.indicators import Indicator, Unit, month_of, months_between, next_month
from lantern.insights.selectors import Filters, Point, Viewer, series

Z_95 = 1.959963984540054  # the 97.5% quantile of the standard normal
PRE_MONTHS = 36
MIN_MONTHS_EACH_SIDE = 3
TERMS = ("intercept", "trend", "level_change", "slope_change")


def default_maxlags(n: int) -> int:
    return math.floor(4 * (n / 100) ** (2 / 9))


def design(n: int, t0: int) -> np.ndarray:
    t = np.arange(n, dtype=float)
    after = (t >= t0).astype(float)
    return np.column_stack([np.ones(n), t, after, (t - t0) * after])


def newey_west(x: np.ndarray, residuals: np.ndarray, maxlags: int) -> np.ndarray:
    """The HAC covariance of least-squares coefficients (Bartlett weights, no small-sample correction)."""
    scores = x * residuals[:, None]  # row t: e_t x_t
    s = scores.T @ scores
    for lag in range(1, maxlags + 1):
        weight = 1 - lag / (maxlags + 1)
        gamma = scores[lag:].T @ scores[:-lag]
        s += weight * (gamma + gamma.T)
    bread = np.linalg.inv(x.T @ x)
    return np.asarray(bread @ s @ bread)


@dataclass(frozen=True)
class Fit:
    coefficients: np.ndarray
    standard_errors: np.ndarray
    maxlags: int
    n: int
    t0: int
    fitted: np.ndarray
    counterfactual: np.ndarray  # the pre-measure line continued

    def ci(self, term: str) -> tuple[float, float]:
        i = TERMS.index(term)
        return (
            float(self.coefficients[i] - Z_95 * self.standard_errors[i]),
            float(self.coefficients[i] + Z_95 * self.standard_errors[i]),
        )

    def estimate(self, term: str) -> float:
        return float(self.coefficients[TERMS.index(term)])

    def se(self, term: str) -> float:
        return float(self.standard_errors[TERMS.index(term)])


def segmented_regression(y: np.ndarray, t0: int, *, maxlags: int | None = None) -> Fit:
    y = np.asarray(y, dtype=float)
    n = len(y)
    if not (MIN_MONTHS_EACH_SIDE <= t0 <= n - MIN_MONTHS_EACH_SIDE):
        raise ValueError("the series needs at least three months before and three after the change")
    lags = default_maxlags(n) if maxlags is None else maxlags
    if lags < 0 or lags >= n:
        raise ValueError("maxlags must be between 0 and the number of months")
    x = design(n, t0)
    coefficients, *_ = np.linalg.lstsq(x, y, rcond=None)
    residuals = y - x @ coefficients
    covariance = newey_west(x, residuals, lags)
    standard_errors = np.sqrt(np.clip(np.diag(covariance), 0, None))
    counterfactual = coefficients[0] + coefficients[1] * np.arange(n)
    return Fit(coefficients, standard_errors, lags, n, t0, x @ coefficients, counterfactual)


# --- On an indicator and a measure --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    label: str  # "Lockdown", "COVID-19 pandemic"
    starts_on: date
    ends_on: date | None
    phrase: str = ""  # in a sentence: "the lockdown of March 2020"


@dataclass
class Impact:
    indicator: Indicator
    change: Change
    periods: list[date]
    values: list[float]
    fit: Fit | None
    reason: str = ""  # why there is no fit
    sentence: str = ""
    shown: list[Point | None] = field(default_factory=list)  # the months as the viewer may see them
    # The months hidden from the viewer by the small-cell rule, left out of her fit.
    left_out: list[date] = field(default_factory=list)

    @property
    def t0_period(self) -> date | None:
        return self.periods[self.fit.t0] if self.fit is not None else None


def _last_day(period: date) -> date:
    return date(period.year, period.month, calendar.monthrange(period.year, period.month)[1])


def window(change: Change, *, last_complete: date) -> tuple[list[date], int] | None:
    """The months analysed and the index of the first month after the change. A month the change covers only in
    part (it started or ended during it) is a transition, left out of the fit, so that a half-affected month
    is counted neither as before nor as after."""
    started = month_of(change.starts_on)
    first_after = started if change.starts_on == started else next_month(started)
    if change.ends_on is None:
        last_after = last_complete
    elif change.ends_on == _last_day(change.ends_on):
        last_after = month_of(change.ends_on)
    else:
        last_after = month_of(month_of(change.ends_on) - timedelta(days=1))
    last_after = min(last_after, last_complete)
    first = started
    for _month in range(PRE_MONTHS):
        first = month_of(first - timedelta(days=1))
    periods = [p for p in months_between(first, last_after) if p < started or p >= first_after]
    if first_after not in periods:
        return None
    return periods, periods.index(first_after)


def _kept(
    indicator: Indicator, points: dict[date, Point], periods: list[date]
) -> tuple[list[date], list[float], list[date]]:
    """The months of the window that have a value the viewer is shown, their values, and the months hidden from
    her. A count is 0 in a month without cells from the first month that has any."""
    first_data = min(points) if points else None
    kept_periods, values, left_out = [], [], []
    for period in periods:
        p = points.get(period)
        if p is not None and p.suppressed:
            left_out.append(period)
        elif p is not None and p.value is not None:
            kept_periods.append(period)
            values.append(float(p.value))
        elif indicator.kind == "count" and first_data is not None and period >= first_data:
            kept_periods.append(period)
            values.append(0.0)
    return kept_periods, values, left_out


def _sides(kept: list[date], first_after: date) -> tuple[int, int]:
    before = sum(1 for period in kept if period < first_after)
    return before, len(kept) - before


def not_enough(before: int, after: int) -> str:
    return _(
        "Not enough months with data: %(before)s before the change and %(after)s while it lasted; at least three "
        "on each side are needed."
    ) % {"before": before, "after": after}


@dataclass(frozen=True)
class Readiness:
    """How many months with data an indicator has on each side of a change, as the viewer is shown them."""

    before: int
    during: int

    @property
    def enough(self) -> bool:
        return self.before >= MIN_MONTHS_EACH_SIDE and self.during >= MIN_MONTHS_EACH_SIDE


def readiness(
    viewer: Viewer, indicators: list[Indicator], changes: list[Change], *, today: date, region: str = ""
) -> dict[tuple[str, int], Readiness]:
    """For each indicator and change (by its index in `changes`), the months each side would have: what the impact
    page offers first. One series per indicator, read once for every change."""
    last_complete = month_of(month_of(today) - timedelta(days=1))
    windows = [window(change, last_complete=last_complete) for change in changes]
    result: dict[tuple[str, int], Readiness] = {}
    for indicator in indicators:
        points = {p.period: p for p in series(viewer, indicator, Filters(region=region))}
        for index, found in enumerate(windows):
            if found is None:
                result[(indicator.code, index)] = Readiness(0, 0)
                continue
            periods, t0 = found
            inside = {period: p for period, p in points.items() if periods[0] <= period <= periods[-1]}
            kept, _values, _left_out = _kept(indicator, inside, periods)
            result[(indicator.code, index)] = Readiness(*_sides(kept, periods[t0]))
    return result


def analyse(viewer: Viewer, indicator: Indicator, change: Change, *, today: date, region: str = "") -> Impact:
    """Fit the segmented regression on the indicator's national (or filtered) monthly series."""
    last_complete = month_of(month_of(today) - timedelta(days=1))
    found = window(change, last_complete=last_complete)
    if found is None:
        return Impact(indicator, change, [], [], None, reason=_("The change is too recent to analyse."))
    periods, t0 = found
    window_filters = Filters(start=periods[0], end=periods[-1], region=region)
    # The fit uses the monthly values as the viewer is shown them: exact for the coordinator; for a viewer whose
    # small cells are hidden, the hidden months are left out, so that the fitted values (whose residuals sum to
    # zero), the coefficients, the intervals and the sentence are functions of shown values alone.
    shown = {p.period: p for p in series(viewer, indicator, window_filters)}
    kept_periods, values, left_out = _kept(indicator, shown, periods)
    before, after = _sides(kept_periods, periods[t0])
    if before < MIN_MONTHS_EACH_SIDE or after < MIN_MONTHS_EACH_SIDE:
        return Impact(
            indicator,
            change,
            kept_periods,
            values,
            None,
            reason=not_enough(before, after),
            left_out=left_out,
        )
    fit = segmented_regression(np.array(values), before)
    impact = Impact(
        indicator,
        change,
        kept_periods,
        values,
        fit,
        shown=[shown.get(period) for period in kept_periods],
        left_out=left_out,
    )
    impact.sentence = sentence(impact)
    return impact


def _amount(indicator: Indicator, value: float) -> str:
    shown = round(abs(value), 1) if abs(value) < 10 else round(abs(value))
    number = formats.number_format(shown, decimal_pos=1 if abs(value) < 10 else 0)
    # The plural form follows the number shown; a fraction ("2.5 days") takes the form of 2, which is the plural
    # "other"/"few" form that fractions take in the languages of the staff UI.
    count = int(shown) if float(shown).is_integer() else 2
    if indicator.unit == Unit.PERCENT:
        return ngettext("%(number)s point", "%(number)s points", count) % {"number": number}
    if indicator.unit == Unit.DAYS:
        return ngettext("%(number)s day", "%(number)s days", count) % {"number": number}
    if indicator.unit == Unit.RATIO:
        return ngettext("%(number)s case per caseworker", "%(number)s cases per caseworker", count) % {"number": number}
    return _("%(number)s a month") % {"number": number}


def _signed(value: float) -> str:
    return formats.number_format(round(value, 1), decimal_pos=1 if abs(value) < 10 else 0)


def sentence(impact: Impact) -> str:
    """The change in level, in plain words, with its 95% confidence interval."""
    assert impact.fit is not None
    level = impact.fit.estimate("level_change")
    low, high = impact.fit.ci("level_change")
    values = {
        "indicator": str(impact.indicator.label),
        "amount": _amount(impact.indicator, level),
        "low": _signed(low),
        "high": _signed(high),
        "change": impact.change.phrase or impact.change.label,
    }
    if level >= 0:
        text = _("%(indicator)s rose by %(amount)s (95%% CI %(low)s to %(high)s) after %(change)s.")
    else:
        text = _("%(indicator)s fell by %(amount)s (95%% CI %(low)s to %(high)s) after %(change)s.")
    text = text % values
    if low <= 0 <= high:
        text += " " + _("The interval includes no change: chance alone could explain the difference.")
    if impact.left_out:
        count = len(impact.left_out)
        text += " " + ngettext(
            "%(count)s month hidden by the small-cell rule is left out of the fit.",
            "%(count)s months hidden by the small-cell rule are left out of the fit.",
            count,
        ) % {"count": count}
    return text


def change_of(choice: str) -> Change | None:
    """A measure ("measure:<id>") or the start of a crisis ("crisis:<id>") as the change to analyse."""
    kind, _sep, number = choice.partition(":")
    if not number.isdigit():
        return None
    if kind == "measure":
        measure = Measure.objects.filter(pk=int(number)).first()
        return measure_change(measure) if measure is not None else None
    if kind == "crisis":
        crisis = CrisisEvent.objects.filter(pk=int(number)).first()
        return crisis_change(crisis) if crisis is not None else None
    return None


def measure_change(measure: Measure) -> Change:
    kind = str(measure.get_kind_display())
    month = formats.date_format(measure.starts_on, "F Y")
    phrase = _("the %(measure)s of %(month)s") % {"measure": kind.lower(), "month": month}
    return Change(kind, measure.starts_on, measure.ends_on, phrase)


def crisis_change(crisis: CrisisEvent) -> Change:
    month = formats.date_format(crisis.starts_on, "F Y")
    phrase = _("the start of the %(crisis)s in %(month)s") % {"crisis": crisis.name, "month": month}
    return Change(crisis.name, crisis.starts_on, crisis.ends_on, phrase)
