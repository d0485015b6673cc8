"""Work that must happen every so often (escalating unanswered referrals, ...). Apps register a job when they load;
every `lantern worker` checks, with its heartbeat, which jobs are due and queues them as tasks. A job is queued by
one worker only: the row that records its last run is locked with SKIP LOCKED, so several workers never queue it
twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from lantern.core.models import PeriodicRun


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    function: str  # dotted path of a callable that takes no argument


JOBS: dict[str, Job] = {}


def register(name: str, *, every: timedelta, function: str) -> None:
    JOBS[name] = Job(name=name, every=every, function=function)


def queue_due_jobs(now: datetime | None = None) -> list[str]:
    """Queue the jobs whose interval has passed; return their names."""
    from lantern.core.tasks import periodic_job_run  # the tasks import this module

    now = now or timezone.now()
    queued = []
    for job in JOBS.values():
        PeriodicRun.objects.get_or_create(name=job.name)
        with transaction.atomic():
            run = PeriodicRun.objects.select_for_update(skip_locked=True).filter(name=job.name).first()
            if run is None or (run.last_queued_at is not None and now - run.last_queued_at < job.every):
                continue
            run.last_queued_at = now
            run.save(update_fields=["last_queued_at"])
            transaction.on_commit(partial(periodic_job_run.enqueue, job.name))
            queued.append(job.name)
    return queued


def requeue_abandoned_tasks(now: datetime | None = None) -> int:
    """Put back in the queue the tasks that a worker was running when it died (killed, its machine lost): a task
    is abandoned when the worker that claimed it last has not written a heartbeat for
    LANTERN_WORKER_STALE_SECONDS. Lantern's tasks are safe to run twice (an outbox consumer runs once per event,
    a delivery is sent under a lease, a periodic job is idempotent), so running one again loses nothing and does
    nothing twice. Called with every heartbeat; returns how many were queued again."""
    from django.conf import settings
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from lantern.core.models import WorkerHeartbeat

    now = now or timezone.now()
    alive = set(
        WorkerHeartbeat.objects.filter(
            last_seen__gte=now - timedelta(seconds=settings.LANTERN_WORKER_STALE_SECONDS)
        ).values_list("worker_id", flat=True)
    )
    requeued = 0
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update(skip_locked=True).filter(status=TaskResultStatus.RUNNING)
        for result in running:
            if result.worker_ids and result.worker_ids[-1] in alive:
                continue
            result.status = TaskResultStatus.READY
            result.started_at = None
            result.run_after = now
            result.save(update_fields=["status", "started_at", "run_after"])
            requeued += 1
    if requeued:
        import logging

        logging.getLogger(__name__).warning("%d task(s) of a worker that stopped beating were queued again", requeued)
    return requeued
