"""Drill: two web processes and two workers against one PostgreSQL, behind a reverse proxy, as
docs/operations.md deploys Lantern.

What must hold: what one web process writes the other reads at once (a referral accepted through one is accepted
when read through the other: no state is kept in a process), and the work the workers share is done once (a
court suspension declared through the proxy postpones every hearing once, with one event each, each event
consumed once by each of its consumers, whichever worker took it)."""

from __future__ import annotations

import http.client
import json
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Count
from django.utils import timezone

from lantern.cases.services import consent_give
from lantern.core.models import AuditEvent, OutboxConsumption, OutboxEvent, TotpDevice, WorkerHeartbeat
from lantern.core.services import token_create
from lantern.justice.models import Hearing, HearingStatus
from lantern.providers.models import Offering
from lantern.referrals import services as referrals
from tests.conftest import World
from tests.drills.processes import ReverseProxy, lantern_env, start_server, start_worker, stop, suite_database_url
from tests.drills.world import docket

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

HEARINGS = 300
DEADLINE_SECONDS = 60


def _call(port: int, method: str, path: str, token: str, body: dict[str, Any] | None = None) -> tuple[int, Any, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    response = conn.getresponse()
    payload = response.read()
    conn.close()
    return response.status, json.loads(payload or b"null"), response.getheader("X-Upstream") or ""


def _token(world: World, name: str) -> str:
    user = world.users[name]
    TotpDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "phone"})
    return token_create(actor=None, user=user, name="drill")[1]


def test_two_web_processes_and_two_workers_behind_a_proxy_share_everything_and_do_it_once(
    world: World, offers: dict[str, Offering], tmp_path: Path
) -> None:
    courts = docket(world, HEARINGS)
    consent_give(actor=world.caseworker, case=courts.case, purpose="referral", recipient=world.legal_aid)
    referral = referrals.referral_create(
        actor=world.caseworker, case=courts.case, recipient=world.legal_aid, service_type="legal_counselling"
    )
    provider, caseworker, coordinator = (_token(world, n) for n in ("provider", "caseworker", "coordinator"))
    env = lantern_env(
        tmp_path,
        suite_database_url().replace("postgresql://", "postgres://"),
        LANTERN_BEHIND_TLS_PROXY="true",
        LANTERN_TRUSTED_PROXIES="127.0.0.1",
        LANTERN_NOTIFY_TRANSPORT="file",
        LANTERN_NOTIFY_FILE_DIR=str(tmp_path / "out"),
        LANTERN_WORKER_HEARTBEAT_SECONDS="1",
    )
    log = tmp_path / "processes.log"
    web_a, port_a = start_server(env, log, threads=2)
    web_b, port_b = start_server(env, log, threads=2)
    workers = [start_worker(env, log), start_worker(env, log)]
    proxy = ReverseProxy([port_a, port_b])
    try:
        # A referral accepted through one web process is read, accepted, through the other
        status, accepted, first = _call(proxy.port, "POST", f"/api/v1/referrals/{referral.public_id}/accept", provider)
        assert status == 200, accepted
        status, seen, second = _call(proxy.port, "GET", f"/api/v1/referrals/{referral.public_id}", caseworker)
        assert status == 200, seen
        assert {first, second} == {str(port_a), str(port_b)}
        assert (accepted["status"], seen["status"]) == ("accepted", "accepted")

        # A court suspension declared through the proxy is processed once by the two workers
        today = timezone.localdate()
        status, measure, _ = _call(
            proxy.port,
            "POST",
            f"/api/v1/crises/{courts.crisis.pk}/measures",
            coordinator,
            {"kind": "court_suspension", "regions": ["Attica"], "starts_on": today.isoformat(),
             "ends_on": (today + timedelta(days=60)).isoformat()},
        )  # fmt: skip
        assert status == 201, measure
        started = time.monotonic()
        while (
            Hearing.objects.filter(status=HearingStatus.POSTPONED).count() < HEARINGS
            or OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()
        ):
            assert time.monotonic() - started < DEADLINE_SECONDS, log.read_text()[-3000:]
            assert all(w.poll() is None for w in workers), log.read_text()[-3000:]
            time.sleep(0.2)
    finally:
        proxy.close()
        stop(web_a, web_b, *workers)
    assert WorkerHeartbeat.objects.count() == 2
    postponed = Hearing.objects.filter(status=HearingStatus.POSTPONED, postponed_by_measure_id=measure["id"])
    assert postponed.count() == HEARINGS
    events = OutboxEvent.objects.filter(kind="hearing.postponed")
    assert events.count() == HEARINGS
    assert not events.values("payload__hearing_id").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert AuditEvent.objects.filter(action="measure.add").count() == 1
    twice = OutboxConsumption.objects.values("event_id", "consumer").annotate(n=Count("id")).filter(n__gt=1)
    assert not twice.exists()
    assert OutboxConsumption.objects.filter(event__kind="hearing.postponed").count() >= HEARINGS
    assert "Traceback" not in log.read_text()
