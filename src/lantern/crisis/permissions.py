"""Crisis mode's actions in the one permission module."""

from __future__ import annotations

from enum import StrEnum

from lantern.core.permissions import ALL_ROLES, Rule, register_rule
from lantern.core.roles import Role


class CrisisAction(StrEnum):
    VIEW = "crisis.view"  # the crises and measures in force: everyone who works in the response
    MANAGE = "crisis.manage"  # declare, end, add and end measures, set the minimum package


register_rule(CrisisAction.VIEW, Rule(everywhere=ALL_ROLES))
register_rule(CrisisAction.MANAGE, Rule(everywhere=frozenset({Role.NATIONAL_COORDINATOR})))
