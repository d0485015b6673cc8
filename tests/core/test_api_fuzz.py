"""Schemathesis over /api/v1/openapi.json: for every operation, generated requests (bounded, derandomised) never
get a 5xx, and every response matches the documented status codes, media types and schemas. New endpoints are
covered as soon as they are in the OpenAPI document."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err, Ok
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from lantern.core import services
from lantern.wsgi import application
from tests.conftest import World

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


# Loaded in-process through the WSGI application: the OpenAPI view touches no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_transaction() -> Iterator[None]:
    """Django's test client stops requests from closing the database connection (which would end the test's
    transaction); schemathesis calls the WSGI application directly, so do the same here."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(world: World) -> dict[str, str]:
    from lantern.core.models import TotpDevice

    for persona in ("sysadmin", "caseworker", "auditor"):  # a token needs its user's second factor
        TotpDevice.objects.get_or_create(user=world.users[persona], confirmed=True, defaults={"name": "phone"})
    return {
        persona: services.token_create(actor=None, user=world.users[persona], name="fuzz")[1]
        for persona in ("sysadmin", "caseworker", "auditor")
    }


def _label(result: Ok[Any] | Err[Any]) -> str:
    assert isinstance(result, Ok), result  # a schema the fuzzer cannot read is a failure, not a skip
    return str(result.ok().label)


OPERATIONS = sorted(_label(result) for result in schema.get_all_operations())


@pytest.mark.parametrize("label", OPERATIONS)
def test_generated_requests_get_documented_answers_and_never_a_server_error(label: str, tokens: dict[str, str]) -> None:
    # One pytest item per operation, named after it (schemathesis' own parametrisation gives every operation the
    # same node id under pytest-xdist, which then runs only one of them).
    method, path = label.split(" ", 1)
    operation = schema[path][method]

    # Valid requests and requests that break the schema (which must get a documented 4xx, never a 5xx).
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @given(case=cases)
    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def check(case: Any) -> None:
        for persona in ("sysadmin", "caseworker", "auditor"):
            case.call_and_validate(headers={"Authorization": f"Bearer {tokens[persona]}"}, checks=CHECKS)

    check()


def test_every_operation_is_fuzzed() -> None:
    assert len(OPERATIONS) >= 12
