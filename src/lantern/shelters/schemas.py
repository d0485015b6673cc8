"""Pydantic schemas of the shelter API: residents and the waiting list by case reference, never a name."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from lantern.cases.models import OPEN_RETURN
from lantern.cases.schemas import REFERENCE_PATTERN
from lantern.referrals.models import PUBLIC_ID_PATTERN
from lantern.shelters.models import BedAssignment, Stay, WaitingEntry


def _current_assignment(stay: Stay) -> BedAssignment | None:
    return next((a for a in stay.assignments.all() if a.until is None), None)


class BoardRow(Schema):
    shelter_id: int
    name: str
    region: str
    total: int
    occupied: int
    free_regular: int
    free_quarantine: int
    free_by_restriction: dict[str, int]
    blocked_repatriations: int
    longest_blocked_days: int


class RoomIn(Schema):
    name: str = Field(min_length=1, max_length=60)
    wing: str = Field(default="regular", max_length=12)
    restriction: str = Field(default="mixed", max_length=12)
    age_group: str = Field(
        default="", max_length=10, description="adults, children or families (empty: from the restriction)"
    )
    beds: int = Field(ge=1, le=100)
    accessible: bool = False


class RoomOut(Schema):
    id: int
    name: str
    wing: str
    restriction: str
    age_group: str
    accessible: bool


class AdmissionIn(Schema):
    referral_id: str | None = Field(default=None, pattern=PUBLIC_ID_PATTERN, description="the referral's public id")
    case_reference: str | None = Field(default=None, pattern=REFERENCE_PATTERN)
    room_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="a room of this shelter; any room that fits if none"
    )


class StayOut(Schema):
    id: int
    reference: str
    admitted_at: datetime
    wing: str
    bed: str
    quarantine_until: date | None
    discharged_at: datetime | None
    destination: str
    repatriation: str = Field(description="planned or blocked, while the case's return plan is open")

    @staticmethod
    def resolve_reference(stay: Stay) -> str:
        return stay.case.reference

    @staticmethod
    def resolve_wing(stay: Stay) -> str:
        current = _current_assignment(stay)
        return current.wing if current else ""

    @staticmethod
    def resolve_bed(stay: Stay) -> str:
        current = _current_assignment(stay)
        return current.bed.label if current else ""

    @staticmethod
    def resolve_repatriation(stay: Stay) -> str:
        return next((str(r.status) for r in stay.case.return_plans.all() if r.status in OPEN_RETURN), "")


class StepIn(Schema):
    kind: str = Field(max_length=16)
    result: str = Field(default="", max_length=10)


class DischargeIn(Schema):
    destination: str = Field(max_length=16)
    own_request: bool = Field(False, description="a return at the person's own informed request")
    own_request_text: str = Field("", max_length=2000, description="the request, in their words (stored encrypted)")
    removal_confirmed: bool = Field(
        False, description="while a removal order is open: the person herself asks to return voluntarily"
    )


class RepatriationIn(Schema):
    """The case's return plan, planned by the shelter (cases.returns): the same fields and rules as the case's."""

    country: str = Field(min_length=2, max_length=2)
    planned_on: date
    risk_level: str = Field(max_length=8, description="low, medium or high: the pre-return risk assessment")
    risk_reasons: str = Field("", max_length=2000, description="why, when medium or high (stored encrypted)")
    safety_measures: str = Field(
        "", max_length=2000, description="a return at high risk: planned by a supervisor, who writes them (encrypted)"
    )
    receiving_name: str = Field(
        "", max_length=200, description="the organisation that receives the person in the country of return"
    )
    receiving_contact: str = Field("", max_length=200, description="its contact (stored encrypted)")
    own_request: bool = Field(
        False, description="the person's own informed request (needed while identification or recovery is pending)"
    )
    own_request_text: str = Field("", max_length=2000, description="the request, in their words (stored encrypted)")
    removal_confirmed: bool = Field(
        False, description="while a detention or removal order is open: the person herself asks to return voluntarily"
    )


class RepatriationOut(Schema):
    """The case's return plan."""

    id: int
    country: str
    planned_on: date
    status: str
    blocked_since: date | None
    risk_level: str
    own_request: bool
    removal_confirmed: bool


class WaitIn(Schema):
    case_reference: str = Field(pattern=REFERENCE_PATTERN)
    region: str = Field(min_length=1, max_length=100)
    restriction: str = Field(default="mixed", max_length=12)


class WaitOut(Schema):
    reference: str
    region: str
    restriction: str
    since: datetime

    @staticmethod
    def resolve_reference(entry: WaitingEntry) -> str:
        return entry.case.reference


class WaitCountOut(Schema):
    region: str
    restriction: str
    count: int


class IndicatorsOut(Schema):
    occupancy_rate: float | None
    median_length_of_stay_days: float | None
    waiting_for_repatriation: int
    waiting_median_days: float | None
    waiting_longest_days: int | None
