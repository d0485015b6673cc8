"""Referral pages: the inbox of a receiving organisation, sending from a case page with routing, the minimum
package list."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantern.cases import selectors as case_selectors
from lantern.cases.codes import CONTACT_ROUTES, SERVICE_TYPES
from lantern.cases.models import Case
from lantern.cases.permissions import CaseAction
from lantern.core.pagination import CappedPaginator
from lantern.core.permissions import can
from lantern.core.views import attempt, page_user
from lantern.providers.models import DeliveryMode
from lantern.providers.selectors import offering_get, route
from lantern.referrals import selectors, services
from lantern.referrals.models import Outcome, Status, Urgency
from lantern.referrals.permissions import ReferralAction


@login_required
def inbox_view(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    if not can(user, ReferralAction.VIEW):
        raise PermissionDenied
    status = request.GET.get("status", "")
    received = [
        selectors.for_recipient(r)
        for r in selectors.inbox(user, status=status if status in Status.values else "")[:200]
    ]
    return render(
        request,
        "referrals/inbox.html",
        {
            "received": received,
            "sent": selectors.sent(user)[:100],
            "labels": {k: str(v) for k, v in SERVICE_TYPES.items()},
            "routes": {k: str(v) for k, v in CONTACT_ROUTES.items()},
            "statuses": Status.choices,
            "status": status,
            "modes": DeliveryMode.choices,
            "outcomes": Outcome.choices,
            "may_respond": can(user, ReferralAction.RESPOND),
        },
    )


@login_required
def refer_view(request: HttpRequest, reference: str) -> HttpResponse:
    """From a case: pick a need and a region, see the ranked providers, send to one."""
    user = page_user(request)
    case = case_selectors.case_get_for_user(user, reference, CaseAction.UPDATE)
    service_type = request.GET.get("service_type") or (case.needs[0] if case.needs else "")
    region = request.GET.get("region", case.exploitation_region or case.organisation.region).strip()[:100]
    candidates = []
    if service_type in SERVICE_TYPES:
        candidates = route(
            service_type=service_type,
            region=region,
            language=case.person.primary_language,
            interpreter_needed=case.person.interpreter_needed,
        )[:20]
    consented = set(
        case.consents.filter(purpose="referral", withdrawn_at__isnull=True).values_list("recipient_id", flat=True)
    )
    return render(
        request,
        "referrals/refer.html",
        {
            "case": case,
            "service_type": service_type,
            "region": region,
            "service_types": sorted(SERVICE_TYPES.items(), key=lambda kv: str(kv[1])),
            "candidates": [(c, c.offering.organisation_id in consented) for c in candidates],
            "urgencies": Urgency.choices,
            "idempotency_key": uuid.uuid4().hex,
            "sent": selectors.sent(user, case=case),
            "labels": {k: str(v) for k, v in SERVICE_TYPES.items()},
        },
    )


@login_required
@require_POST
def send_view(request: HttpRequest, reference: str) -> HttpResponse:
    user = page_user(request)
    case = case_selectors.case_get_for_user(user, reference, CaseAction.UPDATE)
    raw = request.POST.get("offering", "")
    offering = offering_get(int(raw)) if raw.isdigit() else None
    if offering is None:
        messages.error(request, _("Choose a provider."))
        return redirect("referrals:refer", reference=case.reference)
    try:
        services.referral_create(
            actor=user,
            case=case,
            recipient=offering.organisation,
            service_type=offering.service_type,
            offering=offering,
            urgency=request.POST.get("urgency", Urgency.ROUTINE),
            idempotency_key=request.POST.get("idempotency_key", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{request.path.rsplit('send/', 1)[0]}?service_type={offering.service_type}")
    messages.success(request, _("Referral sent to %(name)s.") % {"name": offering.organisation.name})
    return redirect("cases:detail", reference=case.reference)


@login_required
@require_POST
def answer_view(request: HttpRequest, referral_id: str, action: str) -> HttpResponse:
    user = page_user(request)
    referral = selectors.referral_get_for_user(user, referral_id)
    post = request.POST
    actions: dict[str, Callable[[], object]] = {
        "accept": lambda: services.referral_accept(actor=user, referral=referral),
        "decline": lambda: services.referral_decline(actor=user, referral=referral, reason=post.get("reason", "")),
        "start": lambda: services.referral_start(actor=user, referral=referral),
        "complete": lambda: services.referral_complete(
            actor=user, referral=referral, delivery_mode=post.get("delivery_mode", ""), outcome=post.get("outcome", "")
        ),
        "cancel": lambda: services.referral_cancel(actor=user, referral=referral),
    }
    if action not in actions:
        raise PermissionDenied
    attempt(request, actions[action], _("Referral updated."))
    return redirect("referrals:inbox")


@login_required
def package_view(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    if not selectors.package_visible(user):
        raise PermissionDenied
    cases, due_before = selectors.package_missing_list(user)
    page = CappedPaginator(cases, 50).get_page(request.GET.get("page"))
    rows = [(case, [str(SERVICE_TYPES.get(s, s)) for s in selectors.missing_of(case)]) for case in page]
    return render(request, "referrals/package.html", {"page": page, "rows": rows, "crisis_on": bool(due_before)})


def case_referrals_panel(request: HttpRequest, case: Case) -> str:
    """The case page's list of the case's referrals with their status in words (core.panels, slot
    "cases.detail"; the case page has checked that the user may see the case)."""
    user = page_user(request)
    return render_to_string(
        "referrals/_case_referrals.html",
        {
            "case": case,
            "referrals": selectors.sent(user, case=case),
            "labels": {k: str(v) for k, v in SERVICE_TYPES.items()},
        },
        request=request,
    )
