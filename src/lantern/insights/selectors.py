"""Reads of the summary tables, scoped to who asks: the national picture for the coordinator and the analyst, a
supervisor's own organisations; and the small-cell rule for those who may not see exact small counts (the
analyst sees "<11" in every cell counting from 1 to 10 people).

Every read is one aggregate query over `IndicatorValue`; nothing here reads cases."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Min, Q, QuerySet, Sum

from lantern.core.models import Organisation, User
from lantern.core.permissions import can, organisation_scope
from lantern.crisis.models import CrisisEvent, Measure
from lantern.insights import small_cells
from lantern.insights.indicators import Indicator, month_of, months_between
from lantern.insights.models import IndicatorValue, RefreshCheckpoint
from lantern.insights.permissions import InsightAction

SMALL_CELL = 11  # counts from 1 to SMALL_CELL - 1 are not shown to those without exact counts (CTDC's k)


@dataclass(frozen=True)
class Viewer:
    """What a user's dashboards show: every organisation (national) or these, and whether small cells are hidden."""

    national: bool
    organisation_ids: frozenset[int]
    suppress_small_cells: bool

    def q(self) -> Q:
        return Q() if self.national else Q(organisation_id__in=sorted(self.organisation_ids))


def viewer_for(user: User) -> Viewer:
    if not can(user, InsightAction.VIEW):
        raise PermissionDenied("not allowed")
    scope = organisation_scope(user, InsightAction.VIEW)
    exact = organisation_scope(user, InsightAction.EXACT_COUNTS)
    if scope.everywhere:
        return Viewer(national=True, organisation_ids=frozenset(), suppress_small_cells=not exact.everywhere)
    # A supervisor sees her organisations' exact figures (she may see their cases anyway).
    return Viewer(
        national=False,
        organisation_ids=scope.organisation_ids,
        suppress_small_cells=not scope.organisation_ids <= exact.organisation_ids,
    )


def organisations_of(viewer: Viewer) -> list[Organisation]:
    if viewer.national:
        return []
    return list(Organisation.objects.filter(pk__in=viewer.organisation_ids).order_by("name"))


@dataclass(frozen=True)
class Filters:
    start: date | None = None
    end: date | None = None
    region: str = ""


@dataclass(frozen=True)
class Point:
    period: date
    group: str
    numerator: float
    denominator: float | None
    value: float | None  # None: no value (no denominator) or suppressed
    suppressed: bool = False

    @property
    def shown(self) -> str:
        """The value as a table cell shows it."""
        if self.suppressed:
            return f"<{SMALL_CELL}"
        if self.value is None:
            return "-"
        return f"{self.value:,.0f}" if float(self.value).is_integer() else f"{self.value:,.1f}"


def _is_small(number: float | None) -> bool:
    return number is not None and 0 < number < SMALL_CELL


def point(
    indicator: Indicator, viewer: Viewer, period: date, group: str, numerator: float, denominator: float | None
) -> Point:
    suppressed = viewer.suppress_small_cells and (
        ("numerator" in indicator.people and _is_small(numerator))
        or (indicator.kind != "count" and "denominator" in indicator.people and _is_small(denominator))
    )
    if indicator.kind == "count":
        value: float | None = numerator
    elif not denominator:
        value = None
    elif indicator.kind == "share":
        value = 100 * numerator / denominator
    else:
        value = numerator / denominator
    return Point(period, group, numerator, denominator, None if suppressed else value, suppressed)


def withheld(period: date, group: str) -> Point:
    """A suppressed value: nothing of it is kept, so nothing downstream can add it into another one."""
    return Point(period, group, 0, None, None, suppressed=True)


def _protected(viewer: Viewer, indicator: Indicator) -> bool:
    return viewer.suppress_small_cells and indicator.counts_people


def _parts(indicator: Indicator) -> list[str]:
    """The counts of people in the indicator, each protected in its own tables."""
    parts = ["numerator"] if indicator.kind == "count" else ["numerator", "denominator"]
    return [part for part in parts if part in indicator.people]


def _protected_points(viewer: Viewer, indicator: Indicator, filters: Filters, by: str, rows: Any) -> list[Point]:
    """The series as the protected tables allow (insights.small_cells): a point is shown only when each of its
    counts is a published value of its table."""
    tables = {part: small_cells.tables(viewer, indicator, part) for part in _parts(indicator)}
    region = filters.region or None
    points = []
    for row in rows:
        group = row[by] if by else ""
        published = True
        for part, linked in tables.items():
            # A share over the month's new cases has the same denominator for every platform: the month's total.
            table_by = "" if part == "denominator" and indicator.split_by else by
            table = linked.get(table_by)
            cell = table.cell(row["period"], region, group if table_by else None) if table else None
            published = published and cell is not None and not cell[1]
        if published:
            shown = point(indicator, replace(viewer, suppress_small_cells=False), row["period"], group,
                          row["n"] or 0, row["d"])  # fmt: skip
            points.append(shown if indicator.kind == "count" else replace(shown, denominator=None))
        else:
            points.append(withheld(row["period"], group))
    return points


def _protected_window(
    viewer: Viewer, indicator: Indicator, filters: Filters, by: str, rows: Any, start: date
) -> list[Point]:
    """Sums over the window, each shown only when it is a sum or a difference of published values."""
    tables = {
        part: small_cells.tables(viewer, indicator, part).get(
            "" if part == "denominator" and indicator.split_by else by
        )
        for part in _parts(indicator)
    }
    region = filters.region or None
    points = []
    for row in rows:
        published = True
        for table in tables.values():
            if table is None:
                published = False
                continue
            months = [m for m in table.months if (not filters.start or m >= month_of(filters.start))
                      and (not filters.end or m <= filters.end)]  # fmt: skip
            group = row[by] if table.extended.ndim == 3 else None
            published = published and bool(months) and table.window(months, region, group)
        if published:
            shown = point(indicator, replace(viewer, suppress_small_cells=False), start, row[by], row["n"] or 0,
                          row["d"])  # fmt: skip
            points.append(shown if indicator.kind == "count" else replace(shown, denominator=None))
        else:
            points.append(withheld(start, row[by]))
    return points


def _cells(viewer: Viewer, indicator: Indicator, filters: Filters, *, by: str = "") -> QuerySet[IndicatorValue]:
    cells = IndicatorValue.objects.filter(viewer.q(), indicator=indicator.code, grain=indicator.grain(by))
    if filters.start:
        cells = cells.filter(period__gte=month_of(filters.start))
    if filters.end:
        cells = cells.filter(period__lte=filters.end)
    if filters.region:
        cells = cells.filter(region=filters.region)
    return cells


def series(viewer: Viewer, indicator: Indicator, filters: Filters, *, by: str = "") -> list[Point]:
    """The indicator per month (and per option of one disaggregation), summed over everything else."""
    if by and by not in indicator.disaggregations:
        raise ValueError(f"{indicator.code} is not disaggregated by {by}")
    # A numerator-only disaggregation (each platform over all cases) is always kept apart.
    by = by or indicator.split_by
    keys = ["period", by] if by else ["period"]
    rows = (
        _cells(viewer, indicator, filters, by=by)
        .values(*keys)
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
        .order_by(*keys)
    )
    if _protected(viewer, indicator):
        return _protected_points(viewer, indicator, filters, by, rows)
    return [point(indicator, viewer, row["period"], row[by] if by else "", row["n"] or 0, row["d"]) for row in rows]


def months_held(viewer: Viewer, filters: Filters, *, until: date) -> list[date]:
    """The months of the window that the viewer's summary tables cover: from the first month they hold a value of
    any indicator to the window's end, never past `until` (this month). A count that has no row in one of them
    counted nothing that month."""
    first = IndicatorValue.objects.filter(viewer.q()).aggregate(first=Min("period"))["first"]
    if first is None:
        return []
    last = min(filters.end, until) if filters.end else until
    return months_between(max(first, month_of(filters.start)) if filters.start else first, last)


def breakdown(viewer: Viewer, indicator: Indicator, filters: Filters, *, by: str) -> list[Point]:
    """The indicator over the whole filtered window, by one disaggregation (period: the window's first month)."""
    if by not in indicator.disaggregations:
        raise ValueError(f"{indicator.code} is not disaggregated by {by}")
    rows = (
        _cells(viewer, indicator, filters, by=by)
        .values(by)
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
        .order_by(by)
    )
    start = filters.start or date(1970, 1, 1)
    if _protected(viewer, indicator):
        return _protected_window(viewer, indicator, filters, by, rows, start)
    return [point(indicator, viewer, start, row[by], row["n"] or 0, row["d"]) for row in rows]


def latest(viewer: Viewer, indicator: Indicator, filters: Filters) -> Point | None:
    """The indicator's value in the latest month that has one (the snapshot tiles of the dashboard)."""
    points = series(viewer, indicator, Filters(region=filters.region))
    if not points:
        return None
    last = max(p.period for p in points)
    mine = [p for p in points if p.period == last]
    if any(p.suppressed for p in mine):
        return withheld(last, "")
    numerator = sum(p.numerator for p in mine)
    denominators = [p.denominator for p in mine if p.denominator is not None]
    return point(indicator, viewer, last, "", numerator, sum(denominators) if denominators else None)


def regions(viewer: Viewer) -> list[str]:
    values = (
        IndicatorValue.objects.filter(viewer.q(), indicator="new_cases", grain="total")
        .exclude(region="")
        .values_list("region", flat=True)
    )
    return sorted(set(values.distinct().order_by()))


def refresh_checkpoints() -> dict[str, RefreshCheckpoint]:
    """Each indicator's checkpoint, by the indicator's code."""
    return {c.indicator: c for c in RefreshCheckpoint.objects.all()}


def last_refresh() -> RefreshCheckpoint | None:
    return RefreshCheckpoint.objects.order_by("-refreshed_at").first()


def summary_version() -> tuple[Any, ...]:
    """What the summary tables hold, in two small aggregates: a refresh deletes and writes rows (new ids, another
    count) and stamps its checkpoint, in one transaction; what is computed from the tables may be kept under it."""
    values = IndicatorValue.objects.aggregate(last=Max("id"), rows=Count("id"))
    stamps = RefreshCheckpoint.objects.aggregate(at=Max("refreshed_at"), rows=Count("id"))
    return (values["last"], values["rows"], stamps["at"], stamps["rows"])


# --- The crisis periods and measures drawn on the time axis -----------------------------------------------------


@dataclass(frozen=True)
class Band:
    label: str
    starts_on: date
    ends_on: date | None


@dataclass
class Timeline:
    crises: list[Band] = field(default_factory=list)
    measures: list[Band] = field(default_factory=list)


def crisis_timeline(*, start: date | None, end: date | None, region: str = "") -> Timeline:
    """Crises and their measures overlapping the window (two queries)."""
    overlapping = Q()
    if end:
        overlapping &= Q(starts_on__lte=end)
    if start:
        overlapping &= Q(ends_on__isnull=True) | Q(ends_on__gte=start)
    timeline = Timeline()
    for crisis in CrisisEvent.objects.filter(overlapping).order_by("starts_on"):
        if not region or not crisis.regions or region in crisis.regions:
            timeline.crises.append(Band(crisis.name, crisis.starts_on, crisis.ends_on))
    for measure in Measure.objects.filter(overlapping).select_related("crisis").order_by("starts_on", "pk"):
        if measure.covers(region):
            timeline.measures.append(Band(str(measure.get_kind_display()), measure.starts_on, measure.ends_on))
    return timeline


def measures_for_analysis() -> list[Measure]:
    return list(Measure.objects.select_related("crisis").order_by("starts_on", "pk"))


def crises_for_analysis() -> list[CrisisEvent]:
    return list(CrisisEvent.objects.order_by("starts_on", "pk"))


def table(points: list[Point]) -> tuple[list[str], list[tuple[date, list[Point | None]]]]:
    """Points as a table: one row per month, one column per group."""
    groups = sorted({p.group for p in points})
    rows: dict[date, dict[str, Point]] = defaultdict(dict)
    for p in points:
        rows[p.period][p.group] = p
    return groups, [(period, [rows[period].get(g) for g in groups]) for period in sorted(rows)]
