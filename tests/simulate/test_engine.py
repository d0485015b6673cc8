"""The simulator against queueing theory (Erlang C, Little's law) and against common sense (nobody arrives, nobody
waits; twice the places, shorter waits), and its promise: the same seed gives the same output, bit for bit."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from lantern.simulate.engine import Estimate, run, t975
from lantern.simulate.queues import Capacity, fcfs_general, fcfs_starts
from lantern.simulate.scenario import scenario_from_dict


def erlang_c_wait(c: int, lam: float, mean_service: float) -> float:
    """Mean wait in queue of M/M/c (Erlang C)."""
    a = lam * mean_service
    rho = a / c
    head = sum(a**k / math.factorial(k) for k in range(c))
    tail = a**c / math.factorial(c) / (1 - rho)
    return tail / (head + tail) * mean_service / (c - a)


def one_service(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "horizon_days": 730,
        "replications": 10,
        "seed": 1,
        "arrivals": {"per_day": 12.0},
        "services": [{"type": "legal_aid", "places": 40, "service_days": 3.0, "share": 1.0}],
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(("rho", "horizon", "replications"), [(0.5, 3660, 40), (0.8, 3660, 30), (0.9, 3660, 30)])
def test_a_single_service_matches_erlang_c(rho: float, horizon: int, replications: int) -> None:
    # Given an M/M/10 queue: Poisson arrivals, ten places, exponential service of a fifth of a day
    places, mean_service = 10, 0.2
    lam = rho * places / mean_service
    scenario = scenario_from_dict(
        one_service(
            horizon_days=horizon,
            replications=replications,
            arrivals={"per_day": lam},
            services=[{"type": "legal_aid", "places": places, "service_days": mean_service, "share": 1.0}],
        )
    )
    # When it runs
    wait = run(scenario).figures["legal_aid"]["mean_wait_days"]
    # Then the mean wait is Erlang C's within 3%, and its 95% interval covers the exact value
    exact = erlang_c_wait(places, lam, mean_service)
    assert abs(wait.mean - exact) / exact < 0.03, (wait, exact)
    assert wait.covers(exact), (wait, exact)


def test_littles_law_holds_on_every_output() -> None:
    # Given the pandemic wave with its contingency plan: every queue there is (services, wing, shelter, courts)
    from lantern.simulate.ready import ready_scenarios

    for scenario in ready_scenarios().values():
        result = run(scenario)
        checked = 0
        for group, figures in result.figures.items():
            if "lambda_wait" not in figures:
                continue
            # L (the average of the daily counts) = lambda W (each person's own times), within the intervals
            for measured, product in (("mean_waiting", "lambda_wait"), ("mean_in_system", "lambda_time_in_system")):
                L, lw = figures[measured], figures[product]
                slack = L.half_width + lw.half_width + 0.02 * max(L.mean, 1.0)
                assert abs(L.mean - lw.mean) <= slack, (scenario.name, group, measured, L, lw)
                checked += 1
        assert checked >= 12


def test_zero_arrivals_mean_zero_waits() -> None:
    result = run(scenario_from_dict(one_service(arrivals={"per_day": 0.0})))
    figures = result.figures["legal_aid"]
    assert figures["arrivals"].mean == 0
    assert figures["mean_wait_days"] == Estimate(0.0, 0.0, 0.0)
    assert result.series["legal_aid"]["waiting"].max() == 0


def test_doubled_capacity_shortens_waits() -> None:
    busy = one_service(services=[{"type": "legal_aid", "places": 38, "service_days": 3.0, "share": 1.0}])
    doubled = one_service(services=[{"type": "legal_aid", "places": 76, "service_days": 3.0, "share": 1.0}])
    before = run(scenario_from_dict(busy)).figures["legal_aid"]["mean_wait_days"]
    after = run(scenario_from_dict(doubled)).figures["legal_aid"]["mean_wait_days"]
    assert before.mean > 0.1
    assert after.high < before.low


def test_the_same_seed_gives_the_same_output_bit_for_bit() -> None:
    from lantern.simulate.ready import ready_scenarios

    scenario = next(iter(ready_scenarios().values()))
    first, second = run(scenario), run(scenario)
    assert first.replications == second.replications  # every figure of every replication, compared exactly
    for group, values in first.series.items():
        for key, series in values.items():
            assert np.array_equal(series, second.series[group][key])
    other = run(scenario.model_copy(update={"seed": scenario.seed + 1}))
    assert other.replications != first.replications


def test_a_capacity_drop_lets_services_under_way_finish_and_stops_new_starts() -> None:
    # Two places; from day 1 none, from day 3 one again.
    capacity = Capacity([0.0, 1.0, 3.0], [2, 0, 1])
    starts = fcfs_starts([0.0, 0.5, 0.9, 1.2], [2.0, 0.2, 0.1, 1.0], capacity)
    # The first is served from 0 to 2 (begun, so finished); the second starts at once; the third finds the
    # second's place, free at 0.7, so starts on arrival. The fourth arrives while nothing is open: day 3.
    assert starts == [0.0, 0.5, 0.9, 3.0]


def test_a_suspension_stretches_a_proceeding_under_way_by_the_share_not_heard_remotely() -> None:
    capacity = Capacity.constant(1)
    _, ends = fcfs_general([0.0], [10.0], capacity, pauses=[(5.0, 15.0, 1.0)])
    assert ends == [20.0]  # five days heard, ten closed, five more
    _, ends = fcfs_general([0.0], [10.0], capacity, pauses=[(5.0, 15.0, 0.5)])
    assert ends == [15.0]  # at half pace the remaining five days take ten
    _, ends = fcfs_general([0.0], [3.0], capacity, held=[True], hold_windows=[(2.0, 9.0)])
    assert ends == [9.0]  # going home on day 3 across a border closed until day 9


def test_student_t_quantiles() -> None:
    assert t975(9) == pytest.approx(2.262)
    assert t975(100) == pytest.approx(1.984, abs=0.002)


def test_cost_counts_places_paid_for_emergency_places_and_the_wing_once() -> None:
    scenario = scenario_from_dict(
        one_service(
            horizon_days=100,
            services=[
                {"type": "legal_aid", "places": 10, "service_days": 3.0, "share": 0.5, "cost_per_place_day": 2.0}
            ],
            shelter={"beds": 5, "stay_days": 10.0, "share": 0.1, "cost_per_bed_day": 3.0},
            crisis=[{"start_day": 10, "end_day": 40, "lockdown": True}],  # no quarantine: the wing stands empty
            policies=[
                {"kind": "quarantine_wing", "beds": 4, "cost_per_bed_day": 5.0},
                {"kind": "emergency_funding", "service": "legal_aid", "places": 6, "from_day": 50, "until_day": 60},
            ],
        )
    )
    total = run(scenario).figures["cost"]["total"]
    # places: 10 x 100 + 6 x 10 days at 2; beds: 5 x 100 at 3; the wing: 4 x 100 at 5 (paid whether used or not)
    assert total == Estimate(2.0 * (1000 + 60) + 3.0 * 500 + 5.0 * 400, 2.0 * (1000 + 60) + 3.0 * 500 + 5.0 * 400,
                             2.0 * (1000 + 60) + 3.0 * 500 + 5.0 * 400)  # fmt: skip


def test_every_replication_reports_the_same_figures_even_when_nobody_needs_the_wing_in_some() -> None:
    # Few arrivals and a short quarantine period: most replications isolate nobody, some do.
    scenario = scenario_from_dict(
        one_service(
            horizon_days=60,
            replications=20,
            arrivals={"per_day": 0.05},
            shelter={"beds": 2, "stay_days": 10.0, "share": 1.0},
            crisis=[{"start_day": 10, "end_day": 15, "quarantine": True}],
            policies=[{"kind": "quarantine_wing", "beds": 1}],
        )
    )
    result = run(scenario)
    assert len({frozenset(r) for r in result.replications}) == 1
    assert len({frozenset(r["quarantine_wing"]) for r in result.replications}) == 1
    assert 0 < result.figures["quarantine_wing"]["arrivals"].mean < 1
