"""lantern import htcds FILE.csv|FILE.xlsx --org NAME [--dry-run]"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from lantern.cases.services import case_import_htcds
from lantern.core.management.base import LanternCommand, UsageError
from lantern.core.models import Organisation

MAX_REPORTED = 200


class Command(LanternCommand):
    help = "Import cases from an HTCDS file. Every row is checked first: one bad row and nothing is imported."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = self.add_subcommands(parser)
        htcds = sub.add_parser("htcds", help="an HTCDS 2.0 CSV or XLSX file (multi-selects separated by ;)")
        htcds.add_argument("file", type=Path)
        htcds.add_argument("--org", required=True, help="the organisation the cases belong to")
        htcds.add_argument("--dry-run", action="store_true", help="check every row, import nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise UsageError(f"no file at {path}")
        organisation = Organisation.objects.filter(name=options["org"]).first()
        if organisation is None:
            raise UsageError(f"no organisation named {options['org']!r} (see `lantern org list`)")

        def progress(stage: str, done: int) -> None:
            sys.stderr.write(f"\r  {stage} {done} rows")
            sys.stderr.flush()

        try:
            report = case_import_htcds(
                path=path, organisation=organisation, dry_run=options["dry_run"], progress=progress
            )
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        sys.stderr.write("\r")
        for column in report.ignored_columns:
            self.stderr.write(f"column {column!r} is not an HTCDS field Lantern reads: ignored")
        if report.errors:
            for error in report.errors[:MAX_REPORTED]:
                self.stderr.write(str(error))
            if len(report.errors) > MAX_REPORTED:
                self.stderr.write(f"... and {len(report.errors) - MAX_REPORTED} more")
            bad_rows = len({e.row for e in report.errors})
            raise UsageError(f"{bad_rows} of {report.rows} rows are not valid: nothing was imported")
        if options["dry_run"]:
            self.stdout.write(f"all {report.rows} rows are valid (dry run: nothing imported)")
        else:
            self.stdout.write(f"imported {report.imported} cases into {organisation.name}")
