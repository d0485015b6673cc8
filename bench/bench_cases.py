"""The case registry at scale: generating cases into SQLite, then the first page of case lists.

1. `lantern generate`'s engine writes N cases (default 1,000,000) with progress; target: under 10 minutes.
2. With them in the database, the first page (50) of "my cases" and of a filtered list ("recovery period, with
   unmet needs"), measured in-process through the real selector and through the API handler (Django's test client
   on /api/v1/cases with a bearer token), median of 30 runs each; target: under 50 ms. The anchor is the bare ORM
   query that returns the same 50 rows, in the same run on the same data. The number of queries per list request
   is printed for 10 and for 50 rows: it must not grow with the page.

    .venv/bin/python bench/bench_cases.py [--cases N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import django_on_scratch_database

RUNS = 30


def median_ms(run: Callable[[], object]) -> float:
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        run()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument(
        "--reuse", metavar="LANTERN_HOME", help="measure the lists on the database a previous run left there"
    )
    options = parser.parse_args()
    vendor = django_on_scratch_database(reuse=options.reuse)

    from django.db import connection
    from django.utils import timezone

    from lantern.cases.generate import generate_cases
    from lantern.cases.models import Case
    from lantern.core import services as core
    from lantern.core.models import TotpDevice

    if options.reuse:
        from lantern.core.models import Organisation, User

        ngo = Organisation.objects.get(name="Bench NGO")
        caseworker = User.objects.get(username="cw")
        TotpDevice.objects.get_or_create(user=caseworker, confirmed=True, defaults={"name": "bench"})
        _, token = core.token_create(actor=None, user=caseworker, name="bench")
        measure(vendor, ngo, caseworker, token, generation_s=None, cases=Case.objects.count())
        return
    ngo = core.organisation_create(actor=None, name="Bench NGO", type="NGO", country="GR")
    other = core.organisation_create(actor=None, name="Other NGO", type="NGO", country="GR")
    caseworker = core.user_create(actor=None, username="cw", organisation=ngo, role="caseworker", password=None)
    TotpDevice.objects.create(user=caseworker, confirmed=True, name="bench")  # a token needs a second factor
    _, token = core.token_create(actor=None, user=caseworker, name="bench")

    started = time.monotonic()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] > 5 or done == total:
            last[0] = now
            print(f"  generated {done:>9,}/{total:,} ({done / (now - started):,.0f}/s)", flush=True)

    generate_cases(count=options.cases, seed=1, organisations=[ngo, other], batch_size=5000, progress=progress)
    generation_s = time.monotonic() - started
    # One case in a hundred of the NGO is the caseworker's, assigned over the last months.
    now = timezone.now()
    ids = list(Case.objects.filter(organisation=ngo).order_by("pk").values_list("pk", flat=True)[::100])
    for offset, pk in enumerate(ids):
        Case.objects.filter(pk=pk).update(assigned_to=caseworker, assigned_at=now - timedelta(minutes=offset))
    if vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"database left in {os.environ['LANTERN_HOME']} (reuse it with --reuse)")
    measure(vendor, ngo, caseworker, token, generation_s=generation_s, cases=options.cases)


def measure(vendor: str, ngo: Any, caseworker: Any, token: str, *, generation_s: float | None, cases: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lantern.cases.models import Case, Stage
    from lantern.cases.selectors import CaseFilters, case_list

    mine = CaseFilters(assigned_to_me=True)
    filtered = CaseFilters(stage=Stage.SUPPORT, unmet_needs=True)
    client = Client(headers={"Authorization": f"Bearer {token}"}, SERVER_NAME="localhost")

    def selector(filters: CaseFilters) -> Callable[[], object]:
        return lambda: list(case_list(caseworker, filters)[:50])

    def api(query: str) -> Callable[[], None]:
        def call() -> None:
            response = client.get(f"/api/v1/cases?{query}&page_size=50")
            assert response.status_code == 200, response.content[:200]

        return call

    def bare_mine() -> None:
        list(Case.objects.filter(assigned_to=caseworker).order_by("-assigned_at", "-id")[:50])

    def bare_filtered() -> None:
        list(
            Case.objects.filter(organisation=ngo, stage=Stage.SUPPORT, has_unmet_needs=True).order_by(
                "-created_at", "-id"
            )[:50]
        )

    def queries(query: str, size: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(f"/api/v1/cases?{query}&page_size={size}")
        return len(captured)

    rows = {
        "my cases": (median_ms(selector(mine)), median_ms(api("assigned_to_me=true")), median_ms(bare_mine)),
        "support + unmet needs": (
            median_ms(selector(filtered)),
            median_ms(api("stage=support&unmet_needs=true")),
            median_ms(bare_filtered),
        ),
    }
    total = Case.objects.count()
    print(f"database: {vendor}; cases: {total:,}")
    if generation_s is not None:
        print(f"generation: {cases:,} cases in {generation_s:,.1f} s ({cases / generation_s:,.0f} cases/s)")
    print(f"{'first page of 50':<24}{'selector ms':>12}{'API ms':>10}{'bare ORM ms':>13}{'API/bare':>10}")
    for name, (sel, through_api, bare) in rows.items():
        print(f"{name:<24}{sel:>12.2f}{through_api:>10.2f}{bare:>13.2f}{through_api / bare:>10.1f}")
    print(f"queries per API list request: {queries('assigned_to_me=true', 10)} for 10 rows, "
          f"{queries('assigned_to_me=true', 50)} for 50 rows")  # fmt: skip


if __name__ == "__main__":
    main()
