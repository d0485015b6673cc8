"""Drill: PostgreSQL restarts while requests arrive.

What must hold: every request in flight gets either its answer or a 503 problem+json with Retry-After (never a
traceback, never a 500), `lantern serve` recovers by itself once the database is back (persistent connections with
CONN_HEALTH_CHECKS), and no case is half written: every case that exists has its person, its consent, its
timeline entry and its audit event.

The restart is of a private throwaway cluster (tests/drills/processes.py), never of the server the rest of the
suite runs on."""

from __future__ import annotations

import http.client
import json
import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.test import Client

from tests.conftest import World
from tests.drills.processes import lantern_env, private_cluster, start_server, stop, suite_database_url

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

BODY = json.dumps(
    {
        "person": {"first_name": "Ana", "second_name": "Drill", "gender": "Feminine", "citizenship": ["RO"]},
        "identified_on": "2026-03-02",
        "consent_to_case_management": True,
    }
)


def _register_cases(
    port: int, token: str, stop_at: threading.Event, results: list[tuple[float, int, str, str]]
) -> None:
    """Registers cases one after the other over one keep-alive connection, as a client integration would."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    while not stop_at.is_set():
        try:
            conn.request("POST", "/api/v1/cases", BODY, headers)
            response = conn.getresponse()
            body = response.read().decode("utf-8", "replace")
            kind = f"{response.getheader('Content-Type')}|{response.getheader('Retry-After')}"
            results.append((time.monotonic(), response.status, kind, body))
        except (OSError, http.client.HTTPException) as exc:
            results.append((time.monotonic(), 0, type(exc).__name__, ""))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    conn.close()


def test_a_postgresql_restart_gives_503_problem_json_then_recovers_with_no_half_written_case(
    world: World, api_client: dict[str, Client], tmp_path: Path
) -> None:
    from lantern.core.services import token_create

    _, token = token_create(actor=None, user=world.caseworker, name="drill")
    with private_cluster() as cluster:
        url = cluster.copy_of(suite_database_url())
        log = tmp_path / "serve.log"
        # Persistent connections, as in production: they are the ones a restart breaks.
        server, port = start_server(lantern_env(tmp_path, url, LANTERN_DB_CONN_MAX_AGE="60"), log)
        results: list[tuple[float, int, str, str]] = []
        stop_at = threading.Event()
        clients = [threading.Thread(target=_register_cases, args=(port, token, stop_at, results)) for _ in range(3)]
        try:
            for thread in clients:
                thread.start()
            time.sleep(1.5)
            assert any(status == 201 for _, status, _, _ in results), f"no case registered: {results[:3]}"
            cluster.restart()
            restarted_at = time.monotonic()
            deadline = restarted_at + 15
            while time.monotonic() < deadline:
                if sum(1 for at, status, _, _ in results if at > restarted_at + 0.5 and status == 201) >= 10:
                    break
                time.sleep(0.1)
        finally:
            stop_at.set()
            for thread in clients:
                thread.join(timeout=30)
            stop(server)
        served = log.read_text()

        # Every request got an answer: the case, or a 503 problem+json asking to retry; nothing else.
        statuses = [status for _, status, _, _ in results]
        assert set(statuses) <= {201, 503}, (sorted(set(statuses)), served[-3000:])
        unavailable = [(kind, body) for _, status, kind, body in results if status == 503]
        assert unavailable, "no request met the restart: the drill proved nothing"
        for kind, body in unavailable:
            assert kind == "application/problem+json|5"
            problem = json.loads(body)
            assert problem["status"] == 503
            assert "nothing was saved" in problem["detail"]
        assert "Traceback" not in served
        # It recovered by itself: cases are registered again after the restart.
        assert sum(1 for at, status, _, _ in results if at > restarted_at and status == 201) >= 10, served[-3000:]

        # No half-written case: each case has its person, consent, timeline entry and audit event, or is not there.
        created = statuses.count(201)
        with psycopg.connect(url.replace("postgres://", "postgresql://")) as db:
            cases = db.execute("SELECT count(*) FROM cases_case").fetchone()[0]  # type: ignore[index]
            orphans = db.execute(
                "SELECT count(*) FROM cases_case c"
                " WHERE NOT EXISTS (SELECT 1 FROM cases_consent x WHERE x.case_id = c.id)"
                " OR NOT EXISTS (SELECT 1 FROM cases_timelineentry t WHERE t.case_id = c.id AND t.kind = 'register')"
                " OR NOT EXISTS (SELECT 1 FROM core_auditevent a"
                "                WHERE a.object_id = c.reference AND a.action = 'case.register')"
            ).fetchone()[0]  # type: ignore[index]
            people = db.execute("SELECT count(*) FROM cases_person").fetchone()[0]  # type: ignore[index]
        assert created <= cases <= created + len(unavailable)  # a 503 after the commit leaves a whole case
        assert orphans == 0
        assert people == cases
