"""The API with the staff UI's session: a write without the CSRF token is refused (and changes nothing), with it
it goes through; a body larger than the server accepts is a 413 problem, not a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from lantern.crisis.models import CrisisEvent
from tests.conftest import World

pytestmark = pytest.mark.django_db

CRISIS = {"name": "Floods", "kind": "disaster", "country": "GR", "starts_on": "2026-03-01"}


@pytest.fixture
def browser(world: World, settings: object) -> Client:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.coordinator)
    return client


def test_a_session_write_without_the_csrf_token_is_refused(browser: Client) -> None:
    response = browser.post("/api/v1/crises", data=json.dumps(CRISIS), content_type="application/json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert not CrisisEvent.objects.exists()


def test_a_session_write_with_the_csrf_token_goes_through(browser: Client) -> None:
    browser.get("/")  # the page sets the CSRF cookie, as the staff UI does
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        "/api/v1/crises", data=json.dumps(CRISIS), content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201
    assert browser.get("/api/v1/crises").status_code == 200  # reading needs no token


def test_anonymous_callers_are_still_told_to_authenticate() -> None:
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/crises", data=json.dumps(CRISIS), content_type="application/json"
    )
    assert response.status_code == 401


def test_a_body_too_large_is_a_413_problem(api_client: dict[str, Client]) -> None:
    body = json.dumps({**CRISIS, "name": "x" * 3_000_000})
    response = api_client["coordinator"].post("/api/v1/crises", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert not CrisisEvent.objects.exists()
