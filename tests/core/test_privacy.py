"""Personal data never lies in clear in the database, and never reaches logs, error pages or URLs."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import get_resolver

from lantern.api import api
from lantern.cases.schemas import REFERENCE_PATTERN
from lantern.core import services
from lantern.core.logs import RedactExceptionMessages
from lantern.referrals.models import PUBLIC_ID_PATTERN
from tests.conftest import World
from tests.helpers import database_text

SECRETS = ["Ioana Dumitrescu", "1999-04-17", "+40 721 555 019"]
REASON = f"{SECRETS[0]}, born {SECRETS[1]}, called from {SECRETS[2]} and is locked in a flat"


@pytest.mark.django_db(transaction=True)
def test_the_database_holds_no_clear_personal_data(world: World, tmp_path: Path) -> None:
    services.break_glass_open(actor=world.outsider, obj=world.ngo_a, reason=REASON, hours=2)
    grant = world.outsider.break_glass_grants.get()
    assert grant.reason == REASON  # it is there, readable through the model
    content = database_text(tmp_path)
    assert b"Safe Passage NGO" in content  # the copy really holds the data (organisation names are not secret)
    for secret in SECRETS:
        assert secret.encode() not in content, f"{secret!r} is stored in clear"


def test_logged_exceptions_keep_their_type_and_place_but_not_their_message() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactExceptionMessages())
    logger = logging.getLogger("lantern.test.privacy")
    logger.addHandler(handler)
    try:
        try:
            try:
                raise KeyError(SECRETS[0])
            except KeyError as inner:
                raise ValueError(f"duplicate key value {SECRETS[1]}") from inner
        except ValueError:
            logger.exception("unhandled")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "builtins.ValueError (message withheld)" in text
    assert "builtins.KeyError (message withheld)" in text
    assert "test_privacy.py" in text
    for secret in SECRETS:
        assert secret not in text


def test_the_console_log_handler_withholds_messages(settings: pytest.FixtureRequest) -> None:
    console = settings.LOGGING["handlers"]["console"]  # type: ignore[attr-defined]
    assert "redact" in console["filters"]
    root = logging.getLogger()
    assert any(isinstance(f, RedactExceptionMessages) for h in root.handlers for f in h.filters)


def test_a_server_error_in_the_api_shows_and_logs_no_personal_data(
    world: World, api_client: dict[str, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(user: object) -> None:
        raise RuntimeError(REASON)

    monkeypatch.setattr("lantern.core.selectors.organisations_visible_to", explode)
    root = logging.getLogger()
    console = next(h for h in root.handlers if any(isinstance(f, RedactExceptionMessages) for f in h.filters))
    stream = io.StringIO()
    # Swapped by hand, not with setStream, which first flushes the old stream: an earlier test on this worker may
    # have left the handler on a capture file that is closed by now.
    previous = console.stream  # type: ignore[attr-defined]
    console.stream = stream  # type: ignore[attr-defined]
    try:
        response = api_client["caseworker"].get("/api/v1/organisations")
    finally:
        console.stream = previous  # type: ignore[attr-defined]
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    body = response.content.decode()
    logged = stream.getvalue()
    assert "RuntimeError" in logged
    for secret in SECRETS:
        assert secret not in body
        assert secret not in logged


def test_a_server_error_page_shows_no_personal_data(
    world: World, monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]  # the analyst reaches the page at once

    def explode(user: object) -> None:
        raise RuntimeError(REASON)

    monkeypatch.setattr("lantern.core.selectors.memberships_of", explode)
    client = Client(raise_request_exception=False)
    client.force_login(world.analyst)
    response = client.get("/")
    assert response.status_code == 500
    for secret in SECRETS:
        assert secret not in response.content.decode()


def test_no_url_carries_anything_but_numeric_ids() -> None:
    """Personal data never goes into URLs: page and API path parameters are numbers (case references come later
    and are pseudonymous), and search terms go in request bodies or forms, not paths."""
    for operation_path, methods in api.get_openapi_schema()["paths"].items():
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] == "reference":
                    assert parameter["schema"]["pattern"] == REFERENCE_PATTERN  # pseudonymous, nothing else
                elif parameter["in"] == "path" and parameter["name"] == "referral_id":
                    assert parameter["schema"]["pattern"] == PUBLIC_ID_PATTERN  # random, nothing else
                elif parameter["in"] == "path":
                    assert parameter["schema"]["type"] == "integer", (operation_path, parameter["name"])

    def walk(patterns: list, prefix: str = "") -> list[str]:
        found = []
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                found += walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                found.append(prefix + str(pattern.pattern))
        return found

    for route in walk(get_resolver().url_patterns):
        if route.startswith("api/v1/"):
            continue
        for converter, name in re.findall(r"<(\w+):(\w+)>", route):
            assert (
                converter == "int"
                or name == "reference"
                or (converter, name) in {("referral_id", "referral_id"), ("feed_token", "token")}
            ), route
