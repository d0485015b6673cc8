"""Every write of the case registry. Keyword-only, one transaction each, validated before anything is touched,
with the audit event and the timeline entry written in the same transaction."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lantern.cases import codes, erasure, htcds, htcds_records, minority
from lantern.cases.models import (
    AgeAssessment,
    AnonymousNotification,
    Assessment,
    AssistancePlan,
    BestInterests,
    Case,
    Charge,
    ChildViews,
    Closure,
    Consent,
    CountryProfile,
    Decision,
    Guardian,
    JourneyEvent,
    NonPunishmentRequest,
    Note,
    Perpetrator,
    Person,
    PlanAction,
    PlanReview,
    PublicHoliday,
    RemovalRisk,
    Reopening,
    ReturnPlan,
    ServiceDeclined,
    Stage,
    TimelineEntry,
)
from lantern.cases.permissions import CaseAction
from lantern.cases.validation import (
    CONTEXT_FIELDS,
    PERSON_FIELDS,
    PERSONAL_FIELDS,
    ContextData,
    PersonData,
    age_on,
    clean_context,
    clean_person,
    cross_border,
)
from lantern.cases.workdays import add_working_days
from lantern.core import codes as iso
from lantern.core import listing
from lantern.core.audit import audit_record
from lantern.core.crypto import blind_index, normalise_for_index
from lantern.core.exports import csv_writer
from lantern.core.models import Alert, Organisation, OrganisationType, User
from lantern.core.pagination import MAX_COUNT
from lantern.core.permissions import can, require, role_allowed
from lantern.core.roles import Role
from lantern.core.services import alerts_send

NAME_INDEX_PURPOSE = "person-name"  # the blind index's domain separation: a name index is never an identity index

# Crockford's base-32 without I, L, O and U: nothing to misread on a phone call.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def reference_new() -> str:
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"LT-{body[:4]}-{body[4:]}"


def _require(actor: User | None, action: str, obj: Any = None) -> None:
    if actor is not None:
        require(actor, action, obj)


def _label(actor: User | None) -> str:
    return actor.get_username() if actor is not None else "console"


def timeline_record(
    *, case: Case, kind: str, actor: User | None, detail: dict[str, Any] | None = None
) -> TimelineEntry:
    """Write one entry on a case's timeline, in the caller's transaction, beside the caller's audit event (whose
    object is the caller's own: the case, a referral, a stay, a hearing). The only way any app writes the timeline.
    `kind` must have a label (cases.codes.TIMELINE, which the apps that write one complete in their
    `AppConfig.ready`); `detail` holds codes and ids, never personal data (a dict rather than keywords, because
    "kind" is a detail of several entries)."""
    _check_kind(kind)
    return TimelineEntry.objects.create(case=case, kind=kind, actor=actor, detail=detail or {})


def timeline_record_many(
    *, kind: str, at: datetime, entries: Iterable[tuple[int, dict[str, Any]]], actor: User | None = None
) -> int:
    """The same for many cases at once (a court suspension postponing thousands of hearings): one entry per
    (case id, detail), written in batches. Returns how many."""
    _check_kind(kind)
    rows = [TimelineEntry(case_id=case_id, at=at, kind=kind, actor=actor, detail=detail) for case_id, detail in entries]
    TimelineEntry.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


# Where on the case page an alert sends its reader (the ids of the page's sections, cases/templates/cases/).
SECTION_REMOVAL = "removal-warning"
SECTION_RESIDENCE = "residence-heading"
SECTION_RISK = "plan"
SECTION_AUTHORITY = "nrm-authority-heading"
SECTION_ASSIGN = "assign"
SECTION_CLOSURE = "closure"


def case_link(case: Case, section: str = "") -> str:
    """Where an alert about a case sends its reader: the case's page by its reference (never a name), at the section
    where she acts on it."""
    url = reverse("cases:detail", kwargs={"reference": case.reference})
    return f"{url}#{section}" if section else url


def _check_kind(kind: str) -> None:
    if kind not in codes.TIMELINE:
        raise ValueError(f"timeline kind without a label: {kind}")


def _event(case: Case, event: str, actor: User | None, **detail: Any) -> None:
    timeline_record(case=case, kind=event, actor=actor, detail=detail)
    audit_record(
        action=f"case.{event}",
        actor=actor,
        actor_label=_label(actor),
        organisation_id=case.organisation_id,
        object_type="cases.case",
        object_id=case.reference,
        detail=detail,
    )


# --- The country's NRM profile -----------------------------------------------------------------------------


def profile_for(country: str) -> CountryProfile:
    profile = CountryProfile.objects.filter(country=country).first()
    return profile or CountryProfile(country=country, weekend=[6, 7])


def holidays_for(country: str) -> set[date]:
    return set(PublicHoliday.objects.filter(country=country).values_list("date", flat=True))


def _deadline(case: Case, working_days: int, start: date) -> date:
    country = case.organisation.country
    profile = profile_for(country)
    return add_working_days(start, working_days, weekend=profile.weekend or [6, 7], holidays=holidays_for(country))


# --- Registering and updating -------------------------------------------------------------------------------


def _full_name(person: PersonData) -> str:
    return " ".join(part for part in (person.first_name, person.second_name) if part)


def _identity_index(person: PersonData) -> str:
    name = _full_name(person)
    if not name or person.birth_date is None:
        return ""
    return blind_index(name, person.birth_date.isoformat(), purpose="person")


def name_index(name: str) -> str:
    """The blind index of a full name ("first family"), as stored in `Person.name_index` and as a name search
    computes it from what was typed: case, accents, punctuation and spacing do not matter; nothing else does."""
    return blind_index(name, purpose=NAME_INDEX_PURPOSE) if normalise_for_index(name) else ""


def _derive(case: Case, person: PersonData) -> None:
    exact_age = age_on(person.birth_date, case.identified_on)
    assessed = None
    if exact_age is None and case.pk is not None:
        assessed = case.age_assessments.order_by("-assessed_on", "-recorded_at", "-pk").first()
    # An assessed range counts at its lower end (the benefit of the doubt), as it decides minority.
    age = exact_age if exact_age is not None else (assessed.age_lower if assessed is not None else None)
    case.age_at_identification = age
    case.age_band = codes.age_band(age)
    case.is_minor, case.minority_basis = minority.decide(
        exact_age=exact_age,
        assessed_band=assessed.result_band if assessed is not None else "",
        # "Unaccompanied or separated child" ticked among the at-risk groups says as much as the flag itself.
        may_be_child=case.may_be_child or "unaccompanied_child" in (case.at_risk_groups or []),
        separation=case.separation,
    )
    case.guardian_due = minority.guardian_due(case, profile_for(case.organisation.country))
    case.recruited_online = bool(set(case.recruitment_methods) & codes.ONLINE_RECRUITMENT) or bool(
        case.recruitment_platforms
    )
    case.is_cross_border = cross_border(
        recruitment=case.recruitment_country, exploitation=case.exploitation_country, citizenship=person.citizenship
    )


def _validate(person: PersonData, context: ContextData, identified_on: date) -> tuple[PersonData, ContextData]:
    today = timezone.localdate()
    person, person_errors = clean_person(person, today=today)
    context, context_errors = clean_context(context)
    errors = {**person_errors, **context_errors}
    if identified_on > today:
        errors["identified_on"] = _("The identification date is in the future.")
    if person.birth_date and identified_on < person.birth_date:
        errors["identified_on"] = _("The identification date is before the birth date.")
    if errors:
        raise ValidationError(errors)
    return person, context


def _person_from(data: PersonData) -> Person:
    person = Person()
    for name in PERSON_FIELDS:
        setattr(person, name, getattr(data, name))
    person.identity_index = _identity_index(data)
    person.name_index = name_index(_full_name(data))
    return person


def _person_data(person: Person) -> PersonData:
    return PersonData(**{name: getattr(person, name) for name in PERSON_FIELDS})


def _context_data(case: Case) -> ContextData:
    return ContextData(**{name: getattr(case, name) for name in CONTEXT_FIELDS})


def case_register(
    *,
    actor: User | None,
    organisation: Organisation,
    person: PersonData,
    context: ContextData | None = None,
    identified_on: date | None = None,
    identified_by: Organisation | None = None,
    consent_to_case_management: bool = False,
    created_at: Any = None,
    status_decided_elsewhere: bool = False,
) -> Case:
    """Register a presumed victim. Returns the case; its reference is what everyone uses from now on. Consent to
    case management is recorded only when the caller says the person gave it: it is never assumed.

    The trafficking status follows from the competent authority's decisions: a new case is a presumed victim.
    Only an import (`status_decided_elsewhere`) brings a status decided in another system, with who decided it."""
    _require(actor, CaseAction.CREATE, organisation)
    if not status_decided_elsewhere and context is not None:
        _refuse_status_change(context, ContextData())
    identified_on = identified_on or timezone.localdate()
    person, context = _validate(replace(person), replace(context or ContextData()), identified_on)
    for _attempt in range(5):
        reference = reference_new()
        try:
            with transaction.atomic():
                stored_person = _person_from(person)
                stored_person.save()
                case = Case(
                    reference=reference,
                    person=stored_person,
                    organisation=organisation,
                    created_by=actor,
                    identified_on=identified_on,
                    identified_by=identified_by or organisation,
                    **{name: getattr(context, name) for name in CONTEXT_FIELDS},
                )
                if created_at is not None:
                    case.created_at = created_at
                # Whoever registers a case and holds cases in its organisation is its first assignee: it is in her
                # "Assigned to me" at once. A first responder's case waits for a caseworker or the supervisor.
                holds_cases = actor is not None and can(actor, CaseAction.TAKE, organisation)
                if holds_cases:
                    case.assigned_to = actor
                    case.assigned_at = case.created_at
                _derive(case, person)
                case.save()
                if consent_to_case_management:
                    Consent.objects.create(
                        case=case,
                        purpose=Consent.Purpose.CASE_MANAGEMENT,
                        given_on=identified_on,
                        recorded_by=actor or _console_user(organisation),
                    )
                _event(case, "register", actor, stage=case.stage)
                if case.is_minor:
                    child_protection_alert(case=case, actor=actor)
                if holds_cases:
                    _event(case, "assign", actor, assignee=_label(actor))
                return case
        except IntegrityError:
            if not Case.objects.filter(reference=reference).exists():
                raise
            # the reference was drawn by someone else at the same moment: draw again
    raise RuntimeError("could not draw a free case reference")


STATUS_FIELDS = ("trafficking_status", "status_decided_by")


def _refuse_status_change(new: ContextData, current: ContextData) -> None:
    """The trafficking status and who decided it are written by decisions (`case_decide`), never typed."""
    unset = ContextData()  # an empty value means the default: a presumed victim, decided by nobody

    def value(data: ContextData, name: str) -> str:
        return (getattr(data, name) or "").strip() or getattr(unset, name)

    changed = [name for name in STATUS_FIELDS if value(new, name) != value(current, name)]
    if changed:
        message = _("The trafficking status follows from the competent authority's decisions; it cannot be typed.")
        raise ValidationError(dict.fromkeys(changed, message))


def _console_user(organisation: Organisation) -> User:
    """Consents and decisions name a member of staff; imports at the console name the organisation's service
    account, created on first use and unable to log in."""
    username = f"import-{organisation.pk}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, is_active=False)
        user.set_unusable_password()
        user.save()
    return user


def case_update(
    *,
    actor: User | None,
    case: Case,
    person: dict[str, Any] | None = None,
    context: dict[str, Any] | None = None,
    identified_on: date | None = None,
    risk_level: str | None = None,
) -> Case:
    """Change some fields (and the identification date, and the risk level, which a risk assessment records).
    Only the names of changed fields reach the timeline and the audit trail, never their values."""
    _require(actor, CaseAction.UPDATE, case)
    if case.stage == Stage.CLOSED or case.anonymised_at is not None:  # an erased case is never filled in again
        raise ValidationError({"stage": _("The case is closed.")})
    person_changes = person or {}
    context_changes = context or {}
    unknown = (set(person_changes) - set(PERSON_FIELDS)) | (set(context_changes) - set(CONTEXT_FIELDS))
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    current_person = _person_data(case.person)
    current_context = _context_data(case)
    new_identified_on = identified_on or case.identified_on
    _refuse_status_change(replace(current_context, **context_changes), current_context)
    errors: dict[str, str] = {}
    try:
        new_person, new_context = _validate(
            replace(current_person, **person_changes), replace(current_context, **context_changes), new_identified_on
        )
    except ValidationError as exc:  # gathered with the checks below, so that the form shows every error at once
        errors = {field: " ".join(messages) for field, messages in exc.message_dict.items()}
        new_person, new_context = current_person, current_context
    if case.referred_on and new_identified_on > case.referred_on:
        errors["identified_on"] = _("The identification date is after the referral to the competent authority.")
    risk_now = _latest_risk_level(case)
    if risk_level and risk_level not in Assessment.Risk.values:
        errors["risk_level"] = _("Say whether the risk is low, medium or high.")
    if errors:
        raise ValidationError(errors)
    changed_person = [n for n in PERSON_FIELDS if getattr(new_person, n) != getattr(current_person, n)]
    changed_context = [n for n in CONTEXT_FIELDS if getattr(new_context, n) != getattr(current_context, n)]
    changed = changed_person + changed_context
    if new_identified_on != case.identified_on:
        changed.append("identified_on")
    if risk_level and risk_level != risk_now:
        changed.append("risk_level")
    if not changed:
        return case
    with transaction.atomic():
        stored = case.person
        for name in changed_person:
            setattr(stored, name, getattr(new_person, name))
        stored.identity_index = _identity_index(new_person)
        stored.name_index = name_index(_full_name(new_person))
        stored.save()
        for name in changed_context:
            setattr(case, name, getattr(new_context, name))
        was_child = case.is_minor is True
        case.identified_on = new_identified_on
        _derive(case, new_person)
        case.save()
        if "risk_level" in changed:
            Assessment.objects.create(
                case=case,
                kind=Assessment.Kind.RISK,
                risk_level=risk_level or "",
                assessed_by=actor or _console_user(case.organisation),
            )
        _event(case, "update", actor, fields=sorted(changed))
        if case.is_minor and not was_child:
            child_protection_alert(case=case, actor=actor)
    return case


def _latest_risk_level(case: Case) -> str:
    latest = case.assessments.filter(kind=Assessment.Kind.RISK).order_by("-assessed_at", "-pk").first()
    return latest.risk_level if latest is not None else ""


def case_assign(*, actor: User | None, case: Case, assignee: User | None) -> Case:
    """A supervisor gives the case to a caseworker or supervisor of its organisation (or to nobody)."""
    _require(actor, CaseAction.ASSIGN, case)
    if (
        assignee is not None
        and not assignee.memberships.filter(
            organisation_id=case.organisation_id, role__in=[Role.CASEWORKER, Role.SUPERVISOR]
        ).exists()
    ):
        raise ValidationError({"assignee": _("Cases are assigned to caseworkers or supervisors of the organisation.")})
    with transaction.atomic():
        case.assigned_to = assignee
        case.assigned_at = timezone.now() if assignee else None
        case.save(update_fields=["assigned_to", "assigned_at"])
        _event(case, "assign", actor, assignee=assignee.get_username() if assignee else "")
    return case


def case_take(*, actor: User, case: Case) -> Case:
    """Assign to me: a caseworker takes an unassigned case of her organisation. A case that a colleague holds is
    moved only by a supervisor (who may also take it here). Taking one's own case again changes nothing."""
    require(actor, CaseAction.TAKE, case)
    with transaction.atomic():
        holder = Case.objects.select_for_update().filter(pk=case.pk).values_list("assigned_to_id", flat=True).get()
        if holder == actor.pk:
            return case
        if holder is not None and not can(actor, CaseAction.ASSIGN, case):
            raise ValidationError({"assignee": _("A colleague holds this case: ask a supervisor to give it to you.")})
        case.assigned_to = actor
        case.assigned_at = timezone.now()
        case.save(update_fields=["assigned_to", "assigned_at"])
        _event(case, "assign", actor, assignee=actor.get_username())
    return case


def holds_cases(organisation: Organisation) -> bool:
    """Whether an organisation's type lets it hold cases (it may have caseworkers and supervisors): an NGO, a
    shelter, social services; not a police unit or a labour inspectorate, whose first responders only register."""
    return role_allowed(Role.CASEWORKER, organisation.type)


# What the apps to the right of cases know about an organisation that rules out handing a case to it (providers: its
# services are suspended). Each returns the refusal in words, or "" (registered in their AppConfig.ready).
TRANSFER_REFUSALS: list[Callable[[Organisation], str]] = []

# And what they do once a case has changed hands (referrals: the new holder's own open referrals of it end).
TRANSFERRED: list[Callable[[Case, Organisation], None]] = []


def case_transfer(*, actor: User | None, case: Case, to: Organisation) -> Case:
    """Hand a case over to another organisation, which holds it from then on: a first responder's case to a
    case-managing NGO or social services, or one organisation's case to another. Only with the person's consent to
    a referral to that organisation (refused, and nothing written, without it). The history stays with the case
    (timeline, consents, referrals, decisions); the receiving organisation gets it unassigned, for its supervisor
    to give to a caseworker, and its supervisors are told. The giving organisation keeps what its roles allow on
    another organisation's case: nothing, unless a rule says otherwise (a first responder sees only cases of her
    own organisation that she registered; the audit trail keeps what she did)."""
    _require(actor, CaseAction.TRANSFER, case)
    if to.pk == case.organisation_id:
        raise ValidationError({"organisation": _("The case is already held by %(name)s.") % {"name": to.name}})
    if not holds_cases(to):
        raise ValidationError(
            {
                "organisation": _("%(name)s does not hold cases: choose an organisation with caseworkers.")
                % {"name": to.name}
            }
        )
    if case.stage == Stage.CLOSED or case.anonymised_at is not None:
        raise ValidationError({"case": _("The case is closed.")})
    for refusal in (check(to) for check in TRANSFER_REFUSALS):
        if refusal:
            raise ValidationError({"organisation": refusal})
    if not User.objects.filter(
        is_active=True, memberships__organisation=to, memberships__role=Role.SUPERVISOR
    ).exists():
        raise ValidationError(
            {
                "organisation": _(
                    "%(name)s has no supervisor in Lantern to give the case to a caseworker: nobody would hold it. "
                    "Choose another organisation, or ask its administrator to add a supervisor."
                )
                % {"name": to.name}
            }
        )
    if not _consents_to(case, to):
        raise ValidationError(
            {
                "consent": _(
                    "The person has not consented to hand the case over to %(name)s. Record their consent (a referral "
                    "to this organisation) first."
                )
                % {"name": to.name}
            }
        )
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        if current.organisation_id == to.pk:
            return current
        giving = current.organisation
        current.organisation, current.assigned_to, current.assigned_at = to, None, None
        current.save(update_fields=["organisation", "assigned_to", "assigned_at"])
        detail = {"from": giving.pk, "from_name": giving.name, "to": to.pk, "to_name": to.name}
        timeline_record(case=current, kind="transfer", actor=actor, detail=detail)
        for organisation_id in (giving.pk, to.pk):  # both organisations' trails say it left and came
            audit_record(
                action="case.transfer",
                actor=actor,
                actor_label=_label(actor),
                organisation_id=organisation_id,
                object_type="cases.case",
                object_id=current.reference,
                detail=detail,
            )
        supervisors = User.objects.filter(
            is_active=True, memberships__organisation=to, memberships__role=Role.SUPERVISOR
        ).distinct()
        messages = []
        for supervisor in supervisors:
            with translation.override(supervisor.preferred_language or settings.LANGUAGE_CODE):
                text = _("%(from)s handed case %(reference)s over to your organisation: give it to a caseworker.") % {
                    "from": giving.name,
                    "reference": current.reference,
                }
            messages.append((supervisor, text))
        alerts_send(
            messages=messages,
            kind=Alert.Kind.INFO,
            object_type="cases.case",
            object_id=current.reference,
            url=case_link(current, SECTION_ASSIGN),
        )
        for after in TRANSFERRED:
            after(current, giving)
    case.organisation, case.assigned_to, case.assigned_at = current.organisation, None, None
    return current


def _consents_to(case: Case, organisation: Organisation) -> bool:
    return case.consents.filter(
        purpose=Consent.Purpose.REFERRAL, recipient=organisation, withdrawn_at__isnull=True
    ).exists()


# --- The NRM process ----------------------------------------------------------------------------------------


def _set_stage(case: Case, stage: Stage, **fields: Any) -> None:
    case.stage = stage
    case.stage_changed_at = timezone.now()
    for name, value in fields.items():
        setattr(case, name, value)
    case.save()


def competent_authority_for(country: str) -> Organisation | None:
    """The country's competent authority (one at most: a database constraint), designated by the coordinator."""
    return Organisation.objects.filter(country=country, type=OrganisationType.COMPETENT_AUTHORITY).first()


LEGAL_BASIS_LIMIT = 500  # characters: a law and its article, a court order's number


def case_refer_to_authority(
    *,
    actor: User | None,
    case: Case,
    referred_on: date | None = None,
    consent_given: bool = False,
    consent_given_by: str = codes.ConsentGiver.PERSON,
    legal_basis: str = "",
) -> Case:
    """The case goes to the country's competent authority, whose members may then read its file and decide on it;
    the reasonable-grounds decision is due within the country's working days.

    The file is shared only with the person's consent to share it with the authority (given now, `consent_given`,
    and recorded here; or recorded before) or on a legal basis that the caseworker names. A consent given now
    follows the rule of every consent (`minority.consent_giver_refusal`): for a child, by the guardian or a parent
    where the country's profile says so; for an adult, by the person."""
    _require(actor, CaseAction.UPDATE, case)
    referred_on = referred_on or timezone.localdate()
    legal_basis = " ".join(legal_basis.split())
    if case.stage != Stage.IDENTIFIED:
        raise ValidationError({"stage": _("Only an identified case can be referred to the competent authority.")})
    errors: dict[str, str] = {}
    if referred_on < case.identified_on or referred_on > timezone.localdate():
        errors["referred_on"] = _("Between the identification date and today.")
    authority = competent_authority_for(case.organisation.country)
    consented = authority is not None and (
        case.consents.filter(purpose=Consent.Purpose.REFERRAL, recipient=authority, withdrawn_at__isnull=True).exists()
    )
    if authority is None:
        errors["authority"] = _(
            "No competent authority is designated for this country: the national coordinator designates it."
        )
    elif not (consent_given or consented or legal_basis):
        errors["legal_basis"] = _(
            "Record the person's consent to share the case with the competent authority, or the legal basis for "
            "sharing it without consent."
        )
    if consent_given and not consented:
        giver_error = minority.consent_giver_refusal(case, consent_given_by, profile_for(case.organisation.country))
        if giver_error:
            errors["consent_given_by"] = giver_error
    if len(legal_basis) > LEGAL_BASIS_LIMIT:
        errors["legal_basis"] = ngettext("At most %(n)d character.", "At most %(n)d characters.", LEGAL_BASIS_LIMIT) % {
            "n": LEGAL_BASIS_LIMIT
        }
    if errors or authority is None:
        raise ValidationError(errors)
    profile = profile_for(case.organisation.country)
    due = _deadline(case, minority.reasonable_grounds_days(case, profile), referred_on)
    on_consent = consent_given or consented
    with transaction.atomic():
        if consent_given and not consented:
            Consent.objects.create(
                case=case,
                purpose=Consent.Purpose.REFERRAL,
                recipient=authority,
                given_by=consent_given_by,
                given_on=referred_on,
                recorded_by=actor or _console_user(case.organisation),
            )
        _set_stage(
            case,
            Stage.REFERRED,
            referred_on=referred_on,
            referred_to=authority,
            referral_legal_basis="" if on_consent else legal_basis,
            reasonable_grounds_due=due,
            next_deadline=due,
        )
        _event(
            case,
            "refer_to_authority",
            actor,
            due=due.isoformat(),
            authority=authority.pk,
            basis="consent" if on_consent else "legal_basis",
            given_by=consent_given_by if consent_given and not consented else "",
        )
    return case


@dataclass(frozen=True)
class DecisionTransition:
    """Where a decision of one kind and outcome may be recorded, and the stage it moves the case to."""

    from_stages: frozenset[Stage]
    to_stage: Stage
    recovery_period: bool = False  # the recovery and reflection period starts, and its end is the next deadline
    trafficking_status: str = ""  # the status the decision settles, with who decided it


_BEFORE_REASONABLE_GROUNDS = frozenset({Stage.REFERRED, Stage.REASONABLE_GROUNDS})
_BEFORE_CONCLUSIVE_GROUNDS = frozenset({Stage.RECOVERY, Stage.CONCLUSIVE_GROUNDS})

# (kind, outcome) -> transition. A negative decision leaves the case at its decision stage, where a
# reconsideration of it may be recorded.
DECISION_TRANSITIONS: dict[tuple[str, str], DecisionTransition] = {
    (Decision.Kind.REASONABLE_GROUNDS, Decision.Outcome.POSITIVE): DecisionTransition(
        _BEFORE_REASONABLE_GROUNDS,
        Stage.RECOVERY,
        recovery_period=True,
        trafficking_status=codes.TraffickingStatus.POSSIBLE,  # again so, after a negative one reconsidered
    ),
    # No reasonable grounds: the person is not a presumed victim any more (she leaves the mechanism, unless the
    # decision is reconsidered); reading "Presumed victim" after it would tell the opposite of the decision.
    (Decision.Kind.REASONABLE_GROUNDS, Decision.Outcome.NEGATIVE): DecisionTransition(
        _BEFORE_REASONABLE_GROUNDS, Stage.REASONABLE_GROUNDS, trafficking_status=codes.TraffickingStatus.NOT_A_VICTIM
    ),
    (Decision.Kind.CONCLUSIVE_GROUNDS, Decision.Outcome.POSITIVE): DecisionTransition(
        _BEFORE_CONCLUSIVE_GROUNDS, Stage.SUPPORT, trafficking_status=codes.TraffickingStatus.ACTUAL
    ),
    (Decision.Kind.CONCLUSIVE_GROUNDS, Decision.Outcome.NEGATIVE): DecisionTransition(
        _BEFORE_CONCLUSIVE_GROUNDS, Stage.CONCLUSIVE_GROUNDS, trafficking_status=codes.TraffickingStatus.NOT_A_VICTIM
    ),
}


def _decision_fields(
    transition: DecisionTransition, case: Case, decided_on: date, profile: CountryProfile, authority: Organisation
) -> dict[str, Any]:
    """The fields of the case a decision sets beside its stage."""
    if transition.recovery_period:
        ends = decided_on + timedelta(days=profile.recovery_period_days)
        if case.recovery_ends is not None:  # a reconsideration does not shorten a period already running
            ends = max(ends, case.recovery_ends)
        return {"recovery_ends": ends, "next_deadline": ends}
    fields: dict[str, Any] = {"next_deadline": None}
    if transition.trafficking_status:
        fields["trafficking_status"] = transition.trafficking_status
        fields["status_decided_by"] = _decision_maker(authority)
    return fields


REASONS_LIMIT = 10_000  # characters, like a note


def case_decide(
    *,
    actor: User,
    case: Case,
    kind: str,
    outcome: str,
    reasons: str,
    decided_on: date | None = None,
    served_on: date | None = None,
    served_language: str = "",
    reconsiders: Decision | None = None,
    reconsideration_grounds: str = "",
) -> Decision:
    """Record a reasonable- or conclusive-grounds decision of the competent authority the case was referred to,
    with its written reasons and, once known, the day it was served on the person and in which language; or the
    reconsideration, on the person's request and with its grounds, of the latest decision of that kind, positive
    or negative. A negative conclusive-grounds decision cannot end a recovery period before the country's minimum."""
    require(actor, CaseAction.DECIDE, case)
    today = timezone.localdate()
    decided_on = decided_on or today
    reasons = reasons.strip()
    reconsideration_grounds = reconsideration_grounds.strip()
    served_language = served_language.strip().lower()
    errors: dict[str, str] = {}
    if kind not in Decision.Kind.values:
        errors["kind"] = _("Unknown value %(value)s.") % {"value": repr(kind)}
    if outcome not in Decision.Outcome.values:
        errors["outcome"] = _("Unknown value %(value)s.") % {"value": repr(outcome)}
    if decided_on > today or decided_on < case.identified_on:
        errors["decided_on"] = _("Between the identification date and today.")
    elif case.referred_on is not None and decided_on < case.referred_on:
        # A decision cannot come before the referral (its date starts the recovery period's count).
        errors["decided_on"] = _("Between the referral to the competent authority and today.")
    if not reasons:
        errors["reasons"] = _("Write the reasons for the decision: the person has a right to know them.")
    for name, text in (("reasons", reasons), ("reconsideration_grounds", reconsideration_grounds)):
        if len(text) > REASONS_LIMIT:
            errors[name] = ngettext("At most %(n)d character.", "At most %(n)d characters.", REASONS_LIMIT) % {
                "n": REASONS_LIMIT
            }
    errors.update(_serving_errors(decided_on, served_on, served_language, required=False))
    if errors:
        raise ValidationError(errors)
    latest = case.decisions.filter(kind=kind).order_by("-recorded_at", "-pk").first()
    transition = DECISION_TRANSITIONS[(kind, outcome)]
    stages = transition.from_stages
    if latest is not None:
        if reconsiders is None or reconsiders.pk != latest.pk:
            raise ValidationError({"reconsiders": _("A decision exists: a new one reconsiders the latest.")})
        if not reconsideration_grounds:
            raise ValidationError(
                {
                    "reconsideration_grounds": _(
                        "A decision is reconsidered on request: write the grounds of the request."
                    )
                }
            )
        # The case may still be where the reconsidered decision left it.
        stages = stages | {DECISION_TRANSITIONS[(latest.kind, latest.outcome)].to_stage}
    elif reconsiders is not None:
        raise ValidationError({"reconsiders": _("There is no decision to reconsider.")})
    elif reconsideration_grounds:
        raise ValidationError({"reconsideration_grounds": _("There is no decision to reconsider.")})
    if case.stage not in stages:
        grounds = case.decisions.filter(kind=Decision.Kind.REASONABLE_GROUNDS).order_by("-recorded_at", "-pk").first()
        if kind == Decision.Kind.CONCLUSIVE_GROUNDS and grounds is not None and grounds.outcome == "negative":
            raise ValidationError(
                {
                    "stage": _(
                        "The reasonable-grounds decision was negative: a conclusive-grounds decision follows only "
                        "a positive one. To change it, reconsider the reasonable-grounds decision (on the person's "
                        "request, with the grounds)."
                    )
                }
            )
        raise ValidationError({"stage": _("This decision does not belong to the stage the case is in.")})
    profile = profile_for(case.organisation.country)
    if kind == Decision.Kind.CONCLUSIVE_GROUNDS and outcome == Decision.Outcome.NEGATIVE:
        _check_recovery_minimum(case, decided_on, profile)
    authority = case.referred_to
    if authority is None:  # unreachable: only the members of the authority a case was referred to decide on it
        raise ValidationError({"stage": _("This decision does not belong to the stage the case is in.")})
    with transaction.atomic():
        decision = Decision.objects.create(
            case=case,
            kind=kind,
            outcome=outcome,
            decided_on=decided_on,
            decided_by=actor,
            decided_by_organisation=authority,
            reconsiders=reconsiders,
            reasons=reasons,
            reconsideration_grounds=reconsideration_grounds,
            served_on=served_on,
            served_language=served_language,
        )
        _set_stage(case, transition.to_stage, **_decision_fields(transition, case, decided_on, profile, authority))
        _event(
            case,
            "decision",
            actor,
            kind=kind,
            outcome=outcome,
            decided_on=decided_on.isoformat(),
            reconsiders=reconsiders.pk if reconsiders else 0,
            served_on=served_on.isoformat() if served_on else "",
            served_language=served_language,
        )
        decision_alert(case=case, decision=decision)
    return decision


def decision_alert(*, case: Case, decision: Decision) -> int:
    """Tell the organisation holding the case that the authority decided: the case's assignee and the
    organisation's supervisors, each in their language. The reference and the decision only: no name, no reasons
    (they read those on the case page). Returns how many were alerted."""
    recipients = list(
        User.objects.filter(
            Q(pk=case.assigned_to_id)
            | Q(memberships__organisation_id=case.organisation_id, memberships__role=Role.SUPERVISOR),
            is_active=True,
        ).distinct()
    )
    messages: list[tuple[User, str]] = []
    for recipient in recipients:
        with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
            standing = codes.decision_standing(decision.outcome, decision.reconsiders_id is not None)
            text = _("The competent authority decided on case %(reference)s: %(kind)s, %(outcome)s.") % {
                "reference": case.reference,
                "kind": str(Decision.Kind(decision.kind).label).lower(),
                "outcome": str(standing.label).lower(),
            }
            messages.append((recipient, text))
    # The alerts are the record: the decision's own timeline entry and audit event say what was decided.
    alerts_send(
        messages=messages,
        kind=Alert.Kind.INFO,
        object_type="cases.case",
        object_id=case.reference,
        url=case_link(case, SECTION_AUTHORITY),
        urgent=True,
    )
    return len(recipients)


def _serving_errors(decided_on: date, served_on: date | None, language: str, *, required: bool) -> dict[str, str]:
    """What is wrong with the day and the language a decision was served in (both, or neither unless required)."""
    errors: dict[str, str] = {}
    if served_on is not None and (served_on > timezone.localdate() or served_on < decided_on):
        errors["served_on"] = _("Between the decision date and today.")
    if (served_on is not None or required) and not language:
        errors["served_language"] = _("Say in which language the decision was served.")
    if (language or required) and served_on is None:
        errors["served_on"] = _("Say when the decision was served.")
    if language and language not in iso.language_codes():
        errors["served_language"] = _("Not ISO 639-1 language codes: %(value)s.") % {"value": language}
    return errors


def decision_serve(*, actor: User, decision: Decision, served_on: date | None, served_language: str) -> Decision:
    """Record the day a decision was served on the person, and in which language, when it was not known as the
    decision was recorded. Once: a serving is a fact, not a setting."""
    case = decision.case
    require(actor, CaseAction.DECIDE, case)
    served_language = served_language.strip().lower()
    errors = _serving_errors(decision.decided_on, served_on, served_language, required=True)
    if decision.served_on is not None:
        errors["served_on"] = _("This decision was already served on the person.")
    if errors or served_on is None:
        raise ValidationError(errors)
    with transaction.atomic():
        decision.served_on = served_on
        decision.served_language = served_language
        decision.save(update_fields=["served_on", "served_language"])
        _event(
            case,
            "decision_serve",
            actor,
            decision=decision.pk,
            served_on=served_on.isoformat(),
            served_language=served_language,
        )
    return decision


def _check_recovery_minimum(case: Case, decided_on: date, profile: CountryProfile) -> None:
    """A negative conclusive-grounds decision ends the recovery and reflection period: not before its minimum,
    counted from the positive reasonable-grounds decision that started it."""
    started = (
        case.decisions.filter(kind=Decision.Kind.REASONABLE_GROUNDS, outcome=Decision.Outcome.POSITIVE)
        .order_by("-decided_on")
        .values_list("decided_on", flat=True)
        .first()
    )
    if started is None:
        return
    earliest = started + timedelta(days=profile.recovery_period_minimum_days)
    if decided_on < earliest:
        raise ValidationError(
            {
                "decided_on": _(
                    "A negative conclusive-grounds decision cannot end the recovery period before its minimum: "
                    "not before %(date)s."
                )
                % {"date": earliest.isoformat()}
            }
        )


def _decision_maker(organisation: Organisation) -> str:
    return {
        OrganisationType.LAW_ENFORCEMENT: codes.DecisionMaker.POLICE,
        OrganisationType.NGO: codes.DecisionMaker.NGO,
        OrganisationType.COURT: codes.DecisionMaker.COURT_OR_PROSECUTION,
        OrganisationType.PROSECUTION: codes.DecisionMaker.COURT_OR_PROSECUTION,
        OrganisationType.MINISTRY: codes.DecisionMaker.NON_POLICE_GOVERNMENT,
        OrganisationType.CENTRAL_GOVERNMENT: codes.DecisionMaker.NON_POLICE_GOVERNMENT,
        OrganisationType.LOCAL_GOVERNMENT: codes.DecisionMaker.NON_POLICE_GOVERNMENT,
        # HTCDS has no value for a competent authority: it is a public body other than the police (a multi-agency
        # panel included: it decides as a body of the state).
        OrganisationType.COMPETENT_AUTHORITY: codes.DecisionMaker.NON_POLICE_GOVERNMENT,
    }.get(OrganisationType(organisation.type), codes.DecisionMaker.OTHER)


OWN_REQUEST_LIMIT = 2_000  # characters: the person's request to go home, in their words


def in_recovery_period(case: Case, today: date | None = None) -> bool:
    """Whether an adult is inside the recovery and reflection period today (a child's return waits for the BID)."""
    today = today or timezone.localdate()
    return not case.is_minor and case.recovery_ends is not None and case.recovery_ends >= today


def identification_pending(case: Case) -> bool:
    """Whether an adult still awaits the reasonable-grounds decision (identified as a presumed victim or referred to
    the competent authority, no recovery period yet): Council of Europe Convention, Art. 10(2), no removal until the
    identification process is completed."""
    return not case.is_minor and case.recovery_ends is None and case.stage in {Stage.IDENTIFIED, Stage.REFERRED}


def return_refusal(
    case: Case, *, own_request: bool, own_request_text: str, today: date | None = None
) -> dict[str, str]:
    """Why a return cannot be planned now (field -> reason); empty when it can. A child needs a best-interests
    determination that chose return. An adult inside the recovery and reflection period (Council of Europe
    Convention, Art. 13: no expulsion order is enforced during it), or still awaiting the reasonable-grounds
    decision (Art. 10(2)), is returned only at their own informed request, recorded in their words."""
    refusal = minority.durable_solution_refusal(case, codes.DurableSolution.RETURN)
    if refusal:
        return {"best_interests": refusal}
    today = today or timezone.localdate()
    text = own_request_text.strip()
    if len(text) > OWN_REQUEST_LIMIT:
        return {
            "own_request_text": ngettext("At most %(n)d character.", "At most %(n)d characters.", OWN_REQUEST_LIMIT)
            % {"n": OWN_REQUEST_LIMIT}
        }
    if identification_pending(case) and not (own_request and text):
        return {
            "own_request": _(
                "The person's identification is not completed yet (the reasonable-grounds decision is awaited): no "
                "return is planned before then, unless it is their own informed request (tick it and write the "
                "request in their words)."
            )
        }
    if in_recovery_period(case, today) and not (own_request and text):
        return {
            "own_request": _(
                "The person is in the recovery and reflection period until %(day)s: no return is planned before "
                "then, unless it is their own informed request (tick it and write the request in their words)."
            )
            % {"day": case.recovery_ends.isoformat() if case.recovery_ends else ""}
        }
    return {}


def case_plan_return(*, actor: User | None, case: Case, own_request: bool = False, own_request_text: str = "") -> Case:
    """After a conclusive decision, the person chooses return to the country of origin rather than reintegration:
    a child after a best-interests determination chose it, an adult still in the recovery period only at their own
    informed request (kept as a note of the case, in their words)."""
    _require(actor, CaseAction.UPDATE, case)
    if case.stage not in {Stage.SUPPORT, Stage.CONCLUSIVE_GROUNDS}:
        raise ValidationError({"stage": _("Return is planned after the conclusive-grounds decision.")})
    refusal = return_refusal(case, own_request=own_request, own_request_text=own_request_text)
    if refusal:
        raise ValidationError(refusal)
    in_recovery = in_recovery_period(case)
    with transaction.atomic():
        _set_stage(case, Stage.RETURN)
        if in_recovery and own_request:
            Note.objects.create(
                case=case,
                text=_("Return during the recovery period at the person's own informed request: %(text)s")
                % {"text": own_request_text.strip()},
                author=actor or _console_user(case.organisation),
            )
        _event(case, "plan_return", actor, own_request=bool(in_recovery and own_request))
    return case


# --- Children: child protection services are told --------------------------------------------------------


def child_protection_alert(*, case: Case, actor: User | None) -> int:
    """Tell the child protection organisation the country's profile designates that a child is in the NRM: the
    case reference, the organisation to call and whether the child is alone. No name, no age, nothing more (the
    organisation cannot open the case; it calls the one that registered it). Returns how many were alerted."""
    organisation_id = profile_for(case.organisation.country).child_protection_organisation_id
    if organisation_id is None or organisation_id == case.organisation_id:
        return 0
    recipients = list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=organisation_id,
            memberships__role__in=[Role.SUPERVISOR, Role.CASEWORKER],
        ).distinct()
    )
    messages: list[tuple[User, str]] = []
    for recipient in recipients:
        with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
            messages.append((recipient, minority.alert_text(case)))
    alerts_send(messages=messages, kind=Alert.Kind.INFO, object_type="cases.case", object_id=case.reference)
    _event(case, "child_protection_alert", actor, organisation=organisation_id, recipients=len(recipients))
    return len(recipients)


# --- Consent, notes, assessments ----------------------------------------------------------------------------


def consent_give(
    *,
    actor: User,
    case: Case,
    purpose: str,
    given_on: date | None = None,
    recipient: Organisation | None = None,
    channel: str = "",
    given_by: str = codes.ConsentGiver.PERSON,
) -> Consent:
    """Record a consent, given by the person or, for a child, by their guardian, a parent or a legal
    representative (where the country's profile says a child's own consent is not enough)."""
    require(actor, CaseAction.UPDATE, case)
    errors: dict[str, str] = {}
    giver_error = minority.consent_giver_refusal(case, given_by, profile_for(case.organisation.country))
    if giver_error:
        errors["given_by"] = giver_error
    if purpose not in Consent.Purpose.values:
        errors["purpose"] = _("Unknown value %(value)s.") % {"value": repr(purpose)}
    if purpose == Consent.Purpose.REFERRAL and recipient is None:
        errors["recipient"] = _("A referral consent names the organisation.")
    if purpose != Consent.Purpose.REFERRAL and recipient is not None:
        errors["recipient"] = _("Only a referral consent names an organisation.")
    if purpose == Consent.Purpose.CONTACT and channel not in codes.CONTACT_ROUTES:
        errors["channel"] = _("Say on which channel the person may be contacted.")
    if purpose != Consent.Purpose.CONTACT and channel:
        errors["channel"] = _("Only a contact consent names a channel.")
    given_on = given_on or timezone.localdate()
    if given_on > timezone.localdate():
        errors["given_on"] = _("The date is in the future.")
    if errors:
        raise ValidationError(errors)
    active = case.consents.filter(purpose=purpose, recipient=recipient, channel=channel, withdrawn_at__isnull=True)
    if active.exists():
        raise ValidationError({"purpose": _("This consent is already given.")})
    try:
        with transaction.atomic():
            consent = Consent.objects.create(
                case=case,
                purpose=purpose,
                recipient=recipient,
                channel=channel,
                given_by=given_by,
                given_on=given_on,
                recorded_by=actor,
            )
            _event(
                case,
                "consent_give",
                actor,
                purpose=purpose,
                recipient=recipient.pk if recipient else 0,
                channel=channel,
                given_by=given_by,
            )
    except IntegrityError:  # the same consent recorded at the same moment by someone else
        raise ValidationError({"purpose": _("This consent is already given.")}) from None
    return consent


def consent_withdraw(*, actor: User, consent: Consent) -> Consent:
    require(actor, CaseAction.UPDATE, consent.case)
    if consent.withdrawn_at is not None:
        raise ValidationError({"consent": _("This consent was already withdrawn.")})
    case = consent.case
    # The competent authority reads the file on this consent (no legal basis recorded, no other consent to it): once
    # withdrawn, its access ends, as a provider's does. The decisions it already took stay on the case.
    ends_authority_access = (
        consent.purpose == Consent.Purpose.REFERRAL
        and case.referred_to_id is not None
        and consent.recipient_id == case.referred_to_id
        and not case.referral_legal_basis
        and not case.consents.filter(
            purpose=Consent.Purpose.REFERRAL, recipient_id=case.referred_to_id, withdrawn_at__isnull=True
        )
        .exclude(pk=consent.pk)
        .exists()
    )
    with transaction.atomic():
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        if ends_authority_access:
            case.referred_to = None
            case.save(update_fields=["referred_to"])
        _event(
            case,
            "consent_withdraw",
            actor,
            purpose=consent.purpose,
            consent=consent.pk,
            authority_access_ended=ends_authority_access,
        )
    return consent


def note_add(*, actor: User, case: Case, text: str) -> Note:
    require(actor, CaseAction.UPDATE, case)
    if case.anonymised_at is not None:  # its notes were emptied: nothing about the person is written again
        raise ValidationError({"text": _("The case is closed.")})
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("The note is empty.")})
    if len(text) > 10_000:
        raise ValidationError(
            {"text": ngettext("At most %(n)d character.", "At most %(n)d characters.", 10_000) % {"n": 10_000}}
        )
    with transaction.atomic():
        note = Note.objects.create(case=case, text=text, author=actor)
        _event(case, "note", actor, note=note.pk)
    return note


def assessment_record(
    *, actor: User, case: Case, kind: str, needs: list[str] | None = None, risk_level: str = "", notes: str = ""
) -> Assessment:
    """A needs assessment sets the service types the case needs; a risk assessment its risk level."""
    require(actor, CaseAction.UPDATE, case)
    needs = list(dict.fromkeys(needs or []))
    errors: dict[str, str] = {}
    if kind not in Assessment.Kind.values:
        errors["kind"] = _("Unknown value %(value)s.") % {"value": repr(kind)}
    wrong = [n for n in needs if n not in codes.SERVICE_TYPES]
    if wrong:
        errors["needs"] = _("Unknown values: %(value)s.") % {"value": listing.join(wrong)}
    if kind == Assessment.Kind.RISK and risk_level not in Assessment.Risk.values:
        errors["risk_level"] = _("Say whether the risk is low, medium or high.")
    if kind == Assessment.Kind.NEEDS and risk_level:
        errors["risk_level"] = _("A needs assessment has no risk level.")
    if kind == Assessment.Kind.RISK and needs:
        errors["needs"] = _("A risk assessment lists no needs.")
    if len(notes) > 10_000:
        errors["notes"] = ngettext("At most %(n)d character.", "At most %(n)d characters.", 10_000) % {"n": 10_000}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        assessment = Assessment.objects.create(
            case=case, kind=kind, needs=needs, risk_level=risk_level, notes=notes.strip(), assessed_by=actor
        )
        if kind == Assessment.Kind.NEEDS:
            case.refresh_from_db(fields=["needs_met"])
            case.needs = needs
            case.has_unmet_needs = any(need not in case.needs_met for need in needs)
            case.save(update_fields=["needs", "has_unmet_needs"])
        _event(case, "assessment", actor, kind=kind, needs=needs, risk_level=risk_level)
    return assessment


# --- Reading personal data, erasure and retention -----------------------------------------------------------


def personal_data_read(*, actor: User, case: Case, fields: list[str]) -> None:
    """Every read of a case's personal data is in the audit trail (who, which case, which fields)."""
    audit_record(
        action="personal_data.read",
        actor=actor,
        organisation_id=case.organisation_id,
        object_type="cases.case",
        object_id=case.reference,
        detail={"fields": sorted(fields)},
    )


def case_name_searched(*, actor: User, found: int) -> None:
    """A search by a person's name is a look-up of personal data: audited with how many cases it found, never
    the name."""
    audit_record(action="case.search_name", actor=actor, detail={"found": found})


# Free text of a case that may name the person or the people around her (the HTCDS columns an import brings).
ANONYMISED_CASE_TEXT = (
    "vulnerability_details",
    "incoming_referral_caseworker",
    "incoming_referral_details",
    "outgoing_referral_caseworker",
    "outgoing_referral_details",
)


def _anonymise(case: Case) -> None:
    person = case.person
    for name in PERSONAL_FIELDS:
        setattr(person, name, None if name == "birth_date" else "")
    person.identity_index = ""
    person.name_index = ""
    person.anonymised_at = timezone.now()
    person.save()
    Note.objects.filter(case=case).update(text="")
    # A risk assessment's reasons and its safety plan (where she stays, who guards her).
    Assessment.objects.filter(case=case).update(notes="", safety_plan="")
    # The assistance plan in her words, its reviews, and why she declined a service; the actions, the service
    # codes and the dates stay for the minimum-package statistics.
    AssistancePlan.objects.filter(case=case).update(objectives="")
    PlanReview.objects.filter(plan__case=case).update(changes="")
    PlanAction.objects.filter(plan__case=case).update(stop_reason="")
    ServiceDeclined.objects.filter(case=case).update(reason="")
    # What she was compelled to do, and the authorities that charged, fined, detained or ordered her removal (a
    # local police station or court named with the date points at her); the kinds, offences and outcomes stay.
    NonPunishmentRequest.objects.filter(charge__case=case).update(grounds="", addressed_to="")
    Charge.objects.filter(case=case).update(authority="")
    RemovalRisk.objects.filter(case=case).update(authority="")
    # A child's guardian, views and best-interests reasons are personal data too (the guardian's name and contact
    # identify the child as well as the guardian).
    Guardian.objects.filter(case=case).update(name="", contact="")
    ChildViews.objects.filter(case=case).update(views="")
    BestInterests.objects.filter(case=case).update(reasons="")
    # The journey's places below the country and its story, the perpetrators' names and what they did: the
    # countries, roles and relationships stay, as the statistics need them (the case's own regions go too).
    JourneyEvent.objects.filter(case=case).update(
        region="", city="", street="", postal_code="", latitude="", longitude="", description=""
    )
    Perpetrator.objects.filter(case=case).update(name="", role_details="")
    Decision.objects.filter(case=case).update(reasons="", reconsideration_grounds="")  # they tell her story
    Closure.objects.filter(case=case).update(override_reason="")
    Reopening.objects.filter(case=case).update(reason="")
    ReturnPlan.objects.filter(case=case).update(
        own_request_text="", risk_reasons="", safety_measures="", receiving_name="", receiving_contact=""
    )
    erasure.erase_elsewhere(case)  # free text other apps keep about the case (a referral's decline reason...)
    case.recruitment_region = ""
    case.exploitation_region = ""
    case.closure_reason = ""
    case.referral_legal_basis = ""
    for name in ANONYMISED_CASE_TEXT:
        setattr(case, name, "")
    case.assigned_to = None
    case.anonymised_at = timezone.now()
    case.save(
        update_fields=[
            "recruitment_region",
            "exploitation_region",
            "closure_reason",
            "referral_legal_basis",
            *ANONYMISED_CASE_TEXT,
            "assigned_to",
            "anonymised_at",
        ]
    )


def case_erase(*, actor: User, case: Case, request_reference: str) -> Case:
    """The right to erasure: everything that identifies the person goes; the statistical fields stay."""
    require(actor, CaseAction.ERASE, case)
    request_reference = request_reference.strip()
    if not request_reference or len(request_reference) > 100:
        raise ValidationError({"request_reference": _("Name the erasure request (its number or date).")})
    if case.anonymised_at is not None:
        raise ValidationError({"case": _("This case is already anonymised.")})
    with transaction.atomic():
        _anonymise(case)
        # The request's own words may name the person: only a keyed index of them is kept, which finds the
        # erasure again from the request number without holding it.
        _event(case, "erase", actor, request_index=blind_index(request_reference, purpose="erasure-request")[:16])
    return case


def retention_apply(*, now: Any = None, batch_size: int = 500) -> int:
    """Anonymise cases closed longer ago than their country's retention period. Returns how many."""
    now = now or timezone.now()
    done = 0
    for profile_country in Case.objects.filter(status__in=[codes.CaseStatus.CLOSED, codes.CaseStatus.CLOSED_REFERRED],
                                               anonymised_at__isnull=True).values_list(
        "organisation__country", flat=True
    ).distinct():  # fmt: skip
        cutoff = now - timedelta(days=profile_for(profile_country).retention_days)
        after = 0  # the cases a hold keeps (a proceeding still open) are passed over, not read again
        while True:
            with transaction.atomic():
                batch = list(
                    Case.objects.select_for_update()
                    .select_related("person")
                    .filter(
                        organisation__country=profile_country,
                        status__in=[codes.CaseStatus.CLOSED, codes.CaseStatus.CLOSED_REFERRED],
                        anonymised_at__isnull=True,
                        closed_at__lt=cutoff,
                        pk__gt=after,
                    )
                    .order_by("pk")[:batch_size]
                )
                for case in batch:
                    if erasure.retention_held(case):
                        continue
                    _anonymise(case)
                    closed = case.closed_at.isoformat() if case.closed_at else ""
                    _event(case, "retention_anonymise", None, closed_at=closed)
                    done += 1
            if batch:
                after = batch[-1].pk
            if len(batch) < batch_size:
                break
    return done


# --- Imports, exports and the country's NRM profile (the console and the export API) ------------------------


def case_import_htcds(
    *,
    path: Path,
    organisation: Organisation,
    dry_run: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> htcds.ImportReport:
    """Register every case of an HTCDS file in one organisation, all or nothing: one invalid row imports nothing
    (the report names every error). With `dry_run`, check only."""
    report, rows = htcds.read_htcds(path, progress=progress)
    if not report.errors:
        report.errors = htcds.resolve(rows, organisation)
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        for done, row in enumerate(rows, start=1):
            case = case_register(
                actor=None,
                organisation=organisation,
                person=row.person,
                context=row.context,
                identified_on=row.identified_on,
                consent_to_case_management=row.consent,
                # The file records what another system's authority decided (vic_TraffickingStatus and who decided).
                status_decided_elsewhere=True,
            )
            _imported_case_complete(case, row)
            if progress is not None and done % 1000 == 0:
                progress("imported", done)
        audit_record(
            action="case.import",
            actor_label="console",
            organisation_id=organisation.pk,
            detail={"rows": len(rows), "format": "htcds"},
        )
    report.imported = len(rows)
    return report


def _imported_case_complete(case: Case, row: htcds.ParsedRow) -> None:
    """What an HTCDS row holds beyond what a registration takes: the referral history, the case owner, the child's
    records (age assessment, guardian, best-interests determination) and the case status, each on the timeline.
    The file was checked whole (htcds.parse_row, htcds.resolve) before the first case was written."""
    for position, values in enumerate(row.events, 1):
        JourneyEvent.objects.create(case=case, position=position, **values)
    for position, values in enumerate(row.perpetrators, 1):
        Perpetrator.objects.create(case=case, position=position, **values)
    if row.events or row.perpetrators:
        _event(case, "journey_event", None, steps=len(row.events), perpetrators=len(row.perpetrators), imported=True)
    recorded_by = _console_user(case.organisation)
    if row.records:
        # Each kind on the timeline as the case page records it, with how many.
        written = htcds_records.records_create(case=case, records=row.records, recorded_by=recorded_by)
        if written.get("plan"):
            _event(case, "plan_write", None, created=True, imported=True)
        if written.get("action"):
            _event(case, "plan_action", None, count=written["action"], imported=True)
        if written.get("review"):
            _event(case, "plan_review", None, count=written["review"], imported=True)
        if written.get("permit"):
            _event(case, "permit_record", None, count=written["permit"], imported=True)
        if written.get("removal"):
            _event(case, "removal_record", None, count=written["removal"], imported=True)
        if written.get("charge"):
            _event(case, "charge_record", None, count=written["charge"], imported=True)
        if written.get("request"):
            _event(case, "non_punishment_request", None, count=written["request"], imported=True)
    for name, value in row.referral.items():
        setattr(case, name, value)
    child = row.child
    if child.get("assessed_on"):
        AgeAssessment.objects.create(
            case=case,
            method=child["method"],
            assessed_on=child["assessed_on"],
            age_lower=child.get("age_lower"),
            age_upper=child.get("age_upper"),
            result_band=child["result_band"],
            assessed_by_organisation=row.organisations["assessed_by"],
            assessor_role=child["assessor_role"],
            recorded_by=recorded_by,
        )
        _derive(case, row.person)
        _event(case, "age_assessment", None, method=child["method"], result=child["result_band"], imported=True)
    if child.get("guardian_name"):
        Guardian.objects.create(
            case=case,
            name=child["guardian_name"],
            contact=child.get("guardian_contact", ""),
            appointed_by=child["guardian_appointed_by"],
            appointed_on=child["guardian_appointed_on"],
            recorded_by=recorded_by,
        )
        _event(case, "guardian_appoint", None, appointed_on=child["guardian_appointed_on"].isoformat(), imported=True)
    if child.get("determined_on"):
        BestInterests.objects.create(
            case=case,
            kind=BestInterests.Kind.DETERMINATION,
            solution=child["solution"],
            decided_on=child["determined_on"],
            organisation=row.organisations.get("determined_by"),
            body_name=child.get("determined_by_body", ""),
            reasons=child["determination_reasons"],
            recorded_by=recorded_by,
        )
        _event(case, "best_interests", None, kind=BestInterests.Kind.DETERMINATION, imported=True)
    if row.owner_user is not None:
        case.assigned_to = row.owner_user
        case.assigned_at = timezone.now()
        _event(case, "assign", None, assignee=row.owner_user.username, imported=True)
    if row.status in (codes.CaseStatus.CLOSED, codes.CaseStatus.CLOSED_REFERRED):
        # Closed in the other system on a day the file does not say: closed on import (retention counts from it).
        case.stage = Stage.CLOSED
        case.stage_changed_at = case.closed_at = timezone.now()
        case.closure_reason = row.closure_reason
        case.next_deadline = None
        _event(case, "close", None, status=row.status, imported=True)
    case.status = row.status
    case.save()


# A list export holds at most what a list counts (core.pagination.MAX_COUNT): filter to narrow it.
LIST_EXPORT_ROWS = MAX_COUNT
LIST_EXPORT_COLUMNS = ("reference", "stage", "status", "identified_on", "next_deadline", "overdue", "assigned_to",
                       "unmet_needs")  # fmt: skip


def case_list_export(*, actor: User, cases: QuerySet[Case], out: TextIO, today: date | None = None) -> int:
    """The case list as the user sees it, as CSV: what the list page shows (no name, no birth date, no contact),
    in the reader's language, every cell formula-safe (core.exports). The caller scoped `cases` to what the actor
    may export; audited with the number of rows, never their content. Returns how many rows."""
    require(actor, CaseAction.LIST_EXPORT)
    today = today or timezone.localdate()
    stages = dict(Stage.choices)
    statuses = dict(codes.CaseStatus.choices)
    writer = csv_writer(out)
    writer.writerow([_("Reference"), _("Stage"), _("Status"), _("Identified on"), _("Next deadline"),
                     _("Overdue"), _("Assigned to"), _("Has unmet needs")])  # fmt: skip
    rows = cases.values_list(
        "reference", "stage", "status", "identified_on", "next_deadline", "assigned_to__username", "has_unmet_needs"
    )[:LIST_EXPORT_ROWS]
    count = 0
    with transaction.atomic():
        for reference, stage, status, identified, deadline, assignee, unmet in rows.iterator(chunk_size=2000):
            overdue = deadline is not None and deadline < today and stage != Stage.CLOSED
            writer.writerow(
                [
                    reference,
                    str(stages.get(stage, stage)),
                    str(statuses.get(status, status)),
                    identified.isoformat(),
                    deadline.isoformat() if deadline else "",
                    _("yes") if overdue else "",
                    assignee or "",
                    _("yes") if unmet else "",
                ]
            )
            count += 1
        audit_record(
            action="case.list_export",
            actor=actor,
            detail={"rows": count, "format": "csv", "personal_data": False},
        )
    return count


def case_export_htcds(*, actor: User | None, organisation: Organisation, out: TextIO) -> int:
    """Every case of one organisation in HTCDS 2.0 columns with its personal data, audited (who exported how many
    rows, never their content). The caller decided the organisation is the actor's to export."""
    count = htcds.export_htcds(organisation, out)
    with transaction.atomic():
        audit_record(
            action="case.export",
            actor=actor,
            actor_label="console",
            organisation_id=organisation.pk,
            detail={"rows": count, "format": "htcds", "personal_data": True},
        )
    return count


def case_export_ctdc(
    *,
    actor: User | None,
    cases: QuerySet[Case],
    out: TextIO,
    organisation: Organisation | None = None,
    notifications: QuerySet[AnonymousNotification] | None = None,
) -> int:
    """De-identified CTDC microdata of those of `cases` consented to statistics, and of the anonymous
    notifications the caller scoped the same way, audited. `organisation` is the one the console named (none:
    every organisation, or the API's scope)."""
    rows = notifications.iterator(chunk_size=5000) if notifications is not None else ()
    count = htcds.export_ctdc(htcds.ctdc_cases(cases).iterator(chunk_size=5000), out, rows)
    with transaction.atomic():
        audit_record(
            action="case.export",
            actor=actor,
            actor_label="console",
            organisation_id=organisation.pk if organisation is not None else None,
            detail={"rows": count, "format": "ctdc", "personal_data": False},
        )
    return count


def country_profile_update(*, country: str, changes: dict[str, Any]) -> CountryProfile:
    """Change a country's NRM deadlines, weekend or retention (validated by the console command, the only caller);
    the profile is created with a Saturday-Sunday weekend the first time. Audited when something changed."""
    with transaction.atomic():
        profile, _created = CountryProfile.objects.get_or_create(country=country, defaults={"weekend": [6, 7]})
        if changes:
            for field, value in changes.items():
                setattr(profile, field, value)
            profile.save()
            audit_record(
                action="nrm.profile", actor_label="console", detail={"country": country, "fields": sorted(changes)}
            )
    return profile


def public_holiday_set(*, country: str, day: date, name: str) -> bool:
    """Add a public holiday to a country's calendar, or rename it; True when it was added."""
    with transaction.atomic():
        _holiday, created = PublicHoliday.objects.update_or_create(country=country, date=day, defaults={"name": name})
        _holiday_audit(country, day, removed=False)
    return created


def public_holiday_remove(*, country: str, day: date) -> bool:
    """Take a day off a country's public holidays; False (and nothing audited) when it was not one."""
    with transaction.atomic():
        deleted, _rows = PublicHoliday.objects.filter(country=country, date=day).delete()
        if deleted:
            _holiday_audit(country, day, removed=True)
    return bool(deleted)


def _holiday_audit(country: str, day: date, *, removed: bool) -> None:
    audit_record(
        action="nrm.holiday",
        actor_label="console",
        detail={"country": country, "date": day.isoformat(), "removed": removed},
    )


def cases_generate(
    *,
    count: int,
    seed: int,
    organisations: list[Organisation],
    batch_size: int = 2000,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Create `count` synthetic cases (`lantern generate`, the demo), in batches of one transaction each; audited
    once they are written, with the seed that makes them again."""
    from lantern.cases.generate import generate_cases  # it imports this module (references, the console's user)

    written = generate_cases(
        count=count, seed=seed, organisations=organisations, batch_size=batch_size, progress=progress
    )
    with transaction.atomic():
        audit_record(
            action="case.generate",
            actor_label="console",
            detail={"count": written, "seed": seed, "organisations": [o.pk for o in organisations]},
        )
    return written
