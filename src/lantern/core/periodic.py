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
