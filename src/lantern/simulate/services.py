"""Writes of the simulator: queue a run too long for a page request, and compute it in the worker."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lantern.core.audit import audit_record
from lantern.core.models import User
from lantern.core.permissions import require
from lantern.simulate import stored
from lantern.simulate.engine import run
from lantern.simulate.models import RunStatus, SimulationRun
from lantern.simulate.permissions import SimulateAction
from lantern.simulate.scenario import Scenario, ScenarioError, daily_arrival_rates, scenario_from_toml

logger = logging.getLogger(__name__)

# What the worker takes on: survivors times replications of both scenarios (a million take about a second here;
# past this, `lantern simulate` on a machine of its own is the place).
WORKER_MAX_WORK = 100_000_000
# Runs not yet finished that one person may have on the worker, which also sends the notifications. A run left
# unfinished by a crashed worker stops counting after a day, so it cannot shut its author out for good.
MAX_UNFINISHED_RUNS = 2
UNFINISHED_FOR_AT_MOST = timedelta(days=1)


def work_of(scenario: Scenario) -> float:
    """Survivors times replications: the expected arrivals of every day (all the factors of the rate multiplied,
    as the engine does) summed over the horizon."""
    return float(daily_arrival_rates(scenario).sum()) * scenario.replications


def _parsed(field: str, text: str) -> Scenario:
    try:
        return scenario_from_toml(text)
    except ScenarioError as exc:
        raise ValidationError({field: str(exc)}) from None


@transaction.atomic
def run_queue(*, actor: User, scenario: str, compare: str = "") -> SimulationRun:
    require(actor, SimulateAction.RUN)
    # Two requests at once must not both pass the count: her row is locked until this one commits.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    unfinished = SimulationRun.objects.filter(
        created_by=actor,
        status__in=[RunStatus.QUEUED, RunStatus.RUNNING],
        created_at__gte=timezone.now() - UNFINISHED_FOR_AT_MOST,
    ).count()
    if unfinished >= MAX_UNFINISHED_RUNS:
        raise ValidationError(
            {
                "scenario": ngettext(
                    "You already have %(n)d run waiting for the worker: queue another when it has finished.",
                    "You already have %(n)d runs waiting for the worker: queue another when one has finished.",
                    unfinished,
                )
                % {"n": unfinished}
            }
        )
    scenarios = [_parsed("scenario", scenario)]
    if compare.strip():
        scenarios.append(_parsed("compare", compare))
    if sum(work_of(s) for s in scenarios) > WORKER_MAX_WORK:
        raise ValidationError(
            {"scenario": _("This scenario is too large even for the worker: run it with lantern simulate.")}
        )
    queued = SimulationRun.objects.create(
        created_by=actor,
        scenario=scenario,
        compare=compare if compare.strip() else "",
        replications_total=sum(s.replications for s in scenarios),
    )
    audit_record(
        action="simulate.run_queued",
        actor=actor,
        object_type="simulate.run",
        object_id=queued.pk,
        detail={"replications": queued.replications_total, "compare": len(scenarios) == 2},
    )
    from lantern.simulate.tasks import simulation_run  # the task imports this module

    transaction.on_commit(lambda: simulation_run.enqueue(queued.pk))
    return queued


def run_execute(*, run_id: int) -> None:
    """Compute a queued run, writing its progress after each replication. A run already claimed is left alone, so
    the task may run twice."""
    if not SimulationRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(status=RunStatus.RUNNING):
        return
    queued = SimulationRun.objects.get(pk=run_id)
    texts = [queued.scenario] + ([queued.compare] if queued.compare else [])
    done_before = 0
    results = []
    try:
        for text in texts:
            scenario = scenario_from_toml(text)

            def progress(done: int, total: int, offset: int = done_before) -> None:
                SimulationRun.objects.filter(pk=run_id).update(replications_done=offset + done)

            results.append(run(scenario, progress=progress))
            done_before += scenario.replications
    except Exception as exc:
        logger.exception("simulation run %s failed", run_id)
        SimulationRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, error=exc.__class__.__name__, finished_at=timezone.now()
        )
        return
    with transaction.atomic():
        SimulationRun.objects.filter(pk=run_id).update(
            status=RunStatus.DONE,
            result={"results": [stored.to_json(r) for r in results]},
            replications_done=queued.replications_total,
            finished_at=timezone.now(),
        )
        audit_record(
            action="simulate.run_done",
            actor=queued.created_by,
            object_type="simulate.run",
            object_id=run_id,
            detail={"milliseconds": round(1000 * sum(r.seconds for r in results))},
        )


def run_results(queued: SimulationRun) -> list[stored.Result]:
    if queued.status != RunStatus.DONE or not queued.result:
        return []
    return [stored.from_json(data) for data in queued.result["results"]]
