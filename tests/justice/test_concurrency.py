"""Races: two clerks postponing the same hearing, and a clerk postponing while a court suspension runs. Each
hearing is postponed once and told once (two connections on PostgreSQL). And the database refuses a postponement
without its reason, whatever the code does."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from lantern.core.models import OutboxEvent
from lantern.crisis import services as crisis
from lantern.justice import consumers, services
from lantern.justice.models import Hearing, HearingStatus
from tests.conftest import World
from tests.helpers import race
from tests.justice.helpers import Justice


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_clerks_postponing_the_same_hearing_one_does_it(world: World, justice: Justice) -> None:
    hearing = justice.hearing
    outcomes = race(
        lambda: services.hearing_postpone(actor=world.prosecutor, hearing=hearing, reason="illness"),
        lambda: services.hearing_postpone(actor=justice.clerk, hearing=hearing, reason="court_schedule"),
    )
    assert outcomes == ["done", "refused"]
    assert OutboxEvent.objects.filter(kind="hearing.postponed").count() == 1
    assert Hearing.objects.get(pk=hearing.pk).status == HearingStatus.POSTPONED


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_clerk_and_a_court_suspension_at_the_same_moment(world: World, justice: Justice) -> None:
    pandemic = crisis.crisis_declare(actor=None, name="P", kind="pandemic", country="GR", starts_on=date(2026, 3, 1))
    measure = crisis.measure_add(actor=None, crisis=pandemic, kind="lockdown", starts_on=date(2026, 3, 2))
    measure.kind = "court_suspension"  # the suspension is run by hand below, racing the clerk
    measure.save(update_fields=["kind"])
    race(
        lambda: services.hearing_postpone(actor=justice.clerk, hearing=justice.hearing, reason="illness"),
        lambda: consumers.postpone_for_suspension(measure=measure),
    )
    # Postponed once, by whichever came first, and told once, with the reason of the one that did it.
    hearing = Hearing.objects.get(pk=justice.hearing.pk)
    assert hearing.status == HearingStatus.POSTPONED
    told = OutboxEvent.objects.get(kind="hearing.postponed", payload__hearing_id=hearing.pk)
    assert told.payload["reason"] == hearing.postponement_reason
    assert OutboxEvent.objects.filter(kind="hearing.postponed", payload__hearing_id=justice.other.pk).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_postponement_without_its_reason(justice: Justice) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Hearing.objects.filter(pk=justice.hearing.pk).update(status="postponed")
    with pytest.raises(IntegrityError), transaction.atomic():
        Hearing.objects.filter(pk=justice.hearing.pk).update(status="adjourned")
