"""What one person can ask of the simulator is bounded: the work of a run is counted from the arrival rate that
the engine will really use (every factor multiplied), the combined rate has a ceiling, TOML nested without end is
refused, and nobody keeps more than a couple of runs waiting on the shared worker. Each refusal is a 422 naming the
key, a form error, or one line and exit 2, never a 500."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from lantern.simulate import services
from lantern.simulate.models import RunStatus, SimulationRun
from lantern.simulate.scenario import ScenarioError, scenario_from_toml
from tests.simulate.helpers import MINIMAL

RUNS = "/api/v1/simulate/runs"
PAGE = "/simulate/"


def _multiplied(*, per_day: float, horizon: int, replications: int, season: float, periods: list[float]) -> str:
    """A scenario whose factors are each within their own limit but multiply: seasonality and overlapping
    periods over the whole horizon."""
    text = f"""
horizon_days = {horizon}
replications = {replications}
seed = 1
[arrivals]
per_day = {per_day}
seasonality = [{", ".join([str(season)] * 12)}]
"""
    for multiplier in periods:
        text += f"[[arrivals.periods]]\nstart_day = 0\nend_day = {horizon}\nmultiplier = {multiplier}\n"
    return text + '[[services]]\ntype = "legal_aid"\nplaces = 100000\nservice_days = 1.0\nshare = 1.0\n'


# The reviewer's scenario: the old estimate said 1,000, the engine drew ten million survivors (a million a day).
REVIEWED = _multiplied(per_day=1.0, horizon=5, replications=2, season=100.0, periods=[100.0, 100.0])
# 1,000 a day for 1,100 days twice: 2.2 million, past the page's limit (the old estimate said 22,000).
MULTIPLIED = _multiplied(per_day=1.0, horizon=1100, replications=2, season=10.0, periods=[10.0, 10.0])
# Within the combined-rate ceiling (1,000 a day) but 732 million survivor-replications: too much even for the worker.
TOO_MUCH_FOR_THE_WORKER = _multiplied(per_day=1.0, horizon=3660, replications=200, season=10.0, periods=[10.0, 10.0])
# Twelve overlapping x100 periods: 1e24 a day, which numpy refuses to draw from.
ABSURD_RATE = _multiplied(per_day=1.0, horizon=5, replications=2, season=1.0, periods=[100.0] * 12)


def _post(client: Client, body: dict[str, Any]) -> Any:
    return client.post(RUNS, data=json.dumps(body), content_type="application/json")


def _nested(levels: int) -> str:
    return "x = " + "[" * levels + "]" * levels + "\n" + MINIMAL


def test_the_work_of_a_run_is_every_factor_of_the_rate_multiplied_over_the_horizon() -> None:
    assert services.work_of(scenario_from_toml(MULTIPLIED)) == pytest.approx(1.0 * 10 * 10 * 10 * 1100 * 2)
    assert services.work_of(scenario_from_toml(MINIMAL)) == pytest.approx(4.0 * 365 * 5)


def test_a_run_whose_factors_multiply_past_the_page_limit_is_queued_not_run_in_the_request(
    staff: dict[str, Client],
) -> None:
    response = staff["coordinator"].post(PAGE, {"action": "run", "scenario": MULTIPLIED})
    assert response.status_code == 302
    assert SimulationRun.objects.filter(status=RunStatus.QUEUED).count() == 1


def test_a_run_whose_factors_multiply_past_the_worker_limit_is_refused(api_client: dict[str, Client]) -> None:
    response = _post(api_client["coordinator"], {"scenario": TOO_MUCH_FOR_THE_WORKER})
    assert response.status_code == 422
    assert "lantern simulate" in response.content.decode()
    assert not SimulationRun.objects.exists()


def test_a_combined_rate_past_the_ceiling_names_the_key_everywhere(
    api_client: dict[str, Client], staff: dict[str, Client], tmp_path: Path
) -> None:
    for text in (REVIEWED, ABSURD_RATE):
        with pytest.raises(ScenarioError) as caught:
            scenario_from_toml(text)
        assert caught.value.key == "arrivals"
    page = staff["coordinator"].post(PAGE, {"action": "run", "scenario": REVIEWED})
    assert page.status_code == 400
    assert "arrivals: on day 0" in page.content.decode()
    response = _post(api_client["coordinator"], {"scenario": ABSURD_RATE})
    assert response.status_code == 422
    assert "arrivals" in response.content.decode()
    page = staff["coordinator"].post(PAGE, {"action": "run", "scenario": ABSURD_RATE})
    assert page.status_code == 400
    assert "arrivals: on day 0" in page.content.decode()
    assert not SimulationRun.objects.exists()
    scenario = tmp_path / "absurd.toml"
    scenario.write_text(ABSURD_RATE)
    with pytest.raises(CommandError) as refused:
        call_command("simulate", str(scenario), stdout=io.StringIO(), stderr=io.StringIO())
    assert refused.value.returncode == 2
    assert "arrivals" in str(refused.value)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize("levels", [20, 900, 60_000])
def test_deeply_nested_toml_is_a_422_and_queues_nothing(api_client: dict[str, Client], levels: int) -> None:
    response = _post(api_client["coordinator"], {"scenario": _nested(levels)})
    assert response.status_code == 422
    assert "nested" in response.content.decode()
    assert not SimulationRun.objects.exists()


@pytest.mark.parametrize("levels", [900, 60_000])
def test_deeply_nested_toml_is_one_line_and_exit_2_from_the_console(tmp_path: Path, levels: int) -> None:
    scenario = tmp_path / "bad.toml"
    scenario.write_text(_nested(levels))
    done = subprocess.run(
        [sys.executable, "-m", "lantern.cli", "simulate", str(scenario)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().count("\n") == 0
    assert "nested" in done.stderr


def test_nobody_keeps_more_than_two_runs_waiting(api_client: dict[str, Client]) -> None:
    for _ in range(services.MAX_UNFINISHED_RUNS):
        assert _post(api_client["coordinator"], {"scenario": MINIMAL}).status_code == 202
    refused = _post(api_client["coordinator"], {"scenario": MINIMAL})
    assert refused.status_code == 422
    assert "2 runs waiting" in refused.content.decode()
    assert SimulationRun.objects.count() == services.MAX_UNFINISHED_RUNS
    # Someone else is not held up by her runs
    assert _post(api_client["analyst"], {"scenario": MINIMAL}).status_code == 202
    # Once one of hers has finished, she may queue another
    first = SimulationRun.objects.filter(created_by__username__contains="coord").order_by("pk").first()
    assert first is not None
    SimulationRun.objects.filter(pk=first.pk).update(status=RunStatus.FAILED)
    assert _post(api_client["coordinator"], {"scenario": MINIMAL}).status_code == 202
