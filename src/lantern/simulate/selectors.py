"""Reads of the simulator's runs: a run is seen by whoever queued it, and only while they may run the simulator."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from lantern.core.models import User
from lantern.core.permissions import require
from lantern.simulate.models import SimulationRun
from lantern.simulate.permissions import SimulateAction


def runs_of(user: User) -> QuerySet[SimulationRun]:
    require(user, SimulateAction.RUN)
    return SimulationRun.objects.filter(created_by=user).order_by("-created_at")


def run_get_for_user(user: User, run_id: int) -> SimulationRun:
    run = runs_of(user).filter(pk=run_id).first()
    if run is None:
        raise Http404
    return run
