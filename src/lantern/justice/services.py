"""Justice writes: courts, proceedings, protective measures and hearings (schedule, hold, postpone, reschedule,
cancel, change of mode). What a court suspension does to the hearings it covers is in consumers.py.

Every change a survivor must be told about emits an outbox event in the same transaction (see docs/justice.md for
the contract the notifications module reads): `hearing.scheduled`, `hearing.postponed`, `hearing.rescheduled`,
`hearing.cancelled`, `hearing.mode_changed`. Status changes are conditional updates (`UPDATE ... WHERE status =
'scheduled'`): of two clerks postponing the same hearing at the same moment, one does it and the other is told the
hearing is no longer scheduled."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lantern.cases.models import Case, Consent
from lantern.cases.permissions import CaseAction
from lantern.cases.selectors import consent_allows
from lantern.cases.services import timeline_record
from lantern.core import codes, outbox
from lantern.core.audit import audit_record
from lantern.core.models import Organisation, OrganisationType, User
from lantern.core.permissions import can, require
from lantern.core.pickers import refused_codes
from lantern.justice.models import (
    CalendarFeed,
    Court,
    Hearing,
    HearingStatus,
    Mode,
    PostponementReason,
    Proceeding,
    ProceedingKind,
    Protection,
    ProtectiveMeasure,
    SurvivorRole,
)
from lantern.justice.permissions import JusticeAction, may_manage_hearing
from lantern.justice.selectors import prosecution_services_of

# Organisations that can be in charge of a proceeding.
IN_CHARGE_TYPES = frozenset({OrganisationType.PROSECUTION, OrganisationType.COURT, OrganisationType.LAW_ENFORCEMENT})
FAR_FUTURE = timedelta(days=5 * 365)


# --- Helpers ----------------------------------------------------------------------------------------------------


def iso_utc(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment is not None else None


def local_to_utc(court: Court, naive: datetime) -> datetime:
    """A date and time typed as the court's wall-clock time, as a UTC instant."""
    return naive.replace(tzinfo=ZoneInfo(court.time_zone)).astimezone(UTC)


def _require_hearing(actor: User | None, hearing: Hearing) -> None:
    if not may_manage_hearing(actor, hearing):
        raise PermissionDenied("not allowed: justice.manage")


def _moment(
    value: Any, field: str, errors: dict[str, str], *, court: Court, not_before: datetime | None = None
) -> datetime | None:
    """A time-zone-aware instant within reach, in UTC; refusals name the limit in the court's own time, as the
    clerk typed it."""
    if not isinstance(value, datetime) or timezone.is_naive(value):
        errors[field] = _("A date and time with its time zone.")
        return None
    try:
        moment = value.astimezone(UTC)
    except OverflowError:
        errors[field] = _("The date is out of range.")
        return None
    now = timezone.now()
    if moment < (not_before or now):
        limit = (not_before or now).astimezone(ZoneInfo(court.time_zone))
        errors[field] = _("The date and time must be later than %(when)s.") % {
            "when": f"{limit:%Y-%m-%d %H:%M} ({court.time_zone})"
        }
    elif moment > now + FAR_FUTURE:
        errors[field] = _("The date is too far in the future.")
    return moment


def payload(hearing: Hearing, *, case_id: int | None = None) -> dict[str, Any]:
    """The event contract with the notifications module: ids and codes only."""
    return {
        "hearing_id": hearing.pk,
        "case_id": case_id if case_id is not None else hearing.proceeding.case_id,
        "proceeding_id": hearing.proceeding_id,
        "court_id": hearing.court_id,
        "starts_at": iso_utc(hearing.starts_at),
        "new_starts_at": iso_utc(hearing.new_starts_at),
        "mode": hearing.mode,
        "reason": hearing.postponement_reason,
    }


def _emit(kind: str, hearing: Hearing) -> None:
    outbox.emit(kind=kind, payload=payload(hearing), organisation_id=hearing.proceeding.case.organisation_id)


def _record(hearing: Hearing, event: str, actor: User | None, **detail: Any) -> None:
    proceeding = hearing.proceeding
    timeline_record(
        case=proceeding.case,
        kind=f"hearing_{event}",
        actor=actor,
        detail={"hearing": hearing.pk, "court": hearing.court_id, **detail},
    )
    audit_record(
        action=f"hearing.{event}",
        actor=actor,
        actor_label="console",
        organisation_id=proceeding.organisation_id,
        object_type="justice.hearing",
        object_id=hearing.pk,
        detail={"proceeding": proceeding.pk, "court": hearing.court_id, **detail},
    )


def _reload(hearing: Hearing) -> Hearing:
    return Hearing.objects.select_related("proceeding__case", "proceeding__organisation", "court__registry").get(
        pk=hearing.pk
    )


def _refuse_state(hearing: Hearing, wanted: str) -> ValidationError:
    current = Hearing.objects.filter(pk=hearing.pk).values_list("status", flat=True).first()
    return ValidationError(
        {
            "status": _("This hearing is %(status)s, not %(wanted)s: nothing was changed.")
            % {
                "status": HearingStatus(current).label.lower() if current else "?",
                "wanted": HearingStatus(wanted).label.lower(),
            }
        }
    )


# --- Courts -----------------------------------------------------------------------------------------------------


def court_create(
    *, actor: User | None, name: str, country: str, region: str, time_zone: str, registry: Organisation | None = None
) -> Court:
    if actor is not None:
        require(actor, JusticeAction.COURTS_MANAGE)
    errors: dict[str, str] = {}
    name = " ".join(name.split())
    region = " ".join(region.split())
    country = country.strip().upper()
    if not name or len(name) > 200:
        errors["name"] = pgettext("justice", "A name of at most 200 characters is required.")
    elif Court.objects.filter(name=name).exists():
        errors["name"] = _("A court with this name exists already.")
    if country not in codes.country_codes():
        errors["country"] = refused_codes("country", [country])
    if not region or len(region) > 100:
        errors["region"] = _("Name the region (at most 100 characters).")
    if time_zone not in available_timezones():
        errors["time_zone"] = _("Not a time zone name (for example Europe/Athens): %(value)s.") % {
            "value": repr(time_zone)
        }
    if registry is not None and registry.type != OrganisationType.COURT:
        errors["registry"] = _("A court's registry is an organisation of type court.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        court = Court.objects.create(name=name, country=country, region=region, time_zone=time_zone, registry=registry)
        audit_record(
            action="justice.court_create",
            actor=actor,
            actor_label="console",
            object_type="justice.court",
            object_id=court.pk,
            detail={"country": country, "time_zone": time_zone},
        )
    return court


# --- Proceedings ------------------------------------------------------------------------------------------------


def case_referred_to(case: Case, organisation: Organisation) -> bool:
    """A case is referred to a prosecution service when its organisation recorded the person's consent to a
    referral to that service (and it is not withdrawn): the case's own staff decide, not the prosecutor."""
    return consent_allows(case, Consent.Purpose.REFERRAL, recipient=organisation)


def may_open_proceeding(actor: User, case: Case, organisation: Organisation) -> bool:
    """Referred to the actor's prosecution service, or opened to the actor by an approved break-glass grant."""
    return organisation.type == OrganisationType.PROSECUTION and (
        case_referred_to(case, organisation) or can(actor, CaseAction.VIEW, case)
    )


def proceeding_open(
    *,
    actor: User | None,
    case: Case,
    organisation: Organisation,
    kind: str,
    survivor_role: str,
    opened_on: date | None = None,
) -> Proceeding:
    """A proceeding the survivor of `case` is part of, in the charge of `organisation` (the actor's own).

    A member of staff opens one only for a prosecution service, on a case referred to it
    (`case_referred_to`), or on a case she holds an approved break-glass grant for."""
    if actor is not None:
        require(actor, JusticeAction.MANAGE, organisation)
        if organisation.type != OrganisationType.PROSECUTION:
            raise PermissionDenied("only a prosecution service opens a proceeding")
    errors: dict[str, str] = {}
    if kind not in ProceedingKind.values:
        errors["kind"] = pgettext("justice", "Unknown value %(value)s.") % {"value": repr(kind)}
    if survivor_role not in SurvivorRole.values:
        errors["survivor_role"] = pgettext("justice", "Unknown value %(value)s.") % {"value": repr(survivor_role)}
    if organisation.type not in IN_CHARGE_TYPES:
        errors["organisation"] = _("A proceeding is in the charge of a prosecution service, a court or the police.")
    if case.anonymised_at is not None:
        errors["case"] = _("This case has been anonymised.")
    opened_on = opened_on or timezone.localdate()
    if opened_on > timezone.localdate():
        errors["opened_on"] = pgettext("justice", "The date is in the future.")
    if errors:
        raise ValidationError(errors)
    if actor is not None and not may_open_proceeding(actor, case, organisation):
        raise ValidationError({"case": _("This case has not been referred to your organisation.")})
    with transaction.atomic():
        proceeding = Proceeding.objects.create(
            case=case,
            organisation=organisation,
            kind=kind,
            survivor_role=survivor_role,
            opened_on=opened_on,
            opened_by=actor,
        )
        timeline_record(
            case=case, kind="proceeding_open", actor=actor, detail={"proceeding": proceeding.pk, "kind": kind}
        )
        audit_record(
            action="proceeding.open",
            actor=actor,
            actor_label="console",
            organisation_id=organisation.pk,
            object_type="justice.proceeding",
            object_id=proceeding.pk,
            detail={"case": case.reference, "kind": kind, "survivor_role": survivor_role},
        )
    return proceeding


def protective_measure_add(
    *, actor: User | None, proceeding: Proceeding, kind: str, language: str = ""
) -> ProtectiveMeasure:
    if actor is not None:
        require(actor, JusticeAction.MANAGE, proceeding.organisation)
    language = codes.language_code(language) or language.strip().lower()
    errors: dict[str, str] = {}
    if kind not in Protection.values:
        errors["kind"] = pgettext("justice", "Unknown value %(value)s.") % {"value": repr(kind)}
    elif kind == Protection.INTERPRETER and language not in codes.language_codes():
        errors["language"] = _("An interpreter needs a language (ISO 639-1 code, for example ro).")
    elif kind != Protection.INTERPRETER and language:
        errors["language"] = _("Only an interpreter has a language.")
    if not errors and ProtectiveMeasure.objects.filter(proceeding=proceeding, kind=kind, language=language).exists():
        errors["kind"] = _("This measure is already in place.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            measure = ProtectiveMeasure.objects.create(
                proceeding=proceeding, kind=kind, language=language, added_by=actor
            )
            timeline_record(
                case=proceeding.case,
                kind="protective_measure_add",
                actor=actor,
                detail={"proceeding": proceeding.pk, "kind": kind},
            )
            audit_record(
                action="proceeding.protective_measure_add",
                actor=actor,
                actor_label="console",
                organisation_id=proceeding.organisation_id,
                object_type="justice.proceeding",
                object_id=proceeding.pk,
                detail={"kind": kind, "language": language},
            )
    except IntegrityError:  # the same measure added at the same moment by someone else
        raise ValidationError({"kind": _("This measure is already in place.")}) from None
    return measure


# --- Hearings ---------------------------------------------------------------------------------------------------


def hearing_schedule(
    *, actor: User | None, proceeding: Proceeding, court: Court, starts_at: datetime, mode: str = Mode.IN_PERSON
) -> Hearing:
    if actor is not None and not (
        can(actor, JusticeAction.MANAGE, proceeding.organisation)
        or (court.registry is not None and can(actor, JusticeAction.MANAGE, court.registry))
    ):
        raise PermissionDenied("not allowed: justice.manage")
    errors: dict[str, str] = {}
    moment = _moment(starts_at, "starts_at", errors, court=court)
    if mode not in Mode.values:
        errors["mode"] = pgettext("justice", "Unknown value %(value)s.") % {"value": repr(mode)}
    if proceeding.closed_on is not None:
        errors["proceeding"] = _("This proceeding is closed.")
    if (
        moment is not None
        and Hearing.objects.filter(proceeding=proceeding, starts_at=moment, status=HearingStatus.SCHEDULED).exists()
    ):
        errors["starts_at"] = _("This proceeding already has a hearing at that time.")
    if errors:
        raise ValidationError(errors)
    assert moment is not None
    return _create_hearing(actor=actor, proceeding=proceeding, court=court, starts_at=moment, mode=mode)


def _create_hearing(
    *,
    actor: User | None,
    proceeding: Proceeding,
    court: Court,
    starts_at: datetime,
    mode: str,
    follows: Hearing | None = None,
    event: str = "scheduled",
) -> Hearing:
    try:
        with transaction.atomic():
            hearing = Hearing.objects.create(
                proceeding=proceeding, court=court, starts_at=starts_at, mode=mode, follows=follows, scheduled_by=actor
            )
            hearing = _reload(hearing)
            _record(hearing, "schedule", actor, starts_at=iso_utc(starts_at), mode=mode)
            if event == "scheduled":
                _emit("hearing.scheduled", hearing)
    except IntegrityError:
        raise ValidationError({"starts_at": _("This proceeding already has a hearing at that time.")}) from None
    return hearing


def hearing_hold(*, actor: User | None, hearing: Hearing) -> Hearing:
    """The hearing took place (recorded after the fact; nothing to tell the survivor)."""
    _require_hearing(actor, hearing)
    if hearing.starts_at > timezone.now():
        raise ValidationError({"status": _("A hearing is recorded as held once its time has come.")})
    with transaction.atomic():
        now = timezone.now()
        if not Hearing.objects.filter(pk=hearing.pk, status=HearingStatus.SCHEDULED).update(
            status=HearingStatus.HELD, changed_at=now
        ):
            raise _refuse_state(hearing, HearingStatus.SCHEDULED)
        current = _reload(hearing)
        _record(current, "hold", actor, mode=current.mode)
    return current


def hearing_postpone(
    *, actor: User | None, hearing: Hearing, reason: str, new_starts_at: datetime | None = None
) -> Hearing:
    """Postpone a scheduled hearing, with a reason and, if it is known already, the new date (then the hearing at
    the new date is scheduled at once)."""
    _require_hearing(actor, hearing)
    errors: dict[str, str] = {}
    if reason not in PostponementReason.values or reason == PostponementReason.COURT_SUSPENSION:
        errors["reason"] = _("Choose a reason (a court suspension is recorded by crisis mode itself).")
    moment = None
    if new_starts_at is not None:
        moment = _moment(
            new_starts_at,
            "new_starts_at",
            errors,
            court=hearing.court,
            not_before=max(timezone.now(), hearing.starts_at),
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        now = timezone.now()
        changed = Hearing.objects.filter(pk=hearing.pk, status=HearingStatus.SCHEDULED).update(
            status=HearingStatus.POSTPONED,
            postponement_reason=reason,
            postponed_at=now,
            new_starts_at=moment,
            changed_at=now,
        )
        if not changed:
            raise _refuse_state(hearing, HearingStatus.SCHEDULED)
        current = _reload(hearing)
        _record(current, "postpone", actor, reason=reason, new_starts_at=iso_utc(moment))
        if moment is not None:
            _create_hearing(
                actor=actor,
                proceeding=current.proceeding,
                court=current.court,
                starts_at=moment,
                mode=current.mode,
                follows=current,
                event="",
            )
        _emit("hearing.postponed", current)
    return current


def hearing_reschedule(
    *,
    actor: User | None,
    hearing: Hearing,
    new_starts_at: datetime,
    mode: str | None = None,
    court: Court | None = None,
) -> Hearing:
    """Give a postponed hearing its new date: the hearing at that date is scheduled, following it. Returns the
    new hearing."""
    _require_hearing(actor, hearing)
    errors: dict[str, str] = {}
    moment = _moment(
        new_starts_at,
        "new_starts_at",
        errors,
        court=court or hearing.court,
        not_before=max(timezone.now(), hearing.starts_at),
    )
    mode = mode or hearing.mode
    if mode not in Mode.values:
        errors["mode"] = pgettext("justice", "Unknown value %(value)s.") % {"value": repr(mode)}
    if errors:
        raise ValidationError(errors)
    assert moment is not None
    with transaction.atomic():
        now = timezone.now()
        changed = Hearing.objects.filter(
            pk=hearing.pk, status=HearingStatus.POSTPONED, new_starts_at__isnull=True
        ).update(new_starts_at=moment, changed_at=now)
        if not changed:
            if Hearing.objects.filter(pk=hearing.pk, status=HearingStatus.POSTPONED).exists():
                raise ValidationError({"new_starts_at": _("This hearing has a new date already.")})
            raise _refuse_state(hearing, HearingStatus.POSTPONED)
        current = _reload(hearing)
        following = _create_hearing(
            actor=actor,
            proceeding=current.proceeding,
            court=court or current.court,
            starts_at=moment,
            mode=mode,
            follows=current,
            event="",
        )
        _record(current, "reschedule", actor, new_starts_at=iso_utc(moment), new_hearing=following.pk)
        _emit("hearing.rescheduled", current)
    return following


def hearing_cancel(*, actor: User | None, hearing: Hearing) -> Hearing:
    """Cancel a hearing that is scheduled, or postponed without a new date."""
    _require_hearing(actor, hearing)
    with transaction.atomic():
        now = timezone.now()
        changed = (
            Hearing.objects.filter(pk=hearing.pk)
            .filter(Q(status=HearingStatus.SCHEDULED) | Q(status=HearingStatus.POSTPONED, new_starts_at__isnull=True))
            .update(status=HearingStatus.CANCELLED, changed_at=now)
        )
        if not changed:
            raise _refuse_state(hearing, HearingStatus.SCHEDULED)
        current = _reload(hearing)
        _record(current, "cancel", actor)
        _emit("hearing.cancelled", current)
    return current


def hearing_mode_change(*, actor: User | None, hearing: Hearing, mode: str) -> Hearing:
    _require_hearing(actor, hearing)
    if mode not in Mode.values:
        raise ValidationError({"mode": pgettext("justice", "Unknown value %(value)s.") % {"value": repr(mode)}})
    with transaction.atomic():
        now = timezone.now()
        changed = (
            Hearing.objects.filter(pk=hearing.pk, status=HearingStatus.SCHEDULED)
            .exclude(mode=mode)
            .update(mode=mode, changed_at=now)
        )
        if not changed:
            if Hearing.objects.filter(pk=hearing.pk, status=HearingStatus.SCHEDULED, mode=mode).exists():
                raise ValidationError({"mode": _("The hearing is already in this mode.")})
            raise _refuse_state(hearing, HearingStatus.SCHEDULED)
        current = _reload(hearing)
        _record(current, "mode_change", actor, mode=mode)
        _emit("hearing.mode_changed", current)
    return current


# --- Calendar feeds ---------------------------------------------------------------------------------------------


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_create(*, actor: User, court: Court | None = None, language: str = "en") -> tuple[CalendarFeed, str]:
    """A feed of one court's hearings (for a clerk of its registry) or, with no court, of the hearings of the
    proceedings the actor's prosecution service is in charge of. Returns the feed and its secret, which is shown
    once and never stored (only its hash)."""
    require(actor, JusticeAction.VIEW)
    if court is not None and (court.registry is None or not can(actor, JusticeAction.VIEW, court.registry)):
        raise PermissionDenied("not allowed: a feed of a court whose registry you do not work in")
    if court is None and not prosecution_services_of(actor).exists():
        raise PermissionDenied("not allowed: a prosecutor's feed is for a member of a prosecution service")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        feed = CalendarFeed.objects.create(
            token_hash=feed_token_hash(token), owner=actor, court=court, language=language[:8] or "en"
        )
        audit_record(
            action="justice.calendar_feed_create",
            actor=actor,
            organisation_id=court.registry_id if court is not None else None,
            object_type="justice.calendar_feed",
            object_id=feed.pk,
            detail={"court": court.pk if court is not None else None},
        )
    return feed, token


def calendar_feed_revoke(*, actor: User, feed: CalendarFeed) -> CalendarFeed:
    """The feed's address stops working at once. Only its owner revokes it (she is the one who handed it out); a
    member who leaves takes her feeds with her, as a feed follows its owner's permissions on every fetch."""
    if feed.owner_id != actor.pk:
        raise PermissionDenied("not allowed: someone else's feed")
    with transaction.atomic():
        now = timezone.now()
        if not CalendarFeed.objects.filter(pk=feed.pk, revoked_at__isnull=True).update(revoked_at=now):
            raise ValidationError({"feed": _("This feed was revoked already.")})
        audit_record(
            action="justice.calendar_feed_revoke",
            actor=actor,
            object_type="justice.calendar_feed",
            object_id=feed.pk,
            detail={"court": feed.court_id},
        )
        feed.revoked_at = now
    return feed
