"""The notifications API: a case's delivery log, one's inbox of calls to make, closing a task, trying a message
that gave up once more, and which templates exist in which language."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Path, Router
from ninja.pagination import paginate

from lantern.cases import selectors as case_selectors
from lantern.cases.schemas import REFERENCE_PATTERN
from lantern.core.api import ERRORS, api_user
from lantern.core.pagination import CappedPagination, Pagination
from lantern.core.permissions import can
from lantern.notify import selectors, services
from lantern.notify.models import CaseworkerTask, Delivery
from lantern.notify.permissions import NotifyAction
from lantern.notify.schemas import DeliveryOut, TaskOut, TemplateOut

router = Router(tags=["notify"])
Reference = Path(..., pattern=REFERENCE_PATTERN, description="the case's pseudonymous reference")


@router.get(
    "/notifications/cases/{reference}/deliveries",
    response={200: list[DeliveryOut], **ERRORS},
    operation_id="notify_case_deliveries",
)
@paginate(CappedPagination)
def notify_case_deliveries(request: HttpRequest, reference: str = Reference) -> QuerySet[Delivery]:
    user = api_user(request)
    case = case_selectors.case_get_for_user(user, reference)
    if not can(user, NotifyAction.LOG, case):
        raise PermissionDenied("not allowed")
    return selectors.case_log(user, case)


@router.post(
    "/notifications/deliveries/{delivery_id}/retry",
    response={200: DeliveryOut, **ERRORS},
    operation_id="notify_delivery_retry",
)
def notify_delivery_retry(request: HttpRequest, delivery_id: int) -> Delivery:
    user = api_user(request)
    delivery = selectors.delivery_get_for_user(user, delivery_id)
    if delivery is None:
        raise Http404("no such delivery")
    return services.delivery_retry(actor=user, delivery=delivery)


@router.get("/notifications/tasks", response={200: list[TaskOut], **ERRORS}, operation_id="notify_tasks")
@paginate(Pagination)
def notify_tasks(request: HttpRequest, done: bool = False) -> QuerySet[CaseworkerTask]:
    user = api_user(request)
    if not can(user, NotifyAction.INBOX):
        raise PermissionDenied("not allowed")
    return selectors.tasks_of(user, done=done)


@router.post("/notifications/tasks/{task_id}/done", response={200: TaskOut, **ERRORS}, operation_id="notify_task_done")
def notify_task_done(request: HttpRequest, task_id: int) -> CaseworkerTask:
    user = api_user(request)
    task = selectors.task_get_for_user(user, task_id)
    if task is None:
        raise Http404("no such task")
    return services.task_done(actor=user, task=task)


@router.get("/notifications/templates", response={200: list[TemplateOut], **ERRORS}, operation_id="notify_templates")
def notify_templates(request: HttpRequest) -> list[TemplateOut]:
    user = api_user(request)
    if not can(user, NotifyAction.TEMPLATES):
        raise PermissionDenied("not allowed")
    return [TemplateOut(**row.__dict__) for row in selectors.templates_overview()]
