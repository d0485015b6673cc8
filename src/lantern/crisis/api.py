"""Crisis mode's API: crises, measures, the minimum package."""

from datetime import date

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from lantern.core.api import ERRORS, api_user
from lantern.core.pagination import Pagination
from lantern.crisis import selectors, services
from lantern.crisis.models import CrisisEvent, Measure
from lantern.crisis.permissions import CrisisAction
from lantern.crisis.schemas import (
    CrisisIn,
    CrisisOut,
    EndIn,
    MeasureIn,
    MeasureOut,
    PackageItemIn,
    PackageItemOut,
)

router = Router(tags=["crisis"])


@router.get("/crises", response={200: list[CrisisOut], **ERRORS}, operation_id="crises_list")
@paginate(Pagination)
def crises_list(request: HttpRequest, active: bool = False) -> QuerySet[CrisisEvent]:
    api_user(request, CrisisAction.VIEW)
    return selectors.crisis_list(active=active)


@router.post("/crises", response={201: CrisisOut, **ERRORS}, operation_id="crises_declare")
def crises_declare(request: HttpRequest, payload: CrisisIn) -> Status:
    crisis = services.crisis_declare(actor=api_user(request, CrisisAction.VIEW), **payload.dict())
    return Status(201, crisis)


def _crisis(crisis_id: int) -> CrisisEvent:
    crisis = selectors.crisis_get(crisis_id)
    if crisis is None:
        raise Http404("no such crisis")
    return crisis


@router.post("/crises/{crisis_id}/end", response={200: CrisisOut, **ERRORS}, operation_id="crises_end")
def crises_end(request: HttpRequest, crisis_id: int, payload: EndIn) -> CrisisEvent:
    user = api_user(request, CrisisAction.VIEW)
    return services.crisis_end(actor=user, crisis=_crisis(crisis_id), ends_on=payload.ends_on)


@router.post("/crises/{crisis_id}/measures", response={201: MeasureOut, **ERRORS}, operation_id="measures_add")
def measures_add(request: HttpRequest, crisis_id: int, payload: MeasureIn) -> Status:
    user = api_user(request, CrisisAction.VIEW)
    return Status(201, services.measure_add(actor=user, crisis=_crisis(crisis_id), **payload.dict()))


@router.post("/measures/{measure_id}/end", response={200: MeasureOut, **ERRORS}, operation_id="measures_end")
def measures_end(request: HttpRequest, measure_id: int, payload: EndIn) -> Measure:
    user = api_user(request, CrisisAction.VIEW)
    measure = selectors.measure_get(measure_id)
    if measure is None:
        raise Http404("no such measure")
    return services.measure_end(actor=user, measure=measure, ends_on=payload.ends_on)


@router.get("/measures/active", response={200: list[MeasureOut], **ERRORS}, operation_id="measures_active")
def measures_active(request: HttpRequest, region: str = "", on: date | None = None) -> list[Measure]:
    api_user(request, CrisisAction.VIEW)
    return selectors.active_measures(on=on, region=region)


@router.get("/minimum-package", response={200: list[PackageItemOut], **ERRORS}, operation_id="package_list")
def package_list(request: HttpRequest) -> object:
    api_user(request, CrisisAction.VIEW)
    return selectors.minimum_package()


@router.put("/minimum-package", response={200: PackageItemOut, **ERRORS}, operation_id="package_set")
def package_set(request: HttpRequest, payload: PackageItemIn) -> object:
    return services.package_item_set(actor=api_user(request, CrisisAction.VIEW), **payload.dict())
