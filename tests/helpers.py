"""Helpers shared by tests."""

from __future__ import annotations

from unittest import mock

from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult


def run_queued_tasks() -> int:
    """Run everything queued, as `lantern worker --batch` does, in this process; return how many there were.

    The worker closes stale database connections between tasks, which inside a test would end the test's
    transaction; here the connection stays, as Django's test client keeps it during requests."""
    before = DBTaskResult.objects.ready().count()
    worker = db_worker.Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    with mock.patch.object(db_worker, "close_old_connections", return_value=None):
        worker.run()
    return before
