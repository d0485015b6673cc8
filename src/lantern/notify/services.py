"""What staff do with notifications: mark a caseworker's task done, try a message that gave up once more. Each
checks the permission first and writes its audit event in the same transaction. The outbox consumers that decide
the deliveries are in consumers.py, the delivery engine that sends them in sending.py."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.core.audit import audit_record
from lantern.core.models import User
from lantern.core.permissions import can, require
from lantern.notify.models import CaseworkerTask, Delivery, DeliveryStatus
from lantern.notify.permissions import NotifyAction
from lantern.notify.sending import send_task_ensure_queued


def call_numbers_read(*, actor: User, references: list[str]) -> None:
    """The calls-to-make list showed these cases' phone numbers to their caseworker: one read of personal data in
    the audit trail for the page, naming every case it showed."""
    if references:
        audit_record(
            action="personal_data.read",
            actor=actor,
            object_type="cases.case",
            object_id="",
            detail={"fields": ["phone"], "cases": sorted(set(references)), "page": "calls_to_make"},
        )


def task_done(*, actor: User, task: CaseworkerTask) -> CaseworkerTask:
    """The caseworker called (or the supervisor closes it for her). One call tells the person everything: the
    recipient's other open calls about the same case are done with it (the list shows them as one call)."""
    if task.recipient_id != actor.pk and not can(actor, NotifyAction.SUPERVISE, task.case):
        raise PermissionDenied("not your task")
    with transaction.atomic():
        current = CaseworkerTask.objects.select_for_update().get(pk=task.pk)
        if current.done_at is not None:
            raise ValidationError({"task": _("This task is already done.")})
        current.done_at, current.done_by = timezone.now(), actor
        current.save(update_fields=["done_at", "done_by"])
        audit_record(
            action="notify.task_done",
            actor=actor,
            organisation_id=current.case.organisation_id,
            object_type="notify.caseworkertask",
            object_id=current.pk,
            detail={"delivery": current.delivery_id, "kind": current.kind},
        )
        same_call = CaseworkerTask.objects.filter(
            recipient_id=current.recipient_id, case_id=current.case_id, done_at__isnull=True
        ).exclude(pk=current.pk)
        for other in same_call.select_for_update():
            other.done_at, other.done_by = current.done_at, actor
            other.save(update_fields=["done_at", "done_by"])
            audit_record(
                action="notify.task_done",
                actor=actor,
                organisation_id=current.case.organisation_id,
                object_type="notify.caseworkertask",
                object_id=other.pk,
                detail={"delivery": other.delivery_id, "kind": other.kind, "with": current.pk},
            )
    return current


def delivery_retry(*, actor: User, delivery: Delivery) -> Delivery:
    """Try a message that gave up once more (after the gateway came back, or the address was corrected)."""
    if delivery.case is None:
        raise PermissionDenied("not a survivor message")
    require(actor, NotifyAction.LOG, delivery.case)
    with transaction.atomic():
        current = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if current.status != DeliveryStatus.GAVE_UP:
            raise ValidationError({"status": _("Only a message that gave up can be tried again.")})
        current.status, current.attempts, current.next_attempt_at = DeliveryStatus.QUEUED, 0, timezone.now()
        current.last_error = ""
        current.save(update_fields=["status", "attempts", "next_attempt_at", "last_error"])
        audit_record(
            action="notify.delivery_retry",
            actor=actor,
            organisation_id=current.case.organisation_id if current.case else None,
            object_type="notify.delivery",
            object_id=current.pk,
            detail={"channel": current.channel},
        )
        transaction.on_commit(send_task_ensure_queued)
    return current
