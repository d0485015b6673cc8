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
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lantern.cases.models import Case, Consent, Perpetrator, RemovalRisk
from lantern.cases.permissions import CaseAction
from lantern.cases.selectors import consent_allows
from lantern.cases.services import timeline_record
from lantern.core import codes, outbox
from lantern.core.audit import audit_record
from lantern.core.models import Alert, Organisation, OrganisationType, User
from lantern.core.permissions import can, require
from lantern.core.pickers import refused_codes
from lantern.core.roles import Role
from lantern.core.services import alerts_send
from lantern.justice.models import (
    CalendarFeed,
    CancellationReason,
    Compensation,
    Court,
    Defendant,
    FundClaimStatus,
    Hearing,
    HearingStatus,
    MeasureStatus,
    Mode,
    Outcome,
    Payer,
    PostponementReason,
    Proceeding,
    ProceedingKind,
    Protection,
    ProtectiveMeasure,
    SurvivorRole,
)
from lantern.justice.permissions import JusticeAction, may_manage_hearing, may_manage_proceeding
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
        **({"cancellation_reason": hearing.cancellation_reason} if hearing.cancellation_reason else {}),
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
    *,
    actor: User | None,
    proceeding: Proceeding,
    kind: str,
    language: str = "",
    status: str = MeasureStatus.GRANTED,
    requested_on: date | None = None,
    decided_on: date | None = None,
) -> ProtectiveMeasure:
    """A protective measure requested for the survivor (then decided with `protective_measure_decide`), or one
    already granted or refused (dated the day of the decision, today when none is given)."""
    if actor is not None and not may_manage_proceeding(actor, proceeding):
        raise PermissionDenied("not allowed: justice.manage")
    language = codes.language_code(language) or language.strip().lower()
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if kind not in Protection.values:
        errors["kind"] = pgettext("justice", "Unknown value %(value)s.") % {"value": repr(kind)}
    elif kind == Protection.INTERPRETER and language not in codes.language_codes():
        errors["language"] = _("An interpreter needs a language (ISO 639-1 code, for example ro).")
    elif kind != Protection.INTERPRETER and language:
        errors["language"] = _("Only an interpreter has a language.")
    if status not in MeasureStatus.values:
        errors["status"] = pgettext("justice", "Unknown value %(value)s.") % {"value": repr(status)}
    elif status != MeasureStatus.REQUESTED:
        decided_on = decided_on or today
    elif decided_on is not None:
        errors["decided_on"] = _("A measure only requested has no decision yet.")
    _check_day(errors, "requested_on", requested_on, not_before=proceeding.opened_on)
    _check_day(errors, "decided_on", decided_on, not_before=requested_on or proceeding.opened_on)
    if not errors and ProtectiveMeasure.objects.filter(proceeding=proceeding, kind=kind, language=language).exists():
        errors["kind"] = _("This measure is already in place.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            measure = ProtectiveMeasure.objects.create(
                proceeding=proceeding,
                kind=kind,
                language=language,
                status=status,
                requested_on=requested_on,
                decided_on=decided_on,
                added_by=actor,
            )
            _proceeding_event(proceeding, "protective_measure_add", actor, kind=kind, language=language, status=status)
    except IntegrityError:  # the same measure added at the same moment by someone else
        raise ValidationError({"kind": _("This measure is already in place.")}) from None
    return measure


def protective_measure_decide(
    *, actor: User | None, measure: ProtectiveMeasure, status: str, decided_on: date | None = None
) -> ProtectiveMeasure:
    """The court grants or refuses a measure that was requested."""
    proceeding = measure.proceeding
    if actor is not None and not may_manage_proceeding(actor, proceeding):
        raise PermissionDenied("not allowed: justice.manage")
    decided_on = decided_on or timezone.localdate()
    errors: dict[str, str] = {}
    if status not in (MeasureStatus.GRANTED, MeasureStatus.REFUSED):
        errors["status"] = _("Choose granted or refused.")
    _check_day(errors, "decided_on", decided_on, not_before=measure.requested_on or proceeding.opened_on)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if not ProtectiveMeasure.objects.filter(pk=measure.pk, status=MeasureStatus.REQUESTED).update(
            status=status, decided_on=decided_on
        ):
            raise ValidationError({"status": _("This measure has been decided already: nothing was changed.")})
        _proceeding_event(
            proceeding, "protective_measure_decide", actor, measure=measure.pk, kind=measure.kind, status=status
        )
    measure.refresh_from_db()
    return measure


# --- Redress: defendants and outcomes, compensation, the survivor's legal representative -------------------------


def _check_day(errors: dict[str, str], field: str, day: date | None, *, not_before: date | None = None) -> None:
    if day is None:
        return
    if day > timezone.localdate():
        errors[field] = pgettext("justice", "The date is in the future.")
    elif not_before is not None and day < not_before:
        errors[field] = _("The date cannot be before %(day)s.") % {"day": not_before.isoformat()}


def _proceeding_event(proceeding: Proceeding, event: str, actor: User | None, **detail: Any) -> None:
    """The timeline entry on the case and the audit event, in the caller's transaction: codes, ids and amounts,
    never a name."""
    timeline_record(case=proceeding.case, kind=event, actor=actor, detail={"proceeding": proceeding.pk, **detail})
    audit_record(
        action=f"proceeding.{event}",
        actor=actor,
        actor_label="console",
        organisation_id=proceeding.organisation_id,
        object_type="justice.proceeding",
        object_id=proceeding.pk,
        detail=detail,
    )


def _require_proceeding(actor: User | None, proceeding: Proceeding) -> None:
    if not may_manage_proceeding(actor, proceeding):
        raise PermissionDenied("not allowed: justice.manage")


def defendant_add(*, actor: User | None, proceeding: Proceeding) -> Defendant:
    """One more defendant in the proceeding, numbered in order ("Defendant 3"). A closed proceeding takes none."""
    _require_proceeding(actor, proceeding)
    with transaction.atomic():
        locked = Proceeding.objects.select_for_update().get(pk=proceeding.pk)
        if locked.closed_on is not None:
            raise ValidationError({"proceeding": _("This proceeding is closed.")})
        number = (locked.defendants.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        defendant = Defendant.objects.create(proceeding=locked, number=number, added_by=actor)
        _proceeding_event(proceeding, "defendant_add", actor, defendant=number)
    return defendant


def defendant_link(*, actor: User | None, defendant: Defendant, perpetrator: Perpetrator | None) -> Defendant:
    """Say which perpetrator recorded on the case this defendant is (or that it is not known: None). A perpetrator
    of another case is refused, and so is one already linked to another defendant of the proceeding. The timeline
    and the audit name the numbers, never a name."""
    proceeding = defendant.proceeding
    _require_proceeding(actor, proceeding)
    if perpetrator is not None and perpetrator.case_id != proceeding.case_id:
        raise ValidationError({"perpetrator": _("Choose a perpetrator recorded on the case of this proceeding.")})
    taken = _("This perpetrator is already another defendant of this proceeding.")
    if (
        perpetrator is not None
        and Defendant.objects.filter(proceeding=proceeding, perpetrator=perpetrator).exclude(pk=defendant.pk).exists()
    ):
        raise ValidationError({"perpetrator": taken})
    try:
        with transaction.atomic():
            Defendant.objects.filter(pk=defendant.pk).update(perpetrator=perpetrator)
            _proceeding_event(
                proceeding,
                "defendant_link",
                actor,
                defendant=defendant.number,
                perpetrator=perpetrator.position if perpetrator is not None else 0,
            )
    except IntegrityError:  # the same perpetrator linked to two defendants at the same moment
        raise ValidationError({"perpetrator": taken}) from None
    defendant.refresh_from_db()
    return defendant


def defendant_outcome(
    *, actor: User | None, defendant: Defendant, outcome: str, outcome_on: date | None = None
) -> Defendant:
    """What the proceeding decided for one defendant. When every defendant has an outcome the proceeding closes,
    on the day of the last one. An outcome is recorded once: a later one (on appeal) is another proceeding."""
    proceeding = defendant.proceeding
    _require_proceeding(actor, proceeding)
    outcome_on = outcome_on or timezone.localdate()
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choose an outcome.")
    _check_day(errors, "outcome_on", outcome_on, not_before=proceeding.opened_on)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The proceeding locked: of two clerks recording the last two outcomes at once, the second sees the first.
        locked = Proceeding.objects.select_for_update().get(pk=proceeding.pk)
        if not Defendant.objects.filter(pk=defendant.pk, outcome="").update(outcome=outcome, outcome_on=outcome_on):
            raise ValidationError({"outcome": _("This defendant has an outcome already: nothing was changed.")})
        _proceeding_event(proceeding, "defendant_outcome", actor, defendant=defendant.number, outcome=outcome)
        if not locked.defendants.filter(outcome="").exists():
            last = max(day for day in locked.defendants.values_list("outcome_on", flat=True) if day is not None)
            Proceeding.objects.filter(pk=locked.pk, closed_on__isnull=True).update(closed_on=last)
            _proceeding_event(proceeding, "proceeding_close", actor, closed_on=last.isoformat())
            _cancel_hearings_of_concluded(locked)
    defendant.refresh_from_db()
    return defendant


def _amount(errors: dict[str, str], field: str, value: Any, *, zero: bool = False) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (ArithmeticError, ValueError):
        errors[field] = _("An amount, for example 1500.00.")
        return None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not zero) or amount >= Decimal("1e12"):
        errors[field] = _("An amount greater than zero, for example 1500.00.")
        return None
    if amount != amount.quantize(Decimal("0.01")):
        errors[field] = _("At most two decimals.")
        return None
    return amount.quantize(Decimal("0.01"))


def compensation_claim(
    *,
    actor: User | None,
    proceeding: Proceeding,
    payer: str,
    claimed: Decimal | str,
    currency: str,
    claimed_on: date | None = None,
) -> Compensation:
    """The survivor claims compensation from the offender (in the proceeding) or from the state fund (a claim
    submitted to the fund, whose status follows)."""
    _require_proceeding(actor, proceeding)
    claimed_on = claimed_on or timezone.localdate()
    currency = currency.strip().upper()
    errors: dict[str, str] = {}
    if payer not in Payer.values:
        errors["payer"] = _("Choose who is to pay.")
    amount = _amount(errors, "claimed", claimed)
    if currency not in codes.currency_codes():
        errors["currency"] = _("A currency code (ISO 4217), for example EUR.")
    _check_day(errors, "claimed_on", claimed_on, not_before=proceeding.opened_on)
    if errors or amount is None:
        raise ValidationError(errors)
    with transaction.atomic():
        compensation = Compensation.objects.create(
            proceeding=proceeding,
            payer=payer,
            currency=currency,
            claimed=amount,
            claimed_on=claimed_on,
            fund_status=FundClaimStatus.SUBMITTED if payer == Payer.STATE_FUND else "",
            created_by=actor,
        )
        _proceeding_event(
            proceeding, "compensation_claim", actor, compensation=compensation.pk, payer=payer, currency=currency
        )
    return compensation


def compensation_award(
    *, actor: User | None, compensation: Compensation, awarded: Decimal | str, awarded_on: date | None = None
) -> Compensation:
    """The court (or the fund) awards an amount, once. An award of the state fund grants its claim."""
    proceeding = compensation.proceeding
    _require_proceeding(actor, proceeding)
    awarded_on = awarded_on or timezone.localdate()
    errors: dict[str, str] = {}
    amount = _amount(errors, "awarded", awarded, zero=True)
    _check_day(errors, "awarded_on", awarded_on, not_before=compensation.claimed_on)
    if compensation.payer == Payer.STATE_FUND and compensation.fund_status == FundClaimStatus.REFUSED:
        errors["awarded"] = _("The fund refused this claim.")
    if errors:
        raise ValidationError(errors)
    changes: dict[str, Any] = {"awarded": amount, "awarded_on": awarded_on}
    if compensation.payer == Payer.STATE_FUND:
        changes["fund_status"] = FundClaimStatus.GRANTED
    with transaction.atomic():
        if not Compensation.objects.filter(pk=compensation.pk, awarded__isnull=True).update(**changes):
            raise ValidationError({"awarded": _("An amount has been awarded already: nothing was changed.")})
        _proceeding_event(
            proceeding,
            "compensation_award",
            actor,
            compensation=compensation.pk,
            awarded=str(amount),
            currency=compensation.currency,
        )
    compensation.refresh_from_db()
    return compensation


def compensation_pay(
    *, actor: User | None, compensation: Compensation, amount: Decimal | str, paid_on: date | None = None
) -> Compensation:
    """A payment received on an award (often in parts). Never more than what is still owed: the addition is one
    conditional update, so two clerks recording payments at once cannot overshoot the award."""
    proceeding = compensation.proceeding
    _require_proceeding(actor, proceeding)
    paid_on = paid_on or timezone.localdate()
    errors: dict[str, str] = {}
    value = _amount(errors, "amount", amount)
    if compensation.awarded is None:
        errors["amount"] = _("Nothing has been awarded yet.")
    else:
        _check_day(errors, "paid_on", paid_on, not_before=compensation.awarded_on)
    if errors:
        raise ValidationError(errors)
    assert value is not None
    with transaction.atomic():
        if not Compensation.objects.filter(
            pk=compensation.pk, awarded__isnull=False, paid__lte=F("awarded") - value
        ).update(paid=F("paid") + value, last_paid_on=paid_on):
            raise ValidationError({"amount": _("More than what is still owed: nothing was recorded.")})
        _proceeding_event(
            proceeding,
            "compensation_pay",
            actor,
            compensation=compensation.pk,
            amount=str(value),
            currency=compensation.currency,
        )
    compensation.refresh_from_db()
    return compensation


def fund_claim_status(*, actor: User | None, compensation: Compensation, status: str) -> Compensation:
    """Where a claim to the state fund stands: under review, or refused (granted comes with the award)."""
    proceeding = compensation.proceeding
    _require_proceeding(actor, proceeding)
    if compensation.payer != Payer.STATE_FUND:
        raise ValidationError({"status": _("Only a claim to the state fund has a status.")})
    if status not in (FundClaimStatus.UNDER_REVIEW, FundClaimStatus.REFUSED):
        raise ValidationError({"status": _("Choose under review or refused (a grant is recorded with its amount).")})
    with transaction.atomic():
        if not Compensation.objects.filter(
            pk=compensation.pk, fund_status__in=[FundClaimStatus.SUBMITTED, FundClaimStatus.UNDER_REVIEW]
        ).update(fund_status=status):
            raise ValidationError({"status": _("The fund has decided this claim already: nothing was changed.")})
        _proceeding_event(proceeding, "fund_claim_status", actor, compensation=compensation.pk, status=status)
    compensation.refresh_from_db()
    return compensation


def legal_representative_set(
    *, actor: User | None, proceeding: Proceeding, organisation: Organisation | None, lawyer: str = ""
) -> Proceeding:
    """Who represents the survivor: an organisation of the directory (legal services and NGOs), a named lawyer (kept
    encrypted), both, or (both empty) nobody any more. The audit says what changed, never the lawyer's name."""
    _require_proceeding(actor, proceeding)
    lawyer = " ".join(lawyer.split())
    errors: dict[str, str] = {}
    if organisation is not None and organisation.type not in (OrganisationType.LEGAL_SERVICE, OrganisationType.NGO):
        errors["organisation"] = _("A legal service or an NGO of the directory.")
    if len(lawyer) > 200:
        errors["lawyer"] = _("At most 200 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Proceeding.objects.filter(pk=proceeding.pk).update(
            representative_organisation=organisation, representative_lawyer=lawyer
        )
        _proceeding_event(
            proceeding,
            "legal_representative_set",
            actor,
            organisation=organisation.pk if organisation is not None else None,
            lawyer_named=bool(lawyer),
        )
    proceeding.refresh_from_db()
    return proceeding


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


def hearing_cancel(*, actor: User | None, hearing: Hearing, reason: str = "") -> Hearing:
    """Cancel a hearing that is scheduled, or postponed without a new date. `reason` is a CancellationReason when
    Lantern cancels it (a proceeding that concluded); a clerk's cancellation has none."""
    _require_hearing(actor, hearing)
    if reason and reason not in CancellationReason.values:
        raise ValidationError({"reason": pgettext("justice", "Unknown value %(value)s.") % {"value": repr(reason)}})
    with transaction.atomic():
        now = timezone.now()
        changed = (
            Hearing.objects.filter(pk=hearing.pk)
            .filter(Q(status=HearingStatus.SCHEDULED) | Q(status=HearingStatus.POSTPONED, new_starts_at__isnull=True))
            .update(status=HearingStatus.CANCELLED, cancellation_reason=reason, changed_at=now)
        )
        if not changed:
            raise _refuse_state(hearing, HearingStatus.SCHEDULED)
        current = _reload(hearing)
        _record(current, "cancel", actor, **({"reason": reason} if reason else {}))
        _emit("hearing.cancelled", current)
    return current


def _cancel_hearings_of_concluded(proceeding: Proceeding) -> None:
    """A concluded proceeding is not heard again: its future hearings (scheduled, or postponed with no new date)
    are cancelled as a clerk would cancel them, so the survivor and the caseworker are told the hearing is off.
    Lantern cancels them (no actor): the clerk who recorded the last outcome may not manage another court's
    hearing, and the hearings end all the same."""
    pending = Hearing.objects.filter(proceeding=proceeding).filter(
        Q(status=HearingStatus.SCHEDULED, starts_at__gt=timezone.now())
        | Q(status=HearingStatus.POSTPONED, new_starts_at__isnull=True)
    )
    for hearing in pending.order_by("starts_at", "pk"):
        hearing_cancel(actor=None, hearing=hearing, reason=CancellationReason.PROCEEDING_CONCLUDED)


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


# --- A removal carried out (cases.residence) ---------------------------------------------------------------------


def removal_alert_prosecutors(case: Case, risk: RemovalRisk, removed_on: date) -> int:
    """The injured party of open proceedings was removed from the country: an urgent alert to the prosecutors of the
    prosecution services in charge (the case reference and the day only), so they can ask for a remote hearing.
    Registered in apps.py as a `cases.residence.ON_REMOVED` hook; returns how many were alerted."""
    organisations = set(
        Proceeding.objects.filter(
            case=case, closed_on__isnull=True, organisation__type=OrganisationType.PROSECUTION
        ).values_list("organisation_id", flat=True)
    )
    if not organisations:
        return 0
    prosecutors = User.objects.filter(
        is_active=True, memberships__organisation_id__in=organisations, memberships__role=Role.JUSTICE
    ).distinct()
    messages: list[tuple[User, str]] = []
    for user in prosecutors:
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            messages.append(
                (
                    user,
                    _(
                        "Case %(reference)s: the injured party was removed from the country on %(day)s: consider a "
                        "remote hearing."
                    )
                    % {"reference": case.reference, "day": removed_on.isoformat()},
                )
            )
    alerts_send(
        messages=messages,
        kind=Alert.Kind.INFO,
        object_type="cases.case",
        object_id=case.reference,
        url=reverse("justice:case", kwargs={"reference": case.reference}),
        urgent=True,
    )
    return len(messages)
