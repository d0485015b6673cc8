"""Two admissions racing for the last bed: exactly one wins (two connections on PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from lantern.cases import services as cases
from lantern.cases.validation import PersonData
from lantern.core import services as core
from lantern.shelters import services
from lantern.shelters.models import BedAssignment, Stay
from tests.conftest import World


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_admissions_for_the_last_bed_exactly_one_wins(world: World) -> None:
    shelter = core.organisation_create(
        actor=None, name="Last Bed Shelter", type="Shelter", country="GR", region="Attica"
    )
    services.room_add(actor=None, shelter=shelter, name="W", wing="regular", restriction="women", beds=1)
    staff = [
        core.user_create(actor=None, username=f"s{i}", organisation=shelter, role="service_provider", password=None)
        for i in range(2)
    ]
    people = [
        cases.case_register(
            actor=world.caseworker,
            organisation=world.ngo_a,
            person=PersonData(gender="Feminine", birth_date=date(1995, 5, 5)),
        )
        for _ in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def admit(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            services.admit(actor=staff[index], case=people[index], shelter=shelter)
            outcomes.append("admitted")
        except ValidationError:
            outcomes.append("full")
        finally:
            connection.close()

    threads = [threading.Thread(target=admit, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["admitted", "full"]
    assert BedAssignment.objects.filter(until__isnull=True).count() == 1
    assert Stay.objects.count() == 1


@pytest.mark.django_db
def test_the_database_itself_refuses_a_second_occupant(world: World) -> None:
    from django.db import IntegrityError, transaction

    shelter = core.organisation_create(actor=None, name="One Bed", type="Shelter", country="GR", region="Attica")
    services.room_add(actor=None, shelter=shelter, name="X", wing="regular", restriction="mixed", beds=1)
    first, second = [
        cases.case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData()) for _ in range(2)
    ]
    stay = services.admit(actor=None, case=first, shelter=shelter)
    other = Stay.objects.create(case=second, shelter=shelter)
    with pytest.raises(IntegrityError), transaction.atomic():
        BedAssignment.objects.create(stay=other, bed=stay.assignments.get().bed, wing="regular")
