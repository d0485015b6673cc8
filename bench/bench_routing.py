"""Routing a need over 5,000 providers with their status history (providers.selectors.route).

5,000 organisations offer 1 to 3 services each in a few of 13 regions, in a few languages, with 6 status changes
each (open, reduced with staff off sick, remote only, suspended...), and a lockdown is in force in some regions.
Measured: the median of 300 routings for random needs (service, region, language), through `route` (candidate rows,
capacity used this week, the measures in force, ranking and reasons); target under 20 ms. The anchor is the plain
indexed query that returns the candidate rows, on the same needs in the same run.

    .venv/bin/python bench/bench_routing.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/bench_routing.py
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import django_on_scratch_database

PROVIDERS = 5000
RUNS = 300
REGIONS = [
    "Attica",
    "Central Macedonia",
    "Crete",
    "Peloponnese",
    "Thessaly",
    "Western Greece",
    "Epirus",
    "Eastern Macedonia and Thrace",
    "Western Macedonia",
    "Central Greece",
    "Ionian Islands",
    "North Aegean",
    "South Aegean",
]
LANGUAGES = ["el", "en", "ro", "ar", "uk", "ru", "fr", "sq", "bg", "ur"]


def main() -> None:
    vendor = django_on_scratch_database()
    from datetime import timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    from lantern.cases.codes import SERVICE_TYPES
    from lantern.core.models import Organisation
    from lantern.crisis.services import crisis_declare, measure_add
    from lantern.providers.models import Offering, OfferingRegion, ProviderState, StatusChange
    from lantern.providers.selectors import candidate_rows, route

    rng = random.Random(5)
    services = list(SERVICE_TYPES)
    now = timezone.now()
    started = time.monotonic()
    with transaction.atomic():
        organisations = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"Provider {i:05d}", type="NGO", country="GR", region=rng.choice(REGIONS), languages=["el"]
                )
                for i in range(PROVIDERS)
            ]
        )
        offerings, changes, states = [], [], []
        for organisation in organisations:
            for service in rng.sample(services, k=rng.randint(1, 3)):
                offerings.append(
                    Offering(
                        organisation=organisation,
                        service_type=service,
                        regions=rng.sample(REGIONS, k=rng.randint(1, 3)),
                        languages=["el", *rng.sample(LANGUAGES, k=rng.randint(0, 3))],
                        interpreter_available=rng.random() < 0.2,
                        delivery_modes=rng.choice([["in_person"], ["remote"], ["in_person", "remote"], ["outreach"]]),
                        weekly_capacity=rng.randint(0, 40),
                    )
                )
            status = "open"
            for step in range(6):
                status = rng.choice(["open", "open", "reduced", "remote_only", "suspended"])
                changes.append(
                    StatusChange(
                        organisation=organisation,
                        status=status,
                        staff_absence_percent=rng.choice([0, 0, 10, 30, 50]),
                        valid_from=now - timedelta(days=60 - 10 * step),
                    )
                )
            states.append(
                ProviderState(
                    organisation=organisation,
                    status=status,
                    since=now,
                    staff_absence_percent=changes[-1].staff_absence_percent,
                )
            )
        Offering.objects.bulk_create(offerings, batch_size=2000)
        OfferingRegion.objects.bulk_create(
            [OfferingRegion(offering=o, service_type=o.service_type, region=r) for o in offerings for r in o.regions],
            batch_size=5000,
        )
        StatusChange.objects.bulk_create(changes, batch_size=5000)
        ProviderState.objects.bulk_create(states, batch_size=5000)
        crisis = crisis_declare(
            actor=None,
            name="Bench pandemic",
            kind="pandemic",
            country="GR",
            starts_on=timezone.localdate() - timedelta(days=30),
        )
        measure_add(actor=None, crisis=crisis, kind="lockdown", regions=REGIONS[:4], starts_on=crisis.starts_on)
    if vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    setup_s = time.monotonic() - started
    needs = [(rng.choice(services), rng.choice(REGIONS), rng.choice(LANGUAGES)) for _ in range(RUNS)]

    def timed(call: object) -> tuple[float, list[float]]:
        timings = []
        for service, region, language in needs:
            start = time.perf_counter()
            call(service, region, language)  # type: ignore[operator]
            timings.append((time.perf_counter() - start) * 1000)
        return statistics.median(timings), timings

    route(service_type=needs[0][0], region=needs[0][1])  # warm up
    routed, routed_all = timed(lambda s, r, lang: route(service_type=s, region=r, language=lang))
    anchor, _ = timed(lambda s, r, lang: list(candidate_rows(s, r)))
    sizes = [len(list(candidate_rows(s, r))) for s, r, _ in needs[:50]]
    print(
        f"database: {vendor}; providers: {PROVIDERS:,}; offers: {len(offerings):,}; "
        f"status changes: {len(changes):,}; set-up {setup_s:.1f} s"
    )
    print(f"candidate offers per need: median {statistics.median(sizes):.0f}, max {max(sizes)}")
    print(f"route(), median of {RUNS}:        {routed:7.2f} ms (p95 {sorted(routed_all)[int(RUNS * 0.95)]:.2f} ms)")
    print(f"anchor: candidate rows query:   {anchor:7.2f} ms")
    print(f"ratio route / anchor:           {routed / anchor:7.1f}")


if __name__ == "__main__":
    main()
