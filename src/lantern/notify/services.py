"""Notifications: outbox consumers decide who is told what on which channel (one Delivery per event, recipient
and channel, in the consumer's transaction); workers send the queued deliveries in batches claimed with
SELECT ... FOR UPDATE SKIP LOCKED, retry with exponential backoff, and hand a survivor who cannot be told directly
to their caseworker as a task.

What "exactly once" rests on, precisely:
1. The decision is exactly once: the outbox runs a consumer once per event (OutboxConsumption, unique), and a
   delivery is unique per (event, recipient, channel) in the database.
2. Staff in-app messages and caseworker tasks are rows written in that same transaction: exactly once.
3. A message that leaves Lantern is sent at least once (a claimed delivery whose worker died is claimed again
   when its lease ends), and every transport is idempotent on the delivery (file name, gateway idempotency key,
   e-mail Message-ID; see lantern.notify.channels), so the person receives it once as long as the gateway keeps
   its promise about the key. A gateway that ignores the key could send twice in the one case where a worker dies
   between the gateway's answer and the commit that records it.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterable
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from lantern.cases.codes import SERVICE_TYPES
from lantern.cases.models import Case, Consent
from lantern.core.audit import audit_record
from lantern.core.models import Alert, Membership, OutboxEvent, User
from lantern.core.permissions import can, require
from lantern.core.roles import Role
from lantern.notify import messages
from lantern.notify.channels import Outgoing, PermanentFailure, TemporaryFailure, transport_for
from lantern.notify.models import CaseworkerTask, Channel, Delivery, DeliveryStatus, Detail, PackageNotice, Reason
from lantern.notify.permissions import NotifyAction

logger = logging.getLogger(__name__)

SURVIVOR = "survivor"
# The safe contact route the person chose -> the channel a message goes out on. A phone call or "only through
# the caseworker" is never automated: the caseworker is asked to call.
ROUTE_CHANNEL = {"sms": Channel.SMS, "messaging": Channel.MESSAGING, "email": Channel.EMAIL}
# How much each channel may say. A text message or a messaging app shows on a lock screen and may be read by
# whoever holds the phone: minimal ("there is news, call your support worker"). An e-mail the person consented to
# may carry the date, the court and how the hearing is held; never a name, never the case reference.
CHANNEL_DETAIL = {Channel.SMS: Detail.MINIMAL, Channel.MESSAGING: Detail.MINIMAL, Channel.EMAIL: Detail.DETAILED}
CONTACT_FIELD = {Channel.SMS: "phone", Channel.MESSAGING: "messaging", Channel.EMAIL: "email"}
DUE_STATUSES = (DeliveryStatus.QUEUED, DeliveryStatus.FAILED)


def _user_key(user: User) -> str:
    return f"user:{user.pk}"


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


# --- Staff in-app messages: written in the consumer's transaction ---------------------------------------------


def _in_app_rows(
    event: OutboxEvent,
    users: Iterable[User],
    text: Any,
    *,
    case: Case | None = None,
    object_type: str = "",
    object_id: str = "",
) -> tuple[list[Delivery], list[Alert]]:
    """One in-app message (a core Alert) and its delivery row per user, not yet saved. `text` is called with no
    argument under the user's language, so each reads it in the language they chose; it never carries personal
    data."""
    now = timezone.now()
    deliveries, alerts = [], []
    for user in {u.pk: u for u in users if u.is_active}.values():
        language = user.preferred_language or settings.LANGUAGE_CODE
        deliveries.append(
            Delivery(
                event=event,
                kind=event.kind,
                case=case,
                recipient=_user_key(user),
                user=user,
                channel=Channel.IN_APP,
                transport="db",
                language=language,
                status=DeliveryStatus.SENT,
                attempts=1,
                sent_at=now,
                created_at=now,
            )
        )
        with translation.override(language):
            alerts.append(
                Alert(
                    recipient=user,
                    kind=Alert.Kind.INFO,
                    text=str(text())[:500],
                    object_type=object_type,
                    object_id=object_id,
                    created_at=now,
                )
            )
    return deliveries, alerts


def _in_app(event: OutboxEvent, users: Iterable[User], text: Any, **link: Any) -> int:
    deliveries, alerts = _in_app_rows(event, users, text, **link)
    Delivery.objects.bulk_create(deliveries)
    Alert.objects.bulk_create(alerts)
    return len(alerts)


# --- Consumers of the outbox (registered in apps.py) ----------------------------------------------------------


STAFF_HEARING_TEXT = {
    "hearing.scheduled": lambda ref: _("A hearing was scheduled in case %(reference)s.") % {"reference": ref},
    "hearing.postponed": lambda ref: _("A hearing in case %(reference)s was postponed.") % {"reference": ref},
    "hearing.rescheduled": lambda ref: (
        _("A hearing in case %(reference)s was moved to a new date.") % {"reference": ref}
    ),
    "hearing.cancelled": lambda ref: _("A hearing in case %(reference)s was cancelled.") % {"reference": ref},
    "hearing.mode_changed": lambda ref: (
        _("A hearing in case %(reference)s will be held in another way.") % {"reference": ref}
    ),
}


def on_hearing_event(event: OutboxEvent) -> None:
    """A hearing changed: tell the survivor (as far as consent, channel and language allow) and their caseworker."""
    on_hearing_events([event])


def on_hearing_events(events: list[OutboxEvent]) -> None:
    """The same for many events at once (a court suspension): a handful of queries whatever their number."""
    case_ids = {e.payload.get("case_id") for e in events}
    cases = {
        c.pk: c
        for c in Case.objects.select_related("person", "organisation", "assigned_to", "created_by").filter(
            pk__in=case_ids
        )
    }
    consented = set(
        Consent.objects.filter(
            case_id__in=list(cases), purpose=Consent.Purpose.CONTACT, withdrawn_at__isnull=True
        ).values_list("case_id", "channel")
    )
    staff_of: dict[int, list[User]] = {}
    deliveries: list[Delivery] = []
    alerts: list[Alert] = []
    handed: list[tuple[Delivery, Case]] = []
    for event in events:
        case = cases.get(event.payload.get("case_id"))
        if case is None:
            continue
        if case.pk not in staff_of:
            staff_of[case.pk] = caseworkers_of(case)
        text = STAFF_HEARING_TEXT.get(event.kind, STAFF_HEARING_TEXT["hearing.postponed"])
        rows, messages_ = _in_app_rows(
            event,
            staff_of[case.pk],
            lambda text=text, case=case: text(case.reference),
            case=case,
            object_type="cases.case",
            object_id=str(case.pk),
        )
        deliveries += rows
        alerts += messages_
        if case.person.anonymised_at is None and case.stage != "closed":
            delivery = survivor_delivery_decide(event=event, case=case, consented=consented)
            deliveries.append(delivery)
            if delivery.reason:
                handed.append((delivery, case))
    Delivery.objects.bulk_create(deliveries, batch_size=1000)
    Alert.objects.bulk_create(alerts, batch_size=1000)
    for delivery, case in handed:
        _task_for_caseworkers(delivery, case, staff_of[case.pk])
    if any(d.status == DeliveryStatus.QUEUED for d in deliveries):
        transaction.on_commit(send_task_ensure_queued)


def survivor_delivery_decide(*, event: OutboxEvent, case: Case, consented: set[tuple[int, str]]) -> Delivery:
    """Decide (unsaved) how the person hears of the event: a queued message on the channel they consented to
    (`consented` holds the (case id, channel) pairs of active contact consents), in a language they read, saying
    no more than that channel may; or, when any of these is missing, a hand-over to the caseworker, who gets a task
    to call (with an interpreter when the person needs one)."""
    person = case.person
    route = person.contact_route
    channel = ROUTE_CHANNEL.get(route)
    language = None
    detail = ""
    reason = ""
    if channel is None:
        reason = Reason.PHONE_CALL if route == "phone" else Reason.CASEWORKER_ONLY
    elif (case.pk, route) not in consented:
        reason = Reason.NO_CONSENT
    elif not str(getattr(person, CONTACT_FIELD[channel]) or "").strip():
        reason = Reason.NO_CONTACT
    else:
        detail = CHANNEL_DETAIL[channel]
        chain = messages.fallback_chain(
            person.primary_language, list(person.other_languages or []), list(case.organisation.languages or [])
        )
        language = messages.choose_language(chain, event.kind, detail)
        if language is None:
            reason = Reason.NO_LANGUAGE
    return Delivery(
        event=event,
        kind=event.kind,
        case=case,
        recipient=SURVIVOR,
        channel=channel or Channel.NONE,
        transport="" if reason else transport_for(channel or "").name,
        language=language or "",
        detail=detail if not reason else "",
        status=DeliveryStatus.HANDED_TO_CASEWORKER if reason else DeliveryStatus.QUEUED,
        reason=reason,
    )


def _task_for_caseworkers(delivery: Delivery, case: Case, staff: list[User]) -> None:
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


def _referral(event: OutboxEvent) -> Any:
    from lantern.referrals.models import Referral  # notify is to the right of referrals

    return Referral.objects.select_related("case", "recipient").filter(pk=event.payload.get("referral_id")).first()


def on_referral_received(event: OutboxEvent) -> None:
    referral = _referral(event)
    if referral is None:
        return
    staff = User.objects.filter(
        is_active=True,
        memberships__organisation_id=referral.recipient_id,
        memberships__role__in=[Role.SERVICE_PROVIDER, Role.SUPERVISOR],
    ).distinct()

    def text() -> str:
        return _("New %(urgency)s referral for %(service)s (%(reference)s).") % {
            "urgency": referral.get_urgency_display().lower(),
            "service": SERVICE_TYPES.get(referral.service_type, referral.service_type),
            "reference": referral.case.reference,
        }

    _in_app(event, staff, text, object_type="referrals.referral", object_id=referral.public_id)


def on_referral_overdue(event: OutboxEvent) -> None:
    referral = _referral(event)
    if referral is None:
        return
    if event.payload.get("level") == 1:  # both conditions on the same membership
        people = User.objects.filter(
            is_active=True, memberships__role=Role.SUPERVISOR, memberships__organisation_id=referral.sender_id
        )
    else:
        people = User.objects.filter(is_active=True, memberships__role=Role.NATIONAL_COORDINATOR)

    def text() -> str:
        return _("Referral %(reference)s to %(recipient)s for %(service)s is unanswered past its deadline.") % {
            "reference": referral.case.reference,
            "recipient": referral.recipient.name,
            "service": SERVICE_TYPES.get(referral.service_type, referral.service_type),
        }

    _in_app(event, people.distinct(), text, object_type="referrals.referral", object_id=referral.public_id)


def on_package_missing(event: OutboxEvent) -> None:
    """One message a day to an organisation's supervisors, and to the caseworkers of the cases concerned, with the
    count; the list itself is the Minimum package page."""
    from lantern.referrals.selectors import cases_missing_package

    organisation_id = event.payload.get("organisation_id")
    count = int(event.payload.get("count", 0))
    if not organisation_id or not count:
        return
    cases, _due = cases_missing_package(national_reader())
    assignees = cases.filter(organisation_id=organisation_id, assigned_to__isnull=False).values("assigned_to_id")
    people = User.objects.filter(is_active=True).filter(
        Q(memberships__organisation_id=organisation_id, memberships__role=Role.SUPERVISOR) | Q(pk__in=assignees[:200])
    )

    def text() -> str:
        return _("Open cases not yet offered the whole minimum package in time: %(count)s.") % {"count": count}

    _in_app(event, people.distinct(), text, object_type="referrals.package", object_id=str(organisation_id))


def package_missing_notify(*, now: datetime | None = None) -> int:
    """Periodic: for each organisation with open cases missing part of the minimum package in the current crisis,
    one event a day with the count (consumed above). Returns how many organisations were told."""
    from django.db.models import Count

    from lantern.core import outbox
    from lantern.crisis.selectors import active_crises
    from lantern.referrals.selectors import cases_missing_package

    now = now or timezone.now()
    today = timezone.localdate(now)
    crisis = active_crises(on=today).first()
    if crisis is None:
        return 0
    cases, _due = cases_missing_package(national_reader(), on=today)
    counts = cases.order_by().values("organisation_id").annotate(n=Count("pk"))
    told = 0
    for row in counts:
        with transaction.atomic():
            _notice, created = PackageNotice.objects.get_or_create(
                organisation_id=row["organisation_id"], crisis_id=crisis.pk, on=today, defaults={"count": row["n"]}
            )
            if not created:
                continue
            outbox.emit(
                kind="package.missing",
                payload={"organisation_id": row["organisation_id"], "crisis_id": crisis.pk, "count": row["n"]},
                organisation_id=row["organisation_id"],
            )
            told += 1
    return told


def national_reader() -> User:
    """An unsaved reader with the national coordinator's scope, for periodic jobs that read through selectors
    scoped to a user (it can read, never write: services refuse an actor that is not saved)."""
    reader = User(username="lantern-periodic", is_active=True)
    reader._lantern_memberships = [(0, Role.NATIONAL_COORDINATOR, "Ministry")]  # type: ignore[attr-defined]
    return reader


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
            from django.db.models import F

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
            _task_for_caseworkers(delivery, case, caseworkers_of(case))
    logger.warning("delivery %s gave up: %s", delivery.pk, code)


def deliveries_recover() -> int:
    """Periodic: when deliveries are due (a failed one whose wait is over, a claimed one whose worker died, a
    queued one whose task was lost), make sure a send task is waiting. Returns how many are due."""
    due = Delivery.objects.filter(_due(timezone.now()), recipient=SURVIVOR).count()
    if due:
        send_task_ensure_queued()
    return due


# --- What staff do ------------------------------------------------------------------------------------------


def task_done(*, actor: User, task: CaseworkerTask) -> CaseworkerTask:
    """The caseworker called (or the supervisor closes it for her)."""
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
