"""The notifications API: a case's delivery log, one's inbox of calls to make, closing a task, trying a message
that gave up once more, and which templates exist in which language."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Path, Router, Schema
from ninja.pagination import paginate

from lantern.cases import selectors as case_selectors
from lantern.cases.schemas import REFERENCE_PATTERN
from lantern.core.api import ERRORS, api_user
from lantern.core.pagination import CappedPagination, Pagination
from lantern.core.permissions import can
from lantern.notify import selectors, sending, services
from lantern.notify.models import CaseworkerTask, Delivery
from lantern.notify.permissions import NotifyAction

router = Router(tags=["notify"])
Reference = Path(..., pattern=REFERENCE_PATTERN, description="the case's pseudonymous reference")


class DeliveryOut(Schema):
    """What the log says of a delivery: codes, never the text or the address."""

    id: int
    kind: str
    recipient: str
    channel: str
    transport: str
    language: str
    detail: str
    status: str
    reason: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    created_at: datetime
    sent_at: datetime | None


class TaskOut(Schema):
    id: int
    kind: str
    reference: str
    language: str
    event: str
    reason: str
    created_at: datetime
    done_at: datetime | None


class TemplateOut(Schema):
    language: str
    name: str
    direction: str
    minimal: bool
    detailed: dict[str, bool]


def _delivery_out(delivery: Delivery) -> DeliveryOut:
    return DeliveryOut(
        id=delivery.pk,
        kind=delivery.kind,
        recipient="survivor" if delivery.recipient == sending.SURVIVOR else "staff",
        channel=delivery.channel,
        transport=delivery.transport,
        language=delivery.language,
        detail=delivery.detail,
        status=delivery.status,
        reason=delivery.reason,
        attempts=delivery.attempts,
        next_attempt_at=delivery.next_attempt_at if delivery.status == "failed" else None,
        last_error=delivery.last_error,
        created_at=delivery.created_at,
        sent_at=delivery.sent_at,
    )


def _task_out(task: CaseworkerTask) -> TaskOut:
    return TaskOut(
        id=task.pk,
        kind=task.kind,
        reference=task.case.reference,
        language=task.language,
        event=task.delivery.kind,
        reason=task.delivery.reason or task.delivery.status,
        created_at=task.created_at,
        done_at=task.done_at,
    )


@router.get(
    "/notifications/cases/{reference}/deliveries",
    response={200: list[DeliveryOut], **ERRORS},
    operation_id="notify_case_deliveries",
)
@paginate(CappedPagination)
def notify_case_deliveries(request: HttpRequest, reference: str = Reference) -> list[DeliveryOut]:
    user = api_user(request)
    case = case_selectors.case_get_for_user(user, reference)
    if not can(user, NotifyAction.LOG, case):
        raise PermissionDenied("not allowed")
    return [_delivery_out(d) for d in selectors.case_log(user, case)[:1000]]


@router.post(
    "/notifications/deliveries/{delivery_id}/retry",
    response={200: DeliveryOut, **ERRORS},
    operation_id="notify_delivery_retry",
)
def notify_delivery_retry(request: HttpRequest, delivery_id: int) -> DeliveryOut:
    user = api_user(request)
    delivery = selectors.deliveries_visible_to(user).filter(pk=delivery_id).first()
    if delivery is None:
        raise Http404("no such delivery")
    return _delivery_out(services.delivery_retry(actor=user, delivery=delivery))


@router.get("/notifications/tasks", response={200: list[TaskOut], **ERRORS}, operation_id="notify_tasks")
@paginate(Pagination)
def notify_tasks(request: HttpRequest, done: bool = False) -> list[TaskOut]:
    user = api_user(request)
    if not can(user, NotifyAction.INBOX):
        raise PermissionDenied("not allowed")
    return [_task_out(t) for t in selectors.tasks_of(user, done=done)[:500]]


@router.post("/notifications/tasks/{task_id}/done", response={200: TaskOut, **ERRORS}, operation_id="notify_task_done")
def notify_task_done(request: HttpRequest, task_id: int) -> TaskOut:
    user = api_user(request)
    task = selectors.task_get_for_user(user, task_id)
    if task is None:
        raise Http404("no such task")
    return _task_out(services.task_done(actor=user, task=task))


@router.get("/notifications/templates", response={200: list[TemplateOut], **ERRORS}, operation_id="notify_templates")
def notify_templates(request: HttpRequest) -> list[TemplateOut]:
    user = api_user(request)
    if not can(user, NotifyAction.TEMPLATES):
        raise PermissionDenied("not allowed")
    return [TemplateOut(**row.__dict__) for row in selectors.templates_overview()]
