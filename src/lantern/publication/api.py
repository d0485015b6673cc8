"""The publication API: protected tables (k threshold or differential privacy), the privacy budget per dataset, and
the k-anonymous CTDC file. Analysts and the national coordinator; everything returned is aggregated or
de-identified."""

from __future__ import annotations

import base64
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status
from ninja.pagination import paginate

from lantern.core.api import ERRORS, api_user
from lantern.core.pagination import Pagination
from lantern.publication import selectors
from lantern.publication.crosstab import TableError, read_csv
from lantern.publication.models import LANTERN_DATASET, LANTERN_DATASET_LABEL, PublicationRelease
from lantern.publication.permissions import PublicationAction
from lantern.publication.schemas import (
    BudgetOut,
    PolicyIn,
    PolicyOut,
    PublicationIn,
    ReleaseDetailOut,
    ReleaseOut,
)
from lantern.publication.services import (
    MAX_PUBLISHED_CELLS,
    MAX_UPLOAD,
    budget_spent,
    ctdc_k_export,
    dataset_key_for_file,
    lantern_records,
    minimum_k,
    minimum_k_set,
    publish,
)

router = Router(tags=["insights"])


def _release_out(
    release: PublicationRelease, *, detail: bool = False, spent: dict[int, float] | None = None
) -> dict[str, Any]:
    spent = {} if spent is None else spent
    if release.dataset_id not in spent:
        spent[release.dataset_id] = budget_spent(release.dataset)
    out: dict[str, Any] = {
        "id": release.pk,
        "dataset": release.dataset.key,
        "dataset_label": release.dataset.label,
        "mode": release.mode,
        "k": release.k,
        "epsilon": release.epsilon,
        "dimensions": release.dimensions,
        "records": release.records,
        "cells": release.cells,
        "suppressed": release.suppressed,
        "created_at": release.created_at,
        "budget": release.dataset.budget,
        "budget_spent": spent[release.dataset_id],
    }
    if detail:
        out |= {"table_csv": release.table_csv, "note": release.note, "chart": release.chart_data}
    return out


@router.get(
    "/insights/publication/budgets", response={200: list[BudgetOut], **ERRORS}, operation_id="publication_budgets"
)
def publication_budgets(request: HttpRequest) -> list[dict[str, Any]]:
    """The privacy budget of every dataset: total, spent by its releases, left."""
    rows = selectors.budgets(api_user(request, PublicationAction.PUBLISH))
    return [
        {"key": b.key, "label": b.label, "budget": b.budget, "spent": b.spent, "left": b.left, "releases": b.releases}
        for b in rows
    ]


@router.post(
    "/insights/publication/releases",
    response={201: ReleaseDetailOut, **ERRORS},
    operation_id="publication_create",
)
def publication_create(request: HttpRequest, payload: PublicationIn) -> Status:
    """Publish a table: counts by `by`, protected by small-cell suppression (`k`) or differential privacy
    (`epsilon`, spent from the dataset's budget; refused with 422 past it)."""
    from django.core.exceptions import ValidationError

    user = api_user(request, PublicationAction.PUBLISH)
    by = [name.strip()[:100] for name in payload.by]
    try:
        if payload.source == "lantern":
            records = lantern_records(by)
            key, label, source = (
                LANTERN_DATASET,
                LANTERN_DATASET_LABEL,
                "Lantern's cases consented to statistics",
            )
        else:
            try:
                content = base64.b64decode(payload.csv_base64, validate=True)
            except ValueError:
                raise ValidationError({"csv_base64": "not base64"}) from None
            if not content or len(content) > MAX_UPLOAD:
                raise ValidationError({"csv_base64": "a CSV file of 1 byte to 20 MB is needed"})
            records = read_csv(content, by)
            key, label = dataset_key_for_file(content, payload.dataset)
            source = "an uploaded file"
    except TableError as exc:
        field = "by" if "column" in str(exc) else ("source" if payload.source == "lantern" else "csv_base64")
        raise ValidationError({field: str(exc)}) from None
    release = publish(
        actor=user,
        dataset_key=key,
        dataset_label=label,
        records=records,
        by=by,
        k=payload.k,
        epsilon=payload.epsilon,
        source=source,
        max_cells=MAX_PUBLISHED_CELLS,
    )
    return Status(201, _release_out(release, detail=True))


@router.get(
    "/insights/publication/releases", response={200: list[ReleaseOut], **ERRORS}, operation_id="publication_releases"
)
@paginate(Pagination)
def publication_releases(request: HttpRequest) -> list[dict[str, Any]]:
    releases = selectors.releases_visible_to(api_user(request, PublicationAction.PUBLISH))
    spent: dict[int, float] = {}
    return [_release_out(r, spent=spent) for r in releases[:1000]]


@router.get(
    "/insights/publication/releases/{release_id}",
    response={200: ReleaseDetailOut, **ERRORS},
    operation_id="publication_get",
)
def publication_get(request: HttpRequest, release_id: int) -> dict[str, Any]:
    release = selectors.release_get_for_user(api_user(request, PublicationAction.PUBLISH), release_id)
    return _release_out(release, detail=True)


@router.get(
    "/insights/publication/ctdc",
    response={200: str, **ERRORS},
    operation_id="publication_ctdc",
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def publication_ctdc(request: HttpRequest) -> HttpResponse:
    """CTDC microdata of the cases consented to statistics, k-anonymous (k = 11) on its quasi-identifiers."""
    from lantern.publication.ctdc_k import ctdc_k_response

    return ctdc_k_response(ctdc_k_export(actor=api_user(request, PublicationAction.CTDC_EXPORT)))


@router.get("/insights/publication/policy", response={200: PolicyOut, **ERRORS}, operation_id="publication_policy")
def publication_policy(request: HttpRequest) -> dict[str, Any]:
    api_user(request, PublicationAction.PUBLISH)
    policy = selectors.policy_get()
    return {"minimum_k": minimum_k(), "updated_at": policy.updated_at if policy else None}


@router.put("/insights/publication/policy", response={200: PolicyOut, **ERRORS}, operation_id="publication_policy_set")
def publication_policy_set(request: HttpRequest, payload: PolicyIn) -> dict[str, Any]:
    policy = minimum_k_set(actor=api_user(request, PublicationAction.POLICY), minimum=payload.minimum_k)
    return {"minimum_k": policy.minimum_k, "updated_at": policy.updated_at}
