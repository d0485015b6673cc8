"""Pydantic schemas of the insights API (indicators, their values, the dashboards, the impact of a measure)."""

from __future__ import annotations

from datetime import date

from ninja import Schema


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
