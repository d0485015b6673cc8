"""Shared set-up of the benchmarks: Lantern's settings on a throwaway database, migrated."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable


def django_on_scratch_database(reuse: str | None = None) -> str:
    """Configure Django for a benchmark on a new database (or the one a previous run left in `reuse`); return
    the database vendor."""
    home = reuse or tempfile.mkdtemp(prefix="lantern-bench-")
    os.environ.setdefault("LANTERN_MODE", "test")
    os.environ["LANTERN_HOME"] = home
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        # A database of its own, created and dropped around the run.
        import psycopg

        name = f"lantern_bench_{os.getpid()}"
        admin = url.replace("postgres://", "postgresql://")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
        import atexit

        def drop() -> None:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        atexit.register(drop)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    return connection.vendor


def best_of(repeats: int, run: Callable[[], object]) -> float:
    """The fastest of several runs, in seconds (the least disturbed by the rest of the machine)."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return min(timings)
