"""Insights actions in the one permission module: who sees which dashboard, and who sees exact small counts."""

from __future__ import annotations

from enum import StrEnum

from lantern.core.permissions import Rule, register_rule
from lantern.core.roles import Role


class InsightAction(StrEnum):
    # The indicators and dashboards: the national picture for the coordinator and the analyst, a supervisor's
    # own organisation.
    VIEW = "insights.view"
    # Counts from 1 to 10 shown as they are. Everyone else who sees indicators (the analyst) sees "<11" in
    # every cell below the threshold.
    EXACT_COUNTS = "insights.exact_counts"
    # The measure-impact analysis works on national series only.
    IMPACT = "insights.impact"


register_rule(
    InsightAction.VIEW,
    Rule(
        in_own_organisation=frozenset({Role.SUPERVISOR}),
        everywhere=frozenset({Role.NATIONAL_COORDINATOR, Role.ANALYST}),
    ),
)
register_rule(
    InsightAction.EXACT_COUNTS,
    Rule(in_own_organisation=frozenset({Role.SUPERVISOR}), everywhere=frozenset({Role.NATIONAL_COORDINATOR})),
)
register_rule(InsightAction.IMPACT, Rule(everywhere=frozenset({Role.NATIONAL_COORDINATOR, Role.ANALYST})))
