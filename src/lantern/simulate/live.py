"""Capacity from the live registers (`lantern simulate --from-live`): service places from the provider directory,
beds from the shelters' board, read through their selectors. Only capacity is read, never a case.

The directory gives how many new people a service takes a week; a queue needs places in parallel, which by
Little's law is that throughput times the mean time in service. Courts keep no capacity in the register, so the
scenario's own figure for the courts stands."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from lantern.providers.selectors import directory
from lantern.shelters.selectors import board
from lantern.simulate.scenario import Scenario, ScenarioError, scenario_from_dict


def with_live_capacity(scenario: Scenario) -> Scenario:
    weekly: dict[str, int] = defaultdict(int)
    for offering in directory():
        weekly[offering.service_type] += offering.weekly_capacity
    data: dict[str, Any] = scenario.model_dump()
    for service in data["services"]:
        if weekly.get(service["type"]):
            service["places"] = max(1, math.ceil(weekly[service["type"]] / 7 * service["service_days"]))
    if data.get("shelter") is not None:
        rows = board()
        total = sum(row.total for row in rows)
        if not total:
            raise ScenarioError("shelter.beds", "the shelters' board has no beds to take")
        data["shelter"]["beds"] = total
    return scenario_from_dict(data)
