"""Shared by the simulator's tests and the authorization matrix."""

from __future__ import annotations

from lantern.simulate import services
from lantern.simulate.models import SimulationRun
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
    """Her run, queued once: she may have only services.MAX_UNFINISHED_RUNS waiting, and the matrix asks often."""
    queued = SimulationRun.objects.filter(created_by=world.coordinator).order_by("pk").first()
    if queued is None:
        queued = services.run_queue(actor=world.coordinator, scenario=MINIMAL)
    return str(queued.pk)
