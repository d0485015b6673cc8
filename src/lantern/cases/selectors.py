"""Every read of the case registry, scoped by the permission module. Lists carry no personal data (no name,
no birth date): they show the reference, the stage and the deadlines; personal data is read one case at a time,
and each such read is audited."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.lookups import Exact, LessThan
from django.http import Http404
from django.utils import timezone

from lantern.cases import codes
from lantern.cases.codes import CaseStatus
from lantern.cases.minority import guardian_overdue
from lantern.cases.models import (
    Assessment,
    Case,
    Closure,
    Consent,
    CountryProfile,
    Decision,
    JourneyEvent,
    PermitStatus,
    Perpetrator,
    Person,
    RemovalRisk,
    Reopening,
    ResidencePermit,
    ReturnPlan,
    Stage,
    TimelineEntry,
)
from lantern.cases.permissions import CaseAction
from lantern.cases.services import holidays_for, name_index, profile_for
from lantern.cases.workdays import add_working_days
from lantern.core.models import Organisation, OrganisationType, User
from lantern.core.permissions import Scope, can, organisation_scope, role_allowed
from lantern.core.roles import Role
from lantern.core.words import staff_name

LIST_FIELDS = (
    "id", "reference", "organisation_id", "stage", "status", "identified_on", "created_at", "created_by_id",
    "assigned_to_id", "assigned_at", "next_deadline", "has_unmet_needs", "age_band", "trafficking_status",
    "safety_plan_missing",
)  # fmt: skip
STAFF_NAME_FIELDS = ("id", "username", "first_name", "last_name")  # what a list needs to name the assignee


def cases_visible_to(user: User, action: str = CaseAction.VIEW) -> QuerySet[Case]:
    """Cases of the organisations in the user's scope, and those referred to the competent authority she is a
    member of."""
    return Case.objects.filter(organisation_scope(user, action).q(referred_field="referred_to_id"))


@dataclass(frozen=True)
class CaseFilters:
    stage: str = ""
    overdue: bool = False
    soon_due: bool = False
    assigned_to_me: bool = False
    recently_assigned_to_me: bool = False
    unmet_needs: bool = False
    follow_up_due: bool = False  # closed into follow-up, the follow-up day reached
    high_risk: bool = False  # the latest risk assessment found a high risk (for those who hold the plan)
    safety_review_overdue: bool = False  # the safety plan's review day has passed (the same)
    removal_open: bool = False  # detention or a removal order not resolved
    permit_due: bool = False  # a residence permit runs out within the country's days, or ran out, not renewed
    safety_plan_missing: bool = False  # at high risk, the safety plan not written yet (those who hold the case)
    reference: str = ""  # the whole reference or a part of it ("7Q4K", "lt-7q4k")
    name: str = ""  # the person's exact full name, found through the blind index in one's own organisation


RECENT_ASSIGNMENT = timedelta(days=7)
WHOLE_REFERENCE = re.compile(r"LT-[0-9A-Z]{4}-[0-9A-Z]{4}")


def case_list(user: User, filters: CaseFilters | None = None, *, today: date | None = None) -> QuerySet[Case]:
    """A page of this is what every case list shows: newest first, a constant number of queries, no personal data."""
    filters = filters or CaseFilters()
    today = today or timezone.localdate()
    # No join in the page query: with one, SQLite's planner walks the small tables first and sorts a whole
    # organisation's cases (bench/bench_cases.py measured 250 ms at a million cases, against 2 ms without).
    # The assignees come in a second query, one for the whole page.
    cases = (
        cases_visible_to(user)
        .only(*LIST_FIELDS)
        .prefetch_related(
            Prefetch("assigned_to", queryset=User.objects.only("id", "username", "first_name", "last_name"))
        )
    )
    order = "-created_at"
    if filters.stage:
        cases = cases.filter(stage=filters.stage)
    if filters.overdue:
        cases = cases.filter(next_deadline__lt=today)
        order = "next_deadline"
    if filters.soon_due:
        cases = cases.filter(next_deadline__gte=today, next_deadline__lte=_soon(user, today))
        order = "next_deadline"
    if filters.assigned_to_me or filters.recently_assigned_to_me:
        cases = cases.filter(assigned_to=user)
        order = "-assigned_at"
    if filters.recently_assigned_to_me:
        cases = cases.filter(assigned_at__gte=timezone.now() - RECENT_ASSIGNMENT)
    if filters.unmet_needs:
        cases = cases.filter(has_unmet_needs=True)
    if filters.follow_up_due:
        cases = cases.filter(status=CaseStatus.FOLLOW_UP, follow_up_on__lte=today)
        order = "follow_up_on"
    if filters.high_risk or filters.safety_review_overdue:
        cases = cases.filter(organisation_scope(user, CaseAction.PLAN).q())  # who may read the risk
    if filters.high_risk:
        cases = cases.filter(_high_risk())
    if filters.safety_review_overdue:
        cases = cases.filter(_safety_review_overdue(today))
    if filters.removal_open:
        cases = cases.filter(_removal_open())
    if filters.permit_due:
        cases = cases.filter(_permit_due(today))
    if filters.safety_plan_missing:
        cases = cases.filter(organisation_scope(user, CaseAction.PLAN).q(), safety_plan_missing=True)
        cases = cases.exclude(stage=Stage.CLOSED)
    reference = "".join(filters.reference.split()).upper()
    if WHOLE_REFERENCE.fullmatch(reference):
        cases = cases.filter(reference=reference)  # the unique index, however many cases there are
    elif reference:
        cases = cases.filter(reference__contains=reference)  # a part: read through the organisation's cases
    if filters.name.strip():
        cases = _named(user, cases, filters.name)
    return cases.order_by(order, "-id")


def _latest_risk_assessment() -> QuerySet[Assessment]:
    return Assessment.objects.filter(case=OuterRef("pk"), kind=Assessment.Kind.RISK).order_by("-assessed_at", "-pk")


def _high_risk() -> Exact:
    """The case's latest risk assessment found a high risk (as the case page and the referrals read it)."""
    return Exact(Subquery(_latest_risk_assessment().values("risk_level")[:1]), Assessment.Risk.HIGH)


def _safety_review_overdue(today: date) -> LessThan:
    """The safety plan of the case's latest risk assessment was to be reviewed before today."""
    return LessThan(Subquery(_latest_risk_assessment().values("review_on")[:1]), today)


def _removal_open() -> Exists:
    """Detention or a removal order against the person, not resolved."""
    return Exists(RemovalRisk.objects.filter(case=OuterRef("pk"), resolution=""))


def permit_alert_days() -> tuple[dict[str, int], int]:
    """The days before a permit runs out when it is flagged, per country with a profile, and for the others."""
    default = CountryProfile._meta.get_field("permit_expiry_alert_days").get_default()
    return dict(CountryProfile.objects.values_list("country", "permit_expiry_alert_days")), int(default)


def _within(today: date, days: dict[str, int], default: int, *, beyond: bool = False) -> Q:
    """Permits whose end falls within their country's window from today (or, `beyond`, after it)."""
    lookup = "valid_until__gt" if beyond else "valid_until__lte"
    window = ~Q(case__organisation__country__in=list(days)) & Q(**{lookup: today + timedelta(days=default)})
    for country, n in days.items():
        window |= Q(case__organisation__country=country, **{lookup: today + timedelta(days=n)})
    return window


def permits_due(today: date) -> QuerySet[ResidencePermit]:
    """Permits of open cases that run out within their country's days or ran out, and were not renewed (a renewal
    applied for takes them out: the caseworker acted), when the case holds no other permit valid beyond it."""
    days, default = permit_alert_days()
    safe = ResidencePermit.objects.filter(case=OuterRef("case"), status=PermitStatus.GRANTED).exclude(pk=OuterRef("pk"))
    return (
        ResidencePermit.objects.filter(Q(renewal__isnull=True) | Q(renewal__status=PermitStatus.REFUSED))
        .filter(case__anonymised_at__isnull=True)
        .filter((Q(status=PermitStatus.GRANTED) & _within(today, days, default)) | Q(status=PermitStatus.EXPIRED))
        .exclude(Exists(safe.filter(_within(today, days, default, beyond=True))))
        .exclude(case__stage=Stage.CLOSED)
    )


def _permit_due(today: date) -> Q:
    return Q(pk__in=permits_due(today).values("case_id"))


def permit_due_of(case: Case, *, today: date | None = None) -> ResidencePermit | None:
    """The permit of the case that runs out soonest within the window (or ran out), for the warning at the top."""
    return permits_due(today or timezone.localdate()).filter(case=case).order_by("valid_until", "pk").first()


def permits_due_on_page(case_ids: Iterable[int], *, today: date | None = None) -> dict[int, ResidencePermit]:
    """The same for a page of the list, in one query: case id -> the permit running out soonest."""
    found: dict[int, ResidencePermit] = {}
    due = permits_due(today or timezone.localdate()).filter(case_id__in=list(case_ids))
    for permit in due.order_by("-valid_until", "-pk"):
        found[permit.case_id] = permit  # the soonest comes last and stays
    return found


def watch_counts(user: User, *, today: date | None = None) -> dict[str, int]:
    """How many of the open cases the user sees stand on each of the list's warnings (the high risk and the
    safety plan to review only for those who hold the plan)."""
    today = today or timezone.localdate()
    open_cases = cases_visible_to(user).exclude(stage=Stage.CLOSED)
    counts = {
        "removal_open": open_cases.filter(_removal_open()).count(),
        "permit_due": open_cases.filter(_permit_due(today)).count(),
    }
    if can(user, CaseAction.PLAN):
        planned = open_cases.filter(organisation_scope(user, CaseAction.PLAN).q())
        counts["high_risk"] = planned.filter(_high_risk()).count()
        counts["safety_review_overdue"] = planned.filter(_safety_review_overdue(today)).count()
    return counts


def case_list_exportable(user: User, filters: CaseFilters | None = None) -> QuerySet[Case]:
    """The list with its filters, narrowed to the organisations where the user may export it."""
    if not can(user, CaseAction.LIST_EXPORT):
        raise PermissionDenied("not allowed")
    return case_list(user, filters).filter(organisation_scope(user, CaseAction.LIST_EXPORT).q())


def _named(user: User, cases: QuerySet[Case], name: str) -> QuerySet[Case]:
    """The cases whose person has exactly this normalised full name, in the organisations where the user holds
    cases: an exact match of the keyed index, never a scan of the clear names (which are encrypted). Everyone
    else finds nothing, whether the name is known or not."""
    scope = organisation_scope(user, CaseAction.SEARCH_NAME)
    index = name_index(name)
    if scope.empty or not index:
        return cases.none()
    return cases.filter(scope.q(), person_id__in=Person.objects.filter(name_index=index).values("pk"))


def assignable_users(case: Case) -> QuerySet[User]:
    """Who a case may be assigned to: the active caseworkers and supervisors of its organisation."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=case.organisation_id,
            memberships__role__in=[Role.CASEWORKER, Role.SUPERVISOR],
        )
        .distinct()
        .only("id", "username", "first_name", "last_name")
        .order_by("username")
    )


def staff_names(usernames: list[str]) -> dict[str, str]:
    """username -> how the pages name that member of staff (full name, else username), in one query: the timeline
    keeps the username an assignment was made to and shows the name the assign menu shows."""
    wanted = sorted({name for name in usernames if name})
    if not wanted:
        return {}
    users = User.objects.filter(username__in=wanted).only("id", "username", "first_name", "last_name")
    return {u.get_username(): staff_name(u) for u in users}


def transfer_targets(case: Case) -> list[tuple[Organisation, bool]]:
    """Where a case may be handed over: the organisations that hold cases (caseworkers, supervisors), other than
    its own, each with whether the person consented to a referral to it (the hand-over needs that consent)."""
    consented = set(
        case.consents.filter(purpose="referral", withdrawn_at__isnull=True).values_list("recipient_id", flat=True)
    )
    types = sorted(t for t in OrganisationType.values if role_allowed(Role.CASEWORKER, t))
    organisations = Organisation.objects.filter(type__in=types).exclude(pk=case.organisation_id).order_by("name")
    return [(o, o.pk in consented) for o in organisations]


def latest_risk(case: Case) -> Assessment | None:
    """The risk level the latest risk assessment set (what the case page shows)."""
    return case.assessments.filter(kind=Assessment.Kind.RISK).order_by("-assessed_at", "-pk").first()


def _soon(user: User, today: date) -> date:
    country = Organisation.objects.filter(memberships__user=user).values_list("country", flat=True).first() or ""
    profile = profile_for(country)
    return add_working_days(
        today, profile.soon_due_working_days, weekend=profile.weekend or [6, 7], holidays=holidays_for(country)
    )


def case_get_for_user(user: User, reference: str, action: str = CaseAction.VIEW) -> Case:
    """The case if the user may `action` on it; 404 otherwise, so that references of others do not leak."""
    case = (
        Case.objects.select_related("person", "organisation", "assigned_to", "created_by", "referred_to")
        .filter(reference=reference.strip().upper())
        .first()
    )
    if case is None or not can(user, CaseAction.VIEW, case) or not can(user, action, case):
        raise Http404("no such case")
    return case


NRM_STATUS_FIELDS = (
    "id", "reference", "organisation__name", "referred_to__name", "identified_on", "referred_on", "stage",
    "reasonable_grounds_due", "recovery_ends", "next_deadline", "trafficking_status", "created_by",
)  # fmt: skip


@dataclass(frozen=True)
class Standing:
    """Where one kind of decision stands on a case, in words and with a sign (never by colour alone)."""

    kind: str
    kind_label: str
    code: str
    label: str
    sign: str


def standing_of(kind: str, outcome: str | None, reconsiders: bool, grounds: str | None = None) -> Standing:
    """`grounds`: the reasonable-grounds outcome, for a conclusive-grounds standing (none after a negative one)."""
    not_reached = kind == Decision.Kind.CONCLUSIVE_GROUNDS and grounds == Decision.Outcome.NEGATIVE
    code = codes.decision_standing(outcome, reconsiders, not_reached=not_reached)
    return Standing(
        kind=kind,
        kind_label=str(Decision.Kind(kind).label),
        code=str(code),
        label=str(code.label),
        sign=codes.DECISION_STANDING_SIGNS[code],
    )


def decision_standings(decisions: Iterable[Decision]) -> list[Standing]:
    """Reasonable grounds, then conclusive grounds: the latest decision of each kind, or pending."""
    latest: dict[str, Decision] = {}
    for decision in sorted(decisions, key=lambda d: (d.recorded_at, d.pk)):
        latest[decision.kind] = decision
    return [
        standing_of(
            kind,
            latest[kind].outcome if kind in latest else None,
            kind in latest and latest[kind].reconsiders_id is not None,
            latest[Decision.Kind.REASONABLE_GROUNDS].outcome if Decision.Kind.REASONABLE_GROUNDS in latest else None,
        )
        for kind in Decision.Kind.values
    ]


def nrm_standings(case: Any) -> list[Standing]:
    """The standings of a case of `nrm_status`, from its annotations."""
    return [
        standing_of(Decision.Kind.REASONABLE_GROUNDS, case.rg_outcome, case.rg_reconsiders is not None),
        standing_of(
            Decision.Kind.CONCLUSIVE_GROUNDS, case.cg_outcome, case.cg_reconsiders is not None, case.rg_outcome
        ),
    ]


def _latest_decision(kind: str, field: str) -> Subquery:
    return Subquery(
        Decision.objects.filter(case=OuterRef("pk"), kind=kind).order_by("-recorded_at", "-pk").values(field)[:1]
    )


def nrm_status(user: User) -> QuerySet[Case]:
    """Where each case referred to the competent authority stands: reference, organisations, stage, dates and
    deadlines, nothing about the person. For the national coordinator (every case) and the authority's members
    (the cases referred to them). The soonest deadline first, those without one last."""
    scope = organisation_scope(user, CaseAction.NRM_STATUS)
    if scope.empty:
        raise PermissionDenied("not allowed")
    return (
        Case.objects.filter(scope.q(referred_field="referred_to_id"), referred_to__isnull=False)
        .select_related("organisation", "referred_to")
        .only(*NRM_STATUS_FIELDS)
        # The latest decision of each kind, for its standing in words (one query with the list).
        .annotate(
            rg_outcome=_latest_decision(Decision.Kind.REASONABLE_GROUNDS, "outcome"),
            rg_reconsiders=_latest_decision(Decision.Kind.REASONABLE_GROUNDS, "reconsiders_id"),
            cg_outcome=_latest_decision(Decision.Kind.CONCLUSIVE_GROUNDS, "outcome"),
            cg_reconsiders=_latest_decision(Decision.Kind.CONCLUSIVE_GROUNDS, "reconsiders_id"),
        )
        .order_by(F("next_deadline").asc(nulls_last=True), "-referred_on", "-id")
    )


def case_decisions(case: Case) -> QuerySet[Decision]:
    """The decisions on a case, oldest first, with who took them and what they reconsider."""
    return case.decisions.select_related("decided_by", "decided_by_organisation", "reconsiders").order_by(
        "recorded_at", "pk"
    )


def case_timeline(case: Case) -> QuerySet[TimelineEntry]:
    return case.timeline.select_related("actor").order_by("at", "pk")


# What reading the journey and the perpetrators shows of the personal kind (the audit names them, never values).
JOURNEY_FIELDS = ["journey.street", "journey.postal_code", "journey.coordinates", "journey.description",
                  "perpetrator.name", "perpetrator.role_details"]  # fmt: skip


def case_journey(case: Case) -> QuerySet[JourneyEvent]:
    """The steps of the journey of a case the caller may view, in order."""
    return JourneyEvent.objects.filter(case=case).order_by("position", "pk")


def case_perpetrators(case: Case) -> QuerySet[Perpetrator]:
    return Perpetrator.objects.filter(case=case).order_by("position", "pk")


def consent_allows(case: Case, purpose: str, *, recipient: Organisation | None = None, channel: str = "") -> bool:
    """Whether the person's consent covers this purpose now (services check it before anything is shared)."""
    consents = case.consents.filter(purpose=purpose, withdrawn_at__isnull=True)
    if purpose == Consent.Purpose.REFERRAL:
        consents = consents.filter(recipient=recipient)
    if purpose == Consent.Purpose.CONTACT:
        consents = consents.filter(channel=channel)
    return consents.exists()


def possible_duplicate_exists(case: Case) -> bool:
    """Another case of the same organisation with the same normalised name and birth date. Only the case's own
    organisation is searched: an answer about every organisation would tell anyone who registers a name whether
    the authorities know this person. Across organisations, only the coordinator sees a count
    (`duplicates_across_organisations`)."""
    index = case.person.identity_index
    if not index:
        return False
    return (
        Case.objects.filter(organisation_id=case.organisation_id, person__identity_index=index)
        .exclude(pk=case.pk)
        .exists()
    )


def duplicates_across_organisations(user: User) -> int:
    """How many people (same normalised name and birth date) more than one organisation has registered: a count,
    without names, cases or organisations, for the national coordinator only."""
    if not can(user, CaseAction.DUPLICATES):
        raise PermissionDenied("not allowed")
    return (
        Case.objects.exclude(person__identity_index="")
        .values("person__identity_index")
        .annotate(organisations=Count("organisation_id", distinct=True))
        .filter(organisations__gt=1)
        .count()
    )


def deadline_counts(user: User, *, today: date | None = None) -> dict[str, int]:
    """Overdue and soon-due cases for a supervisor's overview."""
    today = today or timezone.localdate()
    open_cases = cases_visible_to(user).exclude(stage=Stage.CLOSED)
    return {
        "overdue": open_cases.filter(next_deadline__lt=today).count(),
        "soon_due": open_cases.filter(Q(next_deadline__gte=today) & Q(next_deadline__lte=_soon(user, today))).count(),
    }


LINKAGE_FIELDS = ("reference", "person__first_name", "person__second_name", "person__birth_date", "person__gender",
                  "person__citizenship")  # fmt: skip


def cases_for_linkage(organisation: Organisation) -> Iterator[tuple[str, str, str, date | None, str, list[str]]]:
    """(reference, first name, family name, birth date, gender, citizenship) of one organisation's cases whose
    people consented to statistics and are not anonymised: what the linkage app encodes inside the organisation
    (its caller checks who asks). Decrypted one batch at a time."""
    consented = Consent.objects.filter(purpose=Consent.Purpose.STATISTICS, withdrawn_at__isnull=True)
    cases = (
        Case.objects.filter(organisation=organisation, pk__in=consented.values("case_id"), person__anonymised_at=None)
        .select_related("person")
        .only(
            "reference",
            "person__first_name",
            "person__second_name",
            "person__birth_date",
            "person__gender",
            "person__citizenship",
        )
        .order_by("pk")
    )
    for case in cases.iterator(chunk_size=2000):
        person = case.person
        yield (
            case.reference,
            person.first_name,
            person.second_name,
            person.birth_date,
            person.gender,
            person.citizenship,
        )


# --- Lookups for the API and the pages, after the case itself was read through the scope above ---------------


def follow_ups_due(user: User, *, today: date | None = None) -> int:
    """How many cases the user holds whose follow-up day has come (her list, the supervisor's board)."""
    today = today or timezone.localdate()
    return cases_visible_to(user, CaseAction.CLOSE).filter(status=CaseStatus.FOLLOW_UP, follow_up_on__lte=today).count()


def safety_plans_missing(user: User) -> int:
    """How many open cases the user holds are at high risk without their safety plan written (her list, the
    supervisor's board)."""
    return cases_visible_to(user, CaseAction.PLAN).filter(safety_plan_missing=True).exclude(stage=Stage.CLOSED).count()


@dataclass(frozen=True)
class ClosureRecord:
    closures: list[Closure]
    reopenings: list[Reopening]
    returns: list[ReturnPlan]


def closure_record(case: Case) -> ClosureRecord:
    """The closings, reopenings and return plans of a case, oldest first (the case page)."""
    return ClosureRecord(
        closures=list(Closure.objects.filter(case=case).select_related("closed_by")),
        reopenings=list(Reopening.objects.filter(case=case).select_related("reopened_by")),
        returns=list(
            ReturnPlan.objects.filter(case=case).select_related("receiving_organisation", "case__organisation")
        ),
    )


def return_plan_of(case: Case, plan_id: int) -> ReturnPlan | None:
    return ReturnPlan.objects.filter(case=case, pk=plan_id).first()


def decision_of(case: Case, decision_id: int) -> Decision | None:
    return Decision.objects.filter(case=case, pk=decision_id).first()


def consent_of(case: Case, consent_id: int) -> Consent | None:
    return Consent.objects.filter(case=case, pk=consent_id).first()


def case_by_reference(reference: str) -> Case | None:
    """A case by its reference, unscoped: for a caller that then asks a narrower question of it (is it referred to
    my organisation?) and answers the same whether it exists or not."""
    return Case.objects.filter(reference=reference.strip().upper()).first()


def case_exists(reference: str) -> bool:
    return Case.objects.filter(reference=reference.strip().upper()).exists()


def cases_in_scope(scope: Scope) -> QuerySet[Case]:
    """The cases of an organisation scope already decided by the caller (the CTDC export's)."""
    return Case.objects.filter(scope.q())


# --- Children ----------------------------------------------------------------------------------------------

# What a child's record holds beside the case, read together (the caller audits the read of its personal data).
CHILD_RECORD_FIELDS = ["guardian.name", "guardian.contact", "child_views", "best_interests.reasons"]


def child_record(case: Case, *, today: date | None = None) -> dict[str, object]:
    """The child's protection record of a case the caller may view: guardians, age assessments, the child's views,
    best-interests steps, and whether the guardian is overdue."""
    return {
        "is_minor": case.is_minor,
        "minority_basis": case.minority_basis,
        "separation": case.separation,
        "guardian_due": case.guardian_due,
        "guardian_overdue": guardian_overdue(case, today=today or timezone.localdate()),
        "guardians": list(case.guardians.all()),
        "has_guardian": any(g.ended_at is None for g in case.guardians.all()),
        "age_assessments": list(case.age_assessments.select_related("assessed_by_organisation")),
        "views": list(case.child_views.all()),
        "best_interests": list(case.best_interests.select_related("organisation")),
    }
