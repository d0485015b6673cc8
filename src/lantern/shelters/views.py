"""Shelter pages: the capacity board (refreshed live with htmx), a shelter's residents, admission from a referral."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.cases.codes import ReturnRisk
from lantern.core import codes
from lantern.core.models import Organisation, OrganisationType, User
from lantern.core.permissions import can
from lantern.core.selectors import organisation_get
from lantern.core.views import attempt, page_user, post_only
from lantern.referrals.selectors import referral_get_for_user
from lantern.shelters import selectors, services
from lantern.shelters.models import Destination, QuarantineStep, Restriction
from lantern.shelters.permissions import ShelterAction


@login_required
def board_view(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    if not can(user, ShelterAction.BOARD):
        raise PermissionDenied
    region = request.GET.get("region", "").strip()[:100]
    restriction = request.GET.get("restriction", "")
    restriction = restriction if restriction in Restriction.values else ""
    accessible = request.GET.get("accessible") == "1"
    context = {
        "rows": selectors.board(region=region, restriction=restriction, accessible=accessible),
        "accessible": accessible,
        "waiting": selectors.waiting_list_for_user(user, region=region)[:100],
        "waiting_counts": [
            {**row, "restriction": dict(Restriction.choices).get(str(row["restriction"]), row["restriction"])}
            for row in selectors.waiting_counts(region=region)
        ],
        "region": region,
        "restriction": restriction,
        "restrictions": Restriction.choices,
        "regions": selectors.shelter_regions(),
        "own": selectors.shelters_of(user),
        "now": timezone.now(),
    }
    # htmx asks for the table alone every 30 seconds; a plain request gets the whole page.
    template = "shelters/_board_table.html" if request.headers.get("HX-Request") else "shelters/board.html"
    return render(request, template, context)


def _own_shelter(user: User, organisation_id: int, action: str = ShelterAction.RESIDENTS) -> Organisation:
    shelter = organisation_get(organisation_id, type=OrganisationType.SHELTER)
    if shelter is None or not can(user, action, shelter):
        raise Http404
    return shelter


@login_required
def residents_view(request: HttpRequest, organisation_id: int) -> HttpResponse:
    user = page_user(request)
    shelter = _own_shelter(user, organisation_id)
    stays = list(selectors.residents(shelter))
    services.residents_returns_read(actor=user, shelter=shelter, stays=stays)
    return render(
        request,
        "shelters/residents.html",
        {
            "shelter": shelter,
            "stays": stays,
            "destinations": Destination.choices,
            "may_admit": can(user, ShelterAction.ADMIT, shelter),
            "today": timezone.localdate(),
            "step_kinds": QuarantineStep.Kind.choices,
            "countries": codes.country_choices(),
            "risk_levels": ReturnRisk.choices,
        },
    )


MAX_ID_DIGITS = 9  # a room id typed by hand: anything longer is no room (and would overflow the database's integer)


@login_required
def admit_referral_view(request: HttpRequest, referral_id: str) -> HttpResponse:
    """Admit the person an accepted referral names: any bed that fits, or a room the shelter chooses. A refused
    room shows the page again with the reason beside the choice."""
    user = page_user(request)
    referral = referral_get_for_user(user, referral_id)
    shelter = _own_shelter(user, referral.recipient_id, ShelterAction.ADMIT)
    rooms = selectors.rooms_of(shelter)
    error = ""
    chosen = request.POST.get("room", "")
    if request.method == "POST":
        room = rooms.filter(pk=int(chosen)).first() if chosen.isdigit() and len(chosen) <= MAX_ID_DIGITS else None
        if chosen and room is None:
            error = _("This shelter has no such room.")
        else:
            try:
                services.admit_from_referral(actor=user, referral=referral, room=room)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(request, _("Admitted: %(reference)s.") % {"reference": referral.case.reference})
                return redirect("shelters:residents", organisation_id=referral.recipient_id)
    context = {
        "referral": referral,
        "shelter": shelter,
        "rooms": rooms,
        "chosen": chosen,
        "error": error,
        "is_child": referral.case.is_minor is True,
    }
    return render(request, "shelters/admit.html", context, status=422 if error else 200)


@login_required
@post_only
def stay_action_view(request: HttpRequest, stay_id: int, action: str) -> HttpResponse:
    user = page_user(request)
    stay = selectors.stay_get(stay_id)
    if stay is None or not can(user, ShelterAction.RESIDENTS, stay.shelter):
        raise Http404
    post = request.POST

    def plan_return() -> object:
        try:
            planned = date.fromisoformat(post.get("planned_on", ""))
        except ValueError:
            raise ValidationError({"planned_on": _("Not a date.")}) from None
        typed = post.get("country", "")
        country = codes.country_from(typed) or typed  # the name in the reader's language, or the code
        return services.repatriation_plan(
            actor=user,
            stay=stay,
            country=country,
            planned_on=planned,
            risk_level=post.get("risk_level", ""),
            risk_reasons=post.get("risk_reasons", ""),
            receiving_name=post.get("receiving_name", ""),
            receiving_contact=post.get("receiving_contact", ""),
            own_request=post.get("own_request") == "1",
            own_request_text=post.get("own_request_text", ""),
            removal_confirmed=post.get("removal_confirmed") == "1",
            safety_measures=post.get("safety_measures", ""),
        )

    actions: dict[str, Callable[[], object]] = {
        "move": lambda: services.move_to_regular(actor=user, stay=stay),
        "step": lambda: services.quarantine_step(
            actor=user, stay=stay, kind=post.get("kind", ""), result=post.get("result", "")
        ),
        "discharge": lambda: services.discharge(
            actor=user,
            stay=stay,
            destination=post.get("destination", ""),
            own_request=post.get("own_request") == "1",
            own_request_text=post.get("own_request_text", ""),
            removal_confirmed=post.get("removal_confirmed") == "1",
        ),
        "repatriation": plan_return,
    }
    if action not in actions:
        raise Http404
    attempt(request, actions[action], _("Saved."))
    return redirect("shelters:residents", organisation_id=stay.shelter_id)
