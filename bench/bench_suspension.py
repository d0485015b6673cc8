"""One court suspension covering 10,000 scheduled hearings: the time from the measure to all of them postponed,
as the worker runs it (`outbox.dispatch` of the `measure.added` event: one UPDATE, the rows read back, 10,000
timeline entries, 10,000 `hearing.postponed` outbox events, one audit event, commit, then one dispatch task queued
per event). The anchor is one plain bulk UPDATE of the same rows (status, reason, moment, measure) in the same
run on the same data, rolled back. 2,000 hearings in a region the suspension does not cover are there too and
must stay scheduled.

    .venv/bin/python bench/bench_suspension.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_justice .venv/bin/python bench/bench_suspension.py

`build_world(n)` and `suspend(world)` are meant to be reused by other benchmarks (message delivery after the
suspension)."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import best_of, django_on_scratch_database

HEARINGS = 10_000
OUTSIDE = 2_000
COURTS = 10
REPEATS = 3


@dataclass
class World:
    crisis: Any
    covered_courts: list[int]
    outside_courts: list[int]
    hearings: int  # covered
    outside: int


def build_world(n: int = HEARINGS, *, outside: int = OUTSIDE, seed: int = 6) -> World:
    """`n` survivors (synthetic cases of two NGOs), each in a trial with one scheduled hearing in one of ten Attica
    courts within the next 90 days, and `outside` more in Crete; a pandemic declared over the whole country."""
    from django.db import transaction
    from django.utils import timezone

    from lantern.cases.generate import generate_cases
    from lantern.cases.models import Case
    from lantern.core import services as core
    from lantern.crisis import services as crisis
    from lantern.justice import services
    from lantern.justice.models import Hearing, Proceeding

    ngos = [
        core.organisation_create(actor=None, name=f"Bench NGO {i}", type="NGO", country="GR", region="Attica")
        for i in range(2)
    ]
    prosecution = core.organisation_create(
        actor=None, name="Bench Prosecution", type="Prosecution", country="GR", region="Attica"
    )
    core.user_create(actor=None, username="bench-prosecutor", organisation=prosecution, role="justice", password=None)
    generate_cases(count=n + outside, seed=seed, organisations=ngos)
    covered = [
        services.court_create(
            actor=None, name=f"Attica Court {i}", country="GR", region="Attica", time_zone="Europe/Athens"
        ).pk
        for i in range(COURTS)
    ]
    far = [
        services.court_create(
            actor=None, name=f"Crete Court {i}", country="GR", region="Crete", time_zone="Europe/Athens"
        ).pk
        for i in range(2)
    ]
    today = timezone.localdate()
    start = datetime(today.year, today.month, today.day, 7, 0, tzinfo=UTC) + timedelta(days=1)
    case_ids = list(Case.objects.order_by("pk").values_list("pk", flat=True)[: n + outside])
    with transaction.atomic():
        proceedings = Proceeding.objects.bulk_create(
            [
                Proceeding(case_id=case_id, organisation=prosecution, kind="trial", survivor_role="injured_party")
                for case_id in case_ids
            ],
            batch_size=2000,
        )
        Hearing.objects.bulk_create(
            [
                Hearing(
                    proceeding=proceeding,
                    court_id=covered[i % COURTS] if i < n else far[i % 2],
                    starts_at=start + timedelta(days=(i // 40) % 90, minutes=30 * (i % 16)),
                    mode=("remote", "in_person", "hybrid", "in_person")[i % 4],
                )
                for i, proceeding in enumerate(proceedings)
            ],
            batch_size=2000,
        )
    pandemic = crisis.crisis_declare(
        actor=None, name="Bench pandemic", kind="pandemic", country="GR", starts_on=today - timedelta(days=3)
    )
    return World(crisis=pandemic, covered_courts=covered, outside_courts=far, hearings=n, outside=outside)


def suspend(world: World, on: date | None = None) -> tuple[Any, int]:
    """Declare a court suspension over Attica from today, open-ended; return the measure and the id of its
    `measure.added` event (not yet dispatched: the caller, or a worker, dispatches it)."""
    from django.utils import timezone

    from lantern.core.models import OutboxEvent
    from lantern.crisis import services as crisis

    measure = crisis.measure_add(
        actor=None,
        crisis=world.crisis,
        kind="court_suspension",
        regions=["Attica"],
        starts_on=on or timezone.localdate(),
    )
    event = OutboxEvent.objects.get(kind="measure.added", payload__measure_id=measure.pk)
    return measure, event.pk


def _reset() -> None:
    """Back to 10,000 scheduled hearings, for the next repeat (not timed)."""
    from django_tasks_db.models import DBTaskResult

    from lantern.cases.models import TimelineEntry
    from lantern.core.models import OutboxEvent
    from lantern.justice.models import Hearing

    Hearing.objects.filter(status="postponed").update(
        status="scheduled", postponement_reason="", postponed_at=None, postponed_by_measure=None
    )
    OutboxEvent.objects.filter(kind="hearing.postponed").delete()
    TimelineEntry.objects.filter(kind="hearing_postpone").delete()
    DBTaskResult.objects.all().delete()


def main() -> None:
    vendor = django_on_scratch_database()
    from django.db import connection, transaction
    from django.utils import timezone

    from lantern.core import outbox
    from lantern.core.models import OutboxEvent
    from lantern.crisis.models import Measure
    from lantern.justice.consumers import covered_hearings_q
    from lantern.justice.models import Hearing

    started = time.perf_counter()
    world = build_world(HEARINGS)
    built = time.perf_counter() - started
    print(f"{vendor}: world of {HEARINGS:,} covered and {OUTSIDE:,} other hearings in {built:.1f} s")

    # The anchor: one plain bulk UPDATE of exactly the covered rows, rolled back.
    probe, probe_event = suspend(world)
    OutboxEvent.objects.filter(pk=probe_event).update(dispatched_at=timezone.now())
    probe = Measure.objects.select_related("crisis").get(pk=probe.pk)

    def anchor() -> None:
        with transaction.atomic():
            updated = Hearing.objects.filter(covered_hearings_q(probe)).update(
                status="postponed",
                postponement_reason="court_suspension",
                postponed_at=timezone.now(),
                postponed_by_measure=probe,
            )
            assert updated == HEARINGS, updated
            transaction.set_rollback(True)

    anchor_s = best_of(REPEATS, anchor)

    # The real thing, as the worker runs it; the first queued dispatch task marks the commit.
    def marking(marks: list[float]) -> Any:
        """Note when each dispatch task is queued (the first just after the commit)."""

        def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            if "dbtaskresult" in sql and sql.lstrip().upper().startswith("INSERT"):
                marks.append(time.perf_counter())
            return execute(sql, params, many, context)

        return wrapper

    timings: list[tuple[float, float]] = []
    tasks = 0
    for _ in range(REPEATS):
        _reset()
        measure, event_id = suspend(world)
        marks: list[float] = []
        with connection.execute_wrapper(marking(marks)):
            start = time.perf_counter()
            outbox.dispatch(event_id)
            end = time.perf_counter()
        postponed = Hearing.objects.filter(postponed_by_measure=measure, status="postponed").count()
        events = OutboxEvent.objects.filter(kind="hearing.postponed").count()
        assert postponed == HEARINGS, postponed
        assert events == HEARINGS, events
        assert Hearing.objects.filter(court_id__in=world.outside_courts, status="scheduled").count() == OUTSIDE
        timings.append((marks[0] - start, end - start))
        tasks = len(marks)
        Measure.objects.filter(pk=measure.pk).update(ends_on=timezone.localdate())  # out of the next repeat's way
    committed = min(t[0] for t in timings)
    total = min(t[1] for t in timings)
    print(
        f"hearings postponed: {HEARINGS:,} (and {OUTSIDE:,} outside the suspension left scheduled), best of {REPEATS}"
    )
    print(f"  measure to all postponed and committed: {committed:.3f} s  ({HEARINGS / committed:,.0f} hearings/s)")
    print(f"  ... and its {tasks:,} dispatch tasks queued (for {HEARINGS:,} events): {total:.3f} s")
    print(f"  anchor, one bulk UPDATE of the same rows: {anchor_s:.3f} s")
    print(f"  ratio (committed / anchor): {committed / anchor_s:.1f}; with the tasks queued: {total / anchor_s:.1f}")


if __name__ == "__main__":
    main()
