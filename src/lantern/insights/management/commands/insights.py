"""lantern insights refresh [--full] [--indicator CODE ...] [--json]"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser

from lantern.core.management.base import LanternCommand, UsageError
from lantern.insights import indicators
from lantern.insights.refresh import Refreshed
from lantern.insights.services import indicators_refresh


class Command(LanternCommand):
    help = "Refresh the indicators' summary tables (only the months that changed since the last refresh)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = self.add_subcommands(parser)
        run = sub.add_parser("refresh", help="recompute the months whose source data changed, and the open months")
        run.add_argument("--full", action="store_true", help="recompute every month that has data")
        run.add_argument(
            "--indicator", action="append", default=[], metavar="CODE", help="only this indicator (repeatable)"
        )
        run.add_argument("--json", action="store_true", help="print what was refreshed as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        codes = options["indicator"]
        unknown = [code for code in codes if code not in indicators.REGISTRY]
        if unknown:
            raise UsageError(f"unknown indicator {', '.join(unknown)} (known: {', '.join(indicators.REGISTRY)})")
        as_json = options["json"]

        def progress(done: Refreshed) -> None:
            if not as_json:
                self.stdout.write(
                    f"  {done.indicator:<28} {done.periods:>4} months recomputed {done.rows:>8,} cells "
                    f"{done.seconds:>7.2f} s"
                )
                self.stdout.flush()

        if not as_json:
            self.stdout.write("full refresh" if options["full"] else "incremental refresh")
        results = indicators_refresh(codes=codes or None, full=options["full"], progress=progress)
        if as_json:
            self.stdout.write(json.dumps([r.__dict__ for r in results]))
        else:
            total = sum(r.seconds for r in results)
            self.stdout.write(f"refreshed {len(results)} indicators in {total:.1f} s")
