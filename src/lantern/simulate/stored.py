"""A result as JSON for the database (a queued run) and back: the figures with their intervals, the daily series,
and the scenario as typed."""

from __future__ import annotations

from typing import Any

import numpy as np

from lantern.simulate.engine import Estimate, Result
from lantern.simulate.scenario import scenario_from_toml, scenario_to_toml


def to_json(result: Result) -> dict[str, Any]:
    return {
        "scenario": scenario_to_toml(result.scenario),
        "seconds": result.seconds,
        "figures": {g: {k: [e.mean, e.low, e.high] for k, e in values.items()} for g, values in result.figures.items()},
        "series": {g: {k: [float(v) for v in s] for k, s in values.items()} for g, values in result.series.items()},
    }


def from_json(data: dict[str, Any]) -> Result:
    return Result(
        scenario=scenario_from_toml(data["scenario"]),
        figures={g: {k: Estimate(*e) for k, e in values.items()} for g, values in data["figures"].items()},
        series={g: {k: np.asarray(s, dtype=float) for k, s in values.items()} for g, values in data["series"].items()},
        replications=[],
        seconds=data["seconds"],
    )
