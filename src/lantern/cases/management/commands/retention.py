"""lantern retention apply"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from lantern.cases.services import retention_apply
from lantern.core.management.base import LanternCommand


class Command(LanternCommand):
    help = "Anonymise cases closed longer ago than their country's retention period (statistics are kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = self.add_subcommands(parser)
        sub.add_parser("apply", help="anonymise what is due now")

    def handle(self, *args: Any, **options: Any) -> None:
        count = retention_apply()
        self.stdout.write(f"anonymised {count} closed case(s)")
