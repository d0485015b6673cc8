"""The analyst's view of the indicators, protected as a publication is: no small count can be worked out from
what the dashboards and the API show, by subtraction from totals, siblings or margins over months, regions or
categories.

Every value a suppressed viewer may be shown of an indicator is a value of one table: month x region x category
(the disaggregation asked for, or none), with every margin (each month's total, each region's, each category's,
the grand total) as `insights.suppression.protect` builds it for publication. That function does the primary
suppression (every value from 1 to 10) and the secondary suppression with its audit; it is not written twice.

The tables of one indicator share their month x region margin (a month's new cases are the same whether they are
split by sex or by age band), so they are protected as linked tables: a shared value suppressed by one table is
forced into the others, and the round is repeated until no table adds one. Shares are shown only when both their
numerator and their denominator are published, so a percentage never gives a suppressed count back; a share over
the month's new cases takes its denominators from the protected new-cases tables themselves, so the two
indicators cannot be played against each other. A sum over a window of months is shown only when it is a sum or
a difference of published values (all months of the window published, or the all-months total and every month
outside the window published).

Protected tables are kept in the process until the summary table of the indicator changes."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from threading import Lock
from typing import Any

import numpy as np
from django.db.models import Count, Max, Sum

from lantern.insights.indicators import Indicator, get
from lantern.insights.models import IndicatorValue
from lantern.publication.suppression import ProtectionFailed, protect

logger = logging.getLogger(__name__)

# Shares whose denominator is the month's new cases (indicators.py): their denominators are read from the
# protected new-cases tables, so that a denominator suppressed there is never given back by the share.
DENOMINATOR_FROM_NEW_CASES = frozenset({"recruited_online", "private_home", "recruited_online_platform"})
AUDIT_SECONDS = 2.0  # per table: a dashboard waits for it (publication allows more)
_CACHE_SIZE = 128


@dataclass(frozen=True)
class Table:
    """One protected table: its labels, the values with margins, and where they are suppressed."""

    months: dict[date, int]
    regions: dict[str, int]
    groups: dict[str, int]
    extended: np.ndarray
    mask: np.ndarray
    totals: tuple[bool, ...]

    def _axis_index(self, axis: int, labels: dict[Any, int], label: Any) -> int | None:
        if label is None:  # the total of this dimension
            return -1 if self.totals[axis] else (0 if len(labels) == 1 else None)
        return labels.get(label)

    def cell(self, month: date | None, region: str | None, group: str | None) -> tuple[float, bool] | None:
        """(value, suppressed) of a cell or margin (None for a dimension: its total); None if there is no such."""
        labels: list[dict[Any, int]] = [self.months, self.regions]
        wanted: list[Any] = [month, region]
        if self.extended.ndim == 3:
            labels.append(self.groups)
            wanted.append(group)
        index = []
        for axis, (names, label) in enumerate(zip(labels, wanted, strict=True)):
            position = self._axis_index(axis, names, label)
            if position is None:
                return None
            index.append(position)
        return float(self.extended[tuple(index)]), bool(self.mask[tuple(index)])

    def window(self, months: list[date], region: str | None, group: str | None) -> bool:
        """Whether the sum over these months is a sum or a difference of published values."""
        inside = [self.cell(m, region, group) for m in months]
        if all(c is not None and not c[1] for c in inside):
            return True
        outside = [self.cell(m, region, group) for m in self.months if m not in set(months)]
        total = self.cell(None, region, group)
        return total is not None and not total[1] and all(c is not None and not c[1] for c in outside)


_cache: dict[tuple[Any, ...], dict[str, Table]] = {}
_lock = Lock()


def _bys(indicator: Indicator) -> list[str]:
    if indicator.split_by:
        return [indicator.split_by]
    return ["", *indicator.disaggregations]


def _version(code: str, scope: Any) -> tuple[Any, ...]:
    state = IndicatorValue.objects.filter(indicator=code).aggregate(last=Max("id"), rows=Count("id"))
    return (code, scope, state["last"], state["rows"])


def tables(viewer: Any, indicator: Indicator, part: str) -> dict[str, Table]:
    """The linked, protected tables of an indicator's numerators or denominators, one per disaggregation ("" for
    none), over the viewer's scope."""
    if part == "denominator" and indicator.code in DENOMINATOR_FROM_NEW_CASES:
        new_cases = get("new_cases")
        assert new_cases is not None
        return tables(viewer, new_cases, "numerator")
    scope = "national" if viewer.national else tuple(sorted(viewer.organisation_ids))
    key = (*_version(indicator.code, scope), part)
    with _lock:
        if key in _cache:
            return _cache[key]
    built = _protect_linked(viewer, indicator, part)
    with _lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.clear()
        _cache[key] = built
    return built


def _counts(viewer: Any, indicator: Indicator, part: str, by: str) -> dict[tuple[Any, ...], float]:
    keys = ["period", "region", *([by] if by else [])]
    rows = (
        IndicatorValue.objects.filter(viewer.q(), indicator=indicator.code, grain=indicator.grain(by))
        .values(*keys)
        .annotate(v=Sum(part))
        .order_by()
    )
    return {tuple(row[k] for k in keys): float(row["v"] or 0) for row in rows}


def _protect_linked(viewer: Any, indicator: Indicator, part: str) -> dict[str, Table]:
    from lantern.insights.selectors import SMALL_CELL

    data = {by: _counts(viewer, indicator, part, by) for by in _bys(indicator)}
    months = sorted({key[0] for values in data.values() for key in values})
    regions = sorted({key[1] for values in data.values() for key in values})
    month_index = {m: i for i, m in enumerate(months)}
    region_index = {r: i for i, r in enumerate(regions)}
    arrays: dict[str, tuple[dict[str, int], np.ndarray]] = {}
    for by, values in data.items():
        groups = sorted({key[2] for key in values}) if by else []
        group_index = {g: i for i, g in enumerate(groups)}
        shape = (len(months), len(regions), *([len(groups)] if by else []))
        counts = np.zeros(shape, dtype=np.int64)
        for key, value in values.items():
            position = (month_index[key[0]], region_index[key[1]], *([group_index[key[2]]] if by else []))
            counts[position] = round(value)
        arrays[by] = (group_index, counts)
    if not months:
        return {}
    shared: np.ndarray | None = None  # the month x region values (with margins) suppressed by any table
    while True:
        protected: dict[str, Table] = {}
        suppressed_shared = None if shared is None else shared.copy()
        for by, (group_index, counts) in arrays.items():
            table = _protect_one(counts, SMALL_CELL, shared, bool(by))
            common = table[1][..., -1 if table[2][-1] else 0] if by else table[1]
            suppressed_shared = common.copy() if suppressed_shared is None else suppressed_shared | common
            protected[by] = Table(month_index, region_index, group_index, table[0], table[1], table[2])
        if shared is not None and suppressed_shared is not None and np.array_equal(suppressed_shared, shared):
            return protected
        shared = suppressed_shared


def _protect_one(
    counts: np.ndarray, k: int, shared: np.ndarray | None, has_groups: bool
) -> tuple[np.ndarray, np.ndarray, tuple[bool, ...]]:
    from lantern.publication.suppression import with_margins

    extended, totals = with_margins(counts)
    forced = None
    if shared is not None:
        forced = np.zeros(extended.shape, dtype=bool)
        if has_groups:
            forced[..., -1 if totals[-1] else 0] = shared
            if not totals[-1]:  # one category: the category is the total
                forced[..., 0] = shared
        else:
            forced = shared.copy()
    try:
        protection = protect(counts, k, audit_seconds=AUDIT_SECONDS, forced=forced)
    except ProtectionFailed:
        logger.warning("a table of indicator values could not be protected: every value of it is withheld")
        return extended, np.ones(extended.shape, dtype=bool), totals
    return protection.extended, protection.mask, protection.totals
