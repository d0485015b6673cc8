"""The coordinator's dashboard at scale: N cases (default 1,000,000), the summary tables refreshed, then the page.

1. Generates N cases (or reuses the database a previous run of this benchmark or of bench_cases.py left), declares
   the pandemic and its measures of the demo, and refreshes every indicator in full, then once incrementally
   after a few new cases (the periodic job's work), with the time each takes.
2. The coordinator's dashboard (/insights/), through Django's test client in-process (server time: URL routing,
   session, the aggregate queries on the summary tables, seven charts rendered to SVG by vl-convert, the template),
   median of 15 runs, cold (the SVG of every chart made again) and warm (the charts' SVG kept). Target: under
   500 ms.
3. Anchors in the same run, on the same data: the same dashboard's figures computed from the cases table, without
   summary tables (what every page view would cost without them), and the plain aggregate query of one chart's
   series over the summary table.

    .venv/bin/python bench/bench_dashboard.py [--cases N] [--reuse LANTERN_HOME]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import django_on_scratch_database

RUNS = 15


def median_ms(run: object, runs: int = RUNS) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--reuse", metavar="LANTERN_HOME", help="the database a previous run left there")
    options = parser.parse_args()
    vendor = django_on_scratch_database(reuse=options.reuse)

    from django.db import connection
    from django.db.models import Count, Sum
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from lantern.cases.generate import Period, generate_cases
    from lantern.cases.models import Case
    from lantern.core import services as core
    from lantern.core.models import Organisation, User
    from lantern.crisis import services as crisis
    from lantern.crisis.models import CrisisEvent
    from lantern.insights import charts, indicators
    from lantern.insights.indicators import months_between
    from lantern.insights.models import IndicatorValue
    from lantern.insights.refresh import refresh

    if not Case.objects.exists():
        ngo = core.organisation_create(actor=None, name="Bench NGO", type="NGO", country="GR")
        other = core.organisation_create(actor=None, name="Other NGO", type="NGO", country="GR")
        started = time.monotonic()
        generate_cases(count=options.cases, seed=1, organisations=[ngo, other], batch_size=5000)
        print(f"generated {options.cases:,} cases in {time.monotonic() - started:,.0f} s")
        print(f"database left in {os.environ['LANTERN_HOME']} (reuse it with --reuse)")
    ministry = Organisation.objects.filter(name="Bench Ministry").first() or core.organisation_create(
        actor=None, name="Bench Ministry", type="Ministry", country="GR"
    )
    coordinator = User.objects.filter(username="coordinator").first() or core.user_create(
        actor=None, username="coordinator", organisation=ministry, role="national_coordinator", password=None
    )
    if not CrisisEvent.objects.exists():
        covid = crisis.crisis_declare(
            actor=None, name="COVID-19 pandemic", kind="pandemic", country="GR", starts_on=date(2020, 3, 10)
        )
        for kind, start, end in (
            ("border_closure", date(2020, 3, 20), date(2021, 5, 14)),
            ("lockdown", date(2020, 3, 23), date(2020, 5, 4)),
            ("lockdown", date(2020, 11, 7), date(2021, 5, 14)),
        ):
            crisis.measure_add(actor=None, crisis=covid, kind=kind, starts_on=start, ends_on=end)
        crisis.crisis_end(actor=None, crisis=covid, ends_on=date(2022, 5, 1))
    total = Case.objects.count()

    started = time.perf_counter()
    refresh(full=True)
    full_s = time.perf_counter() - started
    cells = IndicatorValue.objects.count()
    ngo = Organisation.objects.get(name="Bench NGO")
    # A day's work: 200 cases identified in the last three weeks.
    today = timezone.localdate()
    generate_cases(
        count=200,
        seed=1000 + total,
        organisations=[ngo],
        period=Period(today - timedelta(days=21), today),
        batch_size=200,
    )
    started = time.perf_counter()
    incremental = refresh()
    incremental_s = time.perf_counter() - started
    months_again = {r.indicator: r.periods for r in incremental}
    if vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    print(f"database: {vendor}; cases: {total:,}; summary cells: {cells:,}")
    print(
        f"full refresh: {full_s:,.1f} s; "
        f"incremental refresh after 200 new cases of the last 3 weeks: {incremental_s:,.1f} s"
    )
    print("  months recomputed by the incremental refresh: " + ", ".join(f"{k} {v}" for k, v in months_again.items()))
    sys.stdout.flush()

    from django.conf import settings

    settings.LANTERN_REQUIRE_2FA = False  # the page's time, not the login's
    client = Client(SERVER_NAME="localhost")
    client.force_login(coordinator)

    def page() -> None:
        response = client.get("/insights/")
        assert response.status_code == 200, (response.status_code, response.headers.get("Location"))

    def cold() -> None:
        charts.forget_rendered()
        page()

    page()  # vl-convert starts its engine once per process
    cold_ms = median_ms(cold)
    warm_ms = median_ms(page)
    with CaptureQueriesContext(connection) as captured:
        page()
    queries = len(captured)

    from lantern.insights.dashboards import default_window
    from lantern.insights.indicators import _case_cells

    start, end = default_window(timezone.localdate())
    periods = months_between(start, end)

    def from_cases() -> None:
        """The dashboard's case figures straight from the cases table (the other charts' sources are empty here)."""
        cells = _case_cells(periods)
        list(cells.values("period", "border").annotate(n=Count("id")))
        list(
            cells.values("period").annotate(
                n=Count("id"),
                online=Count("id", filter=indicators.ONLINE),
                home=Count("id", filter=indicators.PRIVATE_HOME),
            )
        )
        for dimension in ("sex", "age_band", "form", "border"):
            list(cells.values(dimension).annotate(n=Count("id")))

    def summary_query() -> None:
        list(
            IndicatorValue.objects.filter(indicator="new_cases", grain="border", period__gte=start, period__lte=end)
            .values("period", "border")
            .annotate(n=Sum("numerator"))
            .order_by("period")
        )

    direct_ms = median_ms(from_cases, runs=3)
    summary_ms = median_ms(summary_query)

    print(f"{'coordinator dashboard':<44}{'ms':>10}")
    print(f"{'  page, charts drawn again (cold)':<44}{cold_ms:>10.1f}")
    print(f"{'  page, charts kept (warm)':<44}{warm_ms:>10.1f}")
    print(f"{'  queries per page':<44}{queries:>10}")
    print(f"{'anchor: its case figures from the cases table':<44}{direct_ms:>10.1f}")
    print(f"{'anchor: one chart series, summary table':<44}{summary_ms:>10.1f}")
    print(f"cases table / whole page (cold): {direct_ms / cold_ms:,.1f}x; "
          f"page (cold) / one summary query: {cold_ms / summary_ms:,.0f}x")  # fmt: skip


if __name__ == "__main__":
    main()
