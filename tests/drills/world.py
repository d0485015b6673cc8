"""A court suspension that covers many hearings, set up in real time (the drills' workers run on the real clock,
not on the frozen one of the `clock` fixture)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from lantern.cases import services as cases
from lantern.cases.models import Case
from lantern.crisis import services as crisis
from lantern.crisis.models import CrisisEvent
from lantern.justice import services as justice
from lantern.justice.models import Court, Hearing
from tests.conftest import World, labour_context, maria
from tests.justice.helpers import referred_to_prosecution


@dataclass
class Docket:
    case: Case
    court: Court
    crisis: CrisisEvent
    hearings: int


def docket(world: World, hearings: int) -> Docket:
    """A case on trial with `hearings` hearings in an Attica court in the coming weeks, and a crisis in force."""
    today = timezone.localdate()
    case = cases.case_register(
        actor=world.caseworker, organisation=world.ngo_a, person=maria(), context=labour_context(), identified_on=today
    )
    referred_to_prosecution(world, case)
    proceeding = justice.proceeding_open(
        actor=world.prosecutor, case=case, organisation=world.prosecution, kind="trial", survivor_role="injured_party"
    )
    court = justice.court_create(
        actor=None, name="Athens Drill Court", country="GR", region="Attica", time_zone="Europe/Athens"
    )
    start = (timezone.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    first = justice.hearing_schedule(actor=world.prosecutor, proceeding=proceeding, court=court, starts_at=start)
    Hearing.objects.bulk_create(
        [
            Hearing(proceeding=proceeding, court=court, starts_at=start + timedelta(minutes=10 * n), mode=first.mode)
            for n in range(1, hearings)
        ],
        batch_size=1000,
    )
    emergency = crisis.crisis_declare(
        actor=world.coordinator, name="Flood", kind="disaster", country="GR", starts_on=today
    )
    return Docket(case=case, court=court, crisis=emergency, hearings=hearings)


def suspend_courts(world: World, docket: Docket) -> int:
    """The coordinator declares a court suspension in Attica for a month; returns the measure's id. Its consumers
    (postpone the hearings, then tell the survivors) run in the workers."""
    today = timezone.localdate()
    measure = crisis.measure_add(
        actor=world.coordinator,
        crisis=docket.crisis,
        kind="court_suspension",
        regions=["Attica"],
        starts_on=today,
        ends_on=today + timedelta(days=60),
    )
    return int(measure.pk)
