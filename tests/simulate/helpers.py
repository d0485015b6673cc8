"""Shared by the simulator's tests and the authorization matrix."""

from __future__ import annotations

from lantern.simulate import services
from tests.conftest import World

MINIMAL = """
horizon_days = 365
replications = 5
seed = 7
[arrivals]
per_day = 4.0
[[services]]
type = "legal_aid"
places = 40
service_days = 20.0
share = 0.6
"""


def coordinators_run_id(world: World) -> str:
    return str(services.run_queue(actor=world.coordinator, scenario=MINIMAL).pk)
