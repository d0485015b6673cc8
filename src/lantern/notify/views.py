"""Notification pages: the delivery log (of all the cases one may see, and of one case), the staff inbox of
in-app messages and calls to make, and the overview of message templates per language."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from lantern.cases import selectors as case_selectors
from lantern.core.models import User
from lantern.core.pagination import CappedPaginator
from lantern.core.permissions import can
from lantern.core.views import attempt, page_user, post_only
from lantern.notify import selectors, services
from lantern.notify.messages import HEARING_KINDS
from lantern.notify.models import DeliveryStatus
from lantern.notify.permissions import NotifyAction


@login_required
def log_view(request: HttpRequest) -> HttpResponse:
    user = page_user(request, NotifyAction.LOG)
    status = request.GET.get("status", "")
    deliveries = selectors.deliveries_visible_to(user).order_by("-pk")
    if status in DeliveryStatus.values:
        deliveries = deliveries.filter(status=status)
    page = CappedPaginator(deliveries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notify/log.html",
        {"page": page, "statuses": DeliveryStatus.choices, "status": status, "case": None},
    )


@login_required
def case_log_view(request: HttpRequest, reference: str) -> HttpResponse:
    user = page_user(request, NotifyAction.LOG)
    case = case_selectors.case_get_for_user(user, reference)
    if not can(user, NotifyAction.LOG, case):
        raise PermissionDenied
    page = CappedPaginator(selectors.case_log(user, case), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notify/log.html",
        {"page": page, "case": case, "statuses": DeliveryStatus.choices, "status": ""},
    )


@login_required
@post_only
def retry_view(request: HttpRequest, delivery_id: int) -> HttpResponse:
    user = page_user(request, NotifyAction.LOG)
    delivery = selectors.delivery_get_for_user(user, delivery_id)
    if delivery is None or delivery.case is None:
        raise Http404
    attempt(
        request, lambda: services.delivery_retry(actor=user, delivery=delivery), _("The message will be tried again.")
    )
    return redirect("notify:case_log", reference=delivery.case.reference)


CALLS_SHOWN = 100  # open calls listed on the page, newest first


@login_required
def inbox_view(request: HttpRequest) -> HttpResponse:
    user = page_user(request, NotifyAction.INBOX)
    calls = selectors.calls_to_make(user, list(selectors.tasks_of(user, done=False)[:CALLS_SHOWN]))
    services.call_numbers_read(actor=user, references=[row.task.case.reference for row in calls if row.number])
    return render(
        request,
        "notify/inbox.html",
        {
            "calls": calls,
            "done": selectors.tasks_of(user, done=True)[:20],
            "alerts": selectors.messages_of(user)[:30],
        },
    )


CALLS_ON_HOME = 5


def calls_panel(request: HttpRequest) -> str:
    """On the home page (core.panels): the calls one has to make, in which language; the numbers are on the
    inbox page, where reading them is recorded."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated or not can(user, NotifyAction.INBOX):
        return ""
    tasks = list(selectors.tasks_of(user, done=False)[:CALLS_ON_HOME])
    if not tasks:
        return ""
    rows = selectors.calls_to_make(user, tasks)
    return render_to_string("notify/_calls.html", {"calls": rows}, request=request)


@login_required
@post_only
def task_done_view(request: HttpRequest, task_id: int) -> HttpResponse:
    user = page_user(request, NotifyAction.INBOX)
    task = selectors.task_get_for_user(user, task_id)
    if task is None:
        raise Http404
    attempt(request, lambda: services.task_done(actor=user, task=task), _("Marked as done."))
    return redirect("notify:inbox")


@login_required
def templates_view(request: HttpRequest) -> HttpResponse:
    page_user(request, NotifyAction.TEMPLATES)
    return render(request, "notify/templates.html", {"rows": selectors.templates_overview(), "kinds": HEARING_KINDS})
