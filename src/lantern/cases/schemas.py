"""Pydantic schemas of the case API. Lists carry no personal data; the detail does (and reading it is audited)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from lantern.cases import codes

REFERENCE_PATTERN = r"^LT-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$"


class PersonIn(Schema):
    first_name: str = Field(default="", max_length=100)
    middle_name: str = Field(default="", max_length=100)
    second_name: str = Field(default="", max_length=100)
    birth_date: date | None = None
    gender: str = Field(default="NonSpecifiedUnknown", max_length=24)
    primary_language: str = Field(default="", max_length=60)
    other_languages: list[str] = Field(default_factory=list, max_length=10)
    interpreter_needed: bool = False
    citizenship: list[str] = Field(default_factory=list, max_length=5)
    contact_route: str = Field(default="caseworker_only", max_length=20)
    phone: str = Field(default="", max_length=40)
    messaging: str = Field(default="", max_length=120)
    email: str = Field(default="", max_length=254)
    address: str = Field(default="", max_length=500)
    identity_number: str = Field(default="", max_length=60)
    documents_held: bool | None = None
    documents_withheld: bool | None = None


class ContextIn(Schema):
    trafficking_status: str = Field(default="PossibleVictimOfTrafficking", max_length=32)
    status_decided_by: str = Field(default="", max_length=40)
    relationship_to_trafficker: str = Field(default="", max_length=16)
    age_when_trafficked: int | None = Field(default=None, ge=0, le=120)
    recruitment_methods: list[str] = Field(default_factory=list, max_length=20)
    recruitment_platforms: list[str] = Field(default_factory=list, max_length=20)
    methods_of_control: list[str] = Field(default_factory=list, max_length=20)
    forms_of_exploitation: list[str] = Field(default_factory=list, max_length=20)
    forced_labour_industry: str = Field(default="", max_length=1)
    sex_exploitation_types: list[str] = Field(default_factory=list, max_length=10)
    vulnerabilities: list[str] = Field(default_factory=list, max_length=20)
    disability_domains: list[str] = Field(default_factory=list, max_length=6)
    disability_asked: bool = Field(default=False, description="asked about disability (none: asked, no domain)")
    migration_status: str = Field(default="", max_length=20)
    at_risk_groups: list[str] = Field(default_factory=list, max_length=20)
    at_risk_asked: bool = Field(default=False, description="asked about the at-risk groups (none: asked, no group)")
    crisis_circumstances: list[str] = Field(default_factory=list, max_length=10)
    recruitment_country: str = Field(default="", max_length=60)
    recruitment_region: str = Field(default="", max_length=100)
    exploitation_country: str = Field(default="", max_length=60)
    exploitation_region: str = Field(default="", max_length=100)
    may_be_child: bool = Field(default=False, description="of uncertain age and may be a child: treated as one")
    separation: str = Field(default="", max_length=16, description="accompanied, separated or unaccompanied")


class CaseIn(Schema):
    person: PersonIn
    context: ContextIn = Field(default_factory=ContextIn)
    identified_on: date | None = None
    # Required, never assumed: the client says whether the person agreed (false registers the case without it).
    consent_to_case_management: bool = Field(
        description="whether the person agreed that the case is kept to help them; required, never assumed"
    )


class CasePatch(Schema):
    """Only the fields sent are changed."""

    person: PersonIn | None = None
    context: ContextIn | None = None


class CaseListItem(Schema):
    reference: str
    organisation_id: int
    stage: str
    status: str
    identified_on: date
    created_at: datetime
    assigned_to: str | None = Field(default=None, validation_alias="assigned_to.username")
    assigned_at: datetime | None
    next_deadline: date | None
    has_unmet_needs: bool
    age_band: str
    trafficking_status: str
    closure_code: str = ""
    follow_up_on: date | None = None


class PersonOut(PersonIn):
    pass


class CaseOut(CaseListItem):
    person: PersonOut
    context: ContextIn
    age_at_identification: int | None
    is_minor: bool | None
    minority_basis: str = Field(description="birth_date, assessment, presumed, or empty (unknown)")
    guardian_due: date | None
    is_cross_border: bool | None
    recruited_online: bool
    needs: list[str]
    referred_on: date | None
    referred_to_id: int | None
    reasonable_grounds_due: date | None
    recovery_ends: date | None
    closure_reason: str
    possible_duplicate: bool = Field(
        description="another case of the same organisation has the same name and birth date"
    )


class DecisionIn(Schema):
    kind: str = Field(max_length=24)
    outcome: str = Field(max_length=10)
    reasons: str = Field(default="", max_length=10_000, description="the written reasons (required)")
    decided_on: date | None = None
    served_on: date | None = Field(default=None, description="when the decision was served on the person")
    served_language: str = Field(default="", max_length=3, description="the language it was served in (ISO 639-1)")
    reconsiders: int | None = Field(default=None, description="the id of the latest decision of this kind")
    reconsideration_grounds: str = Field(default="", max_length=10_000, description="the grounds of the request")


class DecisionOut(Schema):
    id: int
    kind: str
    outcome: str
    decided_on: date
    decided_by: str = Field(validation_alias="decided_by.username")
    decided_by_organisation: str = Field(validation_alias="decided_by_organisation.name")
    reasons: str
    served_on: date | None
    served_language: str
    reconsiders_id: int | None
    reconsideration_grounds: str


class ServeIn(Schema):
    served_on: date
    served_language: str = Field(max_length=3, description="ISO 639-1 code")


class ReferIn(Schema):
    referred_on: date | None = None
    consent_given: bool = Field(
        default=False, description="the person agrees now that the competent authority receives the case file"
    )
    consent_given_by: str = Field(
        default="person",
        max_length=24,
        description="who gives that consent: person, guardian, parent, legal_representative (a child's guardian)",
    )
    legal_basis: str = Field(default="", max_length=500, description="the legal basis for sharing without consent")


class NrmStatusOut(Schema):
    """Where a referred case stands with the competent authority: no personal data."""

    reference: str
    organisation: str = Field(validation_alias="organisation.name")
    competent_authority: str = Field(validation_alias="referred_to.name")
    identified_on: date
    referred_on: date | None
    stage: str
    reasonable_grounds_due: date | None
    recovery_ends: date | None
    next_deadline: date | None
    trafficking_status: str
    reasonable_grounds: str = Field(
        description="pending, positive, negative, reconsidered_positive or reconsidered_negative"
    )
    conclusive_grounds: str = Field(
        description="as reasonable_grounds, or not_reached after a negative reasonable-grounds decision"
    )

    @staticmethod
    def resolve_reasonable_grounds(obj: Any) -> str:
        return str(codes.decision_standing(obj.rg_outcome, obj.rg_reconsiders is not None))

    @staticmethod
    def resolve_conclusive_grounds(obj: Any) -> str:
        return str(
            codes.decision_standing(
                obj.cg_outcome, obj.cg_reconsiders is not None, not_reached=obj.rg_outcome == "negative"
            )
        )


class CloseIn(Schema):
    code: str = Field(default="other", description="cas_ReasonForCaseClosure, coded (cases.codes.ClosureReason)")
    reason: str = Field(default="", max_length=200, description="in words, encrypted; required for 'other'")
    referred_elsewhere: bool = False
    follow_up_on: date | None = Field(default=None, description="closes into follow-up until that day")
    override_reason: str = Field(
        default="", max_length=2000, description="a supervisor closes while something is open: why (encrypted)"
    )


class FollowUpIn(Schema):
    outcome: str = Field(description="doing_well, needs_help, not_reached or declined")
    contacted_on: date | None = Field(default=None, description="the day of the contact (or attempt); today if empty")
    next_on: date | None = Field(
        default=None,
        description="the next follow-up; empty ends it when she is doing well, keeps it due when not reached",
    )
    note: str = Field(default="", max_length=2000)


class ReopenIn(Schema):
    code: str = Field(description="re_trafficked, new_need, new_proceeding or error")
    reason: str = Field(default="", max_length=2000)


class ReturnPlanIn(Schema):
    country: str = Field(min_length=2, max_length=2)
    planned_on: date
    risk_level: str = Field(description="low, medium or high: the pre-return risk assessment")
    risk_reasons: str = Field(default="", max_length=2000)
    safety_measures: str = Field(
        default="", max_length=2000, description="a return at high risk: planned by a supervisor, who writes them"
    )
    receiving_organisation_id: int | None = None
    receiving_name: str = Field(default="", max_length=200)
    receiving_contact: str = Field(default="", max_length=200)
    own_request: bool = False
    own_request_text: str = Field(default="", max_length=2000)
    removal_confirmed: bool = Field(
        default=False,
        description="while a detention or removal order is open: the person herself asks to return voluntarily",
    )


class ReturnPlanOut(Schema):
    id: int
    country: str
    planned_on: date
    status: str
    blocked_since: date | None
    risk_level: str
    own_request: bool
    removal_confirmed: bool
    done_on: date | None
    follow_up_on: date | None
    follow_up_outcome: str


class EraseIn(Schema):
    request_reference: str = Field(min_length=1, max_length=100, description="the erasure request's number or date")


class AssignIn(Schema):
    username: str | None = Field(default=None, max_length=150)


class TransferIn(Schema):
    organisation_id: int = Field(ge=1, le=2**31 - 1, description="the organisation that holds the case from now on")


class ConsentIn(Schema):
    purpose: str = Field(max_length=20)
    recipient_id: int | None = None
    channel: str = Field(default="", max_length=20)
    given_on: date | None = None
    given_by: str = Field(default="person", max_length=24, description="person, guardian, parent, legal_representative")


class ConsentOut(Schema):
    id: int
    purpose: str
    recipient_id: int | None
    channel: str
    given_by: str
    given_on: date
    withdrawn_at: datetime | None


class NoteIn(Schema):
    text: str = Field(min_length=1, max_length=10_000)


class NoteOut(Schema):
    id: int
    text: str
    author: str = Field(validation_alias="author.username")
    created_at: datetime


class AssessmentIn(Schema):
    kind: str = Field(max_length=8)
    needs: list[str] = Field(default_factory=list, max_length=30)
    risk_level: str = Field(default="", max_length=8)
    notes: str = Field(default="", max_length=10_000)


class AssessmentOut(Schema):
    id: int
    kind: str
    needs: list[str]
    risk_level: str
    assessed_at: datetime


class TimelineOut(Schema):
    at: datetime
    kind: str
    actor: str | None = Field(default=None, validation_alias="actor.username")
    detail: dict


class CaseQuery(Schema):
    stage: str = ""
    overdue: bool = False
    soon_due: bool = False
    assigned_to_me: bool = False
    recently_assigned_to_me: bool = False
    unmet_needs: bool = False
    follow_up_due: bool = False
    # Narrowed to the cases whose assistance plan the user may read (the risk level is theirs to see): for anyone
    # else these three find nothing, as on the case list page.
    high_risk: bool = False
    safety_review_overdue: bool = False
    safety_plan_missing: bool = False
    removal_open: bool = False
    permit_due: bool = False
    reference: str = ""


class DuplicatesOut(Schema):
    likely_duplicates_across_organisations: int


# --- Children ----------------------------------------------------------------------------------------------


class AgeAssessmentIn(Schema):
    method: str = Field(max_length=16, description="documents, interview, psychosocial, medical")
    assessed_on: date | None = None
    age_lower: int | None = Field(default=None, ge=0, le=120, description="the lowest age the method supports")
    age_upper: int | None = Field(
        default=None, ge=0, le=120, description="the highest age it supports (the lower one if absent)"
    )
    result_band: str = Field(
        default="", max_length=10, description="under_18 or adult (from the lower end of the range if given)"
    )
    assessed_by_organisation_id: int = Field(ge=1, le=2**31 - 1)
    assessor_role: str = Field(max_length=30)


class AgeAssessmentOut(Schema):
    id: int
    method: str
    assessed_on: date
    age_lower: int | None
    age_upper: int | None
    result_band: str
    assessed_by_organisation_id: int = Field(ge=1, le=2**31 - 1)
    assessor_role: str


class GuardianIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    contact: str = Field(default="", max_length=200)
    appointed_by: str = Field(min_length=1, max_length=200, description="the authority that appointed the guardian")
    appointed_on: date | None = None


class GuardianOut(Schema):
    id: int
    name: str
    contact: str
    appointed_by: str
    appointed_on: date
    ended_at: datetime | None


class ChildViewsIn(Schema):
    about: str = Field(max_length=20, description="guardian, placement, durable_solution, other")
    views: str = Field(min_length=1, max_length=10_000)
    heard_on: date | None = None


class ChildViewsOut(Schema):
    id: int
    about: str
    views: str
    heard_on: date


class BestInterestsIn(Schema):
    kind: str = Field(max_length=16, description="assessment or determination")
    solution: str = Field(default="", max_length=20, description="return, relocation, local_integration")
    decided_on: date | None = None
    organisation_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="the organisation that assessed or determined (or body_name)"
    )
    body_name: str = Field(
        default="", max_length=200, description="the body that did, named in words when it is no organisation here"
    )
    reasons: str = Field(min_length=1, max_length=10_000)


class BestInterestsOut(Schema):
    id: int
    kind: str
    solution: str
    decided_on: date
    organisation_id: int | None
    body_name: str
    reasons: str


class ChildOut(Schema):
    is_minor: bool | None
    minority_basis: str
    separation: str
    guardian_due: date | None
    guardian_overdue: bool
    guardians: list[GuardianOut]
    age_assessments: list[AgeAssessmentOut]
    views: list[ChildViewsOut]
    best_interests: list[BestInterestsOut]


class JourneyEventIn(Schema):
    """A step of the journey (HTCDS hte_); Lantern's additions: date_to, transport, border_crossing."""

    kind: str = Field(max_length=16, description="hte_Type: Recruitment, Transit or Exploitation")
    country: str = Field(default="", max_length=2, description="ISO 3166 code")
    region: str = Field(default="", max_length=100)
    city: str = Field(default="", max_length=100)
    street: str = Field(default="", max_length=100)
    postal_code: str = Field(default="", max_length=100)
    latitude: str = Field(default="", max_length=20)
    longitude: str = Field(default="", max_length=20)
    date_from: date | None = None
    date_to: date | None = None
    transport: str = Field(default="", max_length=8, description="Air, Road, Rail, Sea, Foot, Other, Unknown")
    border_crossing: str = Field(default="", max_length=10, description="None, Regular, Irregular")
    description: str = Field(default="", max_length=10_000)
    position: int | None = Field(default=None, ge=1, description="empty: after the last step")


class JourneyEventOut(Schema):
    id: int
    position: int
    kind: str
    country: str
    region: str
    city: str
    street: str
    postal_code: str
    latitude: str
    longitude: str
    date_from: date | None
    date_to: date | None
    transport: str
    border_crossing: str
    description: str


class PerpetratorIn(Schema):
    """A perpetrator (HTCDS per_, with prs_Gender and prs_Citizenship of their Person). No name is needed."""

    name: str = Field(default="", max_length=200)
    gender: str = Field(default=codes.Gender.UNKNOWN, max_length=24)
    age_band: str = Field(default="", max_length=8)
    citizenship: list[str] = Field(default_factory=list, max_length=10)
    roles: list[str] = Field(default_factory=list, max_length=15, description="per_RoleInProcess codes")
    role_details: str = Field(default="", max_length=10_000)
    relationship: str = Field(default="", max_length=16, description="Family, Partner, Employer, ...")


class PerpetratorOut(Schema):
    id: int
    position: int
    name: str
    gender: str
    age_band: str
    citizenship: list[str]
    roles: list[str]
    role_details: str
    relationship: str


class JourneyOut(Schema):
    steps: list[JourneyEventOut]
    perpetrators: list[PerpetratorOut]


# --- Residence permits, detention and removal, non-punishment --------------------------------------------------


class PermitIn(Schema):
    kind: str = Field(max_length=12, description="reflection, victim, other")
    status: str = Field(max_length=16, description="applied, granted, refused")
    applied_on: date
    granted_on: date | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    renews_id: int | None = Field(default=None, ge=1, le=2**31 - 1, description="the permit this one renews")


class PermitDecisionIn(Schema):
    status: str = Field(max_length=16, description="granted, refused, expired")
    granted_on: date | None = None
    valid_until: date | None = None


class PermitOut(Schema):
    id: int
    kind: str
    status: str
    applied_on: date
    granted_on: date | None
    valid_from: date | None
    valid_until: date | None
    renews_id: int | None


class RemovalIn(Schema):
    kind: str = Field(max_length=16, description="detention, removal_order, deportation")
    ordered_on: date
    authority: str = Field(min_length=1, max_length=200)
    scheduled_on: date | None = Field(default=None, description="the day of a deportation")


class RemovalResolveIn(Schema):
    resolution: str = Field(
        max_length=12, description="released, suspended, withdrawn, carried_out (the removal took place on resolved_on)"
    )
    resolved_on: date | None = None


class RemovalOut(Schema):
    id: int
    kind: str
    ordered_on: date
    authority: str
    scheduled_on: date | None
    resolution: str
    resolved_on: date | None


class ResidenceOut(Schema):
    permits: list[PermitOut]
    removals: list[RemovalOut]


class ChargeIn(Schema):
    kind: str = Field(max_length=8, description="charge, fine")
    offence: str = Field(max_length=16, description="lockdown, immigration, prostitution, drugs, documents, other")
    charged_on: date
    authority: str = Field(min_length=1, max_length=200)
    amount: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2, description="a fine's amount")
    currency: str = Field(default="", max_length=3, description="ISO 4217, for a fine")


class NonPunishmentRequestIn(Schema):
    requested_on: date
    addressed_to: str = Field(min_length=1, max_length=200)
    grounds: str = Field(min_length=1, max_length=10_000)


class NonPunishmentDecisionIn(Schema):
    outcome: str = Field(max_length=8, description="granted, refused")
    decided_on: date


class NonPunishmentRequestOut(Schema):
    id: int
    requested_on: date
    addressed_to: str
    grounds: str
    outcome: str
    decided_on: date | None


class ChargeOut(Schema):
    id: int
    kind: str
    offence: str
    charged_on: date
    authority: str
    amount: Decimal | None
    currency: str
    requests: list[NonPunishmentRequestOut]

    @staticmethod
    def resolve_requests(obj: Any) -> list[Any]:
        return list(obj.requests.all())


# --- The assistance plan, declined services, risk --------------------------------------------------------------


class PlanIn(Schema):
    objectives: str = Field(min_length=1, max_length=10_000)
    next_review_on: date | None = None


class PlanActionIn(Schema):
    service_type: str = Field(max_length=40, description="a service code (the referral service types)")
    planned_end: date | None = None
    status: str = Field(default="planned", max_length=12, description="planned, in_progress, done, stopped")


class PlanActionOut(Schema):
    id: int
    service_type: str
    planned_end: date | None
    actual_end: date | None
    status: str


class PlanAgreeIn(Schema):
    how: str = Field(max_length=12, description="signed, oral, interpreter")
    agreed_on: date | None = None


class PlanReviewIn(Schema):
    changes: str = Field(min_length=1, max_length=10_000)
    reviewed_on: date | None = None
    next_review_on: date | None = None
    with_person: bool = True


class PlanReviewOut(Schema):
    id: int
    reviewed_on: date
    changes: str
    with_person: bool


class DeclineIn(Schema):
    service_type: str = Field(max_length=40)
    declined_on: date | None = None
    reason: str = Field(default="", max_length=10_000)


class DeclineOut(Schema):
    id: int
    service_type: str
    declined_on: date
    reason: str


class RiskIn(Schema):
    risk_level: str = Field(max_length=8, description="low, medium, high")
    reasons: str = Field(default="", max_length=10_000)
    safety_plan: str = Field(
        default="",
        max_length=10_000,
        description="a high risk may be recorded without it: the case shows it missing until it is written",
    )
    review_on: date | None = None


class SafetyPlanIn(Schema):
    safety_plan: str = Field(max_length=10_000, description="the safety plan of the latest risk assessment")
    review_on: date = Field(description="the day it is reviewed by")


class RiskOut(Schema):
    id: int
    risk_level: str
    notes: str
    safety_plan: str
    review_on: date | None
    assessed_at: datetime


class PlanOut(Schema):
    objectives: str
    next_review_on: date | None
    agreed_on: date | None
    agreed_how: str
    draft: bool
    actions: list[PlanActionOut]
    reviews: list[PlanReviewOut]


class PlanRecordOut(Schema):
    plan: PlanOut | None
    declined: list[DeclineOut]
    risk: RiskOut | None
    safety_plan_missing: bool = Field(description="the latest risk is high and its safety plan is not written yet")
