"""lantern backup --out FILE"""

from __future__ import annotations

import contextlib
import json
import signal
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandParser
from django.db import DatabaseError, connection

from lantern.core.backup import BackupReport, record_backup, write_backup
from lantern.core.backupfile import (
    BackupRefused,
    backup_key,
    backup_key_path,
    check_new_file,
    check_not_a_data_key,
    key_label,
    write_atomically,
)
from lantern.core.management.base import LanternCommand, UsageError


class Progress:
    """Rows done so far, on one terminal line, for databases big enough to wait for (nothing when standard error
    is not a terminal: a scheduled backup's log gets the summary line only)."""

    def __init__(self, verb: str) -> None:
        self.verb = verb
        self.shown = False

    def __call__(self, table: str, done: int, total: int) -> None:
        if not sys.stderr.isatty() or (not table and not self.shown):
            return
        self.shown = True
        share = f" of {total} ({100 * done // max(total, 1)}%)" if total else ""
        where = f" [{table}]" if table else ""
        sys.stderr.write(f"\r  {self.verb}: {done} rows{share}{where}\033[K")
        if not table:
            sys.stderr.write("\n")
        sys.stderr.flush()


class Interrupted(BaseException):
    """SIGTERM or SIGINT during a backup: unwinds like an exception, so that every `finally` removes the partial
    file and the snapshot (a kill -9 cannot be caught: the next backup removes what it left)."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number
        self.name = signal.Signals(number).name


@contextlib.contextmanager
def _interruptible() -> Iterator[None]:
    def stop(number: int, _frame: object) -> None:
        raise Interrupted(number)

    previous = {number: signal.signal(number, stop) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


class Command(LanternCommand):
    help = (
        "Write a consistent, encrypted copy of the whole database (AES-256-GCM under the backup key, with its "
        "manifest inside) to a new file, mode 0600. Restore it with `lantern restore FILE`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", metavar="FILE", required=True, help="the new backup file (never overwritten)")
        parser.add_argument("--json", action="store_true", help="print the manifest as JSON")

    def uses_database(self, options: dict[str, Any]) -> bool:
        # A backup copies the database as it is (an older schema included, which restore migrates forward).
        return False

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        try:
            check_new_file(out)
            if "django_migrations" not in connection.introspection.table_names():
                raise BackupRefused("the database is empty (never migrated): there is nothing to back up")
            key, created = backup_key(create=True)
            check_not_a_data_key(key)
            if created:
                sys.stderr.write(
                    f"created the backup key {backup_key_path()} (mode 0600): keep a copy apart from the backups "
                    "(`lantern keys backup`)\n"
                )
            progress = Progress("backed up")
            with _interruptible():
                report = write_atomically(out, lambda sink: write_backup(sink, key, progress=progress))
        except Interrupted as exc:
            sys.stderr.write(
                f"backup stopped by {exc.name}: nothing was written (its snapshot and partial file were removed)\n"
            )
            raise SystemExit(128 + exc.number) from None
        except BackupRefused as exc:
            raise UsageError(str(exc)) from None
        except OSError as exc:
            raise UsageError(f"--out: cannot write {out}: {exc.strerror}") from None
        except (DatabaseError, sqlite3.Error) as exc:
            raise UsageError(f"the database could not be read ({type(exc).__name__}): nothing was written") from None
        audited = self._record(report, key_label(key))
        if options["json"]:
            self.stdout.write(json.dumps(report.manifest))
            return
        self.stdout.write(_summary(out, report, key_label(key)) + audited)

    def _record(self, report: BackupReport, label: str) -> str:
        """The backup's audit event; a database whose audit trail cannot take it (no audit keys, an older schema)
        still has its backup, and is told so."""
        try:
            return f"; recorded as audit event {record_backup(report, label)}"
        except (DatabaseError, ImproperlyConfigured, RuntimeError) as exc:
            name = type(exc).__name__
            sys.stderr.write(f"note: the backup was written but not recorded in the audit trail ({name})\n")
            return ""


def _summary(out: Path, report: BackupReport, label: str) -> str:
    manifest = report.manifest
    head = manifest.get("audit_head") or {"seq": 0}
    return (
        f"backup written to {out} ({report.bytes_written} bytes, mode 0600, backup key {label}): "
        f"{len(manifest['tables'])} tables, {report.rows} rows, {len(manifest['migrations'])} migrations, "
        f"audit trail head at event {head['seq']}; Lantern {manifest['lantern_version']} on {manifest['engine']}"
    )
