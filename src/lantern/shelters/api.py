"""The shelter API: the capacity board, rooms, admissions, quarantine steps, moves, discharges, repatriations,
the waiting list and indicators."""

from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from lantern.cases import selectors as case_selectors
from lantern.cases.permissions import CaseAction
from lantern.cases.schemas import REFERENCE_PATTERN
from lantern.core.api import ERRORS, api_user
from lantern.core.models import Organisation, OrganisationType, User
from lantern.core.permissions import can
from lantern.referrals.models import PUBLIC_ID_PATTERN
from lantern.referrals.selectors import referral_get_for_user
from lantern.shelters import selectors, services
from lantern.shelters.models import Stay
from lantern.shelters.permissions import ShelterAction

router = Router(tags=["shelters"])


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
    beds: int = Field(ge=1, le=100)
    accessible: bool = False


class RoomOut(Schema):
    id: int
    name: str
    wing: str
    restriction: str
    accessible: bool


class AdmissionIn(Schema):
    referral_id: str | None = Field(default=None, pattern=PUBLIC_ID_PATTERN, description="the referral's public id")
    case_reference: str | None = Field(default=None, pattern=REFERENCE_PATTERN)


class StayOut(Schema):
    id: int
    reference: str
    admitted_at: datetime
    wing: str
    bed: str
    quarantine_until: date | None
    discharged_at: datetime | None
    destination: str
    repatriation: str


class StepIn(Schema):
    kind: str = Field(max_length=16)
    result: str = Field(default="", max_length=10)


class DischargeIn(Schema):
    destination: str = Field(max_length=16)


class RepatriationIn(Schema):
    country: str = Field(min_length=2, max_length=2)
    planned_on: date


class RepatriationOut(Schema):
    id: int
    country: str
    planned_on: date
    status: str
    blocked_since: date | None


class WaitIn(Schema):
    case_reference: str = Field(pattern=REFERENCE_PATTERN)
    region: str = Field(min_length=1, max_length=100)
    restriction: str = Field(default="mixed", max_length=12)


class WaitOut(Schema):
    reference: str
    region: str
    restriction: str
    since: datetime


class IndicatorsOut(Schema):
    occupancy_rate: float | None
    median_length_of_stay_days: float | None
    waiting_for_repatriation: int
    waiting_median_days: float | None
    waiting_longest_days: int | None


def _stay_out(stay: Stay) -> dict[str, object]:
    current = next((a for a in stay.assignments.all() if a.until is None), None)
    repatriation = next((r.status for r in stay.repatriations.all() if r.status in ("planned", "blocked")), "")
    return {
        "id": stay.pk,
        "reference": stay.case.reference,
        "admitted_at": stay.admitted_at,
        "wing": current.wing if current else "",
        "bed": current.bed.label if current else "",
        "quarantine_until": stay.quarantine_until,
        "discharged_at": stay.discharged_at,
        "destination": stay.destination,
        "repatriation": repatriation,
    }


def _shelter(user: User, shelter_id: int, action: str) -> Organisation:
    shelter = Organisation.objects.filter(pk=shelter_id, type=OrganisationType.SHELTER).first()
    if shelter is None:
        raise Http404("no such shelter")
    if not can(user, action, shelter):
        raise PermissionDenied("not allowed")
    return shelter


def _stay(user: User, stay_id: int) -> Stay:
    stay = Stay.objects.select_related("shelter", "case").filter(pk=stay_id).first()
    if stay is None or not can(user, ShelterAction.RESIDENTS, stay.shelter):
        raise Http404("no such stay")
    return stay


@router.get("/shelters/board", response={200: list[BoardRow], **ERRORS}, operation_id="shelters_board")
def shelters_board(request: HttpRequest, region: str = "", restriction: str = "") -> list[dict[str, object]]:
    user = api_user(request)
    if not can(user, ShelterAction.BOARD):
        raise PermissionDenied("not allowed")
    return [
        {
            "shelter_id": row.shelter.pk,
            "name": row.shelter.name,
            "region": row.shelter.region,
            "total": row.total,
            "occupied": row.occupied,
            "free_regular": row.free_regular,
            "free_quarantine": row.free_quarantine,
            "free_by_restriction": {f"{wing}:{restr}": n for (wing, restr), n in row.free.items()},
            "blocked_repatriations": row.blocked_repatriations,
            "longest_blocked_days": row.longest_blocked_days,
        }
        for row in selectors.board(region=region[:100], restriction=restriction[:12])
    ]


@router.post("/shelters/{shelter_id}/rooms", response={201: RoomOut, **ERRORS}, operation_id="shelters_room_add")
def shelters_room_add(request: HttpRequest, shelter_id: int, payload: RoomIn) -> Status:
    user = api_user(request)
    shelter = _shelter(user, shelter_id, ShelterAction.MANAGE)
    return Status(201, services.room_add(actor=user, shelter=shelter, **payload.dict()))


@router.get(
    "/shelters/{shelter_id}/residents", response={200: list[StayOut], **ERRORS}, operation_id="shelters_residents"
)
def shelters_residents(request: HttpRequest, shelter_id: int) -> list[dict[str, object]]:
    user = api_user(request)
    shelter = _shelter(user, shelter_id, ShelterAction.RESIDENTS)
    return [_stay_out(stay) for stay in selectors.residents(shelter)[:500]]


@router.post("/shelters/{shelter_id}/admissions", response={201: StayOut, **ERRORS}, operation_id="shelters_admit")
def shelters_admit(request: HttpRequest, shelter_id: int, payload: AdmissionIn) -> Status:
    """Admit from a referral to this shelter (its id), or a case of the shelter's own (its reference)."""
    user = api_user(request)
    shelter = _shelter(user, shelter_id, ShelterAction.ADMIT)
    if payload.referral_id is not None:
        referral = referral_get_for_user(user, payload.referral_id)
        if referral.recipient_id != shelter.pk:
            raise ValidationError({"referral_id": "This referral was not sent to this shelter."})
        return Status(201, _stay_out(services.admit_from_referral(actor=user, referral=referral)))
    elif payload.case_reference:
        case = case_selectors.case_get_for_user(user, payload.case_reference, CaseAction.UPDATE)
    else:
        raise ValidationError({"referral_id": "Name the referral (or a case of the shelter's own)."})
    stay = services.admit(actor=user, case=case, shelter=shelter, referral_id=None)
    return Status(201, _stay_out(stay))


@router.post("/stays/{stay_id}/quarantine-steps", response={201: StayOut, **ERRORS}, operation_id="stays_step")
def stays_step(request: HttpRequest, stay_id: int, payload: StepIn) -> Status:
    user = api_user(request)
    stay = _stay(user, stay_id)
    services.quarantine_step(actor=user, stay=stay, kind=payload.kind, result=payload.result)
    return Status(201, _stay_out(stay))


@router.post("/stays/{stay_id}/move", response={200: StayOut, **ERRORS}, operation_id="stays_move")
def stays_move(request: HttpRequest, stay_id: int) -> dict[str, object]:
    user = api_user(request)
    return _stay_out(services.move_to_regular(actor=user, stay=_stay(user, stay_id)))


@router.post("/stays/{stay_id}/discharge", response={200: StayOut, **ERRORS}, operation_id="stays_discharge")
def stays_discharge(request: HttpRequest, stay_id: int, payload: DischargeIn) -> dict[str, object]:
    user = api_user(request)
    return _stay_out(services.discharge(actor=user, stay=_stay(user, stay_id), destination=payload.destination))


@router.post(
    "/stays/{stay_id}/repatriations", response={201: RepatriationOut, **ERRORS}, operation_id="stays_repatriation"
)
def stays_repatriation(request: HttpRequest, stay_id: int, payload: RepatriationIn) -> Status:
    user = api_user(request)
    repatriation = services.repatriation_plan(actor=user, stay=_stay(user, stay_id), **payload.dict())
    return Status(201, repatriation)


@router.get("/shelters/waiting-list", response={200: list[WaitOut], **ERRORS}, operation_id="shelters_waiting")
def shelters_waiting(request: HttpRequest, region: str = "") -> list[dict[str, object]]:
    user = api_user(request)
    if not can(user, ShelterAction.BOARD):
        raise PermissionDenied("not allowed")
    return [
        {"reference": e.case.reference, "region": e.region, "restriction": e.restriction, "since": e.since}
        for e in selectors.waiting_list(region=region[:100])[:500]
    ]


@router.post("/shelters/waiting-list", response={201: WaitOut, **ERRORS}, operation_id="shelters_wait")
def shelters_wait(request: HttpRequest, payload: WaitIn) -> Status:
    user = api_user(request)
    case = case_selectors.case_get_for_user(user, payload.case_reference, CaseAction.UPDATE)
    entry = services.wait_for_bed(actor=user, case=case, region=payload.region, restriction=payload.restriction)
    return Status(
        201,
        {"reference": case.reference, "region": entry.region, "restriction": entry.restriction, "since": entry.since},
    )


@router.get("/shelters/indicators", response={200: IndicatorsOut, **ERRORS}, operation_id="shelters_indicators")
def shelters_indicators(request: HttpRequest) -> dict[str, object]:
    user = api_user(request)
    if not can(user, CaseAction.STATISTICS):
        raise PermissionDenied("not allowed")
    today = timezone.localdate()
    waiting = selectors.waiting_for_repatriation(on=today)
    return {
        "occupancy_rate": selectors.occupancy_rate(),
        "median_length_of_stay_days": selectors.median_length_of_stay(
            discharged_from=today - timedelta(days=90), discharged_to=today
        ),
        "waiting_for_repatriation": waiting["people"],
        "waiting_median_days": waiting["median_days"],
        "waiting_longest_days": waiting["longest_days"],
    }
