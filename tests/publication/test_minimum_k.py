"""The smallest k of a publication is the national coordinator's to set (11 until she does): nobody publishes
below it, the analyst who publishes included, and only the coordinator changes it (audited)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from lantern.core.models import AuditEvent
from lantern.publication.crosstab import read_csv
from lantern.publication.models import PublicationRelease
from lantern.publication.services import dataset_key_for_file, minimum_k, minimum_k_set, publish
from tests.conftest import World
from tests.publication.helpers import records_csv


def _publish(actor: object, k: int) -> PublicationRelease:
    content = records_csv(200)
    key, label = dataset_key_for_file(content)
    return publish(
        actor=actor,  # type: ignore[arg-type]
        dataset_key=key, dataset_label=label, records=read_csv(content, ["gender"]), by=["gender"], k=k, source="t",
    )  # fmt: skip


@pytest.mark.parametrize("persona", ["analyst", "coordinator"])
def test_nobody_publishes_with_k_below_11_by_default(world: World, persona: str) -> None:
    assert minimum_k() == 11
    with pytest.raises(ValidationError) as refused:
        _publish(world.users[persona], k=2)
    assert "at least 11" in str(refused.value.message_dict["k"])
    assert not PublicationRelease.objects.exists()
    _publish(world.users[persona], k=11)


def test_only_the_coordinator_sets_the_minimum_and_it_is_audited(world: World) -> None:
    with pytest.raises(PermissionDenied):
        minimum_k_set(actor=world.analyst, minimum=2)
    assert minimum_k() == 11
    minimum_k_set(actor=world.coordinator, minimum=15)
    assert minimum_k() == 15
    event = AuditEvent.objects.get(action="insights.minimum_k")
    assert event.actor_id == world.coordinator.pk
    assert event.detail == {"minimum_k": 15, "previous": 11}
    with pytest.raises(ValidationError):
        _publish(world.analyst, k=11)
    with pytest.raises(ValidationError):
        minimum_k_set(actor=world.coordinator, minimum=1)


def test_the_api_and_the_console_keep_to_the_minimum(
    world: World, api_client: dict[str, Client], tmp_path: Path
) -> None:
    body = {"source": "csv", "csv_base64": base64.b64encode(records_csv(200)).decode(), "by": ["gender"], "k": 2}
    url = "/api/v1/insights/publication/releases"
    response = api_client["analyst"].post(url, body, content_type="application/json")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    refused = api_client["analyst"].put(
        "/api/v1/insights/publication/policy", {"minimum_k": 2}, content_type="application/json"
    )
    assert refused.status_code == 403
    done = api_client["coordinator"].put(
        "/api/v1/insights/publication/policy", {"minimum_k": 20}, content_type="application/json"
    )
    assert done.json()["minimum_k"] == 20
    assert api_client["analyst"].get("/api/v1/insights/publication/policy").json()["minimum_k"] == 20
    out = tmp_path / "ctdc.csv"
    with pytest.raises(CommandError) as console:
        call_command("stats", "ctdc", "--out", str(out), "--k", "11")
    assert "at least 20" in str(console.value)
    assert console.value.returncode == 2
    assert not out.exists()


def test_the_coordinator_sets_it_on_the_publication_page(world: World, staff: dict[str, Client]) -> None:
    assert "minimum_k" not in staff["analyst"].get("/insights/publication/").content.decode()
    assert staff["analyst"].post("/insights/publication/policy/", {"minimum_k": "2"}).status_code == 403
    assert "minimum_k" in staff["coordinator"].get("/insights/publication/").content.decode()
    bad = staff["coordinator"].post("/insights/publication/policy/", {"minimum_k": "1"})
    assert bad.status_code == 422
    assert 'value="1"' in bad.content.decode()
    assert staff["coordinator"].post("/insights/publication/policy/", {"minimum_k": "13"}).status_code == 302
    assert minimum_k() == 13
    assert "at least 13" in staff["analyst"].get("/insights/publication/").content.decode()
