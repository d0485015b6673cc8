"""lantern export htcds --org NAME [--out FILE] | lantern export ctdc [--org NAME] [--out FILE]"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from lantern.cases.identification.selectors import notifications_in_scope
from lantern.cases.models import Case
from lantern.cases.services import case_export_ctdc, case_export_htcds
from lantern.core.management.base import LanternCommand, UsageError
from lantern.core.models import Organisation


class Command(LanternCommand):
    help = "Export cases: HTCDS with personal data (one organisation), or CTDC de-identified microdata."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = self.add_subcommands(parser)
        htcds = sub.add_parser("htcds", help="HTCDS 2.0 CSV of one organisation, with personal data")
        htcds.add_argument("--org", required=True)
        htcds.add_argument("--out", type=Path, help="file to write (default: standard output)")
        ctdc = sub.add_parser("ctdc", help="CTDC-coded de-identified CSV of the cases consented to statistics")
        ctdc.add_argument("--org", help="one organisation (default: all)")
        ctdc.add_argument("--out", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = None
        if options.get("org"):
            organisation = Organisation.objects.filter(name=options["org"]).first()
            if organisation is None:
                raise UsageError(f"no organisation named {options['org']!r}")
        out_path: Path | None = options["out"]
        if out_path is not None and out_path.exists():
            raise UsageError(f"{out_path} exists: Lantern does not overwrite exports")
        handle = out_path.open("x", newline="", encoding="utf-8") if out_path else sys.stdout
        if out_path is not None:
            out_path.chmod(0o600)  # an export holds personal or sensitive data: owner only
        try:
            if options["action"] == "htcds":
                assert organisation is not None
                count = case_export_htcds(actor=None, organisation=organisation, out=handle)
            else:
                cases = Case.objects.all() if organisation is None else Case.objects.filter(organisation=organisation)
                scope = None if organisation is None else frozenset({organisation.pk})
                count = case_export_ctdc(
                    actor=None, cases=cases, out=handle, organisation=organisation,
                    notifications=notifications_in_scope(scope),
                )  # fmt: skip
        finally:
            if out_path is not None:
                handle.close()
        self.stderr.write(f"exported {count} rows")
