"""Crisis mode tells other modules about measures through the outbox: added, and ended (by hand or with the
crisis), with ids and the kind only."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from lantern.core.models import OutboxEvent
from lantern.crisis import services
from tests.conftest import World

pytestmark = pytest.mark.django_db


def kinds() -> list[tuple[str, int]]:
    return [(e.kind, e.payload["measure_id"]) for e in OutboxEvent.objects.order_by("pk")]


def test_measures_added_and_ended_are_events(world: World, clock: object) -> None:
    crisis = services.crisis_declare(
        actor=world.coordinator, name="Pandemic", kind="pandemic", country="GR", starts_on=date(2026, 3, 1)
    )
    suspension = services.measure_add(
        actor=world.coordinator, crisis=crisis, kind="court_suspension", starts_on=date(2026, 3, 1)
    )
    curfew = services.measure_add(
        actor=world.coordinator, crisis=crisis, kind="curfew", starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 1)
    )
    lockdown = services.measure_add(
        actor=world.coordinator, crisis=crisis, kind="lockdown", starts_on=date(2026, 3, 1), ends_on=date(2026, 6, 1)
    )
    event = OutboxEvent.objects.get(kind="measure.added", payload__measure_id=suspension.pk)
    assert event.payload == {"measure_id": suspension.pk, "crisis_id": crisis.pk, "kind": "court_suspension"}
    services.measure_end(actor=world.coordinator, measure=suspension, ends_on=date(2026, 3, 2))
    services.crisis_end(actor=world.coordinator, crisis=crisis, ends_on=date(2026, 3, 2))
    # The crisis's end ends the lockdown early; the curfew had ended already and the suspension was ended by hand.
    assert kinds() == [
        ("measure.added", suspension.pk),
        ("measure.added", curfew.pk),
        ("measure.added", lockdown.pk),
        ("measure.ended", suspension.pk),
        ("measure.ended", lockdown.pk),
    ]


def test_a_refused_measure_emits_nothing(world: World, clock: object) -> None:
    crisis = services.crisis_declare(
        actor=world.coordinator, name="Pandemic", kind="pandemic", country="GR", starts_on=date(2026, 3, 1)
    )
    with pytest.raises(ValidationError):
        services.measure_add(actor=world.coordinator, crisis=crisis, kind="martial_law", starts_on=date(2026, 3, 1))
    assert not OutboxEvent.objects.exists()
