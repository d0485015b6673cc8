"""lantern audit verify"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser

from lantern.core.audit import audit_verify
from lantern.core.management.base import LanternCommand


class Command(LanternCommand):
    help = "Check the audit trail's hash chain. Exits 0 when intact, 1 naming the first bad row otherwise."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = self.add_subcommands(parser)
        verify = sub.add_parser("verify", help="verify the hash chain")
        verify.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if options["json"]:
            self.stdout.write(json.dumps(result.__dict__))
        elif result.ok:
            self.stdout.write(f"audit trail intact: {result.checked} events; head {result.head_hash}")
        if not result.ok:
            raise CommandError(f"audit trail broken at row {result.first_bad_seq}: {result.problem}", returncode=1)
