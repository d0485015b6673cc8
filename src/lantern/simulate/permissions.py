"""Simulator actions in the one permission module: the national coordinator plans with it; an analyst may run
and read scenarios too. Nobody else: it reads national capacity, and it is no case work."""

from __future__ import annotations

from enum import StrEnum

from lantern.core.permissions import Rule, register_rule
from lantern.core.roles import Role


class SimulateAction(StrEnum):
    # Open the simulator, run the ready scenarios and scenarios written on the page (nothing is stored).
    RUN = "simulate.run"


register_rule(SimulateAction.RUN, Rule(everywhere=frozenset({Role.NATIONAL_COORDINATOR, Role.ANALYST})))
