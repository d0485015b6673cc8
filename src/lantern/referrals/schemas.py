"""Pydantic schemas of the referral API. What the receiving organisation sees of the person is the minimum
(`lantern.referrals.selectors.RecipientView` says the same for the pages): the answers are read from the rows."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import get_language, to_locale
from ninja import Field, Schema

from lantern.cases.codes import CONTACT_ROUTES, SERVICE_TYPES
from lantern.cases.models import Case
from lantern.cases.schemas import REFERENCE_PATTERN
from lantern.core.codes import language_name
from lantern.referrals.models import DeclineReason, Referral
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


class ReferrerOut(Schema):
    """Who referred: the sending organisation and the caseworker's work contact (never the person's)."""

    organisation: str
    name: str
    email: str


class ReferralOut(Schema):
    """What both sides see: the minimum about the person, and the referral itself. Codes come with their label in
    the language of the request (Accept-Language)."""

    id: str = Field(description="the referral's random public id")
    reference: str
    service_type: str
    service_label: str
    needs: list[str]
    language: str
    language_name: str
    interpreter_needed: bool
    contact_route: str
    contact_route_label: str
    urgency: str
    urgency_label: str
    status: str
    status_label: str
    respond_by: datetime
    created_at: datetime
    referred_by: ReferrerOut
    decline_code: str
    decline_label: str

    @staticmethod
    def resolve_service_label(referral: Referral) -> str:
        return str(SERVICE_TYPES.get(referral.service_type, referral.service_type))

    @staticmethod
    def resolve_language_name(referral: Referral) -> str:
        code = referral.case.person.primary_language
        return language_name(code, to_locale(get_language())) if code else ""

    @staticmethod
    def resolve_contact_route_label(referral: Referral) -> str:
        return str(CONTACT_ROUTES.get(referral.case.person.contact_route, ""))

    @staticmethod
    def resolve_urgency_label(referral: Referral) -> str:
        return str(referral.get_urgency_display())

    @staticmethod
    def resolve_status_label(referral: Referral) -> str:
        return str(referral.get_status_display())

    @staticmethod
    def resolve_referred_by(referral: Referral) -> dict[str, str]:
        caseworker = referral.created_by
        return {
            "organisation": referral.sender.name,
            "name": (caseworker.get_full_name() or caseworker.get_username()) if caseworker else "",
            "email": caseworker.email if caseworker else "",
        }

    @staticmethod
    def resolve_decline_label(referral: Referral) -> str:
        return str(referral.get_decline_code_display()) if referral.decline_code else ""

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


class ContactOut(Schema):
    """How the receiving organisation reaches the person now: the detail only once it has accepted and only on
    the channel the person consented to be contacted on; otherwise empty (through the referring caseworker)."""

    route: str
    route_label: str
    value: str


class ReferralDetailOut(ReferralOut):
    contact: ContactOut | None = Field(description="for the receiving organisation only; null for anyone else")
    decline_reason: str = Field(description="the free text beside the coded reason: for the two organisations only")

    @staticmethod
    def resolve_decline_reason(referral: Referral) -> str:
        return str(getattr(referral, "decline_reason_shown", ""))

    @staticmethod
    def resolve_contact(referral: Referral) -> dict[str, str] | None:
        return getattr(referral, "contact_shown", None)


class DeclineIn(Schema):
    reason_code: str = Field(
        default=DeclineReason.OTHER, max_length=16, description="one of: " + ", ".join(DeclineReason.values)
    )
    reason: str = Field(default="", max_length=300, description="required when reason_code is 'other'")


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
