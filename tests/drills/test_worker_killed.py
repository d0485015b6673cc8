"""Drill: a worker killed in the middle of a task (the notifications' own drill is tests/notify/test_worker_kill.py;
this one covers the outbox consumers and the periodic jobs).

What must hold: nothing lost, nothing done twice. A task whose worker died (no heartbeat for
LANTERN_WORKER_STALE_SECONDS) is queued again by the workers still alive (lantern.core.periodic
.requeue_abandoned_tasks); an outbox consumer killed half way rolled back whole and runs again once; a periodic
job killed half way runs again."""

from __future__ import annotations

import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lantern.core.models import OutboxConsumption, OutboxEvent, WorkerHeartbeat
from lantern.core.periodic import requeue_abandoned_tasks
from lantern.justice.models import Hearing, HearingStatus
from tests.conftest import World
from tests.drills.processes import lantern_env, start_worker, stop, suite_database_url
from tests.drills.world import docket, suspend_courts
from tests.helpers import run_queued_tasks

HEARINGS = 3000
DEADLINE_SECONDS = 60


def _holder(processes: list[subprocess.Popen[bytes]], task_path: str) -> subprocess.Popen[bytes] | None:
    """The worker process running a task of this kind right now."""
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, task_path=task_path):
        for process in processes:
            if result.worker_ids and f"-{process.pid}-" in result.worker_ids[-1] and process.poll() is None:
                return process
    return None


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_it_postpones_a_court_suspension_loses_nothing_and_does_nothing_twice(
    world: World, tmp_path: Path
) -> None:
    courts = docket(world, HEARINGS)
    env = lantern_env(
        tmp_path,
        suite_database_url().replace("postgresql://", "postgres://"),
        LANTERN_NOTIFY_TRANSPORT="file",
        LANTERN_NOTIFY_FILE_DIR=str(tmp_path / "out"),
        LANTERN_WORKER_HEARTBEAT_SECONDS="1",
        LANTERN_WORKER_STALE_SECONDS="5",
        LANTERN_OUTBOX_SWEEP_AFTER_SECONDS="600",  # the sweep must not be what saves the day here
    )
    log = tmp_path / "workers.log"
    workers = [start_worker(env, log), start_worker(env, log)]
    started = time.monotonic()
    try:
        while WorkerHeartbeat.objects.count() < 2:
            assert time.monotonic() - started < DEADLINE_SECONDS, log.read_text()[-3000:]
            time.sleep(0.1)
        measure_id = suspend_courts(world, courts)
        # When the worker that took the suspension's event is killed while its consumer runs
        doomed = None
        while doomed is None:
            assert time.monotonic() - started < DEADLINE_SECONDS, f"never caught it running: {log.read_text()[-3000:]}"
            doomed = _holder(workers, "lantern.core.tasks.outbox_dispatch")
            if Hearing.objects.filter(status=HearingStatus.POSTPONED).exists() and doomed is None:
                pytest.fail("the suspension was done before a worker could be killed: make it bigger")
            time.sleep(0.01)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
        # The tasks the killed worker held (the survivor may start other, periodic ones before it is stopped).
        killed = set(DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list("id", flat=True))
        [survivor] = [w for w in workers if w is not doomed]
        # Then the survivor takes the task back once the dead one's heartbeat is stale, and finishes the work
        while (
            Hearing.objects.filter(status=HearingStatus.POSTPONED).count() < HEARINGS
            or DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists()
        ):
            assert time.monotonic() - started < DEADLINE_SECONDS, log.read_text()[-3000:]
            assert survivor.poll() is None, log.read_text()[-3000:]
            time.sleep(0.2)
    finally:
        stop(*workers)
    # Every hearing postponed once, by this measure, with one event each; the measure consumed once.
    assert (
        Hearing.objects.filter(status=HearingStatus.POSTPONED, postponed_by_measure_id=measure_id).count() == HEARINGS
    )
    assert OutboxEvent.objects.filter(kind="hearing.postponed").count() == HEARINGS
    measure_event = OutboxEvent.objects.get(kind="measure.added", payload__measure_id=measure_id)
    consumptions = OutboxConsumption.objects.filter(event=measure_event)
    assert consumptions.count() == len(set(consumptions.values_list("consumer", flat=True)))
    assert measure_event.dispatched_at is not None
    # The killed task was taken back, not left "running" for ever.
    assert killed
    assert not DBTaskResult.objects.filter(id__in=killed, status=TaskResultStatus.RUNNING).exists()
    assert "queued again" in log.read_text()


@pytest.mark.django_db
def test_a_task_of_a_dead_worker_is_queued_again_and_one_of_a_live_worker_is_not(world: World) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="host-1-dead", hostname="host", pid=1, started_at=now, last_seen=now - timedelta(minutes=5)
    )
    WorkerHeartbeat.objects.create(worker_id="host-2-live", hostname="host", pid=2, started_at=now, last_seen=now)
    # A periodic job each was running: the job that escalates unanswered referrals, and the outbox sweep.
    dead = DBTaskResult.objects.create(
        task_path="lantern.core.tasks.periodic_job_run", args_kwargs={"args": ["referrals.escalate"], "kwargs": {}},
        status=TaskResultStatus.RUNNING, worker_ids=["host-1-dead"], backend_name="default", run_after=now,
        started_at=now,
    )  # fmt: skip
    live = DBTaskResult.objects.create(
        task_path="lantern.core.tasks.periodic_job_run", args_kwargs={"args": ["core.outbox_sweep"], "kwargs": {}},
        status=TaskResultStatus.RUNNING, worker_ids=["host-2-live"], backend_name="default", run_after=now,
        started_at=now,
    )  # fmt: skip
    assert requeue_abandoned_tasks() == 1
    dead.refresh_from_db()
    live.refresh_from_db()
    assert (dead.status, dead.started_at) == (TaskResultStatus.READY, None)
    assert live.status == TaskResultStatus.RUNNING
    assert requeue_abandoned_tasks() == 0  # once
    # The job is queued by one worker only, and its run then completes.
    assert run_queued_tasks() >= 1
    dead.refresh_from_db()
    assert dead.status == TaskResultStatus.SUCCESSFUL
