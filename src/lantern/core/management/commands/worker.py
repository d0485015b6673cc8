"""lantern worker: runs background tasks (django-tasks, database backend) and reports a heartbeat."""

from __future__ import annotations

import os
import socket
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.db import connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from lantern.core.management.base import LanternCommand
from lantern.core.models import WorkerHeartbeat
from lantern.core.periodic import queue_due_jobs, requeue_abandoned_tasks


def _beat(worker_id: str, started_at: Any) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"hostname": socket.gethostname()[:255], "pid": os.getpid(), "last_seen": now},
        create_defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "last_seen": now,
        },
    )


def _heartbeat_loop(worker_id: str, started_at: Any, stop: threading.Event) -> None:
    try:
        while not stop.wait(settings.LANTERN_WORKER_HEARTBEAT_SECONDS):
            try:
                _beat(worker_id, started_at)
                queue_due_jobs()
                requeue_abandoned_tasks()
            except Exception:  # a missed beat is reported by /healthz; the worker goes on
                connection.close()
    finally:
        connection.close()


class Command(LanternCommand):
    help = "Run a background worker. Several may run at once: each task is claimed by exactly one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue-name", default="*", help="queues to work on, comma-separated; * for all")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls when idle")
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")
        parser.add_argument("--max-tasks", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(6)}"
        started_at = timezone.now()
        _beat(worker_id, started_at)
        stop = threading.Event()
        beat = threading.Thread(target=_heartbeat_loop, args=(worker_id, started_at, stop), daemon=True)
        beat.start()
        worker = Worker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name="default",
            startup_delay=not options["batch"],
            max_tasks=options["max_tasks"],
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        self.stdout.write(f"worker {worker_id} started")
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()
            beat.join(timeout=settings.LANTERN_WORKER_HEARTBEAT_SECONDS + 1)
