from __future__ import annotations

from datetime import date

import pytest

from lantern.preparedness import services
from lantern.preparedness.models import Assessment
from tests.conftest import World

NGO_ITEMS = ("PRO-1", "COO-2", "DAT-4")


@pytest.fixture
def assessment(world: World) -> Assessment:
    """A draft assessment of Greece by the coordinator, with the NGO as a contributing partner that owns the items
    in NGO_ITEMS (the coordinator named it their owner); the other items have no owner yet."""
    assessment = services.assessment_open(
        actor=world.coordinator,
        title="Greece 2026",
        country="GR",
        assessed_on=date(2026, 1, 15),
        contributors=[world.ngo_a],
    )
    for answer in assessment.answers.filter(item_id__in=NGO_ITEMS):
        services.item_update(actor=world.coordinator, answer=answer, owner=world.ngo_a)
    return assessment
