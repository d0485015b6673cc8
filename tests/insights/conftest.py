"""Synthetic cases (with the generator's crisis effects) over a few years, for the indicator tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from lantern.cases.generate import Period
from tests.conftest import World
from tests.helpers import Generated, generate

NOW = datetime(2022, 12, 15, 9, 0, tzinfo=UTC)


@pytest.fixture
def at_now(time_machine: object) -> datetime:
    time_machine.move_to(NOW, tick=False)  # type: ignore[attr-defined]
    return NOW


@pytest.fixture
def generated(world: World, at_now: datetime) -> Generated:
    """600 cases from January 2019 to November 2022 in organisations A and B."""
    return generate(
        count=600,
        seed=7,
        organisations=[world.ngo_a, world.ngo_b],
        period=Period(date(2019, 1, 1), date(2022, 11, 30)),
        batch_size=300,
    )
