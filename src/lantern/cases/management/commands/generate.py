"""lantern generate --cases N --seed S [--org NAME ...]"""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import CommandParser

from lantern.cases.services import cases_generate
from lantern.core.management.base import LanternCommand, UsageError
from lantern.core.models import Organisation, OrganisationType

# Organisations that register victims when none is named.
REGISTERING_TYPES = [OrganisationType.NGO, OrganisationType.LAW_ENFORCEMENT, OrganisationType.SHELTER,
                     OrganisationType.HOTLINE, OrganisationType.LABOUR_INSPECTORATE]  # fmt: skip


class Command(LanternCommand):
    help = "Generate synthetic cases with realistic distributions and a crisis period (for demos and analyses)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, required=True, help="how many cases")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same cases")
        parser.add_argument("--org", action="append", default=[], metavar="NAME",
                            help="organisation to put cases in (repeat for several; default: every NGO, police, "
                            "shelter, hotline and labour inspectorate)")  # fmt: skip
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["cases"]
        if count < 1 or count > 10_000_000:
            raise UsageError("--cases must be between 1 and 10000000")
        if options["batch_size"] < 1:
            raise UsageError("--batch-size must be at least 1")
        if options["org"]:
            organisations = list(Organisation.objects.filter(name__in=options["org"]).order_by("pk"))
            missing = set(options["org"]) - {o.name for o in organisations}
            if missing:
                raise UsageError(f"no organisation named {sorted(missing)[0]!r} (see `lantern org list`)")
        else:
            organisations = list(Organisation.objects.filter(type__in=REGISTERING_TYPES).order_by("pk"))
            if not organisations:
                raise UsageError("no organisation registers cases yet: create one or name one with --org")
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            rate = done / max(time.monotonic() - started, 1e-9)
            sys.stderr.write(f"\r  {done}/{total} cases ({100 * done // total}%, {rate:,.0f}/s)")
            if done >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()

        written = cases_generate(
            count=count,
            seed=options["seed"],
            organisations=organisations,
            batch_size=options["batch_size"],
            progress=progress,
        )
        self.stdout.write(f"generated {written} cases in {time.monotonic() - started:.1f} s")
