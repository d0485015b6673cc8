"""What every response carries and what every request may weigh: a body over the limit
is a 413 (problem+json on the API, a page elsewhere) and writes nothing; nothing shown to staff is cached; in
production, HSTS for a year and HTTPS only."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import Settings

from lantern.cases.models import Case, Note
from lantern.core.models import AuditEvent
from tests.conftest import World

BIG = 3 * 1024 * 1024  # past Django's DATA_UPLOAD_MAX_MEMORY_SIZE of 2.5 MB


@pytest.mark.django_db
def test_an_api_body_over_the_limit_is_413_problem_json_and_writes_nothing(
    case: Case, api_client: dict[str, Client]
) -> None:
    before = AuditEvent.objects.count()
    response = api_client["caseworker"].post(
        f"/api/v1/cases/{case.reference}/notes", {"text": "x" * BIG}, content_type="application/json"
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 413
    assert "too large" in response.json()["detail"]
    assert not Note.objects.filter(case=case).exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_an_api_body_that_proves_too_big_once_read_is_413_too(
    case: Case, api_client: dict[str, Client], settings: Settings
) -> None:
    # The gate in front trusts Content-Length; a body read past Django's own limit gets the same answer.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("RequestSizeLimitMiddleware")]
    response = api_client["caseworker"].post(
        f"/api/v1/cases/{case.reference}/notes", {"text": "x" * BIG}, content_type="application/json"
    )
    assert (response.status_code, response["Content-Type"]) == (413, "application/problem+json")
    assert not Note.objects.filter(case=case).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("gate", [True, False])
def test_a_page_body_over_the_limit_is_a_413_page(
    case: Case, staff: dict[str, Client], settings: Settings, gate: bool
) -> None:
    if not gate:
        settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("RequestSizeLimitMiddleware")]
    response = staff["caseworker"].post(f"/cases/{case.reference}/notes/", {"text": "x" * BIG})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert "This request is too large. Nothing was saved." in response.content.decode()
    assert 'href="/cases/"' in response.content.decode()  # the staff page, with its menu to go on from
    assert "no-store" in response["Cache-Control"]
    assert not Note.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_the_413_page_speaks_the_language_of_its_reader(case: Case, staff: dict[str, Client]) -> None:
    client = staff["caseworker"]
    client.cookies["django_language"] = "ar"
    response = client.post(f"/cases/{case.reference}/notes/", {"text": "x" * BIG})
    assert response.status_code == 413
    assert "هذا الطلب كبير جدًا. لم يُحفظ شيء." in response.content.decode()


@pytest.mark.django_db
def test_a_file_upload_may_be_larger_than_a_form(staff: dict[str, Client]) -> None:
    csv = SimpleUploadedFile("counts.csv", b"sex\n" + b"F\n" * (BIG // 2), content_type="text/csv")
    response = staff["analyst"].post("/insights/publication/", {"source": "upload", "upload": csv})
    assert response.status_code != 413  # up to LANTERN_MAX_UPLOAD_REQUEST_BYTES (21 MB), for the 20 MB CSV
    too_big = SimpleUploadedFile("counts.csv", b"x" * (22 * 1024 * 1024), content_type="text/csv")
    assert staff["analyst"].post("/insights/publication/", {"upload": too_big}).status_code == 413


@pytest.mark.django_db
def test_every_response_to_staff_and_of_the_api_is_no_store(
    world: World, case: Case, staff: dict[str, Client], api_client: dict[str, Client]
) -> None:
    responses = [
        staff["caseworker"].get(f"/cases/{case.reference}/"),
        staff["caseworker"].get("/"),
        staff["caseworker"].get("/cases/"),
        staff["caseworker"].get("/nowhere/"),
        api_client["caseworker"].get(f"/api/v1/cases/{case.reference}"),
        api_client["caseworker"].get("/api/v1/cases"),
        api_client["anonymous"].get("/api/v1/cases"),
        staff["caseworker"].get(f"/api/v1/cases/{case.reference}"),
    ]
    for response in responses:
        assert "no-store" in response["Cache-Control"], response.wsgi_request.path


def _settings_in(mode_env: dict[str, str], expression: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LANTERN_", "DATABASE_URL", "PYTEST"))}
    result = subprocess.run(
        [sys.executable, "-c", f"import lantern.settings as s; print(repr(({expression})))"],
        env={**clean, **mode_env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_sends_hsts_for_a_year_and_redirects_to_https() -> None:
    expression = "s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT"
    assert _settings_in({}, expression) == "(31536000, True)"
    assert _settings_in({"LANTERN_MODE": "demo"}, expression) == "(0, False)"
    assert _settings_in({"LANTERN_SECURE_COOKIES": "false"}, expression) == "(0, False)"
    assert _settings_in({"LANTERN_HSTS_SECONDS": "600", "LANTERN_HTTPS_REDIRECT": "no"}, expression) == "(600, False)"


@pytest.mark.django_db
def test_the_health_check_answers_over_plain_http_when_https_is_required(settings: Settings) -> None:
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get("/login/").status_code == 301
    assert Client().get("/healthz").status_code in (200, 503)
