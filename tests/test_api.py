"""The API shell (src/lantern/api.py): its OpenAPI document and its problem details."""

from __future__ import annotations

import json

import pytest
from django.test import Client


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [key for key, _ in pairs]
    duplicated = {key for key in keys if keys.count(key) > 1}
    assert not duplicated, f"duplicated keys in the OpenAPI document: {duplicated}"
    return dict(pairs)


@pytest.mark.django_db
def test_the_openapi_document_is_valid_json_without_duplicated_keys() -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content, object_pairs_hook=_no_duplicates)
    assert document["openapi"].startswith("3.")
    export = document["paths"]["/api/v1/exports/ctdc"]["get"]["responses"]["200"]
    assert "text/csv" in export["content"]
    errors = document["paths"]["/api/v1/cases"]["get"]["responses"]["404"]
    assert list(errors["content"]) == ["application/problem+json"]


@pytest.mark.django_db
def test_errors_are_problem_details() -> None:
    response = Client().get("/api/v1/cases")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Unauthorized"
    assert Client().get("/api/v1/nowhere").status_code == 404
