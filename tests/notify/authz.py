"""The targets of the notification lines of the authorization matrix (tests/core/test_authz_matrix.py): a message
to the person of the matrix's case that gave up, and the caseworker's task to call her instead."""

from __future__ import annotations

from lantern.cases.models import Case
from lantern.core.models import OutboxEvent
from lantern.notify.models import CaseworkerTask, Delivery
from tests.conftest import World


def notify_targets(world: World, case: Case) -> None:
    event = OutboxEvent.objects.create(kind="hearing.postponed", payload={"case_id": case.pk})
    delivery = Delivery.objects.create(
        event=event, kind=event.kind, case=case, recipient="survivor", channel="sms", status="gave_up", attempts=6
    )
    CaseworkerTask.objects.create(recipient=world.caseworker, case=case, delivery=delivery, kind="call")


def delivery_id() -> str:
    return str(Delivery.objects.get(recipient="survivor").pk)


def task_id() -> str:
    return str(CaseworkerTask.objects.get().pk)
