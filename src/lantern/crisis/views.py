"""The crisis page: what is declared and in force, and, for the national coordinator, declaring and ending."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.cases.codes import SERVICE_TYPES
from lantern.core.permissions import can
from lantern.core.views import attempt, confirm_page, confirmed, form_errors, page_user, post_only
from lantern.crisis import selectors, services
from lantern.crisis.forms import CrisisForm, MeasureForm, split_regions
from lantern.crisis.permissions import CrisisAction


def _measure_form(crisis_id: int, data: QueryDict | None = None) -> MeasureForm:
    """Each crisis has its own "Add a measure" form: its field ids and names carry the crisis, so two crises' forms
    never share an id, and what was typed in one is never shown in the other."""
    if data is None:
        return MeasureForm(initial={"starts_on": timezone.localdate()}, prefix=f"crisis-{crisis_id}")
    return MeasureForm(data, prefix=f"crisis-{crisis_id}")


@login_required
def overview_view(
    request: HttpRequest, refused: tuple[int, MeasureForm] | None = None, status: int = 200
) -> HttpResponse:
    """The crises in force with their measures; for the coordinator, one "Add a measure" form per crisis (the one
    refused, `refused`, shown again as typed with its errors), "End this crisis" apart, and "Declare a crisis"."""
    user = page_user(request, CrisisAction.VIEW)
    may_manage = can(user, CrisisAction.MANAGE)
    crisis_form = CrisisForm(initial={"starts_on": timezone.localdate()}) if may_manage else None
    if request.method == "POST" and refused is None:
        crisis_form = CrisisForm(request.POST) if may_manage else None
        if crisis_form is None:
            raise PermissionDenied
        if crisis_form.is_valid():
            data = crisis_form.cleaned_data
            try:
                services.crisis_declare(
                    actor=user,
                    name=data["name"],
                    kind=data["kind"],
                    country=data["country"],
                    regions=split_regions(data["regions"]),
                    starts_on=data["starts_on"],
                )
            except ValidationError as exc:
                form_errors(crisis_form, exc)
            else:
                messages.warning(request, _("Crisis declared: crisis mode is on."))
                return redirect("crisis:overview")
    active = list(selectors.active_crises().prefetch_related("measures"))
    crises = [
        (
            crisis,
            (refused[1] if refused and refused[0] == crisis.pk else _measure_form(crisis.pk)) if may_manage else None,
        )
        for crisis in active
    ]
    return render(
        request,
        "crisis/overview.html",
        {
            "crises": crises,
            "past": selectors.past_crises(),
            "crisis_form": crisis_form,
            "may_manage": may_manage,
            "package": [
                (item, SERVICE_TYPES.get(item.service_type, item.service_type)) for item in selectors.minimum_package()
            ],
        },
        status=status,
    )


@login_required
@post_only
def measure_add_view(request: HttpRequest, crisis_id: int) -> HttpResponse:
    user = page_user(request, CrisisAction.VIEW)
    crisis = selectors.crisis_get(crisis_id)
    if crisis is None:
        raise Http404
    form = _measure_form(crisis.pk, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.measure_add(
                actor=user,
                crisis=crisis,
                kind=data["kind"],
                regions=split_regions(data["regions"]),
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                note=data["note"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Measure added."))
            return redirect("crisis:overview")
    # The page again, with this crisis's measure as typed and the errors beside its fields (the other crises'
    # forms fresh). A reload of this address (a GET) goes back to the page.
    return overview_view(request, refused=(crisis.pk, form), status=422)


@login_required
@post_only
def measure_end_view(request: HttpRequest, measure_id: int) -> HttpResponse:
    user = page_user(request, CrisisAction.MANAGE)
    measure = selectors.measure_get(measure_id)
    if measure is None:
        raise Http404
    if not confirmed(request):
        return confirm_page(
            request,
            title=_("End the measure %(measure)s?") % {"measure": measure.get_kind_display()},
            consequence=_(
                "It ends today: routing, the shelters, the courts and the public portal stop applying it at once. "
                "An ended measure cannot be started again; add a new one if it returns."
            ),
            button=_("Yes, end this measure"),
        )
    attempt(request, lambda: services.measure_end(actor=user, measure=measure), _("Measure ended."))
    return redirect("crisis:overview")


@login_required
@post_only
def crisis_end_view(request: HttpRequest, crisis_id: int) -> HttpResponse:
    user = page_user(request, CrisisAction.MANAGE)
    crisis = selectors.crisis_get(crisis_id)
    if crisis is None:
        raise Http404
    if not confirmed(request):
        return confirm_page(
            request,
            title=_("End the crisis %(name)s?") % {"name": crisis.name},
            consequence=_(
                "Crisis mode ends today with all its measures: the minimum service package, the quarantine "
                "protocol and the portal's crisis messages stop at once. An ended crisis cannot be reopened."
            ),
            button=_("Yes, end this crisis"),
        )
    attempt(
        request,
        lambda: services.crisis_end(actor=user, crisis=crisis),
        _("Crisis ended: normal procedures apply again."),
    )
    return redirect("crisis:overview")
