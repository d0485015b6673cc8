"""Pydantic schemas of the referral API. What the receiving organisation sees of the person is the minimum
(`lantern.referrals.selectors.RecipientView` says the same for the pages): the answers are read from the rows."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from lantern.cases.models import Case
from lantern.cases.schemas import REFERENCE_PATTERN
from lantern.referrals.models import Referral
from lantern.referrals.selectors import missing_of


class ReferralIn(Schema):
    case_reference: str = Field(pattern=REFERENCE_PATTERN)
    recipient_id: int
    service_type: str = Field(max_length=40)
    urgency: str = Field(default="routine", max_length=12)
    offering_id: int | None = None
    idempotency_key: str = Field(
        default="",
        max_length=64,
        description="a retried request with the same key returns the referral the first one created",
    )


class ReferralOut(Schema):
    """What both sides see: the minimum about the person, and the referral itself."""

    id: str = Field(description="the referral's random public id")
    reference: str
    service_type: str
    needs: list[str]
    language: str
    interpreter_needed: bool
    contact_route: str
    urgency: str
    status: str
    respond_by: datetime
    created_at: datetime

    @staticmethod
    def resolve_id(referral: Referral) -> str:
        return referral.public_id

    @staticmethod
    def resolve_reference(referral: Referral) -> str:
        return referral.case.reference

    @staticmethod
    def resolve_needs(referral: Referral) -> list[str]:
        return list(referral.case.needs)

    @staticmethod
    def resolve_language(referral: Referral) -> str:
        return referral.case.person.primary_language

    @staticmethod
    def resolve_interpreter_needed(referral: Referral) -> bool:
        return referral.case.person.interpreter_needed

    @staticmethod
    def resolve_contact_route(referral: Referral) -> str:
        return referral.case.person.contact_route


class DeclineIn(Schema):
    reason: str = Field(min_length=1, max_length=300)


class CompleteIn(Schema):
    delivery_mode: str = Field(max_length=12)
    outcome: str = Field(max_length=16)


class MissingOut(Schema):
    reference: str
    identified_on: str
    missing: list[str]

    @staticmethod
    def resolve_identified_on(case: Case) -> str:
        return case.identified_on.isoformat()

    @staticmethod
    def resolve_missing(case: Case) -> list[str]:
        return missing_of(case)
