"""lantern restore FILE [--force] [--check]"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.db import DatabaseError

from lantern.core.backup import RestoreReport, check_file, restore, rewound
from lantern.core.backupfile import BackupRefused, backup_key
from lantern.core.management.base import LanternCommand, UsageError
from lantern.core.management.commands.backup import Progress


class Command(LanternCommand):
    help = (
        "Restore a `lantern backup` file into an empty LANTERN_HOME or database: checks the whole file, loads it, "
        "migrates it forward, verifies the audit trail and that the data keys here decrypt the data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="a file written by `lantern backup`")
        parser.add_argument(
            "--force", action="store_true", help="overwrite a database that holds data (says what it overwrites)"
        )
        parser.add_argument(
            "--check", action="store_true", help="only check the file (key, every chunk, the manifest); write nothing"
        )
        parser.add_argument("--json", action="store_true")

    def uses_database(self, options: dict[str, Any]) -> bool:
        # Restore builds the schema of its own, empty target (migrating it first would fill it, and on PostgreSQL
        # the schema check would refuse).
        return False

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
        try:
            key, _ = backup_key()
            if options["check"]:
                manifest, _layout = check_file(path, key, progress=Progress("checked"))
                self._checked(path, manifest, options["json"])
                return
            report = restore(
                path,
                key,
                force=options["force"],
                progress=Progress("restored"),
                announce=lambda line: sys.stderr.write(line + "\n"),
            )
        except BackupRefused as exc:
            raise UsageError(str(exc)) from None
        except OSError as exc:
            raise UsageError(f"{path}: cannot read it ({exc.strerror})") from None
        except DatabaseError as exc:
            raise UsageError(
                f"the restore failed in the database ({type(exc).__name__}): nothing was restored"
            ) from None
        if options["json"]:
            self.stdout.write(json.dumps({**report.__dict__, "manifest": None}))
            return
        for line in _summary(path, report):
            self.stdout.write(line)

    def _checked(self, path: Path, manifest: dict[str, Any], as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(manifest))
            return
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            f"{path}: intact, made {manifest['created_at']} by Lantern {manifest['lantern_version']} on "
            f"{manifest['engine']}: {len(manifest['tables'])} tables, {rows} rows, data keys "
            f"{', '.join(manifest['data_key_ids']) or 'none'}"
        )


def _summary(path: Path, report: RestoreReport) -> list[str]:
    manifest = report.manifest
    applied = report.migrated_forward
    forward = "no migration to apply"
    if applied:
        names = ", ".join(applied[:5]) + (", ..." if len(applied) > 5 else "")
        forward = f"migrated forward: {len(applied)} migration{'s' if len(applied) > 1 else ''} ({names})"
    return [
        f"restored {path} into {report.target}" + (f" (overwrote {report.overwritten})" if report.overwritten else ""),
        f"  backup made {manifest['created_at']} by Lantern {manifest['lantern_version']} on {manifest['engine']}",
        f"  {len(manifest['tables'])} tables, {report.rows} rows, each table equal to the manifest (count and digest)",
        f"  {forward}",
        f"  audit trail intact: {report.audit_events} events; head {report.audit_head}",
        f"  data keys that decrypt the data: {', '.join(report.data_key_ids) or 'none (no encrypted value)'}",
        f"  the restore is audit event {report.restore_event}",
    ] + ([f"  {rewind}"] if (rewind := rewound(report.overwritten_events, manifest)) else [])
