"""Demo figures: the summary tables computed from the demo's cases, referrals and shelters (which the apps before
this one load), so that the dashboards are filled on the first start."""

from __future__ import annotations

from lantern.insights.refresh import refresh


def load() -> None:
    refresh(full=True)
