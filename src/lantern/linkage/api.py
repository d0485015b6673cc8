"""The linkage API, for the national coordinator: encodings received (counts only), upload, run, the estimate."""

from __future__ import annotations

import base64
import binascii

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from lantern.core.api import ERRORS, api_user
from lantern.core.pagination import Pagination
from lantern.core.selectors import organisation_get
from lantern.linkage import selectors, services
from lantern.linkage.models import LinkageRun
from lantern.linkage.permissions import LinkageAction
from lantern.linkage.schemas import EncodingSetIn, EncodingSetOut, EstimateOut, RunIn

router = Router(tags=["linkage"])


@router.get("/linkage/encodings", response={200: list[EncodingSetOut], **ERRORS}, operation_id="linkage_encodings")
@paginate(Pagination)
def encodings(request: HttpRequest) -> object:
    user = api_user(request, LinkageAction.VIEW)
    return selectors.encoding_sets_visible_to(user).order_by("-uploaded_at", "-pk")


@router.post("/linkage/encodings", response={201: EncodingSetOut, **ERRORS}, operation_id="linkage_encodings_upload")
def encodings_upload(request: HttpRequest, payload: EncodingSetIn) -> Status:
    user = api_user(request, LinkageAction.MANAGE)
    organisation = organisation_get(payload.organisation_id)
    if organisation is None:
        raise ValidationError({"organisation_id": "no such organisation"})
    try:
        text = base64.b64decode(payload.encodings_base64, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise ValidationError({"encodings_base64": "not base64 of a text file"}) from None
    return Status(201, services.encodings_upload(actor=user, organisation=organisation, text=text))


@router.post("/linkage/runs", response={201: EstimateOut, **ERRORS}, operation_id="linkage_run")
def run(request: HttpRequest, payload: RunIn) -> Status:
    user = api_user(request, LinkageAction.MANAGE)
    return Status(201, services.linkage_run(actor=user, threshold=payload.threshold))


@router.get("/linkage/estimate", response={200: EstimateOut, **ERRORS}, operation_id="linkage_estimate")
def estimate(request: HttpRequest) -> LinkageRun:
    user = api_user(request, LinkageAction.VIEW)
    latest = selectors.latest_run(user)
    if latest is None:
        raise Http404("no linkage run yet")
    return latest
