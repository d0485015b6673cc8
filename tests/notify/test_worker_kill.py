"""Killing a worker in the middle of a run loses no message and sends none twice: real `lantern worker`
processes on PostgreSQL send thousands of survivor messages through the file channel; one is killed with SIGKILL
while it holds a batch, the other finishes, taking the dead worker's batch over when its lease runs out."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from lantern.core.models import OutboxEvent
from lantern.notify.models import Delivery, DeliveryStatus
from lantern.notify.tasks import deliveries_send
from tests.conftest import World
from tests.notify.conftest import hearing_payload, survivor

MESSAGES = 2000
DEADLINE_SECONDS = 45


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def _worker(home: Path, out: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANTERN_", "DATABASE_URL", "PYTEST"))}
    env.update(
        {
            "LANTERN_MODE": "test",
            "LANTERN_HOME": str(home),
            "DATABASE_URL": _database_url(),
            "LANTERN_NOTIFY_TRANSPORT": "file",
            "LANTERN_NOTIFY_FILE_DIR": str(out),
            "LANTERN_NOTIFY_BATCH": "50",
            "LANTERN_NOTIFY_LEASE_SECONDS": "3",
            "LANTERN_NOTIFY_RECOVER_SECONDS": "1",
            "LANTERN_LOG_LEVEL": "WARNING",
        }
    )
    return subprocess.Popen(
        [sys.executable, "-m", "lantern.cli", "worker", "--interval", "0.2"],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def _sending_worker(processes: list[subprocess.Popen[bytes]]) -> subprocess.Popen[bytes] | None:
    """A worker that holds a claimed batch of messages right now."""
    holders = set(Delivery.objects.filter(status=DeliveryStatus.SENDING).values_list("claimed_by", flat=True))
    for process in processes:
        if f"{socket.gethostname()[:60]}-{process.pid}" in holders and process.poll() is None:
            return process
    return None


def _written(out: Path) -> list[Path]:
    return sorted(out.glob("delivery-*.json")) if out.exists() else []


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_loses_no_message_and_sends_none_twice(
    world: World, tmp_path: Path, settings: Any
) -> None:
    # Given thousands of queued messages, as the consumers of a court suspension leave them
    case = survivor(world, language="uk")
    events = OutboxEvent.objects.bulk_create(
        [
            OutboxEvent(kind="hearing.postponed", payload=hearing_payload(case, hearing_id=n), organisation=world.ngo_a)
            for n in range(MESSAGES)
        ]
    )
    now = timezone.now()
    Delivery.objects.bulk_create(
        [
            Delivery(
                event=e,
                kind=e.kind,
                case=case,
                recipient="survivor",
                channel="sms",
                transport="file",
                language="uk",
                detail="minimal",
                next_attempt_at=now,
            )
            for e in events
        ],
        batch_size=1000,
    )
    deliveries_send.enqueue()
    out = tmp_path / "out"
    log = tmp_path / "workers.log"
    # When two workers send, and one is killed while it holds a batch
    workers = [_worker(tmp_path, out, log), _worker(tmp_path, out, log)]
    started = time.monotonic()
    try:
        doomed = None
        while doomed is None:
            assert time.monotonic() - started < DEADLINE_SECONDS, f"too slow: {log.read_text()[-2000:]}"
            assert all(w.poll() is None for w in workers), log.read_text()[-2000:]
            if len(_written(out)) >= MESSAGES // 3:
                doomed = _sending_worker(workers)  # the one holding a batch now
            time.sleep(0.02)
        [survivor_worker] = [w for w in workers if w is not doomed]
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
        # The batch it held a moment ago may have finished between the look and the kill: count what it still holds.
        held_at_kill = Delivery.objects.filter(
            status=DeliveryStatus.SENDING, claimed_by=f"{socket.gethostname()[:60]}-{doomed.pid}"
        ).count()
        killed_at = len(_written(out))
        assert killed_at < MESSAGES, "the run ended before the kill: make it bigger"
        while Delivery.objects.filter(status=DeliveryStatus.SENT).count() < MESSAGES:
            assert time.monotonic() - started < DEADLINE_SECONDS, (
                f"not finished: {Delivery.objects.exclude(status='sent').count()} left; {log.read_text()[-2000:]}"
            )
            assert survivor_worker.poll() is None, log.read_text()[-2000:]
            time.sleep(0.2)
    finally:
        for process in workers:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
    # Then every message is in the output exactly once, none lost
    ids = set(Delivery.objects.values_list("pk", flat=True))
    files = _written(out)
    assert len(files) == MESSAGES
    inside = [json.loads(f.read_text())["delivery"] for f in files]
    assert sorted(inside) == sorted(ids)
    assert {f.name for f in files} == {f"delivery-{pk:010d}.json" for pk in ids}
    # and only the batch the dead worker held was sent a second time (over the same file)
    resent = Delivery.objects.filter(attempts__gt=1).count()
    assert resent <= 50
    if held_at_kill:
        assert resent >= 1  # the dead worker's batch was taken over after its lease
    assert not Delivery.objects.exclude(status=DeliveryStatus.SENT).exists()
