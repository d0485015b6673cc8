"""What a dashboard shows, as data: the tiles, the charts (their series) and the disaggregated tables, for a
viewer and filters. The page renders it (charts as SVG) and the API returns it; both read the summary tables only,
a fixed number of aggregate queries whatever the number of cases."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lantern.cases.codes import AT_RISK_GROUPS
from lantern.core import words
from lantern.core.models import Organisation
from lantern.insights import indicators
from lantern.insights.indicators import UNIT_LABELS, Indicator, month_of
from lantern.insights.models import RefreshCheckpoint
from lantern.insights.selectors import (
    Filters,
    Point,
    Timeline,
    Viewer,
    breakdown,
    crisis_timeline,
    last_refresh,
    latest,
    organisations_of,
    point,
    series,
    withheld,
)

DEFAULT_YEARS = 8
TOP_PLATFORMS = 4

BORDER_NAMES: dict[str, Promise] = {
    "domestic": _("Domestic"),
    "cross_border": _("Cross-border"),
    "": _("Not known"),
}
DIMENSION_NAMES: dict[str, Promise] = {
    "sex": _("Sex"),
    "age_band": _("Age band"),
    "form": _("Form of exploitation"),
    "border": _("Domestic or cross-border"),
    "platform": _("Platform"),
    "child": _("Child or adult"),
    "disability": _("Disability"),
    "at_risk": _("At-risk group"),
}
# The words of the options computed by the indicators (registered in lantern.core.words by the app); an empty
# option reads "Not known" on the pages.
CHILD_NAMES: dict[str, Promise] = {
    indicators.CHILD: _("Child"),
    indicators.PRESUMED_CHILD: _("Presumed a child (age unknown)"),
    indicators.ADULT: _("Adult"),
}
ANSWER_NAMES: dict[str, Promise] = {
    indicators.NONE: pgettext_lazy("answer", "None"),
    indicators.NOT_ASKED: _("Not asked"),
}
DISABILITY_NAMES: dict[str, Promise] = {indicators.WITH_DISABILITY: _("With a disability"), **ANSWER_NAMES}


def at_risk_names() -> dict[str, Any]:
    return {**AT_RISK_GROUPS, indicators.MULTIPLE_GROUPS: _("Several groups"), **ANSWER_NAMES}


@dataclass
class ChartSeries:
    label: str
    indicator: Indicator
    points: list[Point]


@dataclass
class Chart:
    key: str
    title: str
    y_title: str
    series: list[ChartSeries]


@dataclass
class Tile:
    indicator: Indicator
    point: Point | None


@dataclass
class Breakdown:
    indicator: Indicator
    dimension: str
    title: str
    points: list[Point]


@dataclass
class Dashboard:
    viewer: Viewer
    filters: Filters
    start: date
    end: date
    tiles: list[Tile] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)
    timeline: Timeline = field(default_factory=Timeline)
    organisations: list[Organisation] = field(default_factory=list)
    refreshed: RefreshCheckpoint | None = None


def default_window(today: date) -> tuple[date, date]:
    """The last complete month, and the first month eight years before it."""
    end = month_of(month_of(today) - timedelta(days=1))
    return date(end.year - DEFAULT_YEARS, end.month, 1), end


def _indicator(code: str) -> Indicator:
    indicator = indicators.get(code)
    assert indicator is not None
    return indicator


def _chart_series(viewer: Viewer, code: str, filters: Filters, label: str = "") -> ChartSeries:
    indicator = _indicator(code)
    return ChartSeries(label or str(indicator.label), indicator, series(viewer, indicator, filters))


def _chart_series_per_group(
    viewer: Viewer, code: str, filters: Filters, dimension: str, names: dict[str, Promise]
) -> list[ChartSeries]:
    indicator = _indicator(code)
    points = series(viewer, indicator, filters, by=dimension)
    groups = sorted({p.group for p in points}, key=lambda g: list(names).index(g) if g in names else len(names))
    return [
        ChartSeries(str(names.get(g, g)), indicator, [p for p in points if p.group == g])
        for g in groups
        if any(p.numerator or p.suppressed for p in points if p.group == g)
    ]


def _platforms(viewer: Viewer, filters: Filters) -> list[ChartSeries]:
    """The most used platforms, the others together, so the chart keeps few lines."""
    indicator = _indicator("recruited_online_platform")
    points = series(viewer, indicator, filters)
    totals: dict[str, float] = {}
    for p in points:
        totals[p.group] = totals.get(p.group, 0) + p.numerator
    top = sorted(totals, key=lambda g: (-totals[g], g))[:TOP_PLATFORMS]
    kept = [ChartSeries(words.word("platform", g), indicator, [p for p in points if p.group == g]) for g in top]
    rest: dict[date, list[Point]] = {}
    for p in points:
        if p.group not in top:
            rest.setdefault(p.period, []).append(p)
    if rest:
        # A sum with a suppressed value in it would give that value back by subtraction: it is withheld too.
        others = [
            withheld(period, "")
            if any(p.suppressed for p in ps)
            else point(indicator, viewer, period, "", sum(p.numerator for p in ps), ps[0].denominator)
            for period, ps in sorted(rest.items())
        ]
        kept.append(ChartSeries(str(_("Other platforms")), indicator, others))
    return kept


def _in_order(points: list[Point], dimension: str) -> list[Point]:
    """The options of a computed dimension in the order of their words (the groups, then several, none, not asked;
    unknown last); the others as they come (by code)."""
    names = {"child": CHILD_NAMES, "disability": DISABILITY_NAMES, "at_risk": at_risk_names()}.get(dimension)
    if names is None:
        return points
    order = list(names)
    return sorted(points, key=lambda p: order.index(p.group) if p.group in order else len(order))


def dashboard(viewer: Viewer, filters: Filters, *, today: date) -> Dashboard:
    default_start, default_end = default_window(today)
    start = month_of(filters.start) if filters.start else default_start
    end = month_of(filters.end) if filters.end else default_end
    window = Filters(start=start, end=end, region=filters.region)
    board = Dashboard(viewer=viewer, filters=filters, start=start, end=end)
    board.tiles = [
        Tile(_indicator(code), latest(viewer, _indicator(code), window))
        for code in ("package_coverage", "waiting_repatriation", "caseload", "shelter_occupancy", "court_backlog")
    ]
    percent, days = str(UNIT_LABELS["percent"]), str(UNIT_LABELS["days"])
    board.charts = [
        Chart(
            "new_cases",
            str(_("New cases per month, domestic and cross-border")),
            str(UNIT_LABELS["cases"]),
            _chart_series_per_group(viewer, "new_cases", window, "border", BORDER_NAMES),
        ),
        Chart(
            "online_private_home",
            str(_("Share of new victims recruited online and exploited in private homes")),
            percent,
            [_chart_series(viewer, "recruited_online", window), _chart_series(viewer, "private_home", window)],
        ),
        Chart(
            "platforms",
            str(_("Share of new victims recruited on each online platform")),
            percent,
            _platforms(viewer, window),
        ),
        Chart(
            "referrals",
            str(_("Referrals answered after their deadline")),
            percent,
            [_chart_series(viewer, "referrals_overdue", window)],
        ),
        Chart(
            "waits",
            str(_("Days to the first service, and days spent in shelters")),
            days,
            [_chart_series(viewer, "time_to_first_service", window), _chart_series(viewer, "length_of_stay", window)],
        ),
        Chart(
            "nrm_speed",
            str(_("Days from identification to referral to the competent authority, and to its decisions")),
            days,
            [
                _chart_series(viewer, code, window)
                for code in (
                    "nrm_days_to_referral",
                    "nrm_days_to_reasonable_grounds",
                    "nrm_days_to_conclusive_grounds",
                )
            ],
        ),
        Chart(
            "nrm_deadline",
            str(_("Reasonable-grounds decisions taken within the statutory deadline")),
            percent,
            [_chart_series(viewer, "nrm_reasonable_grounds_in_time", window)],
        ),
        Chart(
            "capacity",
            str(_("Shelter beds occupied, and provider capacity lost to staff absence")),
            percent,
            [_chart_series(viewer, "shelter_occupancy", window), _chart_series(viewer, "capacity_lost", window)],
        ),
        Chart(
            "hearings",
            str(_("Hearings postponed, by the month they were set for")),
            percent,
            [_chart_series(viewer, "hearings_postponed", window)],
        ),
    ]
    new_cases = _indicator("new_cases")
    board.breakdowns = [
        Breakdown(
            new_cases,
            dimension,
            str(_("New cases in the period by %(dimension)s") % {"dimension": str(DIMENSION_NAMES[dimension]).lower()}),
            _in_order(breakdown(viewer, new_cases, window, by=dimension), dimension),
        )
        for dimension in new_cases.disaggregations
    ]
    board.timeline = crisis_timeline(start=start, end=end, region=filters.region)
    board.organisations = organisations_of(viewer)
    board.refreshed = last_refresh()
    return board
