"""The transactional outbox: what happened, written in the same transaction as the change, acted on after commit.

A service that changes something other parts of Lantern react to (a hearing postponed, a referral received, a
measure declared) calls `emit(...)` inside its transaction. The event row commits with the change or not at all.
After commit a task dispatches it to the consumers that apps registered in `AppConfig.ready` (the same way they
register periodic jobs and menu entries), so an app on the left of the dependency order never imports one on its
right: crisis emits `measure.added`, justice consumes it; justice emits `hearing.postponed`, notify consumes it.

Each consumer runs once per event: its run is recorded in `OutboxConsumption` (unique per event and consumer) in
the consumer's own transaction, so a dispatch that dies half way and is retried runs only what had not committed.
A periodic sweep re-dispatches events whose task was lost. Payloads hold ids, codes and dates, never personal
data (the same rule as audit details).

Events are dispatched by several workers at once, so an event may reach its consumers before an earlier one has
(the end of a measure before its start was acted on). A consumer that must wait raises `NotYet`: its transaction
rolls back, the event's other consumers run, and the event stays undispatched for the sweep to offer again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from lantern.core.audit import _check_detail
from lantern.core.models import OutboxConsumption, OutboxEvent


@dataclass(frozen=True)
class Consumer:
    name: str
    function: str  # dotted path of a callable taking the OutboxEvent
    # Optionally, a callable taking a list of events of the kind, doing for all of them in one transaction what
    # `function` does for one (used when events were recorded together, e.g. by a court suspension).
    batch_function: str = ""


CONSUMERS: dict[str, list[Consumer]] = {}
logger = logging.getLogger(__name__)


class NotYet(Exception):
    """A consumer cannot act on this event before another event was consumed; the sweep offers it again later."""


def consume(kind: str, *, name: str, function: str, batch_function: str = "") -> None:
    """Register `function` to run once for every event of `kind` (call it from AppConfig.ready)."""
    consumers = CONSUMERS.setdefault(kind, [])
    if all(existing.name != name for existing in consumers):
        consumers.append(Consumer(name=name, function=function, batch_function=batch_function))


def emit(*, kind: str, payload: dict[str, Any] | None = None, organisation_id: int | None = None) -> Any:
    """Record an event in the caller's transaction; dispatch it once that transaction commits."""
    from lantern.core.tasks import outbox_dispatch  # the tasks import this module

    payload = payload or {}
    _check_detail(payload, "payload")
    with transaction.atomic():
        event = OutboxEvent.objects.create(kind=kind, payload=payload, organisation_id=organisation_id)
        transaction.on_commit(partial(outbox_dispatch.enqueue, event.pk))
    return event


DISPATCH_CHUNK = 100


def emit_many(*, kind: str, payloads: list[dict[str, Any]], organisation_id: int | None = None) -> int:
    """Record many events of one kind at once (a court suspension postponing thousands of hearings); after commit
    one dispatch task per hundred events is queued, so that several workers share them without a task per event."""
    from lantern.core.tasks import outbox_dispatch_many  # the tasks import this module

    for payload in payloads:
        _check_detail(payload, "payload")
    with transaction.atomic():
        events = OutboxEvent.objects.bulk_create(
            [OutboxEvent(kind=kind, payload=p, organisation_id=organisation_id) for p in payloads], batch_size=1000
        )
        ids = [e.pk for e in events]
        if None in ids:  # backends that do not return ids from bulk inserts: the periodic sweep dispatches them
            return len(events)
        chunks = [ids[i : i + DISPATCH_CHUNK] for i in range(0, len(ids), DISPATCH_CHUNK)]
        transaction.on_commit(lambda: [outbox_dispatch_many.enqueue(chunk) for chunk in chunks])
    return len(events)


def dispatch(event_id: int) -> int:
    """Run every consumer of the event that has not run yet; return how many ran now. Safe to call twice."""
    event = OutboxEvent.objects.filter(pk=event_id, dispatched_at__isnull=True).first()
    if event is None:
        return 0
    done = set(OutboxConsumption.objects.filter(event=event).values_list("consumer", flat=True))
    ran = 0
    waiting = False
    for consumer in CONSUMERS.get(event.kind, []):
        if consumer.name in done:
            continue
        try:
            with transaction.atomic():
                OutboxConsumption.objects.create(event=event, consumer=consumer.name)
                import_string(consumer.function)(event)
        except IntegrityError:
            # Another worker ran this consumer for this event at the same moment and committed first.
            continue
        except NotYet:
            logger.info("outbox event %s (%s): %s waits for an earlier event", event.pk, event.kind, consumer.name)
            waiting = True
            continue
        ran += 1
    if not waiting:
        OutboxEvent.objects.filter(pk=event.pk).update(dispatched_at=timezone.now())
    return ran


def dispatch_many(event_ids: list[int]) -> int:
    """Dispatch events recorded together: a consumer with a batch function runs once for all the events that it
    has not consumed yet, in one transaction that records all their consumptions (so it is still once per event);
    the others run event by event. Return how many consumer runs there were. Safe to call twice."""
    events = list(OutboxEvent.objects.filter(pk__in=event_ids, dispatched_at__isnull=True).order_by("pk"))
    if not events:
        return 0
    done: set[tuple[int, str]] = set(
        OutboxConsumption.objects.filter(event__in=events).values_list("event_id", "consumer")
    )
    by_kind: dict[str, list[Any]] = {}
    for event in events:
        by_kind.setdefault(event.kind, []).append(event)
    ran = 0
    one_by_one: set[int] = set()
    waiting: set[int] = set()
    for kind, group in by_kind.items():
        for consumer in CONSUMERS.get(kind, []):
            pending = [e for e in group if (e.pk, consumer.name) not in done]
            if not pending:
                continue
            if not consumer.batch_function:
                one_by_one.update(e.pk for e in pending)
                continue
            try:
                with transaction.atomic():
                    OutboxConsumption.objects.bulk_create(
                        [OutboxConsumption(event=e, consumer=consumer.name) for e in pending]
                    )
                    import_string(consumer.batch_function)(pending)
                ran += len(pending)
            except IntegrityError:
                # Some were consumed meanwhile by another worker: let each event sort itself out alone.
                one_by_one.update(e.pk for e in pending)
            except NotYet:
                logger.info("outbox: %s waits for an earlier event (%d %s events)", consumer.name, len(pending), kind)
                waiting.update(e.pk for e in pending)
    for event in events:
        if event.pk in one_by_one:
            ran += dispatch(event.pk)  # which marks the event dispatched, or leaves it waiting
    done_now = [e.pk for e in events if e.pk not in one_by_one and e.pk not in waiting]
    OutboxEvent.objects.filter(pk__in=done_now, dispatched_at__isnull=True).update(dispatched_at=timezone.now())
    return ran


def sweep_after() -> timedelta:
    """How old an undispatched event must be before the sweep takes it (its task is then taken as lost)."""
    return timedelta(seconds=settings.LANTERN_OUTBOX_SWEEP_AFTER_SECONDS)


def sweep(*, older_than: timedelta | None = None) -> int:
    """Dispatch the events whose task was lost (a worker died before it ran); a periodic job. With
    `older_than=timedelta(0)`, everything not yet dispatched (a command or a test that runs the outbox in line)."""
    cutoff = timezone.now() - (sweep_after() if older_than is None else older_than)
    ids = list(
        OutboxEvent.objects.filter(dispatched_at__isnull=True, created_at__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:5000]
    )
    for start in range(0, len(ids), DISPATCH_CHUNK):
        dispatch_many(ids[start : start + DISPATCH_CHUNK])
    return len(ids)
