"""Referral acceptance under contention on PostgreSQL: 8 clients (threads, each with its own connection) answer
600 pending referrals to one offer that has 400 places this week. Every accept locks its referral row and takes a
place with one conditional UPDATE; the figures are the answers per second and whether any place was given twice.
The anchor is the same work done by 1 client, in the same run, on fresh data of the same size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/bench_accept.py
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import django_on_scratch_database

REFERRALS = 600
CAPACITY = 400


def main() -> None:
    vendor = django_on_scratch_database()
    if vendor != "postgresql":
        print("this benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
        return
    from django.core.exceptions import ValidationError
    from django.db import connection

    from lantern.cases import services as cases
    from lantern.cases.validation import PersonData
    from lantern.core import services as core
    from lantern.providers.models import CapacityWeek
    from lantern.providers.services import offering_save
    from lantern.referrals import services
    from lantern.referrals.models import Referral, Status

    sender = core.organisation_create(actor=None, name="Sender NGO", type="NGO", country="GR")
    caseworker = core.user_create(actor=None, username="cw", organisation=sender, role="caseworker", password=None)

    def prepare(round_name: str) -> tuple[Any, list[Any], list[Any]]:
        recipient = core.organisation_create(actor=None, name=f"Clinic {round_name}", type="LegalService", country="GR")
        responders = [
            core.user_create(
                actor=None, username=f"{round_name}-{i}", organisation=recipient, role="service_provider", password=None
            )
            for i in range(8)
        ]
        offering = offering_save(
            actor=None,
            organisation=recipient,
            service_type="legal_counselling",
            regions=["Attica"],
            delivery_modes=["in_person"],
            weekly_capacity=CAPACITY,
        )
        referrals = []
        for c in range(REFERRALS // 15):
            case = cases.case_register(actor=caseworker, organisation=sender, person=PersonData())
            cases.consent_give(actor=caseworker, case=case, purpose="referral", recipient=recipient)
            for r in range(15):
                referrals.append(
                    services.referral_create(
                        actor=caseworker,
                        case=case,
                        recipient=recipient,
                        service_type="legal_counselling",
                        idempotency_key=f"{round_name}-{c}-{r}",
                    )
                )
        return offering, responders, referrals

    def run(clients: int, offering: Any, responders: list[Any], referrals: list[Any]) -> dict[str, float]:
        outcomes = {"accepted": 0, "full": 0}
        lock = threading.Lock()

        def work(index: int) -> None:
            mine = referrals[index::clients]
            try:
                for referral in mine:
                    try:
                        services.referral_accept(actor=responders[index], referral=referral)
                        key = "accepted"
                    except ValidationError:
                        key = "full"
                    with lock:
                        outcomes[key] += 1
            finally:
                connection.close()

        threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - start
        used = CapacityWeek.objects.get(offering=offering).used
        accepted = Referral.objects.filter(offering=offering, status=Status.ACCEPTED).count()
        return {
            "seconds": seconds,
            "answers_per_s": len(referrals) / seconds,
            "accepted": accepted,
            "used": used,
            "refused_full": outcomes["full"],
        }

    single = run(1, *prepare("one"))
    eight = run(8, *prepare("eight"))
    print(f"database: {vendor}; {REFERRALS} pending referrals to one offer with {CAPACITY} places")
    for name, result in (("1 client (anchor)", single), ("8 clients", eight)):
        overbooked = result["accepted"] > CAPACITY or result["used"] != result["accepted"]
        print(
            f"{name:<18} {result['answers_per_s']:7.0f} answers/s  accepted {result['accepted']:.0f}  "
            f"refused as full {result['refused_full']:.0f}  places used {result['used']:.0f}  "
            f"overbooked: {'YES' if overbooked else 'no'}"
        )
    print(f"ratio 8 clients / 1 client: {eight['answers_per_s'] / single['answers_per_s']:.2f}")


if __name__ == "__main__":
    main()
