"""The ready scenarios shipped with the app (scenarios/*.toml), offered on the page and in the demo."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lantern.simulate.scenario import Scenario, scenario_from_toml

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
# The pandemic wave without and with the contingency plan: the page compares them when it opens.
BASELINE = "pandemic_wave"
WITH_PLAN = "pandemic_wave_contingency"


@cache
def ready_texts() -> dict[str, str]:
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(SCENARIOS.glob("*.toml"))}


def ready_scenarios() -> dict[str, Scenario]:
    return {key: scenario_from_toml(text) for key, text in ready_texts().items()}
