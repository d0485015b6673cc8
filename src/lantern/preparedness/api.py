"""The preparedness API: the checklist, assessments and their items, submission, priorities, the plan of action,
the gap report as PDF, and the roles in a crisis with their acknowledgement."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Path, Router, Status
from ninja.pagination import paginate

from lantern.core.api import ERRORS, api_user
from lantern.core.models import Organisation
from lantern.core.pagination import Pagination
from lantern.core.problems import problem_response
from lantern.core.schemas import Problem
from lantern.core.selectors import organisation_get
from lantern.preparedness import evidence, pdf, selectors, services
from lantern.preparedness.models import Assessment, ItemAnswer, PlanAction
from lantern.preparedness.permissions import PreparednessAction
from lantern.preparedness.report import report_context
from lantern.preparedness.schemas import (
    MAX_ID,
    ActionIn,
    ActionOut,
    ActionUpdateIn,
    AssessmentDetailOut,
    AssessmentIn,
    AssessmentOut,
    ChecklistOut,
    ItemIn,
    ItemOut,
    PriorityOut,
    RoleOut,
)

router = Router(tags=["preparedness"])
AssessmentId = Path(..., ge=1, le=MAX_ID)


def _organisation(organisation_id: int, field: str) -> Organisation:
    organisation = organisation_get(organisation_id)
    if organisation is None:
        raise ValidationError({field: "no such organisation"})
    return organisation


def _assessment_out(assessment: Assessment) -> dict[str, Any]:
    return {
        "id": assessment.pk,
        "title": assessment.title,
        "country": assessment.country,
        "region": assessment.region,
        "assessed_on": assessment.assessed_on,
        "status": assessment.status,
        "checklist_version": assessment.checklist.version,
        "organisation_id": assessment.organisation_id,
        "contributor_ids": sorted(o.pk for o in assessment.contributors.all()),
        "submitted_at": assessment.submitted_at,
    }


def _item_out(answer: ItemAnswer) -> dict[str, Any]:
    figures = answer.lantern_figures or {}
    return {
        "id": answer.pk,
        "item_id": answer.item_id,
        "level": answer.level,
        "weight": answer.weight,
        "evidence": answer.evidence,
        "link": answer.link,
        "owner_id": answer.owner_id,
        "comment": answer.comment,
        "lantern_evidence": evidence.describe(figures["source"], figures) if figures else "",
        "lantern_figures": figures,
        "lantern_level": answer.lantern_level,
        "lantern_decision": answer.lantern_decision,
        "override_reason": answer.override_reason,
        "updated_at": answer.updated_at,
    }


def _action_out(action: PlanAction) -> dict[str, Any]:
    return {
        "id": action.pk,
        "assessment_id": action.assessment_id,
        "item_id": action.item_id,
        "title": action.title,
        "owner_id": action.owner_id,
        "due_on": action.due_on,
        "status": action.status,
        "overdue": action.overdue,
    }


@router.get("/preparedness/checklist", response={200: ChecklistOut, **ERRORS}, operation_id="preparedness_checklist")
def checklist_get(request: HttpRequest, country: str = "") -> dict[str, Any]:
    """The checklist a new assessment of the country would use (its adapted copy, else the built-in one)."""
    api_user(request, PreparednessAction.VIEW)
    version = services.checklist_current(country=country.strip().upper()[:2]) if country else None
    stored = version or services.checklist_current(country="")
    parsed = selectors.checklist_of(stored)
    return {
        "version": parsed.version,
        "country": stored.country,
        "levels": [{"level": n, **level} for n, level in sorted(parsed.levels.items())],
        "pillars": [{"id": p.id, "name": p.label} for p in parsed.pillars],
        "items": [
            {
                "id": i.id,
                "pillar": i.pillar,
                "weight": i.weight,
                "cites": i.cites,
                "title": i.label,
                "evidence": i.evidence,
                "lantern": i.lantern,
            }
            for i in parsed.items
        ],
        "at_risk_groups": parsed.at_risk_groups,
    }


@router.get(
    "/preparedness/assessments",
    response={200: list[AssessmentOut], **ERRORS},
    operation_id="preparedness_assessments_list",
)
@paginate(Pagination)
def assessments_list(request: HttpRequest) -> Any:
    user = api_user(request, PreparednessAction.VIEW)
    return [_assessment_out(a) for a in selectors.assessments_visible_to(user).prefetch_related("contributors")]


@router.post(
    "/preparedness/assessments",
    response={201: AssessmentOut, **ERRORS},
    operation_id="preparedness_assessments_open",
)
def assessments_open(request: HttpRequest, payload: AssessmentIn) -> Status:
    user = api_user(request, PreparednessAction.MANAGE)
    contributors = [_organisation(pk, "contributor_ids") for pk in dict.fromkeys(payload.contributor_ids)]
    assessment = services.assessment_open(
        actor=user,
        title=payload.title,
        country=payload.country,
        region=payload.region,
        assessed_on=payload.assessed_on,
        contributors=contributors,
    )
    return Status(201, _assessment_out(assessment))


@router.get(
    "/preparedness/assessments/{assessment_id}",
    response={200: AssessmentDetailOut, **ERRORS},
    operation_id="preparedness_assessments_get",
)
def assessments_get(request: HttpRequest, assessment_id: int = AssessmentId) -> dict[str, Any]:
    user = api_user(request)
    assessment = selectors.assessment_get_for_user(user, assessment_id)
    scores = selectors.scores(assessment)
    return _assessment_out(assessment) | {
        "overall": selectors.overall(scores),
        "pillars": [
            {"pillar": s.pillar.id, "name": s.pillar.label, "mean": s.mean, "reviewed": s.reviewed, "items": s.items}
            for s in scores
        ],
    }


@router.get(
    "/preparedness/assessments/{assessment_id}/items",
    response={200: list[ItemOut], **ERRORS},
    operation_id="preparedness_items_list",
)
def items_list(request: HttpRequest, assessment_id: int = AssessmentId) -> list[dict[str, Any]]:
    user = api_user(request)
    assessment = selectors.assessment_get_for_user(user, assessment_id)
    return [_item_out(a) for a in selectors.answers_of(assessment)]


@router.patch(
    "/preparedness/assessments/{assessment_id}/items/{answer_id}",
    response={200: ItemOut, **ERRORS},
    operation_id="preparedness_items_update",
)
def items_update(
    request: HttpRequest,
    payload: ItemIn,
    assessment_id: int = AssessmentId,
    answer_id: int = AssessmentId,
) -> dict[str, Any]:
    user = api_user(request)
    assessment = selectors.assessment_get_for_user(user, assessment_id)
    answer = selectors.answers_of(assessment).filter(pk=answer_id).first()
    if answer is None:
        raise Http404
    changes = payload.dict(exclude_unset=True)
    changes = {k: v for k, v in changes.items() if v is not None or k == "owner_id"}
    if "owner_id" in changes:
        owner_id = changes.pop("owner_id")
        changes["owner"] = _organisation(owner_id, "owner_id") if owner_id else None
    return _item_out(services.item_update(actor=user, answer=answer, **changes))


@router.post(
    "/preparedness/assessments/{assessment_id}/submit",
    response={200: AssessmentOut, **ERRORS},
    operation_id="preparedness_assessments_submit",
)
def assessments_submit(request: HttpRequest, assessment_id: int = AssessmentId) -> dict[str, Any]:
    user = api_user(request, PreparednessAction.MANAGE)
    assessment = selectors.assessment_get_for_user(user, assessment_id)
    return _assessment_out(services.assessment_submit(actor=user, assessment=assessment))


@router.get(
    "/preparedness/assessments/{assessment_id}/priorities",
    response={200: list[PriorityOut], **ERRORS},
    operation_id="preparedness_priorities",
)
def priorities(request: HttpRequest, assessment_id: int = AssessmentId) -> list[dict[str, Any]]:
    user = api_user(request)
    assessment = selectors.assessment_get_for_user(user, assessment_id)
    return [
        {
            "rank": rank,
            "item_id": p.item.id,
            "title": p.item.label,
            "level": p.answer.level,
            "weight": p.answer.weight,
            "gap": p.gap,
            "score": p.score,
        }
        for rank, p in enumerate(selectors.priorities(assessment), start=1)
    ]


@router.post(
    "/preparedness/assessments/{assessment_id}/actions",
    response={201: ActionOut, **ERRORS},
    operation_id="preparedness_actions_create",
)
def actions_create(request: HttpRequest, payload: ActionIn, assessment_id: int = AssessmentId) -> Status:
    user = api_user(request, PreparednessAction.MANAGE)
    assessment = selectors.assessment_get_for_user(user, assessment_id)
    action = services.action_create(
        actor=user,
        assessment=assessment,
        item_id=payload.item_id,
        title=payload.title,
        owner=_organisation(payload.owner_id, "owner_id"),
        due_on=payload.due_on,
    )
    return Status(201, _action_out(action))


@router.get(
    "/preparedness/actions", response={200: list[ActionOut], **ERRORS}, operation_id="preparedness_actions_list"
)
@paginate(Pagination)
def actions_list(request: HttpRequest) -> Any:
    user = api_user(request, PreparednessAction.ACTIONS_VIEW)
    return [_action_out(a) for a in selectors.actions_visible_to(user)]


@router.patch(
    "/preparedness/actions/{action_id}",
    response={200: ActionOut, **ERRORS},
    operation_id="preparedness_actions_update",
)
def actions_update(request: HttpRequest, payload: ActionUpdateIn, action_id: int = AssessmentId) -> dict[str, Any]:
    user = api_user(request)
    action = selectors.action_get_for_user(user, action_id)
    return _action_out(services.action_update(actor=user, action=action, status=payload.status, due_on=payload.due_on))


@router.get(
    "/preparedness/assessments/{assessment_id}/report",
    response={200: str, 503: Problem, **ERRORS},
    operation_id="preparedness_report",
    openapi_extra={
        "responses": {200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}
    },
)
def report_get(request: HttpRequest, assessment_id: int = AssessmentId) -> HttpResponse:
    """The gap report as an accessible PDF (tagged, in the caller's language, right to left where it reads so)."""
    user = api_user(request)
    assessment = selectors.assessment_get_for_user(user, assessment_id)
    if not pdf.available():
        return problem_response(503, detail="PDF is unavailable on this server: WeasyPrint or Pango is missing.")
    body = services.report_export(actor=user, assessment=assessment, context=report_context(assessment))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="preparedness-{assessment.pk}.pdf"'
    return response


@router.get("/preparedness/roles", response={200: list[RoleOut], **ERRORS}, operation_id="preparedness_roles_list")
@paginate(Pagination)
def roles_list(request: HttpRequest) -> Any:
    user = api_user(request, PreparednessAction.ROLES_VIEW)
    return [_role_out(r) for r in selectors.roles_visible_to(user).order_by("organisation__name", "phase")]


def _role_out(role: Any) -> dict[str, Any]:
    return {
        "id": role.pk,
        "organisation_id": role.organisation_id,
        "organisation": role.organisation.name,
        "phase": role.phase,
        "duty": role.duty,
        "sop": role.sop,
        "acknowledged_at": role.acknowledged_at,
    }


@router.post(
    "/preparedness/roles/{role_id}/acknowledge",
    response={200: RoleOut, **ERRORS},
    operation_id="preparedness_roles_acknowledge",
)
def roles_acknowledge(request: HttpRequest, role_id: int = AssessmentId) -> dict[str, Any]:
    user = api_user(request)
    role = selectors.role_get_for_user(user, role_id)
    return _role_out(services.role_acknowledge(actor=user, role=role))
