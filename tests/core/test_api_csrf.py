"""The API with the staff session: a signed-in browser's cookie counts only with the CSRF token.
Bearer tokens carry no ambient authority and are not asked for one."""

from __future__ import annotations

import pytest
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from lantern.cases.models import Case, Note
from tests.conftest import World


def _session_client(world: World) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.caseworker)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content_type", "origin"),
    [("text/plain", "https://evil.example"), ("application/json", "https://evil.example"), ("text/plain", None)],
)
def test_a_session_without_the_csrf_token_cannot_write(
    world: World, case: Case, settings: pytest.FixtureRequest, content_type: str, origin: str | None
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    client = _session_client(world)
    headers = {"Origin": origin} if origin else {}
    response = client.post(
        f"/api/v1/cases/{case.reference}/notes", '{"text": "planted"}', content_type=content_type, headers=headers
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert "CSRF" in response.json()["detail"]
    assert not Note.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_a_session_with_the_csrf_token_writes(world: World, case: Case, settings: pytest.FixtureRequest) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    client = _session_client(world)
    token = get_token(RequestFactory().get("/"))
    client.cookies["csrftoken"] = token
    response = client.post(
        f"/api/v1/cases/{case.reference}/notes",
        {"text": "called her back"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201
    assert client.get(f"/api/v1/cases/{case.reference}/notes").status_code == 200


@pytest.mark.django_db
def test_a_bearer_token_needs_no_csrf_token(case: Case, api_client: dict[str, Client]) -> None:
    response = api_client["caseworker"].post(
        f"/api/v1/cases/{case.reference}/notes",
        {"text": "called her back"},
        content_type="application/json",
        headers={"Origin": "https://elsewhere.example"},
    )
    assert response.status_code == 201


@pytest.mark.django_db
def test_no_session_and_no_token_is_still_401_not_403() -> None:
    response = Client(enforce_csrf_checks=True).post("/api/v1/cases", "{}", content_type="text/plain")
    assert response.status_code == 401
