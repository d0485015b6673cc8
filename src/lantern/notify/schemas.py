"""Pydantic schemas of the notifications API: the log says codes, never the text or the address."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema

from lantern.notify.models import CaseworkerTask, Delivery
from lantern.notify.sending import SURVIVOR


class DeliveryOut(Schema):
    """What the log says of a delivery: codes, never the text or the address."""

    id: int
    kind: str
    recipient: str
    channel: str
    transport: str
    language: str
    detail: str
    status: str
    reason: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    created_at: datetime
    sent_at: datetime | None

    @staticmethod
    def resolve_recipient(delivery: Delivery) -> str:
        return "survivor" if delivery.recipient == SURVIVOR else "staff"

    @staticmethod
    def resolve_next_attempt_at(delivery: Delivery) -> datetime | None:
        return delivery.next_attempt_at if delivery.status == "failed" else None


class TaskOut(Schema):
    id: int
    kind: str
    reference: str
    language: str
    event: str
    reason: str
    created_at: datetime
    done_at: datetime | None

    @staticmethod
    def resolve_reference(task: CaseworkerTask) -> str:
        return task.case.reference

    @staticmethod
    def resolve_event(task: CaseworkerTask) -> str:
        return task.delivery.kind

    @staticmethod
    def resolve_reason(task: CaseworkerTask) -> str:
        return task.delivery.reason or task.delivery.status


class TemplateOut(Schema):
    language: str
    name: str
    direction: str
    minimal: bool
    detailed: dict[str, bool]
