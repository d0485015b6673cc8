"""The referral API: send, answer, follow, and the minimum package."""

from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Path, Router, Status
from ninja.pagination import paginate

from lantern.cases import selectors as case_selectors
from lantern.cases.codes import CONTACT_ROUTES
from lantern.cases.models import Case
from lantern.cases.permissions import CaseAction
from lantern.core.api import ERRORS, api_user
from lantern.core.models import User
from lantern.core.pagination import CappedPagination, Pagination
from lantern.core.selectors import organisation_get
from lantern.providers.selectors import offering_get
from lantern.referrals import selectors, services
from lantern.referrals.models import PUBLIC_ID_PATTERN, Referral
from lantern.referrals.schemas import CompleteIn, DeclineIn, MissingOut, ReferralDetailOut, ReferralIn, ReferralOut

router = Router(tags=["referrals"])
# A referral's random public id (referrals.models.new_public_id): anything else is a 422 before any lookup.
ReferralId = Annotated[str, Path(pattern=PUBLIC_ID_PATTERN)]


@router.get("/referrals", response={200: list[ReferralOut], **ERRORS}, operation_id="referrals_list")
@paginate(Pagination)
def referrals_list(request: HttpRequest, box: str = "inbox", status: str = "") -> QuerySet[Referral]:
    user = api_user(request)
    if box not in ("inbox", "sent"):
        raise ValidationError({"box": "inbox or sent"})
    referrals = selectors.inbox(user, status=status) if box == "inbox" else selectors.sent(user)
    return referrals.select_related("case__person", "sender", "created_by")


@router.post("/referrals", response={201: ReferralOut, **ERRORS}, operation_id="referrals_create")
def referrals_create(request: HttpRequest, payload: ReferralIn) -> Status:
    user = api_user(request)
    case = case_selectors.case_get_for_user(user, payload.case_reference, CaseAction.UPDATE)
    recipient = organisation_get(payload.recipient_id)
    if recipient is None:
        raise ValidationError({"recipient_id": "No such organisation."})
    offering = None
    if payload.offering_id is not None:
        offering = offering_get(payload.offering_id)
        if offering is None:
            raise ValidationError({"offering_id": "No such offer."})
    referral = services.referral_create(
        actor=user,
        case=case,
        recipient=recipient,
        service_type=payload.service_type,
        urgency=payload.urgency,
        offering=offering,
        idempotency_key=payload.idempotency_key,
    )
    return Status(201, referral)


@router.get("/referrals/{referral_id}", response={200: ReferralDetailOut, **ERRORS}, operation_id="referrals_get")
def referrals_get(request: HttpRequest, referral_id: ReferralId) -> Referral:
    """One referral. The receiving organisation also gets how to reach the person: the detail once it has accepted
    and only on the channel the person consented to (that read is in the audit trail)."""
    user = api_user(request)
    referral = selectors.referral_get_for_user(user, referral_id)
    contact: dict[str, str] | None = None
    if selectors.answers_for(user, referral):
        shown = selectors.contact_for_recipient(referral)
        if shown.field:
            services.referral_contact_read(actor=user, referral=referral, fields=[shown.field])
        contact = {"route": shown.route, "route_label": str(CONTACT_ROUTES.get(shown.route, "")), "value": shown.value}
    between = contact is not None or selectors.sees_whole_case(user, referral)  # the two organisations
    # Read by ReferralDetailOut's resolvers: what this user may see beyond the referral itself.
    referral.contact_shown = contact  # type: ignore[attr-defined]
    referral.decline_reason_shown = referral.decline_reason if between else ""  # type: ignore[attr-defined]
    return referral


def _answer(request: HttpRequest, referral_id: ReferralId) -> tuple[User, Referral]:
    user = api_user(request)
    return user, selectors.referral_get_for_user(user, referral_id)


@router.post("/referrals/{referral_id}/accept", response={200: ReferralOut, **ERRORS}, operation_id="referrals_accept")
def referrals_accept(request: HttpRequest, referral_id: ReferralId) -> Referral:
    user, referral = _answer(request, referral_id)
    return services.referral_accept(actor=user, referral=referral)


@router.post(
    "/referrals/{referral_id}/decline", response={200: ReferralOut, **ERRORS}, operation_id="referrals_decline"
)
def referrals_decline(request: HttpRequest, referral_id: ReferralId, payload: DeclineIn) -> Referral:
    user, referral = _answer(request, referral_id)
    return services.referral_decline(
        actor=user, referral=referral, reason_code=payload.reason_code, reason=payload.reason
    )


@router.post("/referrals/{referral_id}/start", response={200: ReferralOut, **ERRORS}, operation_id="referrals_start")
def referrals_start(request: HttpRequest, referral_id: ReferralId) -> Referral:
    user, referral = _answer(request, referral_id)
    return services.referral_start(actor=user, referral=referral)


@router.post(
    "/referrals/{referral_id}/complete", response={200: ReferralOut, **ERRORS}, operation_id="referrals_complete"
)
def referrals_complete(request: HttpRequest, referral_id: ReferralId, payload: CompleteIn) -> Referral:
    user, referral = _answer(request, referral_id)
    return services.referral_complete(actor=user, referral=referral, **payload.dict())


@router.post("/referrals/{referral_id}/cancel", response={200: ReferralOut, **ERRORS}, operation_id="referrals_cancel")
def referrals_cancel(request: HttpRequest, referral_id: ReferralId) -> Referral:
    user, referral = _answer(request, referral_id)
    return services.referral_cancel(actor=user, referral=referral)


@router.get("/minimum-package/missing", response={200: list[MissingOut], **ERRORS}, operation_id="package_missing")
@paginate(CappedPagination)
def package_missing(request: HttpRequest) -> QuerySet[Case]:
    """Open cases not yet offered every service of the minimum package within its deadline (references only)."""
    user = api_user(request)
    if not selectors.package_visible(user):
        raise PermissionDenied("not allowed")
    return selectors.package_missing_list(user)[0]
