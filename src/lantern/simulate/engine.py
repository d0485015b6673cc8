"""Lantern's crisis simulator: survivors arrive, each needs some services, a shelter bed, a court; every service is
a FCFS queue whose places change over time with the crisis and the policies (see queues.py and docs/simulate.md).

One replication draws every random number up front from its own numpy Generator (spawned from the scenario's seed,
in a fixed order), then runs each queue in one pass: the same scenario and seed give the same output bit for bit.
The replications give 95% confidence intervals (Student's t over replications)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from lantern.simulate.queues import Capacity, fcfs_general, fcfs_starts
from lantern.simulate.scenario import (
    Courts,
    EmergencyFunding,
    QuarantineWing,
    RemoteDelivery,
    RemoteHearings,
    Scenario,
    Service,
    Shelter,
    daily_arrival_rates,
)

SHELTER = "shelter"
COURTS = "courts"
QUARANTINE = "quarantine_wing"

# Student's t, 0.975 quantile, by degrees of freedom (1..30); beyond 30 the normal 1.96 is within 2%.
T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def t975(df: int) -> float:
    if df < 1:
        return math.nan
    if df <= len(T975):
        return T975[df - 1]
    return 1.96 + 2.4 / df  # close to the exact quantile (2.021 at 40, 2.000 at 60, 1.984 at 100)


@dataclass(frozen=True)
class Estimate:
    """A mean over replications and its 95% confidence interval."""

    mean: float
    low: float
    high: float

    @classmethod
    def of(cls, values: list[float]) -> Estimate:
        arr = np.asarray(values, dtype=float)
        mean = float(arr.mean())
        if len(arr) < 2 or not np.isfinite(arr).all():
            return cls(mean, mean, mean)
        half = t975(len(arr) - 1) * float(arr.std(ddof=1)) / math.sqrt(len(arr))
        # A count, a wait or a cost is never negative: neither is the low end of its interval.
        low = max(mean - half, 0.0) if arr.min() >= 0 else mean - half
        return cls(mean, low, mean + half)

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2

    def covers(self, value: float) -> bool:
        return self.low <= value <= self.high

    def as_json(self) -> dict[str, float | list[float]]:
        return {"mean": _round(self.mean), "ci95": [_round(self.low), _round(self.high)]}


def _round(x: float) -> float:
    return float(f"{x:.6g}") if math.isfinite(x) else x


# --- capacity over time ---------------------------------------------------------------------------------------


def _windows_on(day: float, windows: list[tuple[int, int]]) -> bool:
    return any(b0 <= day < b1 for b0, b1 in windows)


def _round_places(x: float) -> int:
    return math.floor(x + 0.5)


def _emergency(scenario: Scenario, target: str, day: float) -> int:
    return sum(
        p.places
        for p in scenario.policies
        if isinstance(p, EmergencyFunding)
        and p.service == target
        and p.from_day <= day < (p.until_day if p.until_day is not None else math.inf)
    )


def _edges(scenario: Scenario, target: str) -> list[int]:
    edges = {0}
    for c in scenario.crisis:
        edges |= {c.start_day, c.end_day}
    for a in scenario.staff_absence:
        edges |= {a.start_day, a.end_day}
    for w in scenario.court_suspensions:
        edges |= {w.start_day, w.end_day}
    for p in scenario.policies:
        if isinstance(p, EmergencyFunding) and p.service == target:
            edges.add(p.from_day)
            if p.until_day is not None:
                edges.add(p.until_day)
    return sorted(edges)


def _absence_factor(scenario: Scenario, target: str, day: float) -> float:
    factor = 1.0
    for a in scenario.staff_absence:
        if a.covers(day) and (not a.services or target in a.services):
            factor *= 1.0 - a.absence
    return factor


def _lockdown(scenario: Scenario, day: float) -> bool:
    return any(c.lockdown and c.covers(day) for c in scenario.crisis)


def nominal_places(scenario: Scenario, target: str, day: float) -> int:
    """Places paid for on a day (the base and any emergency funding), whoever is absent."""
    if target == SHELTER:
        base = scenario.shelter.beds if scenario.shelter else 0
    elif target == COURTS:
        base = scenario.courts.places if scenario.courts else 0
    else:
        base = next(s.places for s in scenario.services if s.type == target)
    return base + _emergency(scenario, target, day)


def places_on(scenario: Scenario, target: str, day: float) -> int:
    """Places actually working on a day, after staff absence, lockdown and court suspensions, and the policies."""
    nominal = nominal_places(scenario, target, day)
    if target == SHELTER:
        return nominal  # beds stay beds: absence and lockdown do not close them
    factor = _absence_factor(scenario, target, day)
    if target == COURTS:
        if any(w.covers(day) for w in scenario.court_suspensions):
            factor *= max((p.keep for p in scenario.policies if isinstance(p, RemoteHearings)), default=0.0)
    elif _lockdown(scenario, day):
        service = next(s for s in scenario.services if s.type == target)
        kept = [
            p.keep
            for p in scenario.policies
            if isinstance(p, RemoteDelivery) and (not p.services or target in p.services)
        ]
        factor *= max([service.lockdown_capacity, *kept])
    return _round_places(nominal * factor)


def capacity_of(scenario: Scenario, target: str) -> Capacity:
    breaks: list[float] = []
    places: list[int] = []
    for edge in _edges(scenario, target):
        n = places_on(scenario, target, edge)
        if not places or n != places[-1]:
            breaks.append(float(edge))
            places.append(n)
    return Capacity(breaks, places)


def place_days(scenario: Scenario, target: str) -> float:
    """Place-days paid for over the horizon."""
    return float(sum(nominal_places(scenario, target, day) for day in range(scenario.horizon_days)))


# --- drawing ------------------------------------------------------------------------------------------------------


def _durations(rng: np.random.Generator, mean: float, distribution: str, cv: float, n: int) -> np.ndarray:
    if distribution == "fixed":
        rng.random(n)  # the same draws whatever the distribution, so scenarios that differ only here stay paired
        return np.full(n, mean)
    if distribution == "lognormal":
        sigma2 = math.log1p(cv * cv)
        return rng.lognormal(math.log(mean) - sigma2 / 2, math.sqrt(sigma2), n)
    return rng.exponential(mean, n)


def daily_shares(scenario: Scenario, target: str, share: float) -> np.ndarray:
    days = np.arange(scenario.horizon_days)
    shares = np.full(scenario.horizon_days, share)
    for crisis in scenario.crisis:
        if target in crisis.share_multipliers:
            shares[(days >= crisis.start_day) & (days < crisis.end_day)] *= crisis.share_multipliers[target]
    return np.minimum(shares, 1.0)


def _quarantine_on(scenario: Scenario, days: np.ndarray) -> np.ndarray:
    on = np.zeros(len(days), dtype=bool)
    for crisis in scenario.crisis:
        if crisis.quarantine:
            on |= (days >= crisis.start_day) & (days < crisis.end_day)
    return on


def _merged(windows: list[tuple[int, int]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for b0, b1 in sorted(windows):
        if out and b0 <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b1))
        else:
            out.append((float(b0), float(b1)))
    return out


# --- one queue's figures -------------------------------------------------------------------------------------------


@dataclass
class QueueRun:
    arrivals: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    def waits(self) -> np.ndarray:
        return self.starts - self.arrivals


def _queue_figures(run: QueueRun, horizon: float, grid: np.ndarray) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """Wait figures, Little's law on the waiting line and on the people in service, and the daily series."""
    n = len(run.arrivals)
    waits = run.waits()
    finite = np.isfinite(waits)
    figures: dict[str, float] = {"arrivals": float(n)}
    if n:
        figures["mean_wait_days"] = float(waits.mean()) if finite.all() else math.inf
        figures["median_wait_days"] = float(np.median(waits))
        figures["p90_wait_days"] = float(np.quantile(waits, 0.9))
        figures["served"] = float(np.count_nonzero(run.starts < horizon))
        figures["mean_time_in_system_days"] = float((run.ends - run.arrivals).mean()) if finite.all() else math.inf
    else:
        for key in ("mean_wait_days", "median_wait_days", "p90_wait_days", "served", "mean_time_in_system_days"):
            figures[key] = 0.0
    # People waiting and people in the system at the end of each day.
    arrived = np.searchsorted(run.arrivals, grid, side="right")
    started = np.searchsorted(np.sort(run.starts), grid, side="right")
    ended = np.searchsorted(np.sort(run.ends), grid, side="right")
    series = {"waiting": (arrived - started).astype(float), "in_system": (arrived - ended).astype(float)}
    # Little's law, L = lambda W, over the horizon: L is the average of the daily counts above, lambda the arrivals
    # per day, W the mean time each person spent waiting (or in the system) before the horizon. The two sides
    # come from different code (counts of the sorted times; each person's own times) and must agree.
    lam = n / horizon
    figures["lambda_per_day"] = lam
    figures["mean_waiting"] = float(series["waiting"].mean())
    figures["lambda_wait"] = float((np.minimum(run.starts, horizon) - run.arrivals).sum()) / horizon
    figures["mean_in_system"] = float(series["in_system"].mean())
    figures["lambda_time_in_system"] = float((np.minimum(run.ends, horizon) - run.arrivals).sum()) / horizon
    return figures, series


# --- one replication -----------------------------------------------------------------------------------------------


@dataclass
class Replication:
    figures: dict[str, dict[str, float]] = field(default_factory=dict)
    series: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)


def _service_queue(
    rng: np.random.Generator,
    scenario: Scenario,
    spec: Service | Courts,
    target: str,
    times: np.ndarray,
    day: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Who needs it (a mask over the survivors) and how long each would take."""
    n = len(times)
    shares = daily_shares(scenario, target, spec.share)
    needs = rng.random(n) < shares[day]
    mean = spec.service_days if isinstance(spec, Service) else spec.proceeding_days
    durations = _durations(rng, mean, spec.distribution, spec.cv, n)
    return needs, durations


def run_replication(scenario: Scenario, rng: np.random.Generator) -> Replication:
    horizon = float(scenario.horizon_days)
    grid = np.arange(1, scenario.horizon_days + 1, dtype=float)
    rates = daily_arrival_rates(scenario)
    counts = rng.poisson(rates)
    day = np.repeat(np.arange(scenario.horizon_days), counts)
    times = np.sort(day + rng.random(len(day)))
    day = times.astype(np.int64)
    rep = Replication()
    rep.figures["survivors"] = {"arrivals": float(len(times))}
    package_ok = np.ones(len(times), dtype=bool)
    package_due = np.zeros(len(times), dtype=bool)
    for service in scenario.services:
        needs, durations = _service_queue(rng, scenario, service, service.type, times, day)
        arr = times[needs]
        dur = durations[needs]
        starts = np.asarray(fcfs_starts(arr.tolist(), dur.tolist(), capacity_of(scenario, service.type)))
        run = QueueRun(arr, starts, starts + dur)
        figures, series = _queue_figures(run, horizon, grid)
        figures["cost"] = place_days(scenario, service.type) * service.cost_per_place_day + (
            figures["served"] * service.cost_per_service
        )
        if service.minimum_package_days is not None:
            in_time = run.waits() <= service.minimum_package_days
            figures["within_deadline"] = float(in_time.mean()) if len(in_time) else 1.0
            package_due |= needs
            package_ok[np.flatnonzero(needs)[~in_time]] = False
        rep.figures[service.type] = figures
        rep.series[service.type] = series
    if scenario.shelter is not None:
        _run_shelter(rng, scenario, scenario.shelter, times, day, horizon, grid, rep)
    if scenario.courts is not None:
        _run_courts(rng, scenario, scenario.courts, times, day, horizon, grid, rep)
    due = int(package_due.sum())
    rep.figures["minimum_package"] = {
        "compliance": float(package_ok[package_due].mean()) if due else 1.0,
        "survivors_due": float(due),
    }
    rep.figures["cost"] = {"total": _policy_cost(scenario) + sum(f.get("cost", 0.0) for f in rep.figures.values())}
    return rep


def _policy_cost(scenario: Scenario) -> float:
    total = 0.0
    lockdown_days = sum(1 for d in range(scenario.horizon_days) if _lockdown(scenario, d))
    suspended_days = sum(1 for d in range(scenario.horizon_days) if _windows_on(d, _suspensions(scenario)))
    for p in scenario.policies:
        if isinstance(p, RemoteDelivery):
            total += p.cost_per_day * lockdown_days
        elif isinstance(p, RemoteHearings):
            total += p.cost_per_day * suspended_days
        elif isinstance(p, QuarantineWing):
            total += p.beds * scenario.horizon_days * p.cost_per_bed_day  # paid for whether used or not
    return total


def _suspensions(scenario: Scenario) -> list[tuple[int, int]]:
    return [(w.start_day, w.end_day) for w in scenario.court_suspensions]


def _run_shelter(
    rng: np.random.Generator,
    scenario: Scenario,
    shelter: Shelter,
    times: np.ndarray,
    day: np.ndarray,
    horizon: float,
    grid: np.ndarray,
    rep: Replication,
) -> None:
    n = len(times)
    shares = daily_shares(scenario, SHELTER, shelter.share)
    needs = rng.random(n) < shares[day]
    stays = _durations(rng, shelter.stay_days, shelter.distribution, shelter.cv, n)
    going_home = rng.random(n) < shelter.repatriation_share
    arr, stay, home = times[needs], stays[needs], going_home[needs]
    isolated = _quarantine_on(scenario, arr.astype(np.int64))
    wing = next((p for p in scenario.policies if isinstance(p, QuarantineWing)), None)
    bed_arrivals = arr
    # Decided by the scenario, not by this replication's draws, so that every replication reports the same figures.
    protocol = bool(shelter.quarantine_days) and any(c.quarantine for c in scenario.crisis)
    if protocol and wing is None:
        # No wing: the new resident is isolated in a regular bed, which she holds that much longer.
        stay = stay + np.where(isolated, shelter.quarantine_days, 0.0)
    elif protocol and wing is not None:
        # A wing: isolation first, in the wing's own beds, then a regular bed (waiting for it outside the wing).
        q_arr = arr[isolated]
        q_dur = np.full(len(q_arr), shelter.quarantine_days)
        q_starts = np.asarray(fcfs_starts(q_arr.tolist(), q_dur.tolist(), Capacity.constant(wing.beds)))
        wing_run = QueueRun(q_arr, q_starts, q_starts + q_dur)
        wing_figures, wing_series = _queue_figures(wing_run, horizon, grid)
        rep.figures[QUARANTINE] = wing_figures
        rep.series[QUARANTINE] = wing_series
        bed_arrivals = arr.copy()
        bed_arrivals[isolated] = q_starts + q_dur
    order = np.argsort(bed_arrivals, kind="stable")
    b_arr, b_stay, b_home = bed_arrivals[order], stay[order], home[order]
    starts_l, ends_l = fcfs_general(
        b_arr.tolist(),
        b_stay.tolist(),
        capacity_of(scenario, SHELTER),
        held=b_home.tolist(),
        hold_windows=_merged([(w.start_day, w.end_day) for w in scenario.border_closures]),
    )
    starts, ends = np.asarray(starts_l), np.asarray(ends_l)
    # Each resident's wait runs from her arrival to her first bed: in the wing if she went through it.
    bed_start = np.empty(len(arr))
    bed_start[order] = starts
    bed_end = np.empty(len(arr))
    bed_end[order] = ends
    first_start = bed_start.copy()
    if protocol and wing is not None:
        first_start[isolated] = q_starts
    figures, series = _queue_figures(QueueRun(arr, first_start, bed_end), horizon, grid)
    beds_over_time = np.array([places_on(scenario, SHELTER, d - 1) for d in grid.astype(int)], dtype=float)
    occupied = (
        np.searchsorted(starts, grid, side="right") - np.searchsorted(np.sort(ends), grid, side="right")
    ).astype(float)
    series["occupied"] = occupied
    figures["mean_occupied"] = float(occupied.mean())
    figures["occupancy_rate"] = float((occupied / beds_over_time).mean())
    figures["overflow_days"] = float(np.count_nonzero(series["waiting"] > 0))
    # Waiting for repatriation: in a bed after the day she would have gone home, because a border is closed.
    natural = starts + b_stay
    kept = b_home & (ends > natural)
    series["waiting_for_repatriation"] = (
        np.searchsorted(np.sort(natural[kept]), grid, side="right")
        - np.searchsorted(np.sort(ends[kept]), grid, side="right")
    ).astype(float)
    figures["mean_waiting_for_repatriation"] = float(series["waiting_for_repatriation"].mean())
    figures["max_waiting_for_repatriation"] = float(series["waiting_for_repatriation"].max(initial=0.0))
    figures["cost"] = place_days(scenario, SHELTER) * shelter.cost_per_bed_day
    rep.figures[SHELTER] = figures
    rep.series[SHELTER] = series


def _run_courts(
    rng: np.random.Generator,
    scenario: Scenario,
    courts: Courts,
    times: np.ndarray,
    day: np.ndarray,
    horizon: float,
    grid: np.ndarray,
    rep: Replication,
) -> None:
    needs, durations = _service_queue(rng, scenario, courts, COURTS, times, day)
    arr, dur = times[needs], durations[needs]
    remote = max((p.keep for p in scenario.policies if isinstance(p, RemoteHearings)), default=0.0)
    pauses = [(b0, b1, 1.0 - remote) for b0, b1 in _merged(_suspensions(scenario))]
    starts_l, ends_l = fcfs_general(arr.tolist(), dur.tolist(), capacity_of(scenario, COURTS), pauses=pauses)
    run = QueueRun(arr, np.asarray(starts_l), np.asarray(ends_l))
    figures, series = _queue_figures(run, horizon, grid)
    # The backlog: proceedings opened and not yet judged (waiting for a first hearing or under way).
    series["backlog"] = series["in_system"]
    figures["mean_backlog"] = float(series["backlog"].mean())
    figures["max_backlog"] = float(series["backlog"].max(initial=0.0))
    figures["backlog_at_end"] = float(series["backlog"][-1]) if len(series["backlog"]) else 0.0
    figures["cost"] = place_days(scenario, COURTS) * courts.cost_per_place_day
    rep.figures[COURTS] = figures
    rep.series[COURTS] = series


# --- the whole run -------------------------------------------------------------------------------------------------


@dataclass
class Result:
    scenario: Scenario
    figures: dict[str, dict[str, Estimate]]
    series: dict[str, dict[str, np.ndarray]]  # mean over replications, one value per day
    replications: list[dict[str, dict[str, float]]]
    seconds: float = 0.0

    def estimate(self, group: str, key: str) -> Estimate:
        return self.figures[group][key]


Progress = Callable[[int, int], None]


def run(scenario: Scenario, *, progress: Progress | None = None) -> Result:
    import time

    began = time.perf_counter()
    streams = np.random.SeedSequence(scenario.seed).spawn(scenario.replications)
    reps: list[Replication] = []
    for i, stream in enumerate(streams):
        reps.append(run_replication(scenario, np.random.Generator(np.random.PCG64(stream))))
        if progress is not None:
            progress(i + 1, scenario.replications)
    figures: dict[str, dict[str, Estimate]] = {}
    for group, values in reps[0].figures.items():
        figures[group] = {key: Estimate.of([r.figures[group][key] for r in reps]) for key in values}
    series = {
        group: {key: np.mean([r.series[group][key] for r in reps], axis=0) for key in values}
        for group, values in reps[0].series.items()
    }
    return Result(
        scenario=scenario,
        figures=figures,
        series=series,
        replications=[r.figures for r in reps],
        seconds=time.perf_counter() - began,
    )
