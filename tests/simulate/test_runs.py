"""A scenario too long for a page request is queued for the worker: its page shows the progress, then the same
comparison as the simulator's page. A run is seen by whoever queued it; the task may run twice."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lantern.core.models import AuditEvent
from lantern.simulate import forms, services
from lantern.simulate.models import RunStatus, SimulationRun
from lantern.simulate.ready import BASELINE, WITH_PLAN, ready_scenarios, ready_texts
from lantern.simulate.scenario import scenario_from_toml, scenario_to_toml
from tests.conftest import World
from tests.helpers import run_queued_tasks

PAGE = "/simulate/"


@pytest.fixture
def small_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ready scenarios count as too long for a request."""
    monkeypatch.setattr(forms, "PAGE_MAX_WORK", 1000)
    monkeypatch.setattr("lantern.simulate.views.PAGE_MAX_WORK", 1000)


def _queue(client: Client, capture: Any = None) -> str:
    texts = ready_texts()
    data = {"action": "run", "scenario": texts[BASELINE], "compare": texts[WITH_PLAN]}
    if capture is None:
        response = client.post(PAGE, data)
    else:
        with capture(execute=True):  # the task is queued once the run is committed
            response = client.post(PAGE, data)
    assert response.status_code == 302
    return str(response["Location"])


def test_a_long_run_is_queued_shows_its_progress_then_the_comparison(
    small_page: None, staff: dict[str, Client], world: World, django_capture_on_commit_callbacks: Any
) -> None:
    url = _queue(staff["coordinator"], django_capture_on_commit_callbacks)
    queued = SimulationRun.objects.get()
    assert url == f"/simulate/runs/{queued.pk}/"
    waiting = staff["coordinator"].get(url).content.decode()
    assert "0 of 20 replications done" in waiting
    assert "hx-trigger" in waiting
    assert run_queued_tasks() == 1
    queued.refresh_from_db()
    assert queued.status == RunStatus.DONE
    assert queued.replications_done == 20
    done = staff["coordinator"].get(url).content.decode()
    assert "With the contingency plan, median wait for" in done
    assert done.count("<svg ") >= 8
    assert "hx-trigger" not in done
    assert list(AuditEvent.objects.filter(object_type="simulate.run").values_list("action", flat=True)) == [
        "simulate.run_queued",
        "simulate.run_done",
    ]


def test_a_run_is_seen_by_whoever_queued_it_only(small_page: None, staff: dict[str, Client]) -> None:
    url = _queue(staff["coordinator"])
    assert staff["analyst"].get(url).status_code == 404
    assert staff["caseworker"].get(url).status_code == 403
    assert staff["coordinator"].get("/simulate/runs/999999/").status_code == 404


def test_the_task_run_twice_computes_once(world: World) -> None:
    queued = services.run_queue(actor=world.coordinator, scenario=ready_texts()[BASELINE])
    services.run_execute(run_id=queued.pk)
    first = SimulationRun.objects.get(pk=queued.pk).result
    services.run_execute(run_id=queued.pk)
    assert SimulationRun.objects.get(pk=queued.pk).result == first
    assert AuditEvent.objects.filter(action="simulate.run_done").count() == 1


def test_a_run_too_large_even_for_the_worker_is_refused_and_nothing_is_queued(
    small_page: None, staff: dict[str, Client]
) -> None:
    huge = (
        ready_texts()[BASELINE]
        .replace("per_day = 12.0", "per_day = 5000.0")
        .replace("replications = 10", "replications = 200")
    )
    response = staff["coordinator"].post(PAGE, {"action": "run", "scenario": huge})
    assert response.status_code == 400
    assert "lantern simulate" in response.content.decode()
    assert not SimulationRun.objects.exists()


def test_only_the_coordinator_and_the_analyst_may_queue(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.run_queue(actor=world.caseworker, scenario=ready_texts()[BASELINE])
    assert not SimulationRun.objects.exists()


def test_the_toml_written_reads_back_to_the_same_scenario() -> None:
    for scenario in ready_scenarios().values():
        assert scenario_from_toml(scenario_to_toml(scenario)) == scenario
