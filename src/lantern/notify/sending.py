"""The delivery engine of notifications: workers send the queued deliveries in batches claimed with
SELECT ... FOR UPDATE SKIP LOCKED, retry with exponential backoff, and hand a survivor who cannot be told directly
to their caseworker as a task. What is sent was decided by the outbox consumers (consumers.py).

A message that leaves Lantern is sent at least once (a claimed delivery whose worker died is claimed again when its
lease ends), and every transport is idempotent on the delivery (file name, gateway idempotency key, e-mail
Message-ID; see lantern.notify.channels), so the person receives it once as long as the gateway keeps its promise
about the key. A gateway that ignores the key could send twice in the one case where a worker dies between the
gateway's answer and the commit that records it.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from lantern.cases.models import Case
from lantern.core.models import Membership, User
from lantern.core.roles import Role
from lantern.notify import messages
from lantern.notify.channels import Outgoing, PermanentFailure, TemporaryFailure, transport_for
from lantern.notify.models import CaseworkerTask, Channel, Delivery, DeliveryStatus, Detail

logger = logging.getLogger(__name__)

SURVIVOR = "survivor"  # the recipient of a survivor's delivery; staff ones are "user:<id>"
CONTACT_FIELD = {Channel.SMS: "phone", Channel.MESSAGING: "messaging", Channel.EMAIL: "email"}
DUE_STATUSES = (DeliveryStatus.QUEUED, DeliveryStatus.FAILED)


# --- Who works on a case ------------------------------------------------------------------------------------


def caseworkers_of(case: Case) -> list[User]:
    """The member of staff to tell about a case: its assignee; else who registered it, if they still work there;
    else the organisation's supervisors."""
    if case.assigned_to is not None and case.assigned_to.is_active:
        return [case.assigned_to]
    staff = Membership.objects.filter(
        organisation_id=case.organisation_id, role__in=[Role.CASEWORKER, Role.SUPERVISOR], user__is_active=True
    )
    if case.created_by is not None and staff.filter(user_id=case.created_by.pk).exists():
        return [case.created_by]
    return list(User.objects.filter(pk__in=staff.filter(role=Role.SUPERVISOR).values("user_id")).order_by("pk"))


def caseworker_tasks_add(delivery: Delivery, case: Case, staff: list[User]) -> None:
    """Ask the staff of a case to call the person (with an interpreter when the person needs one): for a message
    that could not be decided or sent. Once per delivery and member of staff."""
    person = case.person
    needs_interpreter = person.interpreter_needed or (
        bool(person.primary_language) and person.primary_language not in (case.organisation.languages or [])
    )
    kind = CaseworkerTask.Kind.CALL_WITH_INTERPRETER if needs_interpreter else CaseworkerTask.Kind.CALL
    CaseworkerTask.objects.bulk_create(
        [
            CaseworkerTask(recipient=user, case=case, delivery=delivery, kind=kind, language=person.primary_language)
            for user in staff
        ],
        ignore_conflicts=True,
    )


# --- Sending ----------------------------------------------------------------------------------------------


def send_task_ensure_queued() -> None:
    """Make sure a send task is waiting (one is enough: a task that claims a full batch queues the next one)."""
    from django_tasks_db.models import DBTaskResult

    from lantern.notify.tasks import deliveries_send

    if not DBTaskResult.objects.ready().filter(task_path=deliveries_send.module_path).exists():
        deliveries_send.enqueue()


def _due(now: datetime) -> Q:
    return Q(status__in=DUE_STATUSES, next_attempt_at__lte=now) | Q(status=DeliveryStatus.SENDING, lease_until__lt=now)


def backoff(attempts: int, delivery_id: int = 0) -> timedelta:
    """Seconds before attempt `attempts + 1`: base x 2^(attempts-1), capped, plus up to a tenth more spread by the
    delivery id so that many failures at once do not retry at the same second."""
    base = settings.LANTERN_NOTIFY_BACKOFF_SECONDS
    delay = min(base * 2 ** max(attempts - 1, 0), settings.LANTERN_NOTIFY_BACKOFF_MAX_SECONDS)
    return timedelta(seconds=delay + (delivery_id % 10) * delay / 100)


def deliveries_claim(*, limit: int, now: datetime) -> list[int]:
    """Take up to `limit` due deliveries for this worker: locked with SKIP LOCKED (another worker takes others),
    marked sending with a lease, committed before anything is sent."""
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(_due(now), recipient=SURVIVOR)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Delivery.objects.filter(pk__in=ids).update(
                status=DeliveryStatus.SENDING,
                claimed_by=f"{socket.gethostname()[:60]}-{os.getpid()}",
                attempts=F("attempts") + 1,
                lease_until=now + timedelta(seconds=settings.LANTERN_NOTIFY_LEASE_SECONDS),
            )
    return ids


def deliveries_send_due(*, limit: int | None = None, now: datetime | None = None) -> dict[str, int]:
    """Send one batch of due deliveries; a full batch queues the next one first, so other workers join in."""
    limit = limit or settings.LANTERN_NOTIFY_BATCH
    now = now or timezone.now()
    ids = deliveries_claim(limit=limit, now=now)
    counts = {"claimed": len(ids), "sent": 0, "failed": 0, "gave_up": 0}
    if not ids:
        return counts
    if len(ids) == limit:
        from lantern.notify.tasks import deliveries_send

        deliveries_send.enqueue()
    deliveries = Delivery.objects.filter(pk__in=ids).select_related("event", "case__person").order_by("pk")
    facts_cache: dict[Any, messages.HearingFacts] = {}
    sent: list[int] = []
    references: list[Delivery] = []
    retry_at: datetime | None = None
    for delivery in deliveries:
        try:
            outgoing = _outgoing(delivery, facts_cache)
            reference = transport_for(delivery.channel).send(outgoing)
        except PermanentFailure as exc:
            _give_up(delivery, exc.code)
            counts["gave_up"] += 1
            continue
        except TemporaryFailure as exc:
            at = _failed(delivery, exc.code, now)
            counts["gave_up" if at is None else "failed"] += 1
            if at is not None:
                retry_at = at if retry_at is None else min(retry_at, at)
            continue
        if reference:
            delivery.provider_reference = reference[:100]
            references.append(delivery)
        sent.append(delivery.pk)
    if sent:
        Delivery.objects.filter(pk__in=sent, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.SENT, sent_at=timezone.now(), lease_until=None, last_error=""
        )
    if references:
        Delivery.objects.bulk_update(references, ["provider_reference"])
    counts["sent"] = len(sent)
    if retry_at is not None:
        from lantern.notify.tasks import deliveries_send

        deliveries_send.using(run_after=retry_at).enqueue()
    return counts


def _outgoing(delivery: Delivery, facts_cache: dict[Any, messages.HearingFacts]) -> Outgoing:
    assert delivery.case is not None
    person = delivery.case.person
    payload = delivery.event.payload
    facts = None
    if delivery.detail == Detail.DETAILED:
        cache_key = (
            payload.get("court_id"),
            payload.get("starts_at"),
            payload.get("new_starts_at"),
            payload.get("mode"),
        )
        facts = facts_cache.get(cache_key)
        if facts is None:
            facts = facts_cache[cache_key] = hearing_facts(payload)
    if not messages.has(delivery.language, delivery.kind, delivery.detail):
        raise PermanentFailure("template: missing")
    subject, text = messages.render(language=delivery.language, kind=delivery.kind, detail=delivery.detail, facts=facts)
    return Outgoing(
        delivery_id=delivery.pk,
        key=str(delivery.key),
        channel=delivery.channel,
        to=str(getattr(person, CONTACT_FIELD[Channel(delivery.channel)]) or ""),
        language=delivery.language,
        direction=messages.direction(delivery.language),
        subject=subject,
        text=text,
    )


def hearing_facts(payload: dict[str, Any]) -> messages.HearingFacts:
    """When, where and how, from the event and the court (justice's Court when it is there)."""
    court_name, time_zone = "", settings.TIME_ZONE
    try:
        justice = import_module("lantern.justice.models")
    except ModuleNotFoundError:
        justice = None
    court_model = getattr(justice, "Court", None)
    if court_model is not None and payload.get("court_id"):
        court = court_model.objects.filter(pk=payload["court_id"]).first()
        if court is not None:
            court_name = str(getattr(court, "name", ""))
            time_zone = str(getattr(court, "time_zone", "") or getattr(court, "timezone", "") or time_zone)

    def moment(value: object) -> datetime | None:
        return parse_datetime(value) if isinstance(value, str) and value else None

    return messages.HearingFacts(
        starts_at=moment(payload.get("starts_at")),
        new_starts_at=moment(payload.get("new_starts_at")),
        court=court_name,
        time_zone=time_zone,
        mode=str(payload.get("mode") or "in_person"),
    )


def _failed(delivery: Delivery, code: str, now: datetime) -> datetime | None:
    """Record a failed attempt; return when to try again, or None when this was the last attempt."""
    if delivery.attempts >= settings.LANTERN_NOTIFY_MAX_ATTEMPTS:
        _give_up(delivery, code)
        return None
    at = now + backoff(delivery.attempts, delivery.pk)
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.FAILED, next_attempt_at=at, lease_until=None, last_error=code
    )
    return at


def _give_up(delivery: Delivery, code: str) -> None:
    """No more attempts: the caseworker is asked to call instead, in the same transaction."""
    with transaction.atomic():
        updated = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.GAVE_UP, lease_until=None, last_error=code
        )
        if updated and delivery.case is not None:
            case = Case.objects.select_related("person", "organisation", "assigned_to", "created_by").get(
                pk=delivery.case.pk
            )
            caseworker_tasks_add(delivery, case, caseworkers_of(case))
    logger.warning("delivery %s gave up: %s", delivery.pk, code)


def deliveries_recover() -> int:
    """Periodic: when deliveries are due (a failed one whose wait is over, a claimed one whose worker died, a
    queued one whose task was lost), make sure a send task is waiting. Returns how many are due."""
    due = Delivery.objects.filter(_due(timezone.now()), recipient=SURVIVOR).count()
    if due:
        send_task_ensure_queued()
    return due
