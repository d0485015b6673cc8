"""The simulator's API: a run queued with its scenarios as TOML, computed by the worker, read with its progress and
then its results (what `lantern simulate --json` prints); a bad scenario is a problem naming the key, and queues
nothing."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from lantern.crisis.models import CrisisEvent
from lantern.simulate.models import SimulationRun
from lantern.simulate.ready import BASELINE, WITH_PLAN, ready_texts
from tests.helpers import run_queued_tasks
from tests.simulate.helpers import MINIMAL

RUNS = "/api/v1/simulate/runs"


def _post(client: Client, body: dict[str, Any]) -> Any:
    return client.post(RUNS, data=json.dumps(body), content_type="application/json")


def test_a_run_is_queued_computed_and_read_with_its_results(
    api_client: dict[str, Client], django_capture_on_commit_callbacks: Any
) -> None:
    texts = ready_texts()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(api_client["analyst"], {"scenario": texts[BASELINE], "compare": texts[WITH_PLAN]})
    assert response.status_code == 202
    queued = response.json()
    assert queued["status"] == "queued"
    assert queued["replications_total"] == 20
    assert queued["result"] is None
    run_queued_tasks()
    done = api_client["analyst"].get(f"{RUNS}/{queued['id']}").json()
    assert done["status"] == "done"
    assert done["replications_done"] == 20
    legal_aid = done["result"]["baseline"]["services"]["legal_aid"]
    low, high = legal_aid["ci95"]
    assert low <= legal_aid["mean_wait_days"] <= high
    assert done["result"]["sentence"].startswith("With the contingency plan")
    # Only whoever queued it reads it
    assert api_client["coordinator"].get(f"{RUNS}/{queued['id']}").status_code == 404


def test_a_bad_scenario_is_a_problem_naming_the_key_and_queues_nothing(api_client: dict[str, Client]) -> None:
    response = _post(api_client["coordinator"], {"scenario": MINIMAL.replace("places = 40", "places = 0")})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "services[0].places" in response.content.decode()
    response = _post(api_client["coordinator"], {"scenario": "x" * 300_000})
    assert response.status_code in (400, 422)
    assert not SimulationRun.objects.exists()


def test_the_session_without_its_csrf_token_is_refused(staff: dict[str, Client]) -> None:
    """A page's session cookie alone must not write through the API: another site could make the browser send it.
    (Every API write was open to this until the staff session's cookie reader stopped skipping django-ninja's CSRF
    check; the crisis declaration below is one of them.)"""
    client = staff["coordinator"]
    client.handler.enforce_csrf_checks = True
    response = _post(client, {"scenario": MINIMAL})
    assert response.status_code == 403
    assert not SimulationRun.objects.exists()
    declared = client.post(
        "/api/v1/crises",
        data=json.dumps({"name": "Floods", "kind": "disaster", "country": "GR", "starts_on": "2026-03-01"}),
        content_type="application/json",
    )
    assert declared.status_code == 403
    assert not CrisisEvent.objects.exists()
    # With the token the page carries, the same session may write
    client.get("/simulate/")
    token = client.cookies["csrftoken"].value
    response = client.post(RUNS, data=json.dumps({"scenario": MINIMAL}), content_type="application/json",
                           headers={"X-CSRFToken": token})  # fmt: skip
    assert response.status_code == 202


def test_unknown_or_absurd_run_ids_are_not_found(api_client: dict[str, Client]) -> None:
    assert api_client["coordinator"].get(f"{RUNS}/999999").status_code == 404
    assert api_client["coordinator"].get(f"{RUNS}/{2**70}").status_code in (404, 422)
