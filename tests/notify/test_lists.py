"""The notification lists page in the database: more deliveries than the 1,000 a case's log once stopped at and
more tasks than the 500 the inbox stopped at; every page walked, the count right, each page at the same number of
queries. The notification pages cost the same with few rows as with many."""

from __future__ import annotations

from django.test import Client

from lantern.cases.models import Case
from lantern.core import outbox
from lantern.core.models import OutboxEvent, User
from lantern.notify.models import CaseworkerTask, Delivery
from tests.conftest import World
from tests.lists import assert_flat, assert_walked, walk

MAX_QUERIES = 12


def _deliveries(case: Case, count: int) -> list[Delivery]:
    event: OutboxEvent = outbox.emit(kind="hearing.postponed", payload={}, organisation_id=case.organisation_id)
    first = Delivery.objects.filter(event=event).count()
    return Delivery.objects.bulk_create(
        Delivery(
            event=event,
            kind=event.kind,
            case=case,
            recipient=f"user:{first + i}",
            channel="in_app",
            status="failed",
            last_error="timeout",
        )
        for i in range(count)
    )


def _tasks(case: Case, user: User, count: int) -> None:
    CaseworkerTask.objects.bulk_create(
        CaseworkerTask(recipient=user, case=case, delivery=delivery, kind=CaseworkerTask.Kind.CALL, language="ro")
        for delivery in _deliveries(case, count)
    )


def test_every_delivery_of_a_case_is_listed_past_the_old_cap(
    api_client: dict[str, Client], case: Case, world: World
) -> None:
    _deliveries(case, 1050)
    walked = walk(api_client["caseworker"], f"/api/v1/notifications/cases/{case.reference}/deliveries")
    assert_walked(walked, 1050, max_queries=MAX_QUERIES)
    assert {item["recipient"] for item in walked.items} == {"staff"}
    assert all(item["next_attempt_at"] for item in walked.items)  # failed: when it is tried again


def test_every_task_is_listed_past_the_old_cap(api_client: dict[str, Client], case: Case, world: World) -> None:
    _tasks(case, world.caseworker, 550)
    walked = walk(api_client["caseworker"], "/api/v1/notifications/tasks")
    assert_walked(walked, 550, max_queries=MAX_QUERIES)
    assert {(item["reference"], item["event"], item["reason"]) for item in walked.items} == {
        (case.reference, "hearing.postponed", "failed")
    }


def test_the_notification_pages_cost_the_same_with_many_rows(
    staff: dict[str, Client], case: Case, world: World
) -> None:
    _tasks(case, world.caseworker, 2)
    assert_flat(
        lambda: staff["caseworker"].get(f"/notifications/case/{case.reference}/"),
        lambda: _deliveries(case, 40),
        max_queries=30,
    )
    assert_flat(
        lambda: staff["caseworker"].get("/notifications/inbox/"),
        lambda: _tasks(case, world.caseworker, 40),
        max_queries=30,
    )
    assert_flat(
        lambda: staff["supervisor"].get("/notifications/"),
        lambda: _deliveries(case, 40),
        max_queries=30,
    )
