"""Referral pages: the inbox of a receiving organisation, sending from a case page with routing, the minimum
package list."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _

from lantern.cases import selectors as case_selectors
from lantern.cases.codes import CONTACT_ROUTES, SERVICE_TYPES
from lantern.cases.models import Case
from lantern.cases.permissions import CaseAction
from lantern.cases.plans import is_high_risk
from lantern.core.codes import language_name
from lantern.core.models import User
from lantern.core.pagination import CappedPaginator
from lantern.core.permissions import can, organisation_scope
from lantern.core.views import attempt, form_errors, page_user, post_only
from lantern.providers.capacity import ACCOMMODATION, BedNeed
from lantern.providers.models import DeliveryMode
from lantern.providers.selectors import offering_get, route
from lantern.referrals import selectors, services
from lantern.referrals.forms import DeclineForm
from lantern.referrals.models import OPEN_STATUSES, Outcome, Referral, Status, Urgency
from lantern.referrals.permissions import ReferralAction


def _labels() -> dict[str, str]:
    return {k: str(v) for k, v in SERVICE_TYPES.items()}


@login_required
def inbox_view(request: HttpRequest) -> HttpResponse:
    """What an organisation received (open ones first, the most urgent first) and what it sent."""
    user = page_user(request)
    if not can(user, ReferralAction.VIEW):
        raise PermissionDenied
    status = request.GET.get("status", "")
    may_respond = can(user, ReferralAction.RESPOND)
    received = selectors.inbox(user, status=status if status in Status.values else "")
    page = CappedPaginator(received, 50).get_page(request.GET.get("page")) if may_respond else None
    return render(
        request,
        "referrals/inbox.html",
        {
            "page": page,
            "sent": selectors.sent(user)[:100],
            "labels": _labels(),
            "statuses": Status.choices,
            "status": status,
            "may_respond": may_respond,
        },
    )


def _next_steps(referral: Referral, contact: selectors.ContactShown) -> list[str]:
    """What the receiving organisation does once it has accepted, in order."""
    steps = []
    if contact.value:
        steps.append(_("Reach the person by the route below, at a safe time; say which organisation you are from."))
    else:
        steps.append(
            _("Call the referring caseworker (under “Who referred”) to agree how and when to meet the person.")
        )
    if referral.case.person.interpreter_needed:
        steps.append(_("Book an interpreter in the person's language."))
    if referral.service_type in ACCOMMODATION:
        steps.append(_("Admit the person to a free bed of your shelter."))
    if referral.status == Status.ACCEPTED:
        steps.append(_("When the service begins, press “Service started”."))
    steps.append(_("When it is given, record how it was delivered and with what outcome."))
    return steps


def _detail(request: HttpRequest, user: User, referral: Referral, *, form: DeclineForm | None = None) -> HttpResponse:
    answers = selectors.answers_for(user, referral)
    sees_case = selectors.sees_whole_case(user, referral)
    contact = selectors.contact_for_recipient(referral) if answers else None
    if contact is not None and contact.field:
        services.referral_contact_read(actor=user, referral=referral, fields=[contact.field])
    person = referral.case.person
    acting = answers and referral.status in selectors.CONTACT_SHOWN_WHILE  # accepted or started, not yet delivered
    handed_over = referral.case.organisation_id != referral.sender_id
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "answers": answers,
            "sees_case": sees_case,
            "decline_text": referral.decline_reason if answers or sees_case else "",
            "service": SERVICE_TYPES.get(referral.service_type, referral.service_type),
            "needs": [str(SERVICE_TYPES.get(n, n)) for n in referral.case.needs],
            "language": language_name(person.primary_language, to_locale(get_language()))
            if person.primary_language
            else "",
            "interpreter_needed": person.interpreter_needed,
            "child": selectors.child_facts(referral),
            "route": CONTACT_ROUTES.get(contact.route if contact else person.contact_route, ""),
            "contact": contact,
            # Who to call: the caseworker who sent it, or, once the case has changed hands, the organisation that
            # holds it now and its assignee (the sender's staff no longer see the case). Work contacts only while
            # the referral is open: an expired or declined one needs no call.
            "handed_over_to": referral.case.organisation if handed_over else None,
            "referrer": (
                None
                if referral.status not in OPEN_STATUSES
                else referral.case.assigned_to
                if handed_over
                else referral.created_by
            ),
            "next_steps": _next_steps(referral, contact) if contact and acting else [],
            "accommodation": referral.service_type in ACCOMMODATION,
            "form": form or DeclineForm(),
            "modes": DeliveryMode.choices,
            "outcomes": Outcome.choices,
        },
        status=422 if form is not None else 200,
    )


@login_required
def detail_view(request: HttpRequest, referral_id: str) -> HttpResponse:
    """One referral: for the receiving organisation, everything it needs to answer and act (and the person's
    contact once accepted); for the sender, how it stands."""
    user = page_user(request)
    return _detail(request, user, selectors.referral_get_for_user(user, referral_id))


@login_required
def answer_view(request: HttpRequest, referral_id: str, action: str) -> HttpResponse:
    user = page_user(request)
    referral = selectors.referral_get_for_user(user, referral_id)
    if request.method != "POST":  # a reload or a language switch after a refused answer: back to the referral
        return redirect("referrals:detail", referral_id=referral.public_id)
    post = request.POST
    if action == "decline":
        form = DeclineForm(post)
        if not form.is_valid():
            return _detail(request, user, referral, form=form)
        try:
            services.referral_decline(actor=user, referral=referral, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
            return _detail(request, user, referral, form=form)
        messages.success(request, _("Referral declined. The referring organisation sees your reason."))
        return redirect("referrals:detail", referral_id=referral.public_id)
    actions: dict[str, Callable[[], object]] = {
        "accept": lambda: services.referral_accept(actor=user, referral=referral),
        "start": lambda: services.referral_start(actor=user, referral=referral),
        "complete": lambda: services.referral_complete(
            actor=user, referral=referral, delivery_mode=post.get("delivery_mode", ""), outcome=post.get("outcome", "")
        ),
        "cancel": lambda: services.referral_cancel(actor=user, referral=referral),
    }
    if action not in actions:
        raise PermissionDenied
    done = _("Accepted. What to do next is below.") if action == "accept" else _("Referral updated.")
    attempt(request, actions[action], done)
    return redirect("referrals:detail", referral_id=referral.public_id)


@login_required
def refer_view(request: HttpRequest, reference: str) -> HttpResponse:
    """From a case: pick a need and a region, see the ranked providers, send to one."""
    user = page_user(request)
    case = case_selectors.case_get_for_user(user, reference, CaseAction.UPDATE)
    service_type = request.GET.get("service_type") or (case.needs[0] if case.needs else "")
    # Where the person is helped now, never where she was exploited: a shelter is kept away from the traffickers.
    region = request.GET.get("region", case.organisation.region).strip()[:100]
    accessible = request.GET.get("accessible") == "1"
    candidates = []
    if service_type in SERVICE_TYPES:
        candidates = route(
            service_type=service_type,
            region=region,
            language=case.person.primary_language,
            interpreter_needed=case.person.interpreter_needed,
            beds_for=BedNeed(case=case, accessible=accessible),
        )[:20]
    consented = set(
        case.consents.filter(purpose="referral", withdrawn_at__isnull=True).values_list("recipient_id", flat=True)
    )
    high_risk = is_high_risk(case)
    return render(
        request,
        "referrals/refer.html",
        {
            "case": case,
            "service_type": service_type,
            "region": region,
            "accommodation": service_type in ACCOMMODATION,
            "accessible": accessible,
            "service_types": sorted(SERVICE_TYPES.items(), key=lambda kv: str(kv[1])),
            "candidates": [(c, c.offering.organisation_id in consented) for c in candidates],
            "urgencies": Urgency.choices,
            # A person assessed at high risk is referred as an emergency whatever is chosen: the form preselects
            # it, and says why to those who may read the risk.
            "urgency": Urgency.EMERGENCY if high_risk else Urgency.ROUTINE,
            "high_risk": high_risk and can(user, CaseAction.PLAN, case),
            "idempotency_key": uuid.uuid4().hex,
            "sent": selectors.sent(user, case=case),
            "labels": {k: str(v) for k, v in SERVICE_TYPES.items()},
        },
    )


@login_required
@post_only
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


NEXT_STEPS_ROWS = 5  # rows of each list on the home page; the full list is one click away


def next_steps_panel(request: HttpRequest) -> str:
    """On the home page (core.panels): the referrals waiting for this organisation's answer, and for a
    supervisor the cases missing part of the minimum package, the most urgent first, with their next action."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        return ""
    waiting = None
    if can(user, ReferralAction.RESPOND):
        waiting = list(selectors.inbox(user, status=Status.PENDING)[:NEXT_STEPS_ROWS])
    rows: list[PackageRow] = []
    if selectors.package_visible(user):
        cases, _due = selectors.package_missing_list(user)
        rows = _package_rows(user, list(cases[:NEXT_STEPS_ROWS]))
    if not waiting and not rows:
        return ""
    return render_to_string(
        "referrals/_next_steps.html", {"waiting": waiting, "rows": rows, "labels": _labels()}, request=request
    )


@dataclass(frozen=True)
class PackageRow:
    case: Case
    missing: list[str]
    first_missing: str
    may_refer: bool
    may_open: bool


def _package_rows(user: User, cases: list[Case]) -> list[PackageRow]:
    refers = organisation_scope(user, CaseAction.UPDATE)  # once for the page: no query per row
    opens = organisation_scope(user, CaseAction.VIEW)
    names = {**SERVICE_TYPES, selectors.GUARDIAN_ITEM: _("A guardian (unaccompanied or separated child)")}
    rows = []
    for case in cases:
        # Services first (the next action refers for the first of them); a guardian is appointed, not referred.
        missing = sorted(selectors.missing_of(case), key=lambda s: s not in SERVICE_TYPES)
        rows.append(
            PackageRow(
                case=case,
                missing=[str(names.get(s, s)) for s in missing],
                first_missing=next((s for s in missing if s in SERVICE_TYPES), ""),
                may_refer=refers.allows(case),
                may_open=opens.allows(case),
            )
        )
    return rows


@login_required
def package_view(request: HttpRequest) -> HttpResponse:
    """The supervisor's list of cases missing part of the minimum package: the most urgent first, each with its
    assignee and the next action (refer it for the first missing service)."""
    user = page_user(request)
    if not selectors.package_visible(user):
        raise PermissionDenied
    cases, due_before = selectors.package_missing_list(user)
    page = CappedPaginator(cases, 50).get_page(request.GET.get("page"))
    rows = _package_rows(user, list(page))
    crisis_on = selectors.crisis_items_due(due_before)
    return render(request, "referrals/package.html", {"page": page, "rows": rows, "crisis_on": crisis_on})


def case_referrals_panel(request: HttpRequest, case: Case) -> str:
    """The case page's list of the case's referrals with their status in words (core.panels, slot
    "cases.detail"; the case page has checked that the user may see the case)."""
    user = page_user(request)
    return render_to_string(
        "referrals/_case_referrals.html",
        {
            "case": case,
            "shown": selectors.referrals_shown_on(user, case),
            "referrals": selectors.sent(user, case=case),
            "labels": {k: str(v) for k, v in SERVICE_TYPES.items()},
        },
        request=request,
    )
