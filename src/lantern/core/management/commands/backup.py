"""lantern backup --out FILE"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.db import DatabaseError, connection

from lantern.core.backup import BackupReport, write_backup
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
            report = write_atomically(out, lambda sink: write_backup(sink, key, progress=progress))
        except BackupRefused as exc:
            raise UsageError(str(exc)) from None
        except OSError as exc:
            raise UsageError(f"--out: cannot write {out}: {exc.strerror}") from None
        except (DatabaseError, sqlite3.Error) as exc:
            raise UsageError(f"the database could not be read ({type(exc).__name__}): nothing was written") from None
        if options["json"]:
            self.stdout.write(json.dumps(report.manifest))
            return
        self.stdout.write(_summary(out, report, key_label(key)))


def _summary(out: Path, report: BackupReport, label: str) -> str:
    manifest = report.manifest
    head = manifest.get("audit_head") or {"seq": 0}
    return (
        f"backup written to {out} ({report.bytes_written} bytes, mode 0600, backup key {label}): "
        f"{len(manifest['tables'])} tables, {report.rows} rows, {len(manifest['migrations'])} migrations, "
        f"audit trail head at event {head['seq']}; Lantern {manifest['lantern_version']} on {manifest['engine']}"
    )
