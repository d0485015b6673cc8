"""lantern serve: the production web server (gunicorn; see docs/decisions/0002-web-server.md)."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandParser

from lantern.core.management.base import LanternCommand, UsageError
from lantern.env import env_int, env_str


class Command(LanternCommand):
    help = "Serve Lantern with gunicorn (put a TLS-terminating reverse proxy in front in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, help="processes (default: LANTERN_WEB_WORKERS, or 2)")
        parser.add_argument("--threads", type=int, help="threads per process (default: LANTERN_WEB_THREADS, or 4)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["port"] <= 65535:
            raise UsageError("--port must be between 1 and 65535")
        try:
            workers = env_int("LANTERN_WEB_WORKERS", 2) if options["workers"] is None else options["workers"]
            threads = env_int("LANTERN_WEB_THREADS", 4) if options["threads"] is None else options["threads"]
        except ImproperlyConfigured as exc:
            raise UsageError(str(exc)) from None
        if workers < 1 or threads < 1:
            raise UsageError("--workers and --threads (LANTERN_WEB_WORKERS, LANTERN_WEB_THREADS) must be at least 1")
        argv = [
            sys.executable, "-m", "gunicorn", "lantern.wsgi:application",
            "--bind", f"{options['host']}:{options['port']}",
            "--workers", str(workers),
            "--threads", str(threads),
            "--worker-class", "gthread",
            "--access-logfile", "-",
            # Paths only: Lantern puts no personal data in URLs, and query strings are left out of the log.
            "--access-logformat", '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
            # A calendar feed's secret is in its path: the logger writes "…" in its place.
            "--logger-class", "lantern.core.accesslog.RedactingLogger",
            "--forwarded-allow-ips", env_str("LANTERN_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]  # fmt: skip
        os.execv(sys.executable, argv)  # noqa: S606
