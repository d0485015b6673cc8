"""A court suspension declared in crisis mode postpones every covered hearing, in one transaction, with one
event per hearing; its end lists them to reschedule and alerts the prosecutors and clerks."""

from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lantern.cases.models import Case, TimelineEntry
from lantern.core import outbox
from lantern.core.models import Alert, AuditEvent, OutboxEvent
from lantern.crisis import services as crisis
from lantern.crisis.models import CrisisEvent, Measure
from lantern.justice import consumers, selectors, services
from lantern.justice.models import Court, Hearing, HearingStatus
from tests.conftest import World
from tests.helpers import run_queued_tasks
from tests.justice.helpers import Justice, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def pandemic(world: World, clock: object) -> CrisisEvent:
    return crisis.crisis_declare(
        actor=world.coordinator, name="Pandemic", kind="pandemic", country="GR", starts_on=date(2026, 3, 1)
    )


def suspend(world: World, pandemic: CrisisEvent, **kwargs: object) -> Measure:
    """Declare the suspension and run its consumers as the worker would."""
    measure = crisis.measure_add(
        actor=world.coordinator,
        crisis=pandemic,
        kind="court_suspension",
        **kwargs,  # type: ignore[arg-type]
    )
    event = OutboxEvent.objects.get(kind="measure.added", payload__measure_id=measure.pk)
    outbox.dispatch(event.pk)
    return measure


def schedule(world: World, justice: Justice, court: Court, moment: object) -> Hearing:
    return services.hearing_schedule(
        actor=world.prosecutor,
        proceeding=justice.proceeding,
        court=court,
        starts_at=moment,  # type: ignore[arg-type]
    )


def test_only_covered_hearings_are_postponed_each_with_one_event(
    world: World, justice: Justice, pandemic: CrisisEvent
) -> None:
    crete = schedule(world, justice, justice.crete, at(2026, 3, 12))
    after = schedule(world, justice, justice.athens, at(2026, 5, 2))  # after the suspension ends
    before_start = schedule(world, justice, justice.athens, at(2026, 3, 4, 21))  # 23:00 in Athens, on the 4th
    just_in = schedule(world, justice, justice.athens, at(2026, 3, 4, 23))  # 01:00 in Athens, on the 5th
    measure = suspend(world, pandemic, regions=["Attica"], starts_on=date(2026, 3, 5), ends_on=date(2026, 4, 30))
    postponed = set(Hearing.objects.filter(status=HearingStatus.POSTPONED).values_list("pk", flat=True))
    assert postponed == {justice.hearing.pk, justice.other.pk, just_in.pk}
    for hearing in Hearing.objects.filter(pk__in=postponed):
        assert hearing.postponed_by_measure_id == measure.pk
        assert hearing.postponement_reason == "court_suspension"
    for untouched in (crete, after, before_start):
        untouched.refresh_from_db()
        assert untouched.status == HearingStatus.SCHEDULED
    emitted = OutboxEvent.objects.filter(kind="hearing.postponed")
    assert sorted(e.payload["hearing_id"] for e in emitted) == sorted(postponed)
    first = emitted.get(payload__hearing_id=justice.hearing.pk)
    assert first.organisation_id == world.ngo_a.pk
    assert first.payload == {
        "hearing_id": justice.hearing.pk,
        "case_id": justice.proceeding.case_id,
        "proceeding_id": justice.proceeding.pk,
        "court_id": justice.athens.pk,
        "starts_at": "2026-03-09T10:00:00+00:00",
        "new_starts_at": None,
        "mode": "in_person",
        "reason": "court_suspension",
    }
    [audit] = AuditEvent.objects.filter(action="justice.suspension_postpone")
    assert audit.detail["hearings"] == 3
    assert TimelineEntry.objects.filter(kind="hearing_postpone").count() == 3


def test_without_regions_the_crisis_area_is_covered(world: World, justice: Justice, clock: object) -> None:
    whole = crisis.crisis_declare(
        actor=world.coordinator, name="Quake", kind="disaster", country="GR", starts_on=date(2026, 3, 1)
    )
    crete = schedule(world, justice, justice.crete, at(2026, 6, 12))
    suspend(world, whole, starts_on=date(2026, 3, 2))  # open-ended, the whole country
    crete.refresh_from_db()
    assert crete.status == HearingStatus.POSTPONED
    assert Hearing.objects.filter(status=HearingStatus.SCHEDULED).count() == 0


def test_other_measures_postpone_nothing(world: World, justice: Justice, pandemic: CrisisEvent) -> None:
    measure = crisis.measure_add(actor=world.coordinator, crisis=pandemic, kind="lockdown", starts_on=date(2026, 3, 2))
    outbox.dispatch(OutboxEvent.objects.get(kind="measure.added", payload__measure_id=measure.pk).pk)
    assert not Hearing.objects.filter(status=HearingStatus.POSTPONED).exists()


def test_the_work_is_bulk_whatever_the_number_of_hearings(
    world: World, justice: Justice, pandemic: CrisisEvent, case: Case
) -> None:
    def queries_for(n: int, region: str) -> int:
        court = services.court_create(
            actor=None, name=f"Court {region}", country="GR", region=region, time_zone="Europe/Athens"
        )
        for i in range(n):
            schedule(world, justice, court, at(2026, 3, 20) + timedelta(hours=i))
        measure = crisis.measure_add(
            actor=None, crisis=pandemic, kind="court_suspension", regions=[region], starts_on=date(2026, 3, 10)
        )
        with CaptureQueriesContext(connection) as queries:
            count = consumers.postpone_for_suspension(
                measure=Measure.objects.select_related("crisis").get(pk=measure.pk)
            )
        assert count == n
        return len(queries)

    pandemic.regions = []
    assert queries_for(5, "Epirus") == queries_for(40, "Thessaly")


def test_one_transaction_a_failure_half_way_postpones_nothing(
    world: World, justice: Justice, pandemic: CrisisEvent
) -> None:
    measure = crisis.measure_add(
        actor=world.coordinator, crisis=pandemic, kind="court_suspension", starts_on=date(2026, 3, 2)
    )
    event = OutboxEvent.objects.get(kind="measure.added", payload__measure_id=measure.pk)
    with mock.patch.object(outbox, "emit_many", side_effect=RuntimeError("disk full")), pytest.raises(RuntimeError):
        outbox.dispatch(event.pk)
    assert Hearing.objects.filter(status=HearingStatus.SCHEDULED).count() == 2
    assert not OutboxEvent.objects.filter(kind="hearing.postponed").exists()
    assert not TimelineEntry.objects.filter(kind="hearing_postpone").exists()
    outbox.dispatch(event.pk)  # the retry does it all
    assert Hearing.objects.filter(status=HearingStatus.POSTPONED).count() == 2


def test_ending_the_suspension_lists_them_to_reschedule_and_alerts_without_personal_data(
    world: World, justice: Justice, pandemic: CrisisEvent, case: Case, clock: object
) -> None:
    measure = suspend(world, pandemic, regions=["Attica"], starts_on=date(2026, 3, 3))
    assert list(selectors.to_reschedule(justice.clerk)) == []  # still suspended: nothing to do yet
    services.hearing_reschedule(actor=world.prosecutor, hearing=justice.other, new_starts_at=at(2026, 6, 1))
    clock.move_to(at(2026, 4, 1), tick=False)  # type: ignore[attr-defined]
    crisis.measure_end(actor=world.coordinator, measure=measure)
    ended = OutboxEvent.objects.get(kind="measure.ended")
    assert ended.payload == {"measure_id": measure.pk, "crisis_id": pandemic.pk, "kind": "court_suspension"}
    outbox.dispatch(ended.pk)
    assert [h.pk for h in selectors.to_reschedule(world.prosecutor)] == [justice.hearing.pk]
    assert [h.pk for h in selectors.to_reschedule(justice.clerk)] == [justice.hearing.pk]
    assert list(selectors.to_reschedule(world.outsider)) == []
    alerts = {a.recipient.username: a.text for a in Alert.objects.filter(object_type="crisis.measure")}
    assert alerts == {
        "prosecutor": "A court suspension has ended: 1 hearing to reschedule.",
        "clerk": "A court suspension has ended: 1 hearing to reschedule.",
    }
    for text in alerts.values():
        assert case.reference not in text
        assert "Maria" not in text


def test_an_end_taken_by_a_worker_before_the_start_waits_for_the_postponement(
    world: World, justice: Justice, pandemic: CrisisEvent, clock: object
) -> None:
    measure = crisis.measure_add(
        actor=world.coordinator,
        crisis=pandemic,
        kind="court_suspension",
        regions=["Attica"],
        starts_on=date(2026, 3, 3),
    )
    clock.move_to(at(2026, 4, 1), tick=False)  # type: ignore[attr-defined]
    crisis.measure_end(actor=world.coordinator, measure=measure)
    started = OutboxEvent.objects.get(kind="measure.added", payload__measure_id=measure.pk)
    ended = OutboxEvent.objects.get(kind="measure.ended", payload__measure_id=measure.pk)
    outbox.dispatch(ended.pk)  # a second worker took the end first: nothing is postponed yet
    ended.refresh_from_db()
    assert ended.dispatched_at is None
    assert not Alert.objects.filter(object_type="crisis.measure").exists()
    assert not ended.consumptions.exists()

    outbox.dispatch(started.pk)
    outbox.sweep(older_than=timedelta(0))  # the periodic sweep offers the end again
    ended.refresh_from_db()
    assert ended.dispatched_at is not None
    postponed = {justice.hearing.pk, justice.other.pk}
    assert {h.pk for h in selectors.to_reschedule(world.prosecutor)} == postponed
    assert {a.recipient.username: a.text for a in Alert.objects.filter(object_type="crisis.measure")} == {
        "prosecutor": "A court suspension has ended: 2 hearings to reschedule.",
        "clerk": "A court suspension has ended: 1 hearing to reschedule.",  # the Athens registry's clerk
    }


def test_the_real_worker_runs_the_chain_from_measure_to_postponement(
    world: World, justice: Justice, pandemic: CrisisEvent, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        crisis.measure_add(
            actor=world.coordinator, crisis=pandemic, kind="court_suspension", starts_on=date(2026, 3, 2)
        )
    run_queued_tasks()
    assert Hearing.objects.filter(status=HearingStatus.POSTPONED).count() == 2
