"""The insights API: the registry of indicators, an indicator's values by month (and by one disaggregation), the
data of the dashboard, and the measure-impact analysis. Every figure follows the small-cell rule of who asks:
a count from 1 to 10 is returned as null with "suppressed": true to an analyst."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from lantern.core.api import ERRORS, api_user
from lantern.insights import indicators
from lantern.insights.dashboards import dashboard
from lantern.insights.impact import Change, Impact, analyse, change_of
from lantern.insights.permissions import InsightAction
from lantern.insights.selectors import Filters, Point, series, viewer_for

router = Router(tags=["insights"])

MONTH_PATTERN = r"\d{4}-(0[1-9]|1[0-2])"
MAX_ID = 2**63


class IndicatorOut(Schema):
    code: str
    label: str
    definition: str
    unit: str
    kind: str
    disaggregations: list[str]
    available: bool
    snapshot: bool
    source: str


class PointOut(Schema):
    period: date
    group: str
    numerator: float | None
    denominator: float | None
    value: float | None
    suppressed: bool


class ValuesOut(Schema):
    indicator: str
    unit: str
    by: str
    points: list[PointOut]


class SeriesOut(Schema):
    label: str
    indicator: str
    points: list[PointOut]


class ChartOut(Schema):
    key: str
    title: str
    unit: str
    series: list[SeriesOut]


class TileOut(Schema):
    indicator: str
    label: str
    point: PointOut | None


class BreakdownOut(Schema):
    indicator: str
    dimension: str
    points: list[PointOut]


class BandOut(Schema):
    label: str
    starts_on: date
    ends_on: date | None


class DashboardOut(Schema):
    national: bool
    organisation_ids: list[int]
    small_cells_suppressed: bool
    start: date
    end: date
    tiles: list[TileOut]
    charts: list[ChartOut]
    breakdowns: list[BreakdownOut]
    crises: list[BandOut]
    measures: list[BandOut]


class TermOut(Schema):
    term: str
    estimate: float
    standard_error: float
    ci_low: float
    ci_high: float


class ImpactOut(Schema):
    indicator: str
    change: str
    starts_on: date
    ends_on: date | None
    analysed: bool
    reason: str
    sentence: str
    months: int
    first_month_after: date | None
    maxlags: int | None
    terms: list[TermOut]
    points: list[PointOut]
    fitted: list[float]
    left_out: list[date]  # months hidden by the small-cell rule, left out of the fit


def _point(p: Point) -> dict[str, object]:
    hidden = p.suppressed
    return {
        "period": p.period,
        "group": p.group,
        "numerator": None if hidden else p.numerator,
        "denominator": None if hidden else p.denominator,
        "value": p.value,
        "suppressed": hidden,
    }


def _month(value: str, name: str) -> date | None:
    if not value:
        return None
    if re.fullmatch(MONTH_PATTERN, value) is None:
        raise ValidationError({name: "Enter a month as YYYY-MM."})
    year, month = (int(part) for part in value.split("-"))
    if not 1900 <= year <= 2200:
        raise ValidationError({name: "Enter a month between 1900 and 2200."})
    return date(year, month, 1)


def _region(region: str) -> str:
    if len(region) > 100 or "\x00" in region:
        raise ValidationError({"region": "A region name of at most 100 characters."})
    return region


def _filters(start: str, end: str, region: str) -> Filters:
    filters = Filters(start=_month(start, "start"), end=_month(end, "end"), region=_region(region))
    if filters.start and filters.end and filters.start > filters.end:
        raise ValidationError({"end": "The end comes before the start."})
    return filters


@router.get("/insights/indicators", response={200: list[IndicatorOut], **ERRORS}, operation_id="insights_indicators")
def insights_indicators(request: HttpRequest) -> list[dict[str, object]]:
    api_user(request, InsightAction.VIEW)
    return [
        {
            "code": i.code,
            "label": str(i.label),
            "definition": str(i.definition),
            "unit": i.unit,
            "kind": i.kind,
            "disaggregations": list(i.disaggregations),
            "available": i.available,
            "snapshot": i.snapshot,
            "source": i.source,
        }
        for i in indicators.REGISTRY.values()
    ]


@router.get("/insights/values", response={200: ValuesOut, **ERRORS}, operation_id="insights_values")
def insights_values(
    request: HttpRequest, indicator: str, start: str = "", end: str = "", region: str = "", by: str = ""
) -> dict[str, object]:
    """The indicator by month, summed over everything but `by` (one of its disaggregations, or nothing)."""
    viewer = viewer_for(api_user(request))
    chosen = indicators.get(indicator)
    if chosen is None or not chosen.available:
        raise ValidationError({"indicator": f"One of: {', '.join(i.code for i in indicators.available())}."})
    filters = _filters(start, end, region)
    if by and by not in chosen.disaggregations:
        raise ValidationError({"by": f"One of: {', '.join(chosen.disaggregations) or 'nothing'}."})
    points = series(viewer, chosen, filters, by=by)
    return {"indicator": chosen.code, "unit": chosen.unit, "by": by, "points": [_point(p) for p in points]}


@router.get("/insights/dashboard", response={200: DashboardOut, **ERRORS}, operation_id="insights_dashboard")
def insights_dashboard(request: HttpRequest, start: str = "", end: str = "", region: str = "") -> dict[str, object]:
    viewer = viewer_for(api_user(request))
    board = dashboard(viewer, _filters(start, end, region), today=timezone.localdate())
    return {
        "national": viewer.national,
        "organisation_ids": sorted(viewer.organisation_ids),
        "small_cells_suppressed": viewer.suppress_small_cells,
        "start": board.start,
        "end": board.end,
        "tiles": [
            {
                "indicator": t.indicator.code,
                "label": str(t.indicator.label),
                "point": _point(t.point) if t.point else None,
            }
            for t in board.tiles
        ],
        "charts": [
            {
                "key": c.key,
                "title": c.title,
                "unit": c.y_title,
                "series": [
                    {"label": s.label, "indicator": s.indicator.code, "points": [_point(p) for p in s.points]}
                    for s in c.series
                ],
            }
            for c in board.charts
        ],
        "breakdowns": [
            {"indicator": b.indicator.code, "dimension": b.dimension, "points": [_point(p) for p in b.points]}
            for b in board.breakdowns
        ],
        "crises": [b.__dict__ for b in board.timeline.crises],
        "measures": [b.__dict__ for b in board.timeline.measures],
    }


def _impact_out(impact: Impact) -> dict[str, object]:
    fit = impact.fit
    terms = []
    if fit is not None:
        for term in ("level_change", "slope_change", "trend", "intercept"):
            low, high = fit.ci(term)
            terms.append(
                {
                    "term": term,
                    "estimate": fit.estimate(term),
                    "standard_error": fit.se(term),
                    "ci_low": low,
                    "ci_high": high,
                }
            )
    return {
        "indicator": impact.indicator.code,
        "change": impact.change.label,
        "starts_on": impact.change.starts_on,
        "ends_on": impact.change.ends_on,
        "analysed": fit is not None,
        "reason": impact.reason,
        "sentence": impact.sentence,
        "months": len(impact.periods),
        "first_month_after": impact.t0_period,
        "maxlags": fit.maxlags if fit is not None else None,
        "terms": terms,
        "points": [_point(p) for p in impact.shown if p is not None] if fit is not None else [],
        "fitted": [float(v) for v in fit.fitted] if fit is not None else [],
        "left_out": impact.left_out,
    }


def _analyse(request: HttpRequest, indicator_code: str, change: Change | None, region: str) -> dict[str, object]:
    user = api_user(request, InsightAction.IMPACT)
    viewer = viewer_for(user)
    if change is None:
        raise Http404("no such measure or crisis")
    indicator = indicators.get(indicator_code)
    if indicator is None or not indicator.available or indicator.snapshot:
        raise ValidationError({"indicator": "Choose an indicator with a monthly history."})
    impact = analyse(viewer, indicator, change, today=timezone.localdate(), region=_region(region))
    return _impact_out(impact)


@router.get(
    "/insights/impact/measures/{measure_id}",
    response={200: ImpactOut, **ERRORS},
    operation_id="insights_impact_measure",
)
def insights_impact_measure(
    request: HttpRequest, measure_id: int, indicator: str = "new_cases", region: str = ""
) -> dict[str, object]:
    """The interrupted time series of the indicator around the measure (while it lasted)."""
    change = change_of(f"measure:{measure_id}") if 0 < measure_id < MAX_ID else None
    return _analyse(request, indicator, change, region)


@router.get(
    "/insights/impact/crises/{crisis_id}", response={200: ImpactOut, **ERRORS}, operation_id="insights_impact_crisis"
)
def insights_impact_crisis(
    request: HttpRequest, crisis_id: int, indicator: str = "new_cases", region: str = ""
) -> dict[str, object]:
    """The interrupted time series of the indicator around the start of the crisis (while it lasted)."""
    change = change_of(f"crisis:{crisis_id}") if 0 < crisis_id < MAX_ID else None
    return _analyse(request, indicator, change, region)
