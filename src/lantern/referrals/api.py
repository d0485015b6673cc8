"""The referral API: send, answer, follow, and the minimum package."""

from datetime import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate

from lantern.cases import selectors as case_selectors
from lantern.cases.permissions import CaseAction
from lantern.cases.schemas import REFERENCE_PATTERN
from lantern.core.api import ERRORS, api_user
from lantern.core.models import Organisation, User
from lantern.core.pagination import CappedPagination, Pagination
from lantern.providers.models import Offering
from lantern.referrals import selectors, services
from lantern.referrals.models import PUBLIC_ID_PATTERN, Referral

router = Router(tags=["referrals"])
# A referral's random public id (referrals.models.new_public_id): anything else is a 422 before any lookup.
ReferralId = Annotated[str, Path(pattern=PUBLIC_ID_PATTERN)]


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


class ReferralOut(Schema):
    """What both sides see: the minimum about the person, and the referral itself."""

    id: str = Field(description="the referral's random public id")
    reference: str
    service_type: str
    needs: list[str]
    language: str
    interpreter_needed: bool
    contact_route: str
    urgency: str
    status: str
    respond_by: datetime
    created_at: datetime


class DeclineIn(Schema):
    reason: str = Field(min_length=1, max_length=300)


class CompleteIn(Schema):
    delivery_mode: str = Field(max_length=12)
    outcome: str = Field(max_length=16)


class MissingOut(Schema):
    reference: str
    identified_on: str
    missing: list[str]


def _out(referral: Referral) -> object:
    return selectors.for_recipient(referral)


@router.get("/referrals", response={200: list[ReferralOut], **ERRORS}, operation_id="referrals_list")
@paginate(Pagination)
def referrals_list(request: HttpRequest, box: str = "inbox", status: str = "") -> list[object]:
    user = api_user(request)
    if box not in ("inbox", "sent"):
        raise ValidationError({"box": "inbox or sent"})
    referrals = selectors.inbox(user, status=status) if box == "inbox" else selectors.sent(user)
    return [_out(r) for r in referrals.select_related("case__person")[:1000]]


@router.post("/referrals", response={201: ReferralOut, **ERRORS}, operation_id="referrals_create")
def referrals_create(request: HttpRequest, payload: ReferralIn) -> Status:
    user = api_user(request)
    case = case_selectors.case_get_for_user(user, payload.case_reference, CaseAction.UPDATE)
    recipient = Organisation.objects.filter(pk=payload.recipient_id).first()
    if recipient is None:
        raise ValidationError({"recipient_id": "No such organisation."})
    offering = None
    if payload.offering_id is not None:
        offering = Offering.objects.filter(pk=payload.offering_id).first()
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
    return Status(201, _out(referral))


@router.get("/referrals/{referral_id}", response={200: ReferralOut, **ERRORS}, operation_id="referrals_get")
def referrals_get(request: HttpRequest, referral_id: ReferralId) -> object:
    return _out(selectors.referral_get_for_user(api_user(request), referral_id))


def _answer(request: HttpRequest, referral_id: ReferralId) -> tuple[User, Referral]:
    user = api_user(request)
    return user, selectors.referral_get_for_user(user, referral_id)


@router.post("/referrals/{referral_id}/accept", response={200: ReferralOut, **ERRORS}, operation_id="referrals_accept")
def referrals_accept(request: HttpRequest, referral_id: ReferralId) -> object:
    user, referral = _answer(request, referral_id)
    return _out(services.referral_accept(actor=user, referral=referral))


@router.post(
    "/referrals/{referral_id}/decline", response={200: ReferralOut, **ERRORS}, operation_id="referrals_decline"
)
def referrals_decline(request: HttpRequest, referral_id: ReferralId, payload: DeclineIn) -> object:
    user, referral = _answer(request, referral_id)
    return _out(services.referral_decline(actor=user, referral=referral, reason=payload.reason))


@router.post("/referrals/{referral_id}/start", response={200: ReferralOut, **ERRORS}, operation_id="referrals_start")
def referrals_start(request: HttpRequest, referral_id: ReferralId) -> object:
    user, referral = _answer(request, referral_id)
    return _out(services.referral_start(actor=user, referral=referral))


@router.post(
    "/referrals/{referral_id}/complete", response={200: ReferralOut, **ERRORS}, operation_id="referrals_complete"
)
def referrals_complete(request: HttpRequest, referral_id: ReferralId, payload: CompleteIn) -> object:
    user, referral = _answer(request, referral_id)
    return _out(services.referral_complete(actor=user, referral=referral, **payload.dict()))


@router.post("/referrals/{referral_id}/cancel", response={200: ReferralOut, **ERRORS}, operation_id="referrals_cancel")
def referrals_cancel(request: HttpRequest, referral_id: ReferralId) -> object:
    user, referral = _answer(request, referral_id)
    return _out(services.referral_cancel(actor=user, referral=referral))


@router.get("/minimum-package/missing", response={200: list[MissingOut], **ERRORS}, operation_id="package_missing")
@paginate(CappedPagination)
def package_missing(request: HttpRequest) -> list[dict[str, object]]:
    """Open cases not yet offered every service of the minimum package within its deadline (references only)."""
    user = api_user(request)
    if not selectors.package_visible(user):
        raise PermissionDenied("not allowed")
    cases, due_before = selectors.cases_missing_package(user)
    return [
        {
            "reference": c.reference,
            "identified_on": c.identified_on.isoformat(),
            "missing": selectors.missing_services(c, due_before),
        }
        for c in cases[:500]
    ]
