"""Outbox consumers and periodic jobs are registered by dotted path in each app's `AppConfig.ready` and imported
only when a worker runs them: every registered name resolves to a function, and outbox consumers live in their
app's `consumers.py`."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import pytest
from django.utils.module_loading import import_string

from lantern.core import outbox, periodic


def _consumer_paths() -> list[tuple[str, str]]:
    """(consumer name, dotted path) of every function and batch function registered for every kind of event."""
    paths = []
    for consumers in outbox.CONSUMERS.values():
        for consumer in consumers:
            paths.append((consumer.name, consumer.function))
            if consumer.batch_function:
                paths.append((consumer.name, consumer.batch_function))
    return sorted(set(paths))


def _resolve(path: str) -> Callable[..., object]:
    function = import_string(path)
    assert inspect.isfunction(function), f"{path} is not a function"
    return function


def test_the_apps_register_their_consumers_and_jobs() -> None:
    # The apps that act on events and on a clock register when Django starts (a smoke check that ready() ran).
    assert {"justice.suspension", "justice.suspension_end", "notify.hearing"} <= {n for n, _p in _consumer_paths()}
    assert {"core.outbox_sweep", "notify.recover", "referrals.escalate", "cases.permit_expiry"} <= set(periodic.JOBS)


@pytest.mark.parametrize(("name", "path"), _consumer_paths())
def test_every_outbox_consumer_resolves_to_a_function_in_a_consumers_module(name: str, path: str) -> None:
    function = _resolve(path)
    module = function.__module__
    assert module.startswith("lantern."), f"{name}: {path} is not Lantern's"
    assert module.endswith(".consumers"), f"{name}: {path} is not in its app's consumers.py"
    parameters = inspect.signature(function).parameters
    assert len(parameters) == 1, f"{name}: {path} takes one event (or one list of events)"


@pytest.mark.parametrize("name", sorted(periodic.JOBS))
def test_every_periodic_job_resolves_to_a_function_called_without_arguments(name: str) -> None:
    function = _resolve(periodic.JOBS[name].function)
    required = [
        p
        for p in inspect.signature(function).parameters.values()
        if p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    assert not required, f"{name}: a periodic job is called with no argument, {function.__qualname__} needs {required}"
