"""Reads of referrals, scoped by the permission module. What the receiving organisation sees is the minimum:
the case reference, the service needed, the language, the urgency and how to reach the person, never the case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Case as DbCase
from django.db.models import CharField, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Concat
from django.http import Http404
from django.utils import timezone
from django.utils.translation import ngettext

from lantern.cases.codes import MinorityBasis
from lantern.cases.models import Case, Consent, Guardian, ServiceDeclined, Stage
from lantern.cases.permissions import CaseAction
from lantern.cases.selectors import consent_allows
from lantern.core.models import User
from lantern.core.permissions import can, organisation_scope
from lantern.crisis.selectors import active_crises, minimum_package
from lantern.referrals.models import MEETS_NEED, OPEN_STATUSES, URGENCY_RANK, Referral, Status
from lantern.referrals.permissions import ReferralAction


def _consent_holds() -> Exists:
    """The person's consent to this referral's recipient is on record and not withdrawn."""
    return Exists(
        Consent.objects.filter(
            case=OuterRef("case_id"),
            purpose=Consent.Purpose.REFERRAL,
            recipient=OuterRef("recipient_id"),
            withdrawn_at__isnull=True,
        )
    )


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    """Referrals sent by the cases the user may see, and referrals received by the organisations she answers for
    while the person's consent to that organisation holds: once it is withdrawn, nothing more is shared with the
    recipient, not even what it was sent before (the sender keeps seeing its own referrals)."""
    viewing = organisation_scope(user, ReferralAction.VIEW)
    if viewing.everywhere:
        return Referral.objects.all()
    sending = organisation_scope(user, CaseAction.VIEW)
    answering = organisation_scope(user, ReferralAction.RESPOND)
    return Referral.objects.filter(
        sending.q("case__organisation_id", "case__created_by_id") | (answering.q("recipient_id") & _consent_holds())
    )


def referral_get_for_user(user: User, public_id: str) -> Referral:
    """One referral by its random public id (the sequential key is never in a URL or a response)."""
    referral = (
        referrals_visible_to(user)
        .select_related("case", "case__person", "recipient", "sender", "offering", "created_by")
        .filter(public_id=str(public_id))
        .first()
    )
    if referral is None:
        raise Http404("no such referral")
    return referral


def _work_order() -> tuple[DbCase, DbCase]:
    """Open referrals first (waiting for an answer, then accepted, then started), the most urgent first."""
    status_rank = DbCase(
        *[When(status=status, then=Value(rank)) for rank, status in enumerate(OPEN_STATUSES)],
        default=Value(len(OPEN_STATUSES)),
        output_field=IntegerField(),
    )
    urgency_rank = DbCase(
        *[When(urgency=urgency, then=Value(rank)) for urgency, rank in URGENCY_RANK.items()],
        default=Value(len(URGENCY_RANK)),
        output_field=IntegerField(),
    )
    return status_rank, urgency_rank


def inbox(user: User, *, status: str = "") -> QuerySet[Referral]:
    """Referrals received, in the order they are worked: open ones first, the most urgent and the oldest deadline
    first. Those whose person withdrew consent are not shown (nothing more is shared)."""
    scope = organisation_scope(user, ReferralAction.RESPOND)
    referrals = (
        Referral.objects.filter(scope.q("recipient_id"))
        .filter(_consent_holds())
        # What the inbox and the home page's list show (the case's reference, who sent it): not the person,
        # whose encrypted fields would be decrypted for every row (the API adds what it returns).
        .select_related("case", "recipient", "sender")
    )
    if status:
        referrals = referrals.filter(status=status)
    status_rank, urgency_rank = _work_order()
    return referrals.annotate(status_rank=status_rank, urgency_rank=urgency_rank).order_by(
        "status_rank", "urgency_rank", "respond_by", "-pk"
    )


def sent(user: User, *, case: Case | None = None) -> QuerySet[Referral]:
    scope = organisation_scope(user, CaseAction.VIEW)
    referrals = Referral.objects.filter(scope.q("case__organisation_id", "case__created_by_id")).select_related(
        "case", "recipient"
    )
    if case is not None:
        referrals = referrals.filter(case=case)
    return referrals.order_by("-created_at", "-pk")


def referrals_shown_on(user: User, case: Case) -> bool:
    """Whether the case's referrals to services are the user's to see: those of the organisation holding the case
    are; the competent authority, which reads a case referred to it for a decision, does not see where she was sent
    for help, and is told so rather than "No referral yet"."""
    scope = organisation_scope(user, CaseAction.VIEW)
    if case.organisation_id in scope:
        return True
    return case.organisation_id in scope.own_record_orgs and case.created_by_id == scope.user_id


def answers_for(user: User, referral: Referral) -> bool:
    """The user answers this referral for its receiving organisation (accept, decline, start, deliver)."""
    return can(user, ReferralAction.RESPOND, referral.recipient)


# The person's field that holds the contact for each safe route (a text message goes to the phone number).
ROUTE_FIELD = {"phone": "phone", "sms": "phone", "messaging": "messaging", "email": "email"}
# Once accepted and until the service is delivered, the receiving organisation may reach the person directly.
CONTACT_SHOWN_WHILE = (Status.ACCEPTED, Status.IN_PROGRESS)


@dataclass(frozen=True)
class ContactShown:
    """How the receiving organisation reaches the person: on the route the person chose, with the detail only
    when the referral is accepted and the person consented to be contacted on that channel; otherwise through the
    caseworker who referred (her work contact)."""

    route: str
    value: str = ""  # the number, handle or address; empty: through the caseworker
    field: str = ""  # the person's field read, for the audit trail
    waiting_for_acceptance: bool = False


def contact_for_recipient(referral: Referral) -> ContactShown:
    """What the receiving organisation may know of the person's contact now (never before it accepts)."""
    person = referral.case.person
    route = person.contact_route
    if referral.status not in CONTACT_SHOWN_WHILE:
        return ContactShown(route=route, waiting_for_acceptance=referral.status == Status.PENDING)
    field = ROUTE_FIELD.get(route, "")
    if not field or person.anonymised_at is not None:
        return ContactShown(route=route)
    if not consent_allows(referral.case, Consent.Purpose.CONTACT, channel=route):
        return ContactShown(route="caseworker_only")
    value = str(getattr(person, field) or "").strip()
    return ContactShown(route=route, value=value, field=field if value else "")


@dataclass(frozen=True)
class RecipientView:
    """Everything a receiving organisation learns about the person: no name, no birth date, no story."""

    id: str
    reference: str
    service_type: str
    needs: list[str]
    language: str
    interpreter_needed: bool
    contact_route: str
    urgency: str
    status: str
    respond_by: Any
    created_at: Any


def for_recipient(referral: Referral) -> RecipientView:
    person = referral.case.person
    return RecipientView(
        id=referral.public_id,
        reference=referral.case.reference,
        service_type=referral.service_type,
        needs=list(referral.case.needs),
        language=person.primary_language,
        interpreter_needed=person.interpreter_needed,
        contact_route=person.contact_route,
        urgency=referral.urgency,
        status=referral.status,
        respond_by=referral.respond_by,
        created_at=referral.created_at,
    )


def sees_whole_case(user: User, referral: Referral) -> bool:
    return can(user, CaseAction.VIEW, referral.case)


@dataclass(frozen=True)
class ChildFacts:
    """What a provider is told of a child it is asked to help: that it is a child (or presumed one, Convention
    Art. 10(3)), and whether a guardian is appointed. Never the guardian's name: the caseworker gives it."""

    presumed: bool
    guardian_appointed: bool


def child_facts(referral: Referral) -> ChildFacts | None:
    """None for an adult or a person of unknown age with nothing suggesting a child."""
    case = referral.case
    if not case.is_minor:
        return None
    return ChildFacts(
        presumed=case.minority_basis == MinorityBasis.PRESUMED,
        guardian_appointed=Guardian.objects.filter(case=case, ended_at__isnull=True).exists(),
    )


# --- The minimum service package ------------------------------------------------------------------------------


def package_scope(user: User) -> Any:
    return organisation_scope(user, CaseAction.STATISTICS)


def package_visible(user: User) -> bool:
    return can(user, CaseAction.STATISTICS) and can(user, ReferralAction.VIEW)


# The package's child item: an unaccompanied or separated child has a guardian by the day the country's profile
# sets (`Case.guardian_due`, kept by the case registry), checked at all times, crisis or not.
GUARDIAN_ITEM = "guardian"
INTERPRETATION = "interpretation"


def _service_missing(service_type: str, cutoff: date) -> Q:
    if service_type == GUARDIAN_ITEM:  # the cutoff is the day of the check
        appointed = Guardian.objects.filter(case=OuterRef("pk"), ended_at__isnull=True)
        return Q(~Exists(appointed), guardian_due__lt=cutoff)
    met = Referral.objects.filter(case=OuterRef("pk"), service_type=service_type, status__in=MEETS_NEED)
    # Assistance is consensual: a service the person declined is not missing. Interpretation is missing only for a
    # person who needs an interpreter.
    declined = ServiceDeclined.objects.filter(case=OuterRef("pk"), service_type=service_type, withdrawn_at__isnull=True)
    missing = Q(~Exists(met), ~Exists(declined), identified_on__lt=cutoff)
    if service_type == INTERPRETATION:
        missing &= Q(person__interpreter_needed=True)
    return missing


def cases_missing_package(user: User, *, on: date | None = None) -> tuple[QuerySet[Case], dict[str, date]]:
    """Open cases that have not been offered every item of the minimum package due for them: always, a guardian for
    an unaccompanied or separated child by the day the country's profile sets; while a crisis lasts, every service
    within its deadline (counted from identification, or from the crisis start for cases identified before it).
    Returns the cases and, for each item, the identification date before which a case is due (for the guardian:
    the day of the check)."""
    on = on or timezone.localdate()
    due_before: dict[str, date] = {}
    crisis = active_crises(on=on).first()
    if crisis is not None:
        for item in minimum_package():
            if crisis.starts_on + timedelta(days=item.deadline_days) < on:
                due_before[item.service_type] = on - timedelta(days=item.deadline_days)
    due_before[GUARDIAN_ITEM] = on
    missing = Q()
    for service_type, cutoff in due_before.items():
        missing |= _service_missing(service_type, cutoff)
    cases = (
        Case.objects.filter(package_scope(user).q())
        .exclude(stage=Stage.CLOSED)
        .filter(missing)
        .only("id", "reference", "organisation_id", "identified_on", "stage", "needs", "guardian_due")
        .order_by("identified_on", "pk")
    )
    return cases, due_before


def crisis_items_due(due_before: dict[str, date]) -> bool:
    """Whether a crisis makes services of the package due (the guardian item is due at all times)."""
    return any(item != GUARDIAN_ITEM for item in due_before)


def package_missing_list(user: User) -> tuple[QuerySet[Case], dict[str, date]]:
    """The cases of `cases_missing_package`, each with the services it still misses worked out in the same query
    (`missing_of` reads them) and its assignee, so that a page of them costs the same however long it is. The most
    urgent first: the cases missing the most of the package, then the newest (the most recently identified, whose
    deadline has just passed and who may still be waiting for a first service)."""
    cases, due_before = cases_missing_package(user)
    if not due_before:
        return cases.annotate(missing_services=Value("", output_field=CharField())), due_before
    parts = [
        DbCase(When(_service_missing(service_type, cutoff), then=Value(f"{service_type} ")), default=Value(""))
        for service_type, cutoff in due_before.items()
    ]
    counts = [
        DbCase(When(_service_missing(service_type, cutoff), then=Value(1)), default=Value(0))
        for service_type, cutoff in due_before.items()
    ]
    missing = parts[0] if len(parts) == 1 else Concat(*parts, output_field=CharField())
    missing_count: Any = counts[0]
    for count in counts[1:]:
        missing_count = missing_count + count
    return (
        cases.select_related("assigned_to")
        .only(
            "id",
            "reference",
            "organisation_id",
            "identified_on",
            "stage",
            "needs",
            "created_by_id",
            "assigned_to__username",
            "assigned_to__first_name",
            "assigned_to__last_name",
        )
        .annotate(missing_services=missing, missing_count=missing_count)
        .order_by("-missing_count", "-identified_on", "-pk"),
        due_before,
    )


def missing_of(case: Case) -> list[str]:
    """The services a case of `package_missing_list` misses."""
    return str(getattr(case, "missing_services", "")).split()


def missing_services(case: Case, due_before: dict[str, date]) -> list[str]:
    met = set(Referral.objects.filter(case=case, status__in=MEETS_NEED).values_list("service_type", flat=True))
    met |= set(
        ServiceDeclined.objects.filter(case=case, withdrawn_at__isnull=True).values_list("service_type", flat=True)
    )
    if not case.person.interpreter_needed:
        met.add(INTERPRETATION)
    missing = [
        s for s, cutoff in due_before.items() if s != GUARDIAN_ITEM and case.identified_on < cutoff and s not in met
    ]
    checked_on = due_before.get(GUARDIAN_ITEM)
    if (
        checked_on is not None
        and case.guardian_due is not None
        and case.guardian_due < checked_on
        and not case.guardians.filter(ended_at__isnull=True).exists()
    ):
        missing.append(GUARDIAN_ITEM)
    return missing


NAV_COUNT_CAP = 100


def package_missing_count(user: User) -> int:
    """For the badge in the navigation, on every page: counted up to 100 (shown "99+"), so that the badge costs a
    handful of index reads however many cases there are; the page itself lists them all."""
    cases, _ = cases_missing_package(user)
    return int(cases.order_by()[:NAV_COUNT_CAP].count())


def open_before_closure(case: Case) -> str:
    """What a closure of the case must wait for: the referrals still open (cases.closure)."""
    n = Referral.objects.filter(case=case, status__in=OPEN_STATUSES).count()
    if not n:
        return ""
    return ngettext(
        "%(n)d referral is still open: cancel it or record that the service was delivered.",
        "%(n)d referrals are still open: cancel them or record that the services were delivered.",
        n,
    ) % {"n": n}
