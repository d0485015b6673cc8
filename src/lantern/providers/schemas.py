"""Pydantic schemas of the provider directory's API."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class OfferingIn(Schema):
    service_type: str = Field(max_length=40)
    regions: list[str] = Field(min_length=1, max_length=50)
    languages: list[str] = Field(default_factory=list, max_length=30)
    interpreter_available: bool = False
    delivery_modes: list[str] = Field(min_length=1, max_length=3)
    weekly_capacity: int = Field(ge=0, le=100_000)
    regardless_of_status: bool = True
    eligibility_note: str = Field(default="", max_length=300)
    hours: str = Field(default="", max_length=200)
    public_contact: str = Field(default="", max_length=200)
    is_public: bool = False
    text_language: str = Field(default="en", max_length=8, description="the language of name, hours, contact, note")


class OfferingOut(OfferingIn):
    translations: dict[str, dict[str, str]] = Field(description="language -> name, hours, public_contact, note")
    id: int
    organisation_id: int
    organisation_name: str = Field(validation_alias="organisation.name")
    active: bool
    awaits_review: bool = Field(description="public, and changed since the coordinator last reviewed it")
    approved_at: datetime | None = Field(description="when the version the portal shows was approved")
    review_state: str = Field(description='"waiting" for the coordinator, "rejected" by her, or "" (nothing pending)')
    review_reason: str = Field(description="why the coordinator rejected the current version, if she said")


class StatusIn(Schema):
    status: str = Field(max_length=16)
    staff_absence_percent: int | None = Field(default=None, ge=0, le=100)
    reason: str = Field(default="", max_length=200)


class StatusOut(Schema):
    organisation_id: int
    status: str
    staff_absence_percent: int
    since: datetime


class CandidateOut(Schema):
    offering_id: int
    organisation_id: int
    organisation_name: str
    score: int
    delivery_mode: str
    capacity_left: int
    reasons: list[str]
    free_beds: int | None = Field(default=None, description="accommodation: free regular beds, as the beds board")
    free_quarantine_beds: int | None = Field(default=None, description="accommodation: free quarantine beds")


class PublicVersion(Schema):
    name: str
    service_type: str = ""
    regions: list[str] = []
    languages: list[str] = []
    interpreter_available: bool = False
    delivery_modes: list[str] = []
    public_contact: str
    hours: str
    eligibility_note: str


class ReviewOut(Schema):
    id: int
    organisation_id: int
    service_type: str
    submitted: PublicVersion = Field(description="what the portal would show once approved")
    approved: PublicVersion | None = Field(description="what the portal shows now; none: not shown")


class ReviewIn(Schema):
    decision: str = Field(pattern="^(approve|reject)$")
    reason: str = Field(default="", max_length=300, description="for a rejection: told to the organisation")


class OfferingTranslationIn(Schema):
    """The entry's words in one portal language; leave a field empty to show the original there."""

    language: str = Field(max_length=8, description="a language of the public portal")
    name: str = Field(default="", max_length=200)
    hours: str = Field(default="", max_length=200)
    public_contact: str = Field(default="", max_length=200)
    eligibility_note: str = Field(default="", max_length=300)
