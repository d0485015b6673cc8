"""Fixtures of the notification tests: a fake SMS/messaging gateway on 127.0.0.1, hearing events as the justice
app emits them, and survivors with the contacts and consents each test needs."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import translation

from lantern.cases import services as cases
from lantern.cases.models import Case
from lantern.cases.validation import PersonData
from lantern.core import outbox
from lantern.core.models import OutboxEvent
from tests.conftest import World


@dataclass
class FakeGateway:
    """Accepts one JSON message per POST, like an SMS provider: checks the bearer token, sends once per
    Idempotency-Key (a repeat gets the first answer), and fails on demand with the statuses in `fail_next`."""

    url: str = ""
    token: str = "gateway-test-token"
    requests: list[dict[str, Any]] = field(default_factory=list)
    sent: dict[str, dict[str, Any]] = field(default_factory=dict)
    fail_next: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def gateway(settings: Any) -> Iterator[FakeGateway]:
    fake = FakeGateway()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            key = self.headers.get("Idempotency-Key", "")
            with fake.lock:
                fake.requests.append({"headers": dict(self.headers), "body": body})
                if self.headers.get("Authorization") != f"Bearer {fake.token}":
                    status, answer = 401, {"error": "token"}
                elif fake.fail_next:
                    status, answer = fake.fail_next.pop(0), {"error": "scripted"}
                else:
                    if key not in fake.sent:
                        fake.sent[key] = {"id": f"msg-{len(fake.sent) + 1}", **body}
                    status, answer = 200, {"id": fake.sent[key]["id"]}
            raw = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/messages"
    settings.LANTERN_NOTIFY_GATEWAY_URL = fake.url
    settings.LANTERN_NOTIFY_GATEWAY_TOKEN = fake.token
    settings.LANTERN_NOTIFY_GATEWAY_TIMEOUT = 2
    settings.LANTERN_NOTIFY_TRANSPORT = ""
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _notify_files(settings: Any, tmp_path: Any) -> Iterator[None]:
    settings.LANTERN_NOTIFY_FILE_DIR = tmp_path / "notifications"
    settings.LANTERN_NOTIFY_TRANSPORT = ""
    yield
    translation.activate(settings.LANGUAGE_CODE)  # a page asked for in French leaves French active in the thread


def survivor(
    world: World,
    *,
    language: str = "ro",
    others: list[str] | None = None,
    route: str = "sms",
    consent: str | None = "sms",
    interpreter: bool = False,
    phone: str = "+40 721 000 111",
    email: str = "",
    first_name: str = "Maria",
) -> Case:
    """A case of NGO A assigned to its caseworker, whose person chose `route` and consented to `consent`."""
    case = cases.case_register(
        actor=world.caseworker,
        organisation=world.ngo_a,
        person=PersonData(
            first_name=first_name,
            second_name="Popescu",
            primary_language=language,
            other_languages=others or [],
            interpreter_needed=interpreter,
            contact_route=route,
            phone=phone,
            email=email,
        ),
        identified_on=date(2026, 2, 16),
    )
    cases.case_assign(actor=world.supervisor, case=case, assignee=world.caseworker)
    if consent:
        cases.consent_give(actor=world.caseworker, case=case, purpose="contact", channel=consent)
    return case


def hearing_payload(case: Case, **changes: Any) -> dict[str, Any]:
    payload = {
        "hearing_id": 101,
        "case_id": case.pk,
        "proceeding_id": 11,
        "court_id": 1,
        "starts_at": "2026-04-14T07:30:00+00:00",
        "new_starts_at": None,
        "mode": "in_person",
        "reason": "court_suspension",
    }
    payload.update(changes)
    return payload


def hearing_event(case: Case, kind: str = "hearing.postponed", **changes: Any) -> OutboxEvent:
    """Emit a hearing event as justice does, and run its consumers as the worker would."""
    event = outbox.emit(kind=kind, payload=hearing_payload(case, **changes), organisation_id=case.organisation_id)
    outbox.dispatch(event.pk)
    return event
