"""Crisis mode's API: crises, measures, the minimum package."""

from datetime import date

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from lantern.core.api import ERRORS, api_user
from lantern.crisis import selectors, services
from lantern.crisis.models import CrisisEvent, Measure
from lantern.crisis.permissions import CrisisAction

router = Router(tags=["crisis"])


class MeasureOut(Schema):
    id: int
    crisis_id: int
    kind: str
    regions: list[str]
    starts_on: date
    ends_on: date | None
    note: str


class CrisisOut(Schema):
    id: int
    name: str
    kind: str
    country: str
    regions: list[str]
    starts_on: date
    ends_on: date | None
    quarantine_days: int
    measures: list[MeasureOut]


class CrisisIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(max_length=20)
    country: str = Field(min_length=2, max_length=2)
    regions: list[str] = Field(default_factory=list, max_length=50)
    starts_on: date
    ends_on: date | None = None
    quarantine_days: int = Field(default=0, ge=0, le=60, description="days in a shelter's quarantine wing (0: none)")


class MeasureIn(Schema):
    kind: str = Field(max_length=24)
    regions: list[str] = Field(default_factory=list, max_length=50)
    starts_on: date
    ends_on: date | None = None
    note: str = Field(default="", max_length=300)


class EndIn(Schema):
    ends_on: date | None = None


class PackageItemIn(Schema):
    service_type: str = Field(max_length=40)
    deadline_days: int = Field(ge=0, le=365)
    active: bool = True


class PackageItemOut(Schema):
    service_type: str
    deadline_days: int
    active: bool


def _crisis_out(crisis: CrisisEvent) -> dict[str, object]:
    return {
        **{
            f: getattr(crisis, f)
            for f in ("id", "name", "kind", "country", "regions", "starts_on", "ends_on", "quarantine_days")
        },
        "measures": list(crisis.measures.all()),
    }


@router.get("/crises", response={200: list[CrisisOut], **ERRORS}, operation_id="crises_list")
def crises_list(request: HttpRequest, active: bool = False) -> list[dict[str, object]]:
    api_user(request, CrisisAction.VIEW)
    crises = selectors.active_crises() if active else CrisisEvent.objects.order_by("-starts_on")
    return [_crisis_out(c) for c in crises.prefetch_related("measures")[:200]]


@router.post("/crises", response={201: CrisisOut, **ERRORS}, operation_id="crises_declare")
def crises_declare(request: HttpRequest, payload: CrisisIn) -> Status:
    crisis = services.crisis_declare(actor=api_user(request, CrisisAction.VIEW), **payload.dict())
    return Status(201, _crisis_out(crisis))


def _crisis(crisis_id: int) -> CrisisEvent:
    crisis = CrisisEvent.objects.filter(pk=crisis_id).first()
    if crisis is None:
        raise Http404("no such crisis")
    return crisis


@router.post("/crises/{crisis_id}/end", response={200: CrisisOut, **ERRORS}, operation_id="crises_end")
def crises_end(request: HttpRequest, crisis_id: int, payload: EndIn) -> dict[str, object]:
    user = api_user(request, CrisisAction.VIEW)
    return _crisis_out(services.crisis_end(actor=user, crisis=_crisis(crisis_id), ends_on=payload.ends_on))


@router.post("/crises/{crisis_id}/measures", response={201: MeasureOut, **ERRORS}, operation_id="measures_add")
def measures_add(request: HttpRequest, crisis_id: int, payload: MeasureIn) -> Status:
    user = api_user(request, CrisisAction.VIEW)
    return Status(201, services.measure_add(actor=user, crisis=_crisis(crisis_id), **payload.dict()))


@router.post("/measures/{measure_id}/end", response={200: MeasureOut, **ERRORS}, operation_id="measures_end")
def measures_end(request: HttpRequest, measure_id: int, payload: EndIn) -> Measure:
    user = api_user(request, CrisisAction.VIEW)
    measure = Measure.objects.filter(pk=measure_id).first()
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
