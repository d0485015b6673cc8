"""The referral workflow: create (only with consent for that recipient), accept (never past capacity), decline,
start, complete, cancel, expire; overdue referrals escalate to the sender's supervisors, then to the national
coordinator."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lantern.cases.codes import SERVICE_TYPES
from lantern.cases.models import Case, Consent
from lantern.cases.permissions import CaseAction
from lantern.cases.plans import is_high_risk
from lantern.cases.selectors import consent_allows
from lantern.cases.services import case_link, personal_data_read, timeline_record
from lantern.core import outbox
from lantern.core.audit import audit_record
from lantern.core.models import Alert, Organisation, User
from lantern.core.permissions import can, require
from lantern.core.problems import CONFLICT
from lantern.core.roles import Role
from lantern.core.services import alerts_send
from lantern.providers.models import DeliveryMode, Offering
from lantern.providers.services import capacity_release, capacity_take, week_of
from lantern.referrals.models import (
    DECLINE_TEXT_MAX,
    MEETS_NEED,
    OPEN_STATUSES,
    RESPONSE_TIME,
    URGENT_ANSWERS,
    DeclineReason,
    Outcome,
    Referral,
    Status,
    Urgency,
)
from lantern.referrals.permissions import ReferralAction

EXPIRE_AFTER = RESPONSE_TIME[Urgency.ROUTINE] * 4  # an unanswered referral lapses after twelve days
CASE_SECTION = "case-referrals-heading"  # the referrals of the case, on its page (referrals/_case_referrals.html)


def _record(referral: Referral, event: str, actor: User | None, **detail: object) -> None:
    timeline_record(
        case=referral.case,
        kind=f"referral_{event}",
        actor=actor,
        detail={"referral": referral.pk, "service_type": referral.service_type, **detail},
    )
    audit_record(
        action=f"referral.{event}",
        actor=actor,
        actor_label="console",
        organisation_id=referral.sender_id,
        object_type="referrals.referral",
        object_id=referral.pk,
        detail={"recipient": referral.recipient_id, **detail},
    )


def refresh_unmet_needs(case: Case) -> None:
    met = sorted(set(Referral.objects.filter(case=case, status__in=MEETS_NEED).values_list("service_type", flat=True)))
    unmet = any(need not in met for need in case.needs)
    if unmet != case.has_unmet_needs or met != case.needs_met:
        case.has_unmet_needs, case.needs_met = unmet, met
        case.save(update_fields=["has_unmet_needs", "needs_met"])


def _refuse_open_duplicate(case: Case, recipient: Organisation, service_type: str) -> None:
    """The same need sent again to the same organisation while the first referral is still open would make it
    answer twice (and count twice in the minimum package): refused, saying where the open one is."""
    open_one = (
        Referral.objects.filter(case=case, recipient=recipient, service_type=service_type, status__in=OPEN_STATUSES)
        .order_by("created_at")
        .first()
    )
    if open_one is not None:
        raise ValidationError(
            {
                "recipient": ValidationError(
                    _(
                        "%(name)s already has an open referral of this case for this service, sent on %(day)s "
                        "(%(status)s): it is in the referrals of this case. Follow it up, or cancel it before "
                        "sending another."
                    )
                    % {
                        "name": recipient.name,
                        "day": timezone.localtime(open_one.created_at).date().isoformat(),
                        "status": open_one.get_status_display(),
                    },
                    code=CONFLICT,
                )
            }
        )


def referral_create(
    *,
    actor: User,
    case: Case,
    recipient: Organisation,
    service_type: str,
    urgency: str = Urgency.ROUTINE,
    offering: Offering | None = None,
    idempotency_key: str = "",
) -> Referral:
    """Send one need of a case to an organisation. Without the person's consent to a referral to that organisation,
    nothing is stored and the refusal says why. A retried request with the same idempotency key returns the
    referral the first one made."""
    require(actor, CaseAction.UPDATE, case)
    idempotency_key = idempotency_key.strip()
    if idempotency_key:
        earlier = Referral.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
        if earlier is not None:
            if (earlier.case_id, earlier.recipient_id, earlier.service_type) != (case.pk, recipient.pk, service_type):
                raise ValidationError({"idempotency_key": _("This key was used for another referral.")})
            return earlier
    errors: dict[str, str] = {}
    if service_type not in SERVICE_TYPES:
        errors["service_type"] = _("Unknown value %(value)s.") % {"value": repr(service_type)}
    if urgency not in Urgency.values:
        errors["urgency"] = _("Unknown value %(value)s.") % {"value": repr(urgency)}
    if len(idempotency_key) > 64:
        errors["idempotency_key"] = ngettext("At most %(n)d character.", "At most %(n)d characters.", 64) % {"n": 64}
    if recipient.pk == case.organisation_id:
        errors["recipient"] = _("A referral goes to another organisation.")
    if offering is None:
        offering = Offering.objects.filter(organisation=recipient, service_type=service_type, active=True).first()
    if offering is None or offering.organisation_id != recipient.pk or offering.service_type != service_type:
        errors["recipient"] = _("This organisation does not offer this service.")
    if case.stage == "closed":
        errors["case"] = _("The case is closed.")
    if errors:
        raise ValidationError(errors)
    if not consent_allows(case, Consent.Purpose.REFERRAL, recipient=recipient):
        raise ValidationError(
            {
                "consent": _("The person has not consented to a referral to %(name)s. Record their consent first.")
                % {"name": recipient.name}
            }
        )
    if is_high_risk(case):
        # A person assessed at high risk is served first: the provider sees her referral at the top of her inbox.
        urgency = Urgency.EMERGENCY
    now = timezone.now()
    try:
        with transaction.atomic():
            # The case's row is locked first, so that two requests sending the same need at the same moment are
            # answered one after the other and the second meets the first's open referral.
            Case.objects.select_for_update().filter(pk=case.pk).first()
            _refuse_open_duplicate(case, recipient, service_type)
            referral = Referral.objects.create(
                case=case,
                sender_id=case.organisation_id,
                recipient=recipient,
                offering=offering,
                service_type=service_type,
                urgency=urgency,
                idempotency_key=idempotency_key,
                created_by=actor,
                created_at=now,
                respond_by=now + RESPONSE_TIME[Urgency(urgency)],
            )
            _record(referral, "create", actor, urgency=urgency)
            alert_recipients(referral)
    except IntegrityError:
        # The same key, sent twice at the same moment: the other request created it.
        earlier = Referral.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
        if earlier is None:
            raise
        return earlier
    return referral


def alert_recipients(referral: Referral) -> None:
    """The receiving organisation's staff are told by notifications (an in-app message each), after commit."""
    outbox.emit(kind="referral.received", payload={"referral_id": referral.pk}, organisation_id=referral.recipient_id)


def _respondable(actor: User, referral: Referral) -> Referral:
    if not can(actor, ReferralAction.RESPOND, referral.recipient):
        raise PermissionDenied("only the receiving organisation answers a referral")
    current = Referral.objects.select_for_update(of=("self",)).select_related("case", "offering").get(pk=referral.pk)
    if current.status in OPEN_STATUSES and not consent_allows(
        current.case, Consent.Purpose.REFERRAL, recipient=current.recipient
    ):
        raise ValidationError({"consent": _("The person has withdrawn their consent to this referral.")})
    return current


def _expect(referral: Referral, *statuses: str) -> None:
    if referral.status not in statuses:
        raise ValidationError(
            {"status": _("This referral is %(status)s.") % {"status": referral.get_status_display().lower()}}
        )


def referral_accept(*, actor: User, referral: Referral) -> Referral:
    """Accept, taking one place of this week's capacity. When there is none left, nothing changes."""
    with transaction.atomic():
        current = _respondable(actor, referral)
        _expect(current, Status.PENDING)
        today = timezone.localdate()
        if current.offering is None or not capacity_take(offering=current.offering, on=today):
            raise ValidationError({"capacity": _("No capacity is left this week for this service.")})
        current.status = Status.ACCEPTED
        current.responded_at, current.responded_by, current.accepted_week = timezone.now(), actor, week_of(today)
        current.save(update_fields=["status", "responded_at", "responded_by", "accepted_week"])
        _record(current, "accept", actor)
        refresh_unmet_needs(current.case)
    return current


def referral_decline(
    *, actor: User, referral: Referral, reason_code: str = DeclineReason.OTHER, reason: str = ""
) -> Referral:
    """Say no, with a reason from the coded list the sender can act on, and free text beside it (required when the
    code is "another reason"). The text may name the person: it is stored encrypted and erased with the case."""
    reason = " ".join(reason.split())
    errors: dict[str, str] = {}
    if reason_code not in DeclineReason.values:
        errors["reason_code"] = _("Choose a reason from the list.")
    if len(reason) > DECLINE_TEXT_MAX or (reason_code == DeclineReason.OTHER and not reason):
        errors["reason"] = _("Say why, in at most 300 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _respondable(actor, referral)
        _expect(current, Status.PENDING)
        current.status, current.decline_code, current.decline_reason = Status.DECLINED, reason_code, reason
        current.responded_at, current.responded_by = timezone.now(), actor
        current.save(update_fields=["status", "decline_code", "decline_reason", "responded_at", "responded_by"])
        _record(current, "decline", actor, reason_code=reason_code)
        unanswered_need_alert(referral=current, declined=True)
    return current


def unanswered_need_alert(*, referral: Referral, declined: bool) -> int:
    """An emergency or urgent referral declined, or lapsed unanswered, leaves the need unmet at once: the case's
    caseworker (its assignee, and whoever sent the referral if she still works there) and the supervisors of the
    organisation holding the case are alerted, urgently, each in her language. The case reference and the service
    only: the provider's free text may name the person. Returns how many were alerted."""
    if referral.urgency not in URGENT_ANSWERS:
        return 0
    case = referral.case
    holder = case.organisation_id  # after a hand-over, the new holder follows the referral up
    recipients = (
        User.objects.filter(
            Q(pk=case.assigned_to_id)
            | Q(memberships__organisation_id=holder, memberships__role=Role.SUPERVISOR)
            | Q(pk=referral.created_by_id, memberships__organisation_id=holder),
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )
    messages: list[tuple[User, str]] = []
    for recipient in recipients:
        with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
            words = {
                "reference": case.reference,
                "service": SERVICE_TYPES.get(referral.service_type, referral.service_type),
                "urgency": referral.get_urgency_display().lower(),
            }
            if declined:
                text = _(
                    "Case %(reference)s: the referral for %(service)s (%(urgency)s) was declined. "
                    "Find another provider now."
                )
            else:
                text = _(
                    "Case %(reference)s: the referral for %(service)s (%(urgency)s) lapsed unanswered. "
                    "Find another provider now."
                )
            messages.append((recipient, text % words))
    alerts_send(
        messages=messages,
        kind=Alert.Kind.INFO,
        object_type="referrals.referral",
        object_id=referral.public_id,
        url=case_link(case, CASE_SECTION),
        urgent=True,
    )
    return len(messages)


def referral_contact_read(*, actor: User, referral: Referral, fields: list[str]) -> None:
    """The receiving organisation was shown the person's contact details (after accepting, on the channel the
    person consented to): a read of personal data, in the audit trail like any other."""
    if fields:
        personal_data_read(actor=actor, case=referral.case, fields=fields)


def referrals_erase_free_text(case: Case) -> None:
    """On the case's erasure or anonymisation (cases.erasure): the decline reasons, free text that may name the
    person, go with the rest of the personal data."""
    Referral.objects.filter(case=case).update(decline_reason="")


def referral_start(*, actor: User, referral: Referral) -> Referral:
    with transaction.atomic():
        current = _respondable(actor, referral)
        _expect(current, Status.ACCEPTED)
        current.status, current.started_at = Status.IN_PROGRESS, timezone.now()
        current.save(update_fields=["status", "started_at"])
        _record(current, "start", actor)
    return current


def referral_complete(*, actor: User, referral: Referral, delivery_mode: str, outcome: str) -> Referral:
    errors: dict[str, str] = {}
    if delivery_mode not in DeliveryMode.values:
        errors["delivery_mode"] = _("Say whether it was delivered in person, remotely or by outreach.")
    if outcome not in Outcome.values:
        errors["outcome"] = _("Unknown value %(value)s.") % {"value": repr(outcome)}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _respondable(actor, referral)
        _expect(current, Status.ACCEPTED, Status.IN_PROGRESS)
        current.status, current.completed_at = Status.COMPLETED, timezone.now()
        current.delivery_mode, current.outcome = delivery_mode, outcome
        current.started_at = current.started_at or current.completed_at
        current.save(update_fields=["status", "completed_at", "delivery_mode", "outcome", "started_at"])
        _record(current, "complete", actor, delivery_mode=delivery_mode, outcome=outcome)
        refresh_unmet_needs(current.case)
    return current


def referral_cancel(*, actor: User, referral: Referral) -> Referral:
    """The sender withdraws a referral; a place it held this week is given back."""
    require(actor, CaseAction.UPDATE, referral.case)
    with transaction.atomic():
        current = (
            Referral.objects.select_for_update(of=("self",)).select_related("case", "offering").get(pk=referral.pk)
        )
        _expect(current, *OPEN_STATUSES)
        if current.status in (Status.ACCEPTED, Status.IN_PROGRESS) and current.offering and current.accepted_week:
            capacity_release(offering=current.offering, on=current.accepted_week)
        current.status, current.closed_at = Status.CANCELLED, timezone.now()
        current.save(update_fields=["status", "closed_at"])
        _record(current, "cancel", actor)
        refresh_unmet_needs(current.case)
    return current


def referrals_after_transfer(case: Case, giving: Organisation) -> None:
    """Once a case has changed hands, the referrals the giving organisation had sent to the new holder itself have
    no one left to answer (an organisation does not refer to itself): they end as cancelled, and a place they held
    this week is given back. Referrals to other organisations stay open; the new holder follows them up."""
    for referral in Referral.objects.select_for_update(of=("self",)).filter(
        case=case, recipient_id=case.organisation_id, status__in=OPEN_STATUSES
    ):
        if referral.status in (Status.ACCEPTED, Status.IN_PROGRESS) and referral.offering and referral.accepted_week:
            capacity_release(offering=referral.offering, on=referral.accepted_week)
        referral.status, referral.closed_at = Status.CANCELLED, timezone.now()
        referral.save(update_fields=["status", "closed_at"])
        _record(referral, "cancel", None, reason="handed_over", giving=giving.pk)
    refresh_unmet_needs(case)


def referrals_escalate(*, now: datetime | None = None) -> dict[str, int]:
    """Unanswered referrals past their deadline alert the sender's supervisors; past twice the deadline, the
    national coordinators; past twelve days they expire. Safe to run as often as wanted."""
    now = now or timezone.now()
    counts = {"supervisor": 0, "coordinator": 0, "expired": 0, "consent_withdrawn": 0}
    # Open referrals whose consent was withdrawn end here (capacity they held is given back).
    consented = Consent.objects.filter(
        case=OuterRef("case_id"),
        purpose=Consent.Purpose.REFERRAL,
        recipient=OuterRef("recipient_id"),
        withdrawn_at__isnull=True,
    )
    for referral in Referral.objects.filter(status__in=OPEN_STATUSES).exclude(Exists(consented)):
        with transaction.atomic():
            current = (
                Referral.objects.select_for_update(of=("self",)).select_related("case", "offering").get(pk=referral.pk)
            )
            if current.status not in OPEN_STATUSES:
                continue
            if current.status != Status.PENDING and current.offering and current.accepted_week:
                capacity_release(offering=current.offering, on=current.accepted_week)
            current.status, current.closed_at = Status.CANCELLED, now
            current.save(update_fields=["status", "closed_at"])
            _record(current, "cancel", None, reason="consent_withdrawn")
            refresh_unmet_needs(current.case)
            counts["consent_withdrawn"] += 1
    overdue = Referral.objects.filter(status=Status.PENDING, respond_by__lt=now).select_related("case", "recipient")
    for referral in overdue.order_by("pk"):
        with transaction.atomic():
            current = (
                Referral.objects.select_for_update(of=("self",)).select_related("case", "recipient").get(pk=referral.pk)
            )
            if current.status != Status.PENDING:
                continue
            window = current.respond_by - current.created_at
            if now - current.created_at > EXPIRE_AFTER:
                current.status, current.closed_at = Status.EXPIRED, now
                current.save(update_fields=["status", "closed_at"])
                _record(current, "expire", None)
                unanswered_need_alert(referral=current, declined=False)
                counts["expired"] += 1
                continue
            level = 2 if now > current.respond_by + window else 1
            if level <= current.escalation_level:
                continue
            # Notifications tell the sender's supervisors (level 1) or the national coordinators (level 2).
            outbox.emit(
                kind="referral.overdue",
                payload={"referral_id": current.pk, "level": level},
                organisation_id=current.sender_id,
            )
            current.escalation_level = level
            current.save(update_fields=["escalation_level"])
            _record(current, "escalate", None, level=level)
            counts["supervisor" if level == 1 else "coordinator"] += 1
    return counts
