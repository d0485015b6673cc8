"""Notifications decided from outbox events (registered in apps.py): who is told what on which channel, one
Delivery per event, recipient and channel, written in the consumer's transaction; the delivery engine
(sending.py) sends them after the commit.

What "exactly once" rests on, precisely:
1. The decision is exactly once: the outbox runs a consumer once per event (OutboxConsumption, unique), and a
   delivery is unique per (event, recipient, channel) in the database.
2. Staff in-app messages and caseworker tasks are rows written in that same transaction: exactly once.
3. A message that leaves Lantern is sent at least once, and received once (see sending.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lantern.cases.codes import SERVICE_TYPES
from lantern.cases.models import Case, Consent
from lantern.core.models import Alert, OutboxEvent, User
from lantern.core.roles import Role
from lantern.notify import messages
from lantern.notify.channels import transport_for
from lantern.notify.models import Channel, Delivery, DeliveryStatus, Detail, PackageNotice, Reason
from lantern.notify.sending import (
    CONTACT_FIELD,
    SURVIVOR,
    caseworker_tasks_add,
    caseworkers_of,
    send_task_ensure_queued,
)

# The safe contact route the person chose -> the channel a message goes out on. A phone call or "only through
# the caseworker" is never automated: the caseworker is asked to call.
ROUTE_CHANNEL = {"sms": Channel.SMS, "messaging": Channel.MESSAGING, "email": Channel.EMAIL}
# How much each channel may say. A text message or a messaging app shows on a lock screen and may be read by
# whoever holds the phone: minimal ("there is news, call your support worker"). An e-mail the person consented to
# may carry the date, the court and how the hearing is held; never a name, never the case reference.
CHANNEL_DETAIL = {Channel.SMS: Detail.MINIMAL, Channel.MESSAGING: Detail.MINIMAL, Channel.EMAIL: Detail.DETAILED}


def _user_key(user: User) -> str:
    return f"user:{user.pk}"


# --- Staff in-app messages: written in the consumer's transaction ---------------------------------------------


def _in_app_rows(
    event: OutboxEvent,
    users: Iterable[User],
    text: Any,
    *,
    case: Case | None = None,
    object_type: str = "",
    object_id: str = "",
    url: str = "",
    urgent: bool = False,
) -> tuple[list[Delivery], list[Alert]]:
    """One in-app message (a core Alert) and its delivery row per user, not yet saved. `text` is called with no
    argument under the user's language, so each reads it in the language they chose; it never carries personal
    data. `url` is where the reader acts on it (the case page when a case is given and no other place is); an
    urgent one is listed first while unread."""
    if not url and case is not None:
        url = reverse("cases:detail", kwargs={"reference": case.reference})
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
                    url=url,
                    urgent=urgent,
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
        caseworker_tasks_add(delivery, case, staff_of[case.pk])
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


def _referral(event: OutboxEvent) -> Any:
    from lantern.referrals.models import Referral  # notify is to the right of referrals

    return Referral.objects.select_related("case", "recipient").filter(pk=event.payload.get("referral_id")).first()


def on_referral_received(event: OutboxEvent) -> None:
    from lantern.referrals.models import URGENT_ANSWERS

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

    _in_app(
        event,
        staff,
        text,
        object_type="referrals.referral",
        object_id=referral.public_id,
        url=reverse("referrals:detail", kwargs={"referral_id": referral.public_id}),
        urgent=referral.urgency in URGENT_ANSWERS,
    )


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

    _in_app(
        event,
        people.distinct(),
        text,
        object_type="referrals.referral",
        object_id=referral.public_id,
        url=reverse("referrals:detail", kwargs={"referral_id": referral.public_id}),
    )


def on_package_missing(event: OutboxEvent) -> None:
    """One message a day to an organisation's supervisors with the count and the Minimum package page; and to each
    caseworker with cases concerned, the count of her own cases and her list of them (the package page is the
    supervisors': a link she could not open would tell her nothing)."""
    from django.db.models import Count

    from lantern.referrals.selectors import cases_missing_package

    organisation_id = event.payload.get("organisation_id")
    count = int(event.payload.get("count", 0))
    if not organisation_id or not count:
        return
    supervisors = User.objects.filter(
        is_active=True, memberships__organisation_id=organisation_id, memberships__role=Role.SUPERVISOR
    ).distinct()

    def text() -> str:
        return _("Open cases not yet offered the whole minimum package in time: %(count)s.") % {"count": count}

    _in_app(event, supervisors, text, object_type="referrals.package", object_id=str(organisation_id),
            url=reverse("referrals:package"))  # fmt: skip
    cases, _due = cases_missing_package(national_reader())
    own = (
        cases.filter(organisation_id=organisation_id, assigned_to__isnull=False)
        .exclude(assigned_to__in=supervisors)
        .order_by()
        .values("assigned_to_id")
        .annotate(n=Count("pk"))
    )
    counts = {row["assigned_to_id"]: row["n"] for row in own[:200]}
    mine = f"{reverse('cases:list')}?assigned_to_me=on&unmet_needs=on"
    for user in User.objects.filter(is_active=True, pk__in=counts):

        def own_text(n: int = counts[user.pk]) -> str:
            return ngettext(
                "%(count)s of your open cases is not yet offered the whole minimum package in time.",
                "%(count)s of your open cases are not yet offered the whole minimum package in time.",
                n,
            ) % {"count": n}

        _in_app(event, [user], own_text, object_type="referrals.package", object_id=str(organisation_id), url=mine)


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
