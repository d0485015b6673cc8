"""lantern referrals escalate"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from lantern.core.management.base import LanternCommand
from lantern.referrals.services import referrals_escalate


class Command(LanternCommand):
    help = "Escalate unanswered referrals past their deadline and expire the oldest (safe to run often)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = self.add_subcommands(parser)
        sub.add_parser("escalate", help="alert supervisors, then national coordinators; expire after twelve days")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = referrals_escalate()
        self.stdout.write(
            f"escalated {counts['supervisor']} to supervisors, {counts['coordinator']} to national coordinators; "
            f"expired {counts['expired']}"
        )
