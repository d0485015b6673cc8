"""Pydantic schemas of the case API. Lists carry no personal data; the detail does (and reading it is audited)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field

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
    migration_status: str = Field(default="", max_length=20)
    at_risk_groups: list[str] = Field(default_factory=list, max_length=20)
    crisis_circumstances: list[str] = Field(default_factory=list, max_length=10)
    recruitment_country: str = Field(default="", max_length=60)
    recruitment_region: str = Field(default="", max_length=100)
    exploitation_country: str = Field(default="", max_length=60)
    exploitation_region: str = Field(default="", max_length=100)


class CaseIn(Schema):
    person: PersonIn
    context: ContextIn = Field(default_factory=ContextIn)
    identified_on: date | None = None
    consent_to_case_management: bool = True


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


class PersonOut(PersonIn):
    pass


class CaseOut(CaseListItem):
    person: PersonOut
    context: ContextIn
    age_at_identification: int | None
    is_minor: bool | None
    is_cross_border: bool | None
    recruited_online: bool
    needs: list[str]
    referred_on: date | None
    reasonable_grounds_due: date | None
    recovery_ends: date | None
    closure_reason: str
    possible_duplicate: bool = Field(
        description="another case of the same organisation has the same name and birth date"
    )


class DecisionIn(Schema):
    kind: str = Field(max_length=24)
    outcome: str = Field(max_length=10)
    decided_on: date | None = None
    reconsiders: int | None = None


class DecisionOut(Schema):
    id: int
    kind: str
    outcome: str
    decided_on: date
    decided_by: str = Field(validation_alias="decided_by.username")
    reconsiders_id: int | None


class ReferIn(Schema):
    referred_on: date | None = None


class CloseIn(Schema):
    reason: str = Field(min_length=1, max_length=200)
    referred_elsewhere: bool = False


class EraseIn(Schema):
    request_reference: str = Field(min_length=1, max_length=100, description="the erasure request's number or date")


class AssignIn(Schema):
    username: str | None = Field(default=None, max_length=150)


class ConsentIn(Schema):
    purpose: str = Field(max_length=20)
    recipient_id: int | None = None
    channel: str = Field(default="", max_length=20)
    given_on: date | None = None


class ConsentOut(Schema):
    id: int
    purpose: str
    recipient_id: int | None
    channel: str
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
    reference: str = ""


class DuplicatesOut(Schema):
    likely_duplicates_across_organisations: int
