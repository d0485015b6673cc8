"""Helpers shared by tests in more than one folder (fixtures live in the conftest.py files)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from unittest import mock

from django.core.exceptions import ValidationError
from django.db import connection
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from lantern.cases.generate import Period, generate_cases
from lantern.cases.models import Case
from lantern.core.models import Organisation


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


def database_text(tmp_path: Path) -> bytes:
    """Everything the database holds: on SQLite the bytes of a copy of the database file, on PostgreSQL every
    row of every table as text. A test that looks for a secret in clear searches this."""
    if connection.vendor != "postgresql":
        target = tmp_path / "copy.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(target)])
        return target.read_bytes()
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT row_to_json(t)::text FROM {connection.ops.quote_name(table)} t")
            chunks.extend(row[0] for row in cursor.fetchall())
    return "\n".join(chunks).encode()


class Generated:
    """Synthetic cases made by the generator for a test: how many were written, and the cases (read once)."""

    def __init__(self, count: int) -> None:
        self.count = count

    @cached_property
    def cases(self) -> list[Case]:
        return list(Case.objects.select_related("person").order_by("pk"))


def generate(
    *, count: int, seed: int, organisations: list[Organisation], period: Period | None = None, batch_size: int = 2000
) -> Generated:
    """What every `generated` fixture returns: `count` cases of the seeded generator."""
    written = generate_cases(count=count, seed=seed, organisations=organisations, period=period, batch_size=batch_size)
    return Generated(written)


def race(*calls: Callable[[], object]) -> list[str]:
    """Run the calls at the same moment, each on its own connection; what each ended with ("done", or "refused"
    for a ValidationError), sorted. On SQLite, which writes one at a time, the same calls run in turn."""
    outcomes: list[str] = []

    def attempt(call: Callable[[], object]) -> None:
        try:
            call()
            outcomes.append("done")
        except ValidationError:
            outcomes.append("refused")

    if connection.vendor == "sqlite":
        for call in calls:
            attempt(call)
        return sorted(outcomes)
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            attempt(call)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)
