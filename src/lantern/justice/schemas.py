"""Pydantic schemas of the justice API. The answers are read from the models themselves (the lists are pages of
querysets): what is not a column of the row is resolved here."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from lantern.cases.schemas import REFERENCE_PATTERN
from lantern.justice.models import Compensation, Defendant, Hearing, Proceeding, ProtectiveMeasure

MAX_ID = 2**62


class CourtIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    country: str = Field(min_length=2, max_length=60)
    region: str = Field(min_length=1, max_length=100)
    time_zone: str = Field(min_length=1, max_length=64, description="IANA name, e.g. Europe/Athens")
    registry_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="the court's registry (its clerks)")


class CourtOut(Schema):
    id: int
    name: str
    country: str
    region: str
    time_zone: str


class ProceedingIn(Schema):
    case_reference: str = Field(pattern=REFERENCE_PATTERN)
    organisation_id: int = Field(ge=1, le=MAX_ID, description="in charge: the caller's own prosecution or court")
    kind: str = Field(max_length=16)
    survivor_role: str = Field(max_length=16)
    opened_on: date | None = None


class ProtectiveMeasureOut(Schema):
    id: int
    kind: str
    language: str
    status: str = Field(description="requested, granted or refused")
    requested_on: date | None
    decided_on: date | None


class DefendantOut(Schema):
    id: int
    number: int = Field(description="Defendant 1, 2, ... of the proceeding; Lantern holds no defendant's name")
    outcome: str = Field(description="conviction, acquittal, dismissed, withdrawn, other; empty while pending")
    outcome_on: date | None


class CompensationOut(Schema):
    id: int
    proceeding_id: int
    payer: str = Field(description="offender or state_fund")
    currency: str = Field(description="ISO 4217")
    claimed: Decimal
    claimed_on: date
    awarded: Decimal | None
    awarded_on: date | None
    paid: Decimal
    last_paid_on: date | None
    fund_status: str = Field(description="a state-fund claim: submitted, under_review, granted, refused")


class ProceedingOut(Schema):
    id: int
    reference: str
    organisation_id: int
    kind: str
    survivor_role: str
    opened_on: date
    closed_on: date | None
    protective_measures: list[ProtectiveMeasureOut]
    defendants: list[DefendantOut]
    compensations: list[CompensationOut]
    representative_organisation_id: int | None
    representative_lawyer: str = Field(description="the survivor's lawyer, if named")

    @staticmethod
    def resolve_reference(proceeding: Proceeding) -> str:
        return proceeding.case.reference

    @staticmethod
    def resolve_protective_measures(proceeding: Proceeding) -> list[ProtectiveMeasure]:
        return list(proceeding.protective_measures.all())

    @staticmethod
    def resolve_defendants(proceeding: Proceeding) -> list[Defendant]:
        return list(proceeding.defendants.all())

    @staticmethod
    def resolve_compensations(proceeding: Proceeding) -> list[Compensation]:
        return list(proceeding.compensations.all())


class ProtectiveMeasureIn(Schema):
    kind: str = Field(max_length=20)
    language: str = Field(default="", max_length=60)
    status: str = Field(default="granted", max_length=10, description="requested, granted or refused")
    requested_on: date | None = None
    decided_on: date | None = Field(default=None, description="granted or refused: today if not given")


class MeasureDecisionIn(Schema):
    status: str = Field(max_length=10, description="granted or refused")
    decided_on: date | None = None


class OutcomeIn(Schema):
    outcome: str = Field(max_length=12, description="conviction, acquittal, dismissed, withdrawn, other")
    outcome_on: date | None = None


class CompensationIn(Schema):
    payer: str = Field(max_length=10, description="offender or state_fund")
    claimed: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217")
    claimed_on: date | None = None


class AwardIn(Schema):
    awarded: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    awarded_on: date | None = None


class PaymentIn(Schema):
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    paid_on: date | None = None


class FundStatusIn(Schema):
    status: str = Field(max_length=12, description="under_review or refused")


class RepresentativeIn(Schema):
    organisation_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="a legal service or NGO")
    lawyer: str = Field(default="", max_length=200, description="the lawyer's name (kept encrypted)")


class HearingIn(Schema):
    court_id: int = Field(ge=1, le=MAX_ID)
    starts_at: datetime = Field(description="ISO 8601 with its time zone")
    mode: str = Field(default="in_person", max_length=10)


class HearingOut(Schema):
    id: int
    reference: str
    proceeding_id: int
    court_id: int
    court_time_zone: str
    starts_at: datetime
    mode: str
    status: str
    postponement_reason: str
    postponed_by_measure_id: int | None
    new_starts_at: datetime | None
    follows_id: int | None

    @staticmethod
    def resolve_reference(hearing: Hearing) -> str:
        return hearing.proceeding.case.reference

    @staticmethod
    def resolve_court_time_zone(hearing: Hearing) -> str:
        return hearing.court.time_zone


class PostponeIn(Schema):
    reason: str = Field(max_length=24)
    new_starts_at: datetime | None = Field(default=None, description="if already known")


class RescheduleIn(Schema):
    new_starts_at: datetime
    mode: str | None = Field(default=None, max_length=10)
    court_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class ModeIn(Schema):
    mode: str = Field(max_length=10)


class BacklogOut(Schema):
    court_id: int | None = Field(description="null: all courts together")
    court: str
    country: str
    region: str
    hearings: int
    pending: int
    postponed: int
    postponed_share: float | None
    median_delay_days: float | None
    remote: int
    remote_share: float | None
