"""Background task of the simulator: thin, and safe to run twice (a run is claimed before it is computed)."""

from __future__ import annotations

from django_tasks import task

from lantern.simulate.services import run_execute


@task()
def simulation_run(run_id: int) -> None:
    """Compute one queued run (lantern.simulate.services.run_execute)."""
    run_execute(run_id=run_id)
