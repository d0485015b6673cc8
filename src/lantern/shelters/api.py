"""The shelter API: the capacity board, rooms, admissions, quarantine steps, moves, discharges, repatriations,
the waiting list and indicators."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from lantern.cases import selectors as case_selectors
from lantern.cases.permissions import CaseAction
from lantern.core.api import ERRORS, api_user
from lantern.core.models import Organisation, OrganisationType, User
from lantern.core.pagination import Pagination
from lantern.core.permissions import can
from lantern.core.selectors import organisation_get
from lantern.referrals.selectors import referral_get_for_user
from lantern.shelters import selectors, services
from lantern.shelters.models import Stay, WaitingEntry
from lantern.shelters.permissions import ShelterAction
from lantern.shelters.schemas import (
    AdmissionIn,
    BoardRow,
    DischargeIn,
    IndicatorsOut,
    RepatriationIn,
    RepatriationOut,
    RoomIn,
    RoomOut,
    StayOut,
    StepIn,
    WaitCountOut,
    WaitIn,
    WaitOut,
)

router = Router(tags=["shelters"])


def _shelter(user: User, shelter_id: int, action: str) -> Organisation:
    shelter = organisation_get(shelter_id, type=OrganisationType.SHELTER)
    if shelter is None:
        raise Http404("no such shelter")
    if not can(user, action, shelter):
        raise PermissionDenied("not allowed")
    return shelter


def _stay(user: User, stay_id: int) -> Stay:
    stay = selectors.stay_get(stay_id)
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
@paginate(Pagination)
def shelters_residents(request: HttpRequest, shelter_id: int) -> QuerySet[Stay]:
    user = api_user(request)
    return selectors.residents(_shelter(user, shelter_id, ShelterAction.RESIDENTS))


@router.post("/shelters/{shelter_id}/admissions", response={201: StayOut, **ERRORS}, operation_id="shelters_admit")
def shelters_admit(request: HttpRequest, shelter_id: int, payload: AdmissionIn) -> Status:
    """Admit from a referral to this shelter (its id), or a case of the shelter's own (its reference)."""
    user = api_user(request)
    shelter = _shelter(user, shelter_id, ShelterAction.ADMIT)
    room = None
    if payload.room_id is not None:
        room = selectors.room_of(shelter, payload.room_id)
        if room is None:
            raise ValidationError({"room_id": "This shelter has no such room."})
    if payload.referral_id is not None:
        referral = referral_get_for_user(user, payload.referral_id)
        if referral.recipient_id != shelter.pk:
            raise ValidationError({"referral_id": "This referral was not sent to this shelter."})
        return Status(201, services.admit_from_referral(actor=user, referral=referral, room=room))
    elif payload.case_reference:
        case = case_selectors.case_get_for_user(user, payload.case_reference, CaseAction.UPDATE)
    else:
        raise ValidationError({"referral_id": "Name the referral (or a case of the shelter's own)."})
    stay = services.admit(actor=user, case=case, shelter=shelter, referral_id=None, room=room)
    return Status(201, stay)


@router.post("/stays/{stay_id}/quarantine-steps", response={201: StayOut, **ERRORS}, operation_id="stays_step")
def stays_step(request: HttpRequest, stay_id: int, payload: StepIn) -> Status:
    user = api_user(request)
    stay = _stay(user, stay_id)
    services.quarantine_step(actor=user, stay=stay, kind=payload.kind, result=payload.result)
    return Status(201, stay)


@router.post("/stays/{stay_id}/move", response={200: StayOut, **ERRORS}, operation_id="stays_move")
def stays_move(request: HttpRequest, stay_id: int) -> Stay:
    user = api_user(request)
    return services.move_to_regular(actor=user, stay=_stay(user, stay_id))


@router.post("/stays/{stay_id}/discharge", response={200: StayOut, **ERRORS}, operation_id="stays_discharge")
def stays_discharge(request: HttpRequest, stay_id: int, payload: DischargeIn) -> Stay:
    user = api_user(request)
    return services.discharge(actor=user, stay=_stay(user, stay_id), **payload.dict())


@router.post(
    "/stays/{stay_id}/repatriations", response={201: RepatriationOut, **ERRORS}, operation_id="stays_repatriation"
)
def stays_repatriation(request: HttpRequest, stay_id: int, payload: RepatriationIn) -> Status:
    user = api_user(request)
    repatriation = services.repatriation_plan(actor=user, stay=_stay(user, stay_id), **payload.dict())
    return Status(201, repatriation)


@router.get("/shelters/waiting-list", response={200: list[WaitOut], **ERRORS}, operation_id="shelters_waiting")
@paginate(Pagination)
def shelters_waiting(request: HttpRequest, region: str = "") -> QuerySet[WaitingEntry]:
    """The people waiting for a bed whose case the user may view (`/waiting-list/counts` counts everyone)."""
    user = api_user(request)
    if not can(user, ShelterAction.BOARD):
        raise PermissionDenied("not allowed")
    return selectors.waiting_list_for_user(user, region=region[:100])


@router.get(
    "/shelters/waiting-list/counts",
    response={200: list[WaitCountOut], **ERRORS},
    operation_id="shelters_waiting_counts",
)
def shelters_waiting_counts(request: HttpRequest, region: str = "") -> list[dict[str, object]]:
    """How many people wait for a bed per region and restriction, every organisation's cases counted."""
    user = api_user(request)
    if not can(user, ShelterAction.BOARD):
        raise PermissionDenied("not allowed")
    return selectors.waiting_counts(region=region[:100])


@router.post("/shelters/waiting-list", response={201: WaitOut, **ERRORS}, operation_id="shelters_wait")
def shelters_wait(request: HttpRequest, payload: WaitIn) -> Status:
    user = api_user(request)
    case = case_selectors.case_get_for_user(user, payload.case_reference, CaseAction.UPDATE)
    entry = services.wait_for_bed(actor=user, case=case, region=payload.region, restriction=payload.restriction)
    return Status(201, entry)


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
