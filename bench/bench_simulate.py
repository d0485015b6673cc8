"""The crisis simulator's speed: 100,000 survivors over two years, 10 replications (target under 30 s), and the
ratio to a straightforward SimPy model of the same scenario run in the same benchmark (target at least 5x).

Two runs of Lantern's engine: the SimPy anchor's scenario (four services, shelter beds and courts with fixed
capacity, which a plain SimPy model can express), and the ready pandemic wave with its contingency plan scaled to
100,000 survivors (capacity changing by windows, a quarantine wing, border closures, court suspensions). SimPy runs
in its own virtualenv under bench/.venv-anchors (created on first use with `python -m venv` and `pip install
simpy`): it is never a dependency of Lantern.

    .venv/bin/python bench/bench_simulate.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import venv
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from lantern.simulate.engine import run  # noqa: E402
from lantern.simulate.ready import WITH_PLAN, ready_scenarios  # noqa: E402
from lantern.simulate.scenario import scenario_from_dict  # noqa: E402

SURVIVORS = 100_000
HORIZON = 730
REPLICATIONS = 10
ANCHOR_VENV = HERE / ".venv-anchors"

# Places sized for a utilisation near 0.85, as a network under strain would be.
QUEUES: list[dict[str, Any]] = [
    {"type": "legal_aid", "share": 0.6, "service_days": 20.0},
    {"type": "medical", "share": 0.5, "service_days": 7.0},
    {"type": "psychological", "share": 0.4, "service_days": 30.0},
    {"type": "interpretation", "share": 0.3, "service_days": 2.0},
    {"type": "shelter", "share": 0.25, "service_days": 60.0},
    {"type": "courts", "share": 0.2, "service_days": 180.0},
]


def anchor_python() -> Path:
    python = ANCHOR_VENV / "bin" / "python"
    if not python.exists():
        print("creating bench/.venv-anchors with SimPy (first run only)...", file=sys.stderr)
        venv.create(ANCHOR_VENV, with_pip=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "simpy"], check=True)  # noqa: S603 (fixed argv)
    return python


def main() -> None:
    per_day = SURVIVORS / HORIZON
    for q in QUEUES:
        q["places"] = round(per_day * q["share"] * q["service_days"] / 0.85)
    services = [q for q in QUEUES if q["type"] not in {"shelter", "courts"}]
    shelter, courts = QUEUES[4], QUEUES[5]
    same = scenario_from_dict(
        {
            "name": "fixed capacity",
            "horizon_days": HORIZON,
            "replications": REPLICATIONS,
            "seed": 1,
            "arrivals": {"per_day": per_day},
            "services": [
                {"type": q["type"], "places": q["places"], "service_days": q["service_days"], "share": q["share"]}
                for q in services
            ],
            "shelter": {"beds": shelter["places"], "stay_days": shelter["service_days"], "share": shelter["share"]},
            "courts": {"places": courts["places"], "proceeding_days": courts["service_days"], "share": courts["share"]},
        }
    )
    pandemic = ready_scenarios()[WITH_PLAN]
    scale = per_day / pandemic.arrivals.per_day
    data = pandemic.model_dump()
    data["arrivals"]["per_day"] = per_day
    for service in data["services"]:
        service["places"] = round(service["places"] * scale)
    data["shelter"]["beds"] = round(data["shelter"]["beds"] * scale)
    data["courts"]["places"] = round(data["courts"]["places"] * scale)
    for policy in data["policies"]:
        if "places" in policy:
            policy["places"] = round(policy["places"] * scale)
        if policy["kind"] == "quarantine_wing":
            policy["beds"] = round(policy["beds"] * scale)
    pandemic = scenario_from_dict(data)

    results = {}
    for label, scenario in (("fixed capacity", same), ("pandemic wave with the plan", pandemic)):
        began, cpu = time.perf_counter(), time.process_time()
        result = run(scenario)
        seconds, cpu_seconds = time.perf_counter() - began, time.process_time() - cpu
        survivors = result.figures["survivors"]["arrivals"].mean
        visits = sum(result.figures[g]["arrivals"].mean for g in result.figures if "lambda_wait" in result.figures[g])
        results[label] = (seconds, cpu_seconds, result)
        print(
            f"lantern  {label:<28} {survivors:>9,.0f} survivors x {REPLICATIONS} replications "
            f"({visits * REPLICATIONS:>10,.0f} service visits): {seconds:6.2f} s "
            f"({visits * REPLICATIONS / seconds:>10,.0f} visits/s), CPU {cpu_seconds:6.2f} s"
        )

    spec = {"horizon_days": HORIZON, "replications": REPLICATIONS, "seed": 1, "per_day": per_day, "queues": QUEUES}
    out = subprocess.run(  # noqa: S603 (our own script, fixed argv)
        [anchor_python(), HERE / "anchors" / "simpy_queues.py"],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": ""},
    )
    anchor = json.loads(out.stdout)
    print(
        f"simpy    {'fixed capacity':<28} {'':>9} {'':>9} {'':>14} ({anchor['visits']:>10,.0f} service visits): "
        f"{anchor['seconds']:6.2f} s ({anchor['visits'] / anchor['seconds']:>10,.0f} visits/s), "
        f"CPU {anchor['cpu_seconds']:6.2f} s"
    )
    lantern_seconds, lantern_cpu, lantern_result = results["fixed capacity"]
    print("mean wait (days), lantern vs simpy:")
    for q in QUEUES:
        ours = lantern_result.figures[q["type"]]["mean_wait_days"]
        print(
            f"  {q['type']:<16} {ours.mean:8.3f} ({ours.low:.3f}-{ours.high:.3f}) "
            f"{anchor['mean_wait_days'][q['type']]:8.3f}"
        )
    print(
        f"ratio simpy / lantern on the same scenario: {anchor['seconds'] / lantern_seconds:.1f}x wall clock, "
        f"{anchor['cpu_seconds'] / lantern_cpu:.1f}x CPU time (target >= 5x)"
    )
    print(f"pandemic wave, 100,000 survivors x 10: {results['pandemic wave with the plan'][0]:.2f} s (target < 30 s)")


if __name__ == "__main__":
    main()
