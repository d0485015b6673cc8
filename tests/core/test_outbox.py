"""The transactional outbox: an event commits with its change or not at all, and each consumer runs once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import transaction

from lantern.core import outbox
from lantern.core.models import OutboxConsumption, OutboxEvent

SEEN: list[int] = []


def record(event: OutboxEvent) -> None:
    SEEN.append(event.payload["n"])


def explode(event: OutboxEvent) -> None:
    raise RuntimeError("consumer failed")


@pytest.fixture
def consumers() -> Iterator[None]:
    saved = dict(outbox.CONSUMERS)
    SEEN.clear()
    outbox.consume("test.happened", name="test.record", function="tests.core.test_outbox.record")
    yield
    outbox.CONSUMERS.clear()
    outbox.CONSUMERS.update(saved)


@pytest.mark.django_db(transaction=True)
def test_an_event_rolled_back_with_its_change_is_never_dispatched(consumers: None) -> None:
    def change_that_fails() -> None:
        with transaction.atomic():
            outbox.emit(kind="test.happened", payload={"n": 1})
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        change_that_fails()
    assert not OutboxEvent.objects.exists()
    assert SEEN == []


@pytest.mark.django_db
def test_each_consumer_runs_once_even_when_dispatched_twice(consumers: None) -> None:
    event = outbox.emit(kind="test.happened", payload={"n": 7})
    assert outbox.dispatch(event.pk) == 1
    OutboxEvent.objects.filter(pk=event.pk).update(dispatched_at=None)  # as if the worker died before marking it
    assert outbox.dispatch(event.pk) == 0
    assert SEEN == [7]
    assert OutboxConsumption.objects.filter(event=event).count() == 1


@pytest.mark.django_db
def test_a_failing_consumer_leaves_the_event_for_a_retry(consumers: None) -> None:
    outbox.consume("test.happened", name="test.explode", function="tests.core.test_outbox.explode")
    event = outbox.emit(kind="test.happened", payload={"n": 3})
    with pytest.raises(RuntimeError):
        outbox.dispatch(event.pk)
    event.refresh_from_db()
    assert event.dispatched_at is None
    assert list(event.consumptions.values_list("consumer", flat=True)) == ["test.record"]


@pytest.mark.django_db
def test_the_sweep_dispatches_events_whose_task_was_lost(consumers: None) -> None:
    event = outbox.emit(kind="test.happened", payload={"n": 5})
    OutboxEvent.objects.filter(pk=event.pk).update(created_at=event.created_at - timedelta(minutes=10))
    assert outbox.sweep() == 1
    assert SEEN == [5]


@pytest.mark.django_db
def test_payloads_hold_codes_and_ids_not_text() -> None:
    with pytest.raises(TypeError):
        outbox.emit(kind="test.happened", payload={"note": "x" * 200})
    assert not OutboxEvent.objects.exists()


BATCHES: list[list[int]] = []


def record_batch(events: list[OutboxEvent]) -> None:
    BATCHES.append([e.payload["n"] for e in events])


@pytest.fixture
def batch_consumer(consumers: None) -> None:
    BATCHES.clear()
    outbox.CONSUMERS["test.happened"] = [
        outbox.Consumer(
            name="test.record",
            function="tests.core.test_outbox.record",
            batch_function="tests.core.test_outbox.record_batch",
        )
    ]


@pytest.mark.django_db
def test_events_recorded_together_are_consumed_together_and_still_once_each(batch_consumer: None) -> None:
    outbox.emit_many(kind="test.happened", payloads=[{"n": n} for n in range(5)])
    ids = list(OutboxEvent.objects.order_by("pk").values_list("pk", flat=True))
    outbox.dispatch(ids[0])  # one of them went alone first
    assert outbox.dispatch_many(ids) == 4
    assert BATCHES == [[1, 2, 3, 4]]
    assert SEEN == [0]
    assert outbox.dispatch_many(ids) == 0
    assert OutboxConsumption.objects.count() == 5
    assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()


@pytest.mark.django_db
def test_the_sweep_takes_undispatched_events_in_chunks(batch_consumer: None) -> None:
    outbox.emit_many(kind="test.happened", payloads=[{"n": n} for n in range(3)])
    assert outbox.sweep() == 0  # too recent: their tasks may still run
    assert outbox.sweep(older_than=timedelta(0)) == 3
    assert BATCHES == [[0, 1, 2]]


READY: list[bool] = []


def wait_until_ready(event: OutboxEvent) -> None:
    if not READY:
        raise outbox.NotYet
    SEEN.append(-event.payload["n"])


def wait_until_ready_batch(events: list[OutboxEvent]) -> None:
    if not READY:
        raise outbox.NotYet
    BATCHES.append([-e.payload["n"] for e in events])


@pytest.fixture
def waiting_consumer(consumers: None) -> Iterator[None]:
    READY.clear()
    BATCHES.clear()
    outbox.consume(
        "test.happened",
        name="test.wait",
        function="tests.core.test_outbox.wait_until_ready",
        batch_function="tests.core.test_outbox.wait_until_ready_batch",
    )
    yield
    READY.clear()


@pytest.mark.django_db
def test_a_consumer_that_must_wait_leaves_the_event_for_the_sweep_and_the_others_run(waiting_consumer: None) -> None:
    event = outbox.emit(kind="test.happened", payload={"n": 4})
    assert outbox.dispatch(event.pk) == 1  # test.record ran; test.wait said not yet
    event.refresh_from_db()
    assert event.dispatched_at is None
    assert list(event.consumptions.values_list("consumer", flat=True)) == ["test.record"]
    assert outbox.sweep(older_than=timedelta(0)) == 1  # still not ready: offered again, still waiting
    event.refresh_from_db()
    assert event.dispatched_at is None
    READY.append(True)
    assert outbox.sweep(older_than=timedelta(0)) == 1
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert (SEEN, BATCHES) == ([4], [[-4]])  # each consumer once (the sweep dispatches with the batch function)
    assert outbox.sweep(older_than=timedelta(0)) == 0


@pytest.mark.django_db
def test_events_recorded_together_wait_together(waiting_consumer: None) -> None:
    outbox.emit_many(kind="test.happened", payloads=[{"n": n} for n in range(1, 4)])
    ids = list(OutboxEvent.objects.order_by("pk").values_list("pk", flat=True))
    outbox.dispatch_many(ids)
    assert SEEN == [1, 2, 3]
    assert OutboxEvent.objects.filter(dispatched_at__isnull=True).count() == 3
    assert OutboxConsumption.objects.filter(consumer="test.wait").count() == 0
    READY.append(True)
    outbox.dispatch_many(ids)
    assert BATCHES == [[-1, -2, -3]]
    assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()
    assert OutboxConsumption.objects.count() == 6
