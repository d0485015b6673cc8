"""The crisis page: what is declared and in force, and, for the national coordinator, declaring and ending."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantern.cases.codes import SERVICE_TYPES
from lantern.core.permissions import can
from lantern.core.views import attempt, form_errors, page_user
from lantern.crisis import selectors, services
from lantern.crisis.forms import CrisisForm, MeasureForm, split_regions
from lantern.crisis.permissions import CrisisAction


@login_required
def overview_view(request: HttpRequest, measure_form: MeasureForm | None = None, status: int = 200) -> HttpResponse:
    user = page_user(request, CrisisAction.VIEW)
    may_manage = can(user, CrisisAction.MANAGE)
    crisis_form = CrisisForm(initial={"starts_on": timezone.localdate()}) if may_manage else None
    if request.method == "POST" and measure_form is None:
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
    return render(
        request,
        "crisis/overview.html",
        {
            "active": selectors.active_crises().prefetch_related("measures"),
            "past": selectors.past_crises(),
            "crisis_form": crisis_form,
            "measure_form": measure_form
            or (MeasureForm(initial={"starts_on": timezone.localdate()}) if may_manage else None),
            "may_manage": may_manage,
            "measure_errors": measure_form is not None,
            "package": [
                (item, SERVICE_TYPES.get(item.service_type, item.service_type)) for item in selectors.minimum_package()
            ],
        },
        status=status,
    )


@login_required
@require_POST
def measure_add_view(request: HttpRequest, crisis_id: int) -> HttpResponse:
    user = page_user(request, CrisisAction.VIEW)
    crisis = selectors.crisis_get(crisis_id)
    if crisis is None:
        raise Http404
    form = MeasureForm(request.POST)
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
    # The page again, with the measure as typed and the errors beside the fields.
    return overview_view(request, measure_form=form, status=422)


@login_required
@require_POST
def measure_end_view(request: HttpRequest, measure_id: int) -> HttpResponse:
    user = page_user(request, CrisisAction.VIEW)
    measure = selectors.measure_get(measure_id)
    if measure is None:
        raise Http404
    attempt(request, lambda: services.measure_end(actor=user, measure=measure), _("Measure ended."))
    return redirect("crisis:overview")


@login_required
@require_POST
def crisis_end_view(request: HttpRequest, crisis_id: int) -> HttpResponse:
    user = page_user(request, CrisisAction.VIEW)
    crisis = selectors.crisis_get(crisis_id)
    if crisis is None:
        raise Http404
    attempt(
        request,
        lambda: services.crisis_end(actor=user, crisis=crisis),
        _("Crisis ended: normal procedures apply again."),
    )
    return redirect("crisis:overview")
