"""Every write of the portal: the coordinator's crisis messages, a visitor's call-back request, and what a hotline
does with it (read it, turn it into a case, close it). Keyword-only, validated before anything is touched, one
transaction each with its audit event. A visitor's words never reach an audit detail or a log: only ids and codes.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext

from lantern.cases import services as cases
from lantern.cases.models import Case
from lantern.cases.validation import PersonData
from lantern.core.audit import audit_record
from lantern.core.crypto import blind_index
from lantern.core.models import Organisation, User
from lantern.core.permissions import require
from lantern.core.roles import Role
from lantern.core.services import alerts_send
from lantern.crisis.models import MeasureKind
from lantern.portal import languages
from lantern.portal.models import (
    Channel,
    CloseReason,
    CrisisMessage,
    IfSomeoneElse,
    Intake,
    IntakeStatus,
    MessageText,
    RateCounter,
    UsedFormToken,
)
from lantern.portal.permissions import PortalAction
from lantern.portal.selectors import MOVEMENT, callback_recipients
from lantern.portal.standard_messages import STANDARD_MESSAGES

# --- Crisis messages ----------------------------------------------------------------------------------------


# When a crisis message is shown (CrisisMessage.shown_while): "" whenever a crisis is active, "movement" while
# movement is restricted, or while one kind of measure is in force.
SHOWN_WHILE = frozenset({"", MOVEMENT, *MeasureKind.values})
# The standard messages that speak of one kind of measure: "lockdown and curfew rules allow you to leave home" is
# wrong, and alarming, where neither is in force.
STANDARD_SHOWN_WHILE = {"leave_home": MOVEMENT}


def _clean_text(title: str, body: str) -> tuple[str, str]:
    title, body = " ".join(title.split()), body.strip()
    errors: dict[str, str] = {}
    if not title or len(title) > 150:
        errors["title"] = ngettext(
            "A title of at most %(n)d character is required.", "A title of at most %(n)d characters is required.", 150
        ) % {"n": 150}
    if not body or len(body) > 1000:
        errors["body"] = ngettext(
            "A text of at most %(n)d character is required.", "A text of at most %(n)d characters is required.", 1000
        ) % {"n": 1000}
    if errors:
        raise ValidationError(errors)
    return title, body


def message_create(*, actor: User | None, key: str, title: str, body: str, shown_while: str = "") -> CrisisMessage:
    """A new crisis message, written first in the source language (English); translations follow. With
    `shown_while` (a measure kind, or "movement"), it is shown only while such a measure is in force."""
    if actor is not None:
        require(actor, PortalAction.MESSAGES)
    if shown_while not in SHOWN_WHILE:
        raise ValidationError({"shown_while": _("Choose when the message is shown.")})
    key = key.strip().lower()
    if not key or len(key) > 40 or not all(c.isascii() and (c.isalnum() or c in "_-") for c in key):
        raise ValidationError({"key": _("A short name of letters, digits, - and _ (at most 40).")})
    if CrisisMessage.objects.filter(key=key).exists():
        raise ValidationError({"key": _("A message with this name exists already.")})
    title, body = _clean_text(title, body)
    with transaction.atomic():
        position = (CrisisMessage.objects.order_by("-position").values_list("position", flat=True).first() or 0) + 1
        message = CrisisMessage.objects.create(key=key, position=position, shown_while=shown_while)
        MessageText.objects.create(
            message=message,
            language=languages.SOURCE,
            title=title,
            body=body,
            source_revision=message.revision,
            updated_by=actor,
        )
        audit_record(
            action="portal.message_create",
            actor=actor,
            actor_label=actor.get_username() if actor else "console",
            object_type="portal.crisismessage",
            object_id=message.pk,
            detail={"key": key, "shown_while": shown_while},
        )
    return message


def standard_messages_install(*, actor: User | None = None) -> int:
    """Write the standard crisis messages in every language where they are missing (migration 0002 does the same
    when the portal is installed); texts that exist are left as the coordinator wrote them. Returns how many texts
    were written."""
    if actor is not None:
        require(actor, PortalAction.MESSAGES)
    written = 0
    with transaction.atomic():
        for position, (key, texts) in enumerate(STANDARD_MESSAGES.items(), start=1):
            message, _created = CrisisMessage.objects.get_or_create(
                key=key, defaults={"position": position, "shown_while": STANDARD_SHOWN_WHILE.get(key, "")}
            )
            present = set(message.texts.values_list("language", flat=True))
            missing = [
                MessageText(message=message, language=code, title=title, body=body, source_revision=message.revision)
                for code, (title, body) in texts.items()
                if code not in present and code in languages.codes()
            ]
            MessageText.objects.bulk_create(missing)
            written += len(missing)
        if written:
            audit_record(
                action="portal.messages_install",
                actor=actor,
                actor_label=actor.get_username() if actor else "console",
                object_type="portal.crisismessage",
                detail={"texts": written},
            )
    return written


def message_text_save(
    *, actor: User | None, message: CrisisMessage, language: str, title: str, body: str
) -> MessageText:
    """Write a message in one language. A change of the English text raises the message's revision, so every
    translation made from the older text shows as lagging until it is saved again."""
    if actor is not None:
        require(actor, PortalAction.MESSAGES)
    if language not in languages.codes():
        raise ValidationError({"language": _("Not a language of the portal: %(value)s.") % {"value": language}})
    title, body = _clean_text(title, body)
    with transaction.atomic():
        message = CrisisMessage.objects.select_for_update().get(pk=message.pk)
        text = MessageText.objects.filter(message=message, language=language).first()
        changed = text is None or (text.title, text.body) != (title, body)
        if language == languages.SOURCE and changed and text is not None:
            message.revision = F("revision") + 1
            message.save(update_fields=["revision"])
            message.refresh_from_db(fields=["revision"])
        if text is None:
            text = MessageText(message=message, language=language)
        text.title, text.body = title, body
        text.source_revision = message.revision
        text.updated_at, text.updated_by = timezone.now(), actor
        text.save()
        audit_record(
            action="portal.message_text_save",
            actor=actor,
            actor_label=actor.get_username() if actor else "console",
            object_type="portal.crisismessage",
            object_id=message.pk,
            detail={"language": language, "revision": message.revision, "changed": changed},
        )
    return text


# --- The call-back form: a signed, timestamped, one-time token instead of a CSRF cookie ----------------------

_TOKEN_SALT = "lantern.portal.callback-form"  # noqa: S105 (a signing salt, not a secret)


class Refused(Exception):
    """A call-back request refused before anything is stored; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def form_token_new() -> str:
    return signing.TimestampSigner(salt=_TOKEN_SALT).sign(secrets.token_urlsafe(16))


def _form_token_digest(token: str) -> str:
    """The token's digest if it is genuine and fresh; otherwise the visitor is told, and nothing is stored."""
    signer = signing.TimestampSigner(salt=_TOKEN_SALT)
    try:
        signer.unsign(token, max_age=timedelta(minutes=settings.LANTERN_PORTAL_FORM_MINUTES))
    except signing.SignatureExpired:
        raise Refused(
            400, _("This form was open too long and has expired. Your request was not sent: please send it again.")
        ) from None
    except signing.BadSignature:
        raise Refused(
            400, _("This form could not be checked. Your request was not sent: please send it again.")
        ) from None
    return hashlib.sha256(token.encode()).hexdigest()


def _hour(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


# Buckets of RateCounter that are not a client's: every request of the hour, and "the hotlines were alerted".
_ALL_CLIENTS = "*"
_CEILING_ALERTED = "!"


class CeilingReached(Refused):
    """The portal as a whole took as many call-backs this hour as it accepts: the hotlines are alerted."""


def _client_key(address: str) -> str:
    """What one visitor is counted by: her address, or her /64 for IPv6 (one household or phone holds a whole /64
    and could otherwise take a fresh address for every request)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _take(window: datetime, bucket: str, limit: int) -> bool:
    RateCounter.objects.get_or_create(window_start=window, bucket=bucket)
    return bool(
        RateCounter.objects.filter(window_start=window, bucket=bucket, count__lt=limit).update(count=F("count") + 1)
    )


def _rate_limit_take(address: str, now: datetime) -> None:
    """Count one request of this client in this hour, refusing past her limit, and one of everybody, refusing past
    the portal's ceiling. The client's bucket is a keyed hash of her address and the hour cut to 12 bits (see
    RateCounter): it cannot point back to a visitor."""
    window = _hour(now)
    bucket = blind_index(window.isoformat(), _client_key(address), purpose="portal-rate")[:3]
    if not _take(window, bucket, settings.LANTERN_PORTAL_CALLBACKS_PER_HOUR):
        raise Refused(
            429,
            _("Too many call-back requests came from this connection in the last hour. Your request was not sent."),
        )
    if not _take(window, _ALL_CLIENTS, settings.LANTERN_PORTAL_CALLBACKS_ALL_PER_HOUR):
        raise CeilingReached(
            503,
            _(
                "The call-back service is receiving too many requests right now. Your request was not sent: "
                "please call a hotline directly."
            ),
        )


def _ceiling_alert(now: datetime) -> None:
    """Tell the people who answer call-backs, once an hour, that the portal refuses requests: a flood (or a real
    surge) must not silence the channel without anyone knowing."""
    with transaction.atomic():
        _counter, first = RateCounter.objects.get_or_create(window_start=_hour(now), bucket=_CEILING_ALERTED)
        if not first:
            return
        hotlines = [organisation.pk for organisation in callback_recipients()]
        staff = User.objects.filter(
            is_active=True,
            memberships__organisation_id__in=hotlines,
            memberships__role__in=[Role.FIRST_RESPONDER, Role.CASEWORKER, Role.SUPERVISOR],
        ).distinct()
        limit = settings.LANTERN_PORTAL_CALLBACKS_ALL_PER_HOUR
        messages = []
        for user in staff:
            with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
                text = ngettext(
                    "The public portal took %(n)d call-back request this hour, as many as it accepts: it refuses "
                    "new ones until the hour ends. Look for a flood in the call-back inbox, or ask for a higher "
                    "ceiling.",
                    "The public portal took %(n)d call-back requests this hour, as many as it accepts: it refuses "
                    "new ones until the hour ends. Look for a flood in the call-back inbox, or ask for a higher "
                    "ceiling.",
                    limit,
                ) % {"n": limit}
            messages.append((user, text))
        alerts_send(messages=messages, object_type="portal.intake")
        audit_record(
            action="portal.callback_ceiling",
            actor_label="portal",
            detail={"limit": limit, "alerted": len(messages)},
            ip_address="",
        )


@dataclass(frozen=True)
class CallbackRequest:
    """What the visitor typed, as the form cleaned it."""

    organisation: Organisation
    language: str
    channel: str
    contact: str
    safe_times: str
    if_someone_else: str = IfSomeoneElse.HANG_UP
    may_leave_message: bool = False
    note: str = ""


_CONTACT_LIMITS: dict[str, int] = {Channel.PHONE: 40, Channel.SMS: 40, Channel.MESSAGING: 120, Channel.EMAIL: 254}


def _validate_request(request: CallbackRequest) -> CallbackRequest:
    errors: dict[str, str] = {}
    if request.organisation.pk not in {o.pk for o in callback_recipients()}:
        errors["organisation"] = _("Choose one of the hotlines listed.")
    if request.language not in languages.codes():
        errors["language"] = _("Choose a language from the list.")
    if request.channel not in Channel.values:
        errors["channel"] = _("Choose how we may contact you.")
    contact = " ".join(request.contact.split())
    limit = _CONTACT_LIMITS.get(request.channel, 40)
    if not contact:
        errors["contact"] = _("Write the number or address we should use.")
    elif len(contact) > limit:
        errors["contact"] = npgettext("portal", "At most %(n)d character.", "At most %(n)d characters.", limit) % {
            "n": limit
        }
    elif request.channel == Channel.EMAIL and "@" not in contact:
        errors["contact"] = _("This is not an e-mail address.")
    elif request.channel != Channel.EMAIL and sum(c.isdigit() for c in contact) < 6:
        errors["contact"] = _("Write the number with its digits.")
    safe_times = request.safe_times.strip()
    if not safe_times:
        errors["safe_times"] = _("Tell us when it is safe to contact you.")
    elif len(safe_times) > 300:
        errors["safe_times"] = npgettext("portal", "At most %(n)d character.", "At most %(n)d characters.", 300) % {
            "n": 300
        }
    if request.if_someone_else not in IfSomeoneElse.values:
        errors["if_someone_else"] = _("Choose what we should do.")
    note = request.note.strip()
    if len(note) > 500:
        errors["note"] = npgettext("portal", "At most %(n)d character.", "At most %(n)d characters.", 500) % {"n": 500}
    if errors:
        raise ValidationError(errors)
    return CallbackRequest(
        organisation=request.organisation,
        language=request.language,
        channel=request.channel,
        contact=contact,
        safe_times=safe_times,
        if_someone_else=request.if_someone_else,
        may_leave_message=request.may_leave_message,
        note=note,
    )


def callback_request(*, request: CallbackRequest, token: str, address: str, now: datetime | None = None) -> Intake:
    """A visitor asks a hotline to contact them. Refused (with `Refused`) when the form token is forged, expired
    or already used, or when the connection sent too many; invalid fields raise ValidationError. Nothing is stored
    in either case, and nothing is sent to the visitor: the page says what happens next."""
    now = now or timezone.now()
    digest = _form_token_digest(token)
    cleaned = _validate_request(request)
    try:
        intake = _intake_store(cleaned, digest=digest, address=address, now=now)
    except CeilingReached:
        _ceiling_alert(now)
        raise
    return intake


def _intake_store(cleaned: CallbackRequest, *, digest: str, address: str, now: datetime) -> Intake:
    with transaction.atomic():
        try:
            with transaction.atomic():
                UsedFormToken.objects.create(digest=digest, used_at=now)
        except IntegrityError:
            raise Refused(409, _("This request was already sent. It does not need to be sent again.")) from None
        _rate_limit_take(address, now)
        intake = Intake.objects.create(
            organisation=cleaned.organisation,
            language=cleaned.language,
            channel=cleaned.channel,
            contact=cleaned.contact,
            safe_times=cleaned.safe_times,
            if_someone_else=cleaned.if_someone_else,
            may_leave_message=cleaned.may_leave_message,
            note=cleaned.note,
            created_at=now,
        )
        audit_record(
            action="portal.intake_create",
            actor_label="portal",
            organisation_id=cleaned.organisation.pk,
            object_type="portal.intake",
            object_id=intake.pk,
            detail={"language": cleaned.language, "channel": cleaned.channel},
            ip_address="",  # a visitor's address is not kept
        )
    return intake


# --- What the hotline does with it ---------------------------------------------------------------------------


def intake_read(*, actor: User, intake: Intake) -> None:
    """Record that a member of staff saw the contact details of a call-back request."""
    require(actor, PortalAction.INTAKES, intake)
    audit_record(
        action="portal.intake_read",
        actor=actor,
        actor_label=actor.get_username(),
        organisation_id=intake.organisation_id,
        object_type="portal.intake",
        object_id=intake.pk,
        detail={"fields": ["contact", "safe_times", "note"]},
    )


_ROUTE = {Channel.PHONE: "phone", Channel.SMS: "sms", Channel.MESSAGING: "messaging", Channel.EMAIL: "email"}


def _erase_contact(intake: Intake, now: datetime) -> None:
    intake.contact = intake.safe_times = intake.note = ""
    intake.erased_at = now


def intake_open_case(*, actor: User, intake: Intake) -> Case:
    """Register a case from a call-back request (through the case registry, with its own checks). The contact
    details move into the case, encrypted there; the request keeps only the case reference."""
    require(actor, PortalAction.INTAKES, intake)
    now = timezone.now()
    with transaction.atomic():
        intake = Intake.objects.select_for_update().get(pk=intake.pk)
        if intake.status != IntakeStatus.NEW:
            raise ValidationError({"status": _("This request was already dealt with.")})
        route = _ROUTE[Channel(intake.channel)]
        person = PersonData(
            primary_language=intake.language,
            contact_route=route,
            phone=intake.contact if route in ("phone", "sms") else "",
            messaging=intake.contact if route == "messaging" else "",
            email=intake.contact if route == "email" else "",
        )
        case = cases.case_register(
            actor=actor, organisation=intake.organisation, person=person, identified_on=timezone.localdate()
        )
        lines = [
            _("Call-back request from the public portal."),
            _("Safe times: %(times)s") % {"times": intake.safe_times},
            _("If someone else answers: %(what)s") % {"what": IfSomeoneElse(intake.if_someone_else).label},
            _("A message may be left: %(answer)s") % {"answer": _("yes") if intake.may_leave_message else _("no")},
        ]
        if intake.note:
            lines.append(_("The person wrote: %(note)s") % {"note": intake.note})
        cases.note_add(actor=actor, case=case, text="\n".join(lines))
        _erase_contact(intake, now)
        intake.status, intake.case_reference = IntakeStatus.CASE_OPENED, case.reference
        intake.handled_at, intake.handled_by = now, actor
        intake.save()
        audit_record(
            action="portal.intake_open_case",
            actor=actor,
            actor_label=actor.get_username(),
            organisation_id=intake.organisation_id,
            object_type="portal.intake",
            object_id=intake.pk,
            detail={"case": case.reference},
        )
    return case


def intake_close(*, actor: User, intake: Intake, reason: str) -> Intake:
    """Close a call-back request without a case; its contact details are erased after the retention period."""
    require(actor, PortalAction.INTAKES, intake)
    if reason not in CloseReason.values:
        raise ValidationError({"reason": _("Choose why the request is closed.")})
    with transaction.atomic():
        intake = Intake.objects.select_for_update().get(pk=intake.pk)
        if intake.status != IntakeStatus.NEW:
            raise ValidationError({"status": _("This request was already dealt with.")})
        intake.status, intake.close_reason = IntakeStatus.CLOSED, reason
        intake.handled_at, intake.handled_by = timezone.now(), actor
        intake.save(update_fields=["status", "close_reason", "handled_at", "handled_by"])
        audit_record(
            action="portal.intake_close",
            actor=actor,
            actor_label=actor.get_username(),
            organisation_id=intake.organisation_id,
            object_type="portal.intake",
            object_id=intake.pk,
            detail={"reason": reason},
        )
    return intake


def portal_housekeeping(*, now: datetime | None = None) -> int:
    """The periodic job: erase the contact details of closed requests past their country's retention period (as
    closed cases are anonymised), and forget used form tokens and rate counters once they cannot matter.
    Returns how many requests were erased."""
    now = now or timezone.now()
    erased = 0
    closed = Intake.objects.filter(status=IntakeStatus.CLOSED, erased_at__isnull=True)
    for country in closed.values_list("organisation__country", flat=True).distinct():
        cutoff = now - timedelta(days=cases.profile_for(country).retention_days)
        with transaction.atomic():
            batch = list(
                closed.select_for_update().filter(organisation__country=country, handled_at__lt=cutoff).order_by("pk")
            )
            for intake in batch:
                _erase_contact(intake, now)
                intake.save(update_fields=["contact", "safe_times", "note", "erased_at"])
                audit_record(
                    action="portal.intake_erase",
                    actor_label="retention",
                    organisation_id=intake.organisation_id,
                    object_type="portal.intake",
                    object_id=intake.pk,
                )
        erased += len(batch)
    token_cutoff = now - timedelta(minutes=settings.LANTERN_PORTAL_FORM_MINUTES + 5)
    UsedFormToken.objects.filter(used_at__lt=token_cutoff).delete()
    RateCounter.objects.filter(window_start__lt=_hour(now) - timedelta(hours=1)).delete()
    return erased
