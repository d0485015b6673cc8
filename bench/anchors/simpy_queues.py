"""The anchor of bench_simulate.py: the same scenario as a straightforward SimPy model, run in its own virtualenv
(SimPy is no dependency of Lantern). Reads the scenario as JSON on stdin, prints the timing and mean waits as JSON.

Every survivor is a process that starts, at her arrival, one process per service she needs; each of those asks
the service's Resource for a place, holds it for her service time, and records the wait."""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from collections.abc import Generator
from typing import Any

import simpy


def replication(env: simpy.Environment, spec: dict, rng: random.Random, waits: dict[str, list[float]]) -> None:
    queues = spec["queues"]
    resources = {q["type"]: simpy.Resource(env, capacity=q["places"]) for q in queues}
    horizon = spec["horizon_days"]
    per_day = spec["per_day"]

    def visit(kind: str, duration: float) -> Generator[simpy.Event, Any, None]:
        arrived = env.now
        with resources[kind].request() as request:
            yield request
            waits[kind].append(env.now - arrived)
            yield env.timeout(duration)

    def arrivals() -> Generator[simpy.Event, Any, None]:
        while True:
            yield env.timeout(rng.expovariate(per_day))
            if env.now >= horizon:
                return
            for q in queues:
                if rng.random() < q["share"]:
                    env.process(visit(q["type"], rng.expovariate(1.0 / q["service_days"])))

    env.process(arrivals())


def main() -> None:
    spec = json.load(sys.stdin)
    began, cpu = time.perf_counter(), time.process_time()
    means: dict[str, list[float]] = {q["type"]: [] for q in spec["queues"]}
    visits = 0
    for r in range(spec["replications"]):
        rng = random.Random(spec["seed"] + r)
        env = simpy.Environment()
        waits: dict[str, list[float]] = {q["type"]: [] for q in spec["queues"]}
        replication(env, spec, rng, waits)
        env.run()
        for kind, values in waits.items():
            means[kind].append(statistics.fmean(values) if values else 0.0)
            visits += len(values)
    seconds, cpu_seconds = time.perf_counter() - began, time.process_time() - cpu
    mean_waits = {k: statistics.fmean(v) for k, v in means.items()}
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "visits": visits, "mean_wait_days": mean_waits}))


if __name__ == "__main__":
    main()
