"""Insights writes: refreshing the summary tables (the console, the periodic jobs and the demo), audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import transaction

from lantern.core.audit import audit_record
from lantern.insights.refresh import Refreshed, refresh


def indicators_refresh(
    *,
    codes: list[str] | None = None,
    full: bool = False,
    now: datetime | None = None,
    progress: Callable[[Refreshed], None] | None = None,
) -> list[Refreshed]:
    """Refresh the summary tables of the indicators named (all by default; only the months that changed unless
    `full`), one transaction per indicator, then audit which were refreshed and how many months each."""
    done = refresh(codes=codes, full=full, now=now, progress=progress)
    with transaction.atomic():
        audit_record(
            action="insights.refresh",
            actor_label="console",
            detail={"full": full, "indicators": {r.indicator: r.periods for r in done}},
        )
    return done


def refresh_job() -> None:
    """The periodic job: an incremental refresh."""
    indicators_refresh()


def refresh_full_job() -> None:
    """The nightly job: every month recomputed."""
    indicators_refresh(full=True)
