"""The identification API: the checklist of indicators (its definition, and the checklists filled in on a case),
and anonymous notifications. Mounted under the case router."""

from dataclasses import asdict

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Path, Router, Status
from ninja.pagination import paginate

from lantern.cases import selectors as case_selectors
from lantern.cases.identification import checklists, selectors, services
from lantern.cases.identification.permissions import IdentificationAction
from lantern.cases.identification.schemas import (
    AnonymousNotificationIn,
    AnonymousNotificationOut,
    IndicatorChecklistDefinitionOut,
    IndicatorChecklistIn,
    IndicatorChecklistOut,
)
from lantern.cases.schemas import REFERENCE_PATTERN
from lantern.cases.services import personal_data_read
from lantern.core import selectors as core_selectors
from lantern.core.api import ERRORS, api_user
from lantern.core.pagination import CappedPagination

router = Router(tags=["identification"])

Reference = Path(..., pattern=REFERENCE_PATTERN, description="the case's pseudonymous reference, e.g. LT-7Q4K-9MZD")


def _out(summary: selectors.ChecklistSummary) -> dict[str, object]:
    record = summary.checklist
    return {
        "id": record.pk,
        "version": record.version,
        "observed_on": record.observed_on,
        "recorded_at": record.recorded_at,
        "filled_by": record.filled_by.username,
        "organisation": record.organisation.name,
        "answers": summary.answers,
        "sections": [asdict(section) for section in summary.sections],
    }


@router.get(
    "/indicator-checklist", response={200: IndicatorChecklistDefinitionOut, **ERRORS}, operation_id="checklist_get"
)
def checklist_get(request: HttpRequest) -> dict[str, object]:
    """The current checklist of indicators, with its labels in the request's language."""
    api_user(request)
    checklist = checklists.current()
    return {
        "version": checklist.version,
        "title": checklist.title(),
        "sources": list(checklist.sources),
        "sections": [
            {
                "code": section.code,
                "label": section.label(),
                "indicators": [{"code": i.code, "label": i.label()} for i in section.indicators],
            }
            for section in checklist.sections
        ],
    }


@router.get(
    "/cases/{reference}/indicators",
    response={200: list[IndicatorChecklistOut], **ERRORS},
    operation_id="indicators_list",
)
def indicators_list(request: HttpRequest, reference: str = Reference) -> list[dict[str, object]]:
    """The checklists filled in on the case: evidence for whoever decides, with no score and no threshold."""
    user = api_user(request)
    case = case_selectors.case_get_for_user(user, reference)
    summaries = selectors.case_indicator_checklists(user=user, case=case)
    personal_data_read(actor=user, case=case, fields=["indicators"])
    return [_out(summary) for summary in summaries]


@router.post(
    "/cases/{reference}/indicators", response={201: IndicatorChecklistOut, **ERRORS}, operation_id="indicators_record"
)
def indicators_record(request: HttpRequest, payload: IndicatorChecklistIn, reference: str = Reference) -> Status:
    user = api_user(request)
    case = case_selectors.case_get_for_user(user, reference, IdentificationAction.CHECKLIST_RECORD)
    record = services.checklist_record(actor=user, case=case, answers=payload.answers, observed_on=payload.observed_on)
    return Status(201, _out(selectors.summarise(record)))


@router.get(
    "/notifications/anonymous",
    response={200: list[AnonymousNotificationOut], **ERRORS},
    operation_id="notifications_list",
)
@paginate(CappedPagination)
def notifications_list(request: HttpRequest) -> object:
    user = api_user(request, IdentificationAction.NOTIFICATIONS_VIEW)
    return selectors.notifications_visible_to(user)


@router.post(
    "/notifications/anonymous", response={201: AnonymousNotificationOut, **ERRORS}, operation_id="notifications_create"
)
def notifications_create(request: HttpRequest, payload: AnonymousNotificationIn) -> Status:
    """Notify, for the statistics only, an adult who declines to enter the NRM: no name, no contact, no free
    text, no link to a person."""
    user = api_user(request)
    organisation = core_selectors.acting_organisation(user, IdentificationAction.NOTIFY_ANONYMOUSLY)
    if organisation is None:
        raise PermissionDenied("you may not notify")
    notification = services.notification_record(
        actor=user,
        organisation=organisation,
        data=services.NotificationData(**payload.dict()),
        regions=selectors.notification_regions(organisation),
    )
    return Status(201, notification)
