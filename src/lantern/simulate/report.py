"""A run's results as data for the page, the command's --json and --out, and the sentence that compares two."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from lantern.cases.codes import SERVICE_TYPES
from lantern.core.exports import csv_writer
from lantern.simulate.engine import COURTS, SHELTER, Estimate, Result


def as_json(result: Result) -> dict[str, Any]:
    """Per service type `mean_wait_days` and its `ci95` (two numbers), then every other figure as mean and ci95."""
    services: dict[str, Any] = {}
    for service in result.scenario.services:
        figures = result.figures[service.type]
        wait = figures["mean_wait_days"]
        out: dict[str, Any] = {"mean_wait_days": wait.as_json()["mean"], "ci95": wait.as_json()["ci95"]}
        out.update({key: est.as_json() for key, est in figures.items() if key != "mean_wait_days"})
        services[service.type] = out
    data: dict[str, Any] = {
        "scenario": result.scenario.name,
        "horizon_days": result.scenario.horizon_days,
        "replications": result.scenario.replications,
        "seed": result.scenario.seed,
        "seconds": round(result.seconds, 3),
        "services": services,
    }
    for group in (SHELTER, "quarantine_wing", COURTS, "minimum_package", "cost", "survivors"):
        if group in result.figures:
            data[group] = {key: est.as_json() for key, est in result.figures[group].items()}
    return data


def series_csv(result: Result) -> str:
    """The daily series (means over the replications), one column per series."""
    columns = [(group, key) for group, values in result.series.items() for key in values]
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(["day", *(f"{group}.{key}" for group, key in columns)])
    for day in range(result.scenario.horizon_days):
        writer.writerow([day + 1, *(f"{result.series[g][k][day]:.4g}" for g, k in columns)])
    return out.getvalue()


def days(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return "∞"
    if abs(value) >= 10_000:
        return f"{value:,.0f}"
    return f"{value:.0f}" if abs(value) >= 10 else f"{value:.1f}"


DASH = "\N{EN DASH}"


def interval(est: Estimate) -> str:
    return f"{days(est.low)}{DASH}{days(est.high)}"


def with_interval(est: Estimate) -> str:
    return f"{days(est.mean)} ({interval(est)})"


@dataclass(frozen=True)
class Difference:
    group: str
    key: str
    before: Estimate
    after: Estimate

    @property
    def change(self) -> float:
        return self.after.mean - self.before.mean


def waits_compared(before: Result, after: Result) -> list[Difference]:
    """Median time to first service of every queue both runs have, the largest change first."""
    rows = []
    for group, figures in before.figures.items():
        if "median_wait_days" in figures and group in after.figures:
            rows.append(
                Difference(
                    group, "median_wait_days", figures["median_wait_days"], after.figures[group]["median_wait_days"]
                )
            )
    return sorted(rows, key=lambda d: -abs(d.change))


def shown(text: str) -> str:
    """A scenario's name or label as shown: the ready scenarios' are in the app's catalogue, anyone else's stays
    as typed."""
    return _(text) if text else text


def service_name(group: str) -> str:
    """A queue's name inside a sentence: the service catalogue's label (lower case), or the code as typed."""
    names = {SHELTER: _("a shelter bed"), COURTS: _("a court"), "quarantine_wing": _("the quarantine wing")}
    if group in names:
        return str(names[group])
    if group in SERVICE_TYPES:
        label = str(SERVICE_TYPES[group])
        return label[:1].lower() + label[1:]
    return group.replace("_", " ")


def sentence(before: Result, after: Result) -> str:
    """The headline: the queue whose median wait changes most, before and after, with the 95% intervals ("With
    the contingency plan, median wait for legal aid falls from 41 days (38-44) to 12 days (11-13).")."""
    rows = waits_compared(before, after)
    if not rows:
        return ""
    d = rows[0]
    values = {
        "name": shown(after.scenario.label or after.scenario.name),
        "service": service_name(d.group),
        "before": days(d.before.mean),
        "before_ci": interval(d.before),
        "after": days(d.after.mean),
        "after_ci": interval(d.after),
    }
    if abs(d.change) < 0.05:
        return _("With %(name)s, median wait for %(service)s stays at %(before)s days (%(before_ci)s).") % values
    if d.change < 0:
        return (
            _(
                "With %(name)s, median wait for %(service)s falls from %(before)s days (%(before_ci)s)"
                " to %(after)s days (%(after_ci)s)."
            )
            % values
        )
    return (
        _(
            "With %(name)s, median wait for %(service)s rises from %(before)s days (%(before_ci)s)"
            " to %(after)s days (%(after_ci)s)."
        )
        % values
    )


# What the command prints, in order: (group, figure, title); "*services" repeats the row for every service.
ROWS = [
    ("*services", "mean_wait_days", "mean wait (days)"),
    ("*services", "median_wait_days", "median wait (days)"),
    ("*services", "within_deadline", "within package deadline"),
    ("minimum_package", "compliance", "minimum package compliance"),
    ("shelter", "median_wait_days", "shelter median wait (days)"),
    ("shelter", "occupancy_rate", "shelter occupancy"),
    ("shelter", "overflow_days", "shelter overflow days"),
    ("shelter", "max_waiting_for_repatriation", "most waiting for repatriation"),
    ("quarantine_wing", "median_wait_days", "quarantine wing median wait"),
    ("courts", "mean_backlog", "court backlog (mean)"),
    ("courts", "max_backlog", "court backlog (highest)"),
    ("cost", "total", "cost"),
]
