"""The provider directory's API: offers, operating status, routing."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from lantern.cases.codes import SERVICE_TYPES
from lantern.core.api import ERRORS, api_user
from lantern.core.models import Organisation
from lantern.core.pagination import Pagination
from lantern.core.selectors import organisation_get
from lantern.providers import selectors, services
from lantern.providers.capacity import BedNeed, room_kinds
from lantern.providers.models import Offering, ProviderState
from lantern.providers.permissions import ProviderAction
from lantern.providers.schemas import (
    CandidateOut,
    OfferingIn,
    OfferingOut,
    OfferingTranslationIn,
    ReviewIn,
    ReviewOut,
    StatusIn,
    StatusOut,
)

router = Router(tags=["providers"])


def _organisation(organisation_id: int) -> Organisation:
    organisation = organisation_get(organisation_id)
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
    offering = selectors.offering_get(offering_id)
    if offering is None:
        raise Http404("no such offering")
    return services.offering_save(actor=user, organisation=offering.organisation, offering=offering, **payload.dict())


@router.put(
    "/offerings/{offering_id}/translation",
    response={200: OfferingOut, **ERRORS},
    operation_id="offerings_translation_set",
)
def offerings_translation_set(request: HttpRequest, offering_id: int, payload: OfferingTranslationIn) -> Offering:
    """The entry's name, hours, contact and note in one language of the public portal (all empty: removed)."""
    user = api_user(request, ProviderAction.VIEW)
    offering = selectors.offering_get(offering_id)
    if offering is None:
        raise Http404("no such offering")
    texts = payload.dict(exclude={"language"})
    return services.offering_translation_set(actor=user, offering=offering, language=payload.language, texts=texts)


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
    request: HttpRequest,
    service_type: str,
    region: str,
    language: str = "",
    interpreter_needed: bool = False,
    restriction: str = "",
    accessible: bool = False,
) -> list[dict[str, object]]:
    """Providers that can take this need now, best first, each with the reasons for its place. Accommodation is
    ranked by the shelters' free beds (`restriction`: one kind of room, as the beds board filters; `accessible`:
    accessible rooms only), as the beds board counts them."""
    api_user(request, ProviderAction.VIEW)
    if service_type not in SERVICE_TYPES:
        raise ValidationError({"service_type": "Unknown service type."})
    if restriction and restriction not in room_kinds():
        raise ValidationError({"restriction": "Unknown kind of room."})
    candidates = selectors.route(
        service_type=service_type,
        region=region,
        language=language,
        interpreter_needed=interpreter_needed,
        beds_for=BedNeed(restriction=restriction, accessible=accessible),
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
            "free_beds": c.beds.regular if c.beds else None,
            "free_quarantine_beds": c.beds.quarantine if c.beds else None,
        }
        for c in candidates[:50]
    ]
