"""What a dashboard shows, as data: the tiles, the charts (their series) and the disaggregated tables, for a
viewer and filters. The page renders it (charts as SVG) and the API returns it; both read the summary tables only,
a fixed number of aggregate queries whatever the number of cases."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from threading import Lock
from typing import Any

from django.utils import translation
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
    months_held,
    organisations_of,
    point,
    series,
    summary_version,
    withheld,
)

DEFAULT_YEARS = 8
# The figures of a dashboard change only when the summary tables are refreshed: they are kept in this process,
# by viewer, window, language and the tables' version (selectors.summary_version), a bounded number of them.
MAX_KEPT = 64
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


def group_label(dimension: str, code: str) -> str:
    """A group in words in the reader's language: from the code lists registered in core.words (any dimension a
    later indicator adds is worded by registering its table), "Not known" for an empty code."""
    if dimension == "border":
        return str(BORDER_NAMES.get(code, code))
    if not code:
        return str(_("Not known"))
    if dimension == "form" and code == "Multiple":  # more than one form of exploitation, counted once
        return str(_("Several forms"))
    return words.word(dimension, code)


def _natural(code: str) -> tuple[int, str]:
    digits = re.match(r"\d+", code)
    return (int(digits.group()) if digits else 1 << 30, code)


def group_order(dimension: str, codes: Iterable[str]) -> list[str]:
    """The groups in the order of their code list (age bands by age, "Not known" last); codes a list does not know
    by their leading number, then alphabetically."""
    table = words.TABLES.get(dimension)
    known = list(BORDER_NAMES) if dimension == "border" else list(table()) if table is not None else []

    def key(code: str) -> tuple[int, int, str]:
        if not code:
            return (2, 0, "")
        if code in known:
            return (0, known.index(code), "")
        number, text = _natural(code)
        return (1, number, text)

    return sorted(codes, key=key)


def cell_text(point: Point, indicator: Indicator) -> str:
    """A value as a table or a tile writes it. The rule for what is withheld (docs/insights.md): a count from 1 to
    10 people is "<11"; a share or an average is shown only when each of its counts of people is published, and
    otherwise written "withheld" (never "<11", which would read as a value below 11)."""
    if point.suppressed:
        return point.shown if indicator.kind == "count" else str(_("withheld"))
    text = point.shown
    return f"{text}%" if indicator.unit == "percent" and point.value is not None else text


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

    @property
    def text(self) -> str:
        return cell_text(self.point, self.indicator) if self.point else "\u2013"


@dataclass
class Breakdown:
    indicator: Indicator
    dimension: str
    title: str
    points: list[Point]

    @property
    def rows(self) -> list[tuple[str, str, bool]]:
        """(group in words, value as written, suppressed), in the order of the dimension's code list."""
        by_code = {p.group: p for p in self.points}
        return [
            (group_label(self.dimension, code), cell_text(by_code[code], self.indicator), by_code[code].suppressed)
            for code in group_order(self.dimension, by_code)
        ]

    @property
    def all_withheld(self) -> bool:
        return bool(self.points) and all(p.suppressed for p in self.points)


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

    @property
    def all_withheld(self) -> bool:
        """Whether every figure of the page is withheld by the small-cell rule (a small region, a short window): the
        months that counted nothing are no figure."""
        points = [p for chart in self.charts for s in chart.series for p in s.points]
        points += [p for b in self.breakdowns for p in b.points]
        return any(p.suppressed for p in points) and all(p.suppressed or not p.value for p in points)


_kept: OrderedDict[tuple[Any, ...], tuple[list[Tile], list[Chart], list[Breakdown]]] = OrderedDict()
_lock = Lock()


def forget() -> None:
    with _lock:
        _kept.clear()


def default_window(today: date) -> tuple[date, date]:
    """The last complete month, and the first month eight years before it."""
    end = month_of(month_of(today) - timedelta(days=1))
    return date(end.year - DEFAULT_YEARS, end.month, 1), end


def _indicator(code: str) -> Indicator:
    indicator = indicators.get(code)
    assert indicator is not None
    return indicator


def with_zeros(indicator: Indicator, points: list[Point], months: list[date], group: str = "") -> list[Point]:
    """A count's series with 0 in the months that have no row: nothing was counted then, and a chart shows 0, not a
    gap. A withheld month has its row and stays withheld (a small count is never shown as 0). A share or an average
    has no value without a denominator: its gap stays."""
    if indicator.kind != "count":
        return points
    held = {p.period for p in points}
    zeros = [Point(month, group, 0, None, 0) for month in months if month not in held]
    return sorted([*points, *zeros], key=lambda p: p.period)


def _chart_series(viewer: Viewer, code: str, filters: Filters, months: list[date]) -> ChartSeries:
    indicator = _indicator(code)
    return ChartSeries(
        str(indicator.label), indicator, with_zeros(indicator, series(viewer, indicator, filters), months)
    )


def _chart_series_per_group(
    viewer: Viewer, code: str, filters: Filters, months: list[date], dimension: str, names: dict[str, Promise]
) -> list[ChartSeries]:
    indicator = _indicator(code)
    points = series(viewer, indicator, filters, by=dimension)
    groups = group_order(dimension, {p.group for p in points})
    return [
        ChartSeries(
            str(names.get(g, group_label(dimension, g))),
            indicator,
            with_zeros(indicator, [p for p in points if p.group == g], months, g),
        )
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
    this_month = month_of(today)
    key = (viewer, window, this_month, translation.get_language(), summary_version())
    with _lock:
        kept = _kept.get(key)
        if kept is not None:
            _kept.move_to_end(key)
    if kept is None:
        kept = _figures(viewer, window, this_month)
        with _lock:
            _kept[key] = kept
            while len(_kept) > MAX_KEPT:
                _kept.popitem(last=False)
    # Copies of the lists: the figures kept are shared by every request that asks for the same ones.
    tiles, charts, breakdowns = kept
    board.tiles, board.charts, board.breakdowns = list(tiles), list(charts), list(breakdowns)
    board.timeline = crisis_timeline(start=start, end=end, region=filters.region)
    board.organisations = organisations_of(viewer)
    board.refreshed = last_refresh()
    return board


def _figures(viewer: Viewer, window: Filters, this_month: date) -> tuple[list[Tile], list[Chart], list[Breakdown]]:
    """The tiles, the charts' series and the tables of a dashboard: about thirty aggregate queries."""
    months = months_held(viewer, window, until=this_month)
    tiles = [
        Tile(_indicator(code), latest(viewer, _indicator(code), window))
        for code in ("package_coverage", "waiting_repatriation", "caseload", "shelter_occupancy", "court_backlog")
    ]
    percent, days = str(UNIT_LABELS["percent"]), str(UNIT_LABELS["days"])
    charts = [
        Chart(
            "new_cases",
            str(_("New cases per month, domestic and cross-border")),
            str(UNIT_LABELS["cases"]),
            _chart_series_per_group(viewer, "new_cases", window, months, "border", BORDER_NAMES),
        ),
        Chart(
            "online_private_home",
            str(_("Share of new victims recruited online and exploited in private homes")),
            percent,
            [
                _chart_series(viewer, "recruited_online", window, months),
                _chart_series(viewer, "private_home", window, months),
            ],
        ),
        Chart(
            "platforms",
            str(_("Share of new victims recruited on each online platform")),
            percent,
            _platforms(viewer, window),
        ),
        Chart(
            "re_trafficked",
            str(_("Cases reopened because the person was trafficked again")),
            str(UNIT_LABELS["cases"]),
            [_chart_series(viewer, "re_trafficked", window, months)],
        ),
        Chart(
            "referrals",
            str(_("Referrals answered after their deadline")),
            percent,
            [_chart_series(viewer, "referrals_overdue", window, months)],
        ),
        Chart(
            "waits",
            str(_("Days to the first service, and days spent in shelters")),
            days,
            [
                _chart_series(viewer, "time_to_first_service", window, months),
                _chart_series(viewer, "length_of_stay", window, months),
            ],
        ),
        Chart(
            "nrm_speed",
            str(_("Days from identification to referral to the competent authority, and to its decisions")),
            days,
            [
                _chart_series(viewer, code, window, months)
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
            [_chart_series(viewer, "nrm_reasonable_grounds_in_time", window, months)],
        ),
        Chart(
            "capacity",
            str(_("Shelter beds occupied, and provider capacity lost to staff absence")),
            percent,
            [
                _chart_series(viewer, "shelter_occupancy", window, months),
                _chart_series(viewer, "capacity_lost", window, months),
            ],
        ),
        Chart(
            "hearings",
            str(_("Hearings postponed, by the month they were set for")),
            percent,
            [_chart_series(viewer, "hearings_postponed", window, months)],
        ),
    ]
    new_cases = _indicator("new_cases")
    breakdowns = [
        Breakdown(
            new_cases,
            dimension,
            str(_("New cases in the period by %(dimension)s") % {"dimension": str(DIMENSION_NAMES[dimension]).lower()}),
            _in_order(breakdown(viewer, new_cases, window, by=dimension), dimension),
        )
        for dimension in new_cases.disaggregations
    ]
    return tiles, charts, breakdowns
