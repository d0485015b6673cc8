"""The simulator API: queue a run (the worker computes it) and read its progress, then its results."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Status

from lantern.core.api import ERRORS, api_user
from lantern.simulate import report
from lantern.simulate.models import SimulationRun
from lantern.simulate.permissions import SimulateAction
from lantern.simulate.schemas import RunIn, RunOut
from lantern.simulate.selectors import run_get_for_user
from lantern.simulate.services import run_queue, run_results

router = Router(tags=["simulate"])

MAX_ID = 2**62


def _out(run: SimulationRun) -> dict[str, Any]:
    results = run_results(run)
    result: dict[str, Any] | None = None
    if results:
        result = {"baseline": report.as_json(results[0])}
        if len(results) == 2:
            result |= {"compare": report.as_json(results[1]), "sentence": report.sentence(results[0], results[1])}
    return {
        "id": run.pk,
        "status": run.status,
        "replications_done": run.replications_done,
        "replications_total": run.replications_total,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "result": result,
    }


@router.post("/simulate/runs", response={202: RunOut, **ERRORS}, operation_id="simulate_runs_create")
def runs_create(request: HttpRequest, payload: RunIn) -> Status:
    user = api_user(request, SimulateAction.RUN)
    return Status(202, _out(run_queue(actor=user, scenario=payload.scenario, compare=payload.compare)))


@router.get("/simulate/runs/{run_id}", response={200: RunOut, **ERRORS}, operation_id="simulate_runs_get")
def runs_get(request: HttpRequest, run_id: int) -> dict[str, Any]:
    user = api_user(request, SimulateAction.RUN)
    if not 1 <= run_id <= MAX_ID:
        raise Http404
    return _out(run_get_for_user(user, run_id))
