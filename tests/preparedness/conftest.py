from __future__ import annotations

from datetime import date

import pytest

from lantern.preparedness import services
from lantern.preparedness.models import Assessment
from tests.conftest import World


@pytest.fixture
def assessment(world: World) -> Assessment:
    """A draft assessment of Greece by the coordinator, with the NGO as a contributing partner."""
    return services.assessment_open(
        actor=world.coordinator,
        title="Greece 2026",
        country="GR",
        assessed_on=date(2026, 1, 15),
        contributors=[world.ngo_a],
    )
