"""The provider directory's API: offers, operating status, routing."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from lantern.cases.codes import SERVICE_TYPES
from lantern.core.api import ERRORS, api_user
from lantern.core.models import Organisation
from lantern.core.pagination import Pagination
from lantern.providers import selectors, services
from lantern.providers.models import Offering, ProviderState
from lantern.providers.permissions import ProviderAction

router = Router(tags=["providers"])


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


class OfferingOut(OfferingIn):
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


def _organisation(organisation_id: int) -> Organisation:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404("no such organisation")
    return organisation


@router.get("/offerings", response={200: list[OfferingOut], **ERRORS}, operation_id="offerings_list")
@paginate(Pagination)
def offerings_list(request: HttpRequest, service_type: str = "", region: str = "") -> object:
    api_user(request, ProviderAction.VIEW)
    return selectors.directory(service_type=service_type, region=region)


@router.post(
    "/organisations/{organisation_id}/offerings", response={201: OfferingOut, **ERRORS}, operation_id="offerings_create"
)
def offerings_create(request: HttpRequest, organisation_id: int, payload: OfferingIn) -> Status:
    user = api_user(request, ProviderAction.VIEW)
    organisation = _organisation(organisation_id)
    return Status(201, services.offering_save(actor=user, organisation=organisation, **payload.dict()))


@router.put("/offerings/{offering_id}", response={200: OfferingOut, **ERRORS}, operation_id="offerings_update")
def offerings_update(request: HttpRequest, offering_id: int, payload: OfferingIn) -> Offering:
    user = api_user(request, ProviderAction.VIEW)
    offering = Offering.objects.select_related("organisation").filter(pk=offering_id).first()
    if offering is None:
        raise Http404("no such offering")
    return services.offering_save(actor=user, organisation=offering.organisation, offering=offering, **payload.dict())


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


def _review_out(offering: Offering) -> dict[str, object]:
    return {
        "id": offering.pk,
        "organisation_id": offering.organisation_id,
        "service_type": offering.service_type,
        "submitted": offering.public_version(),
        "approved": offering.approved_public,
    }


@router.get("/directory/review", response={200: list[ReviewOut], **ERRORS}, operation_id="directory_review_list")
@paginate(Pagination)
def directory_review_list(request: HttpRequest) -> list[dict[str, object]]:
    """The national coordinator's review list: what providers want the public portal to show."""
    return [_review_out(o) for o in selectors.directory_to_review(api_user(request))]


@router.post(
    "/directory/review/{offering_id}", response={200: ReviewOut, **ERRORS}, operation_id="directory_review_decide"
)
def directory_review_decide(request: HttpRequest, offering_id: int, payload: ReviewIn) -> dict[str, object]:
    user = api_user(request, ProviderAction.REVIEW)
    offering = selectors.directory_entry_to_review(user, offering_id)
    return _review_out(
        services.offering_review(
            actor=user, offering=offering, approve=payload.decision == "approve", reason=payload.reason
        )
    )


@router.post(
    "/organisations/{organisation_id}/status", response={200: StatusOut, **ERRORS}, operation_id="provider_status_set"
)
def provider_status_set(request: HttpRequest, organisation_id: int, payload: StatusIn) -> ProviderState:
    user = api_user(request, ProviderAction.VIEW)
    return services.status_set(actor=user, organisation=_organisation(organisation_id), **payload.dict())


@router.get("/routing", response={200: list[CandidateOut], **ERRORS}, operation_id="routing")
def routing(
    request: HttpRequest, service_type: str, region: str, language: str = "", interpreter_needed: bool = False
) -> list[dict[str, object]]:
    """Providers that can take this need now, best first, each with the reasons for its place."""
    api_user(request, ProviderAction.VIEW)
    if service_type not in SERVICE_TYPES:
        raise ValidationError({"service_type": "Unknown service type."})
    candidates = selectors.route(
        service_type=service_type, region=region, language=language, interpreter_needed=interpreter_needed
    )
    return [
        {
            "offering_id": c.offering.pk,
            "organisation_id": c.offering.organisation_id,
            "organisation_name": c.offering.organisation.name,
            "score": c.score,
            "delivery_mode": c.delivery_mode,
            "capacity_left": c.capacity_left,
            "reasons": c.reasons,
        }
        for c in candidates[:50]
    ]
