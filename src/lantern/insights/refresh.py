"""Refreshing the summary tables, indicator by indicator, incrementally.

Each indicator's checkpoint records the moment up to which its source data was read. A refresh recomputes only
the months whose source rows changed after that moment, plus the open months (this one and the one before,
whose counts still move as deadlines pass), deletes their old cells and writes the new ones, in one transaction
per indicator, and moves the checkpoint. `full=True` recomputes every month that has data (the nightly job,
which also picks up the rare edit that leaves no trace in the timeline, such as an anonymisation)."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from lantern.insights.indicators import ALL, DIMENSIONS, REGISTRY, Indicator, Since, available, high_ids, month_of
from lantern.insights.models import IndicatorValue, RefreshCheckpoint

BATCH = 5000


@dataclass(frozen=True)
class Refreshed:
    indicator: str
    periods: int
    rows: int
    seconds: float


def open_periods(now: datetime) -> set[date]:
    this_month = month_of(now.date())
    previous = month_of(this_month - timedelta(days=1))
    return {this_month, previous}


def periods_to_recompute(
    indicator: Indicator, checkpoint: RefreshCheckpoint | None, *, full: bool, now: datetime
) -> set[date]:
    if indicator.snapshot:
        return {month_of(now.date())}
    assert indicator.changed is not None
    if full or checkpoint is None:
        return indicator.changed(ALL) | open_periods(now)
    return indicator.changed(Since(checkpoint.data_until, checkpoint.high_ids)) | open_periods(now)


def _cells(indicator: Indicator, cells: Iterable[dict[str, Any]]) -> Iterable[IndicatorValue]:
    """The computed cells as rows, then their margins (the cells summed over all disaggregations, and over all but
    one), which are small and are what dashboards read."""
    full_grain = "cell" if indicator.disaggregations else "total"
    margins: dict[tuple[str, date, str, int | None, str], list[float | None]] = defaultdict(lambda: [0.0, None])
    for cell in cells:
        numerator = float(cell["numerator"] or 0)
        denominator = None if cell.get("denominator") is None else float(cell["denominator"])
        dimensions = {dimension: cell.get(dimension) or "" for dimension in DIMENSIONS}
        yield IndicatorValue(
            indicator=indicator.code,
            grain=full_grain,
            period=cell["period"],
            region=cell.get("region") or "",
            organisation_id=cell.get("organisation_id"),
            numerator=numerator,
            denominator=denominator,
            **dimensions,
        )
        for grain in indicator.margins:
            key = (grain, cell["period"], cell.get("region") or "", cell.get("organisation_id"),
                   dimensions.get(grain, ""))  # fmt: skip
            total = margins[key]
            total[0] = (total[0] or 0.0) + numerator
            if denominator is not None:
                total[1] = (total[1] or 0.0) + denominator
    for (grain, period, region, organisation_id, option), (summed, summed_denominator) in margins.items():
        yield IndicatorValue(
            indicator=indicator.code,
            grain=grain,
            period=period,
            region=region,
            organisation_id=organisation_id,
            numerator=summed or 0.0,
            denominator=summed_denominator,
            **({grain: option} if grain != "total" else {}),
        )


def refresh_indicator(
    indicator: Indicator, *, full: bool = False, now: datetime | None = None, ids: dict[str, int] | None = None
) -> Refreshed:
    started = time.perf_counter()
    now = now or timezone.now()
    ids = high_ids() if ids is None else ids
    checkpoint = RefreshCheckpoint.objects.filter(indicator=indicator.code).first()
    periods = sorted(periods_to_recompute(indicator, checkpoint, full=full, now=now))
    assert indicator.compute is not None
    written = 0
    with transaction.atomic():
        stale = IndicatorValue.objects.filter(indicator=indicator.code)
        if not (full and not indicator.snapshot):
            stale = stale.filter(period__in=periods)
        stale.delete()
        batch: list[IndicatorValue] = []
        for value in _cells(indicator, indicator.compute(periods, now)):
            batch.append(value)
            if len(batch) >= BATCH:
                IndicatorValue.objects.bulk_create(batch)
                written += len(batch)
                batch = []
        IndicatorValue.objects.bulk_create(batch)
        written += len(batch)
        seconds = time.perf_counter() - started
        RefreshCheckpoint.objects.update_or_create(
            indicator=indicator.code,
            defaults={
                "data_until": now,
                "high_ids": ids,
                "first_period": periods[0] if periods else None,
                "last_period": periods[-1] if periods else None,
                "periods_recomputed": len(periods),
                "rows": IndicatorValue.objects.filter(indicator=indicator.code).count(),
                "duration_ms": int(seconds * 1000),
                "refreshed_at": timezone.now(),
            },
        )
    return Refreshed(indicator=indicator.code, periods=len(periods), rows=written, seconds=seconds)


def refresh(
    *,
    codes: list[str] | None = None,
    full: bool = False,
    now: datetime | None = None,
    progress: Callable[[Refreshed], None] | None = None,
) -> list[Refreshed]:
    """Refresh the indicators named (all those that can be computed by default; through
    insights.services.indicators_refresh, which audits it). The moment the data is read up
    to, and the highest ids, are taken before any other query, so a change made during the refresh is picked up by
    the next one."""
    unknown = [code for code in codes or [] if code not in REGISTRY]
    if unknown:
        raise ValueError(f"unknown indicator: {', '.join(unknown)}")
    now = now or timezone.now()
    ids = high_ids()
    chosen = [i for i in available() if not codes or i.code in codes]
    done = []
    for indicator in chosen:
        result = refresh_indicator(indicator, full=full, now=now, ids=ids)
        done.append(result)
        if progress is not None:
            progress(result)
    return done
