"""The service directory, and an organisation's own offers and operating status (changed in two clicks)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from lantern.cases.codes import SERVICE_TYPES
from lantern.core.models import Organisation, User
from lantern.core.permissions import can
from lantern.core.selectors import organisation_get
from lantern.core.views import confirm_page, confirmed, form_errors, page_user, post_only
from lantern.providers import selectors, services
from lantern.providers.forms import OfferingForm, TranslationForm, split
from lantern.providers.models import OperatingStatus, ProviderState
from lantern.providers.permissions import ProviderAction

ABSENCE_STEPS = [0, 10, 25, 50, 75]


def _statuses_for(user: User, organisation: Organisation, state: ProviderState | None) -> list[tuple[str, object]]:
    """The status buttons this user may press: "Suspended" only for those who may suspend, and nothing but that
    button to those who may not lift a suspension in force."""
    may_suspend = can(user, ProviderAction.SUSPEND, organisation)
    if state is not None and state.status == OperatingStatus.SUSPENDED and not may_suspend:
        return []
    return [(v, label) for v, label in OperatingStatus.choices if v != OperatingStatus.SUSPENDED or may_suspend]


@login_required
def directory_view(request: HttpRequest) -> HttpResponse:
    user = page_user(request, ProviderAction.VIEW)
    service_type = request.GET.get("service_type", "")
    region = request.GET.get("region", "").strip()[:100]
    offerings = selectors.directory(service_type=service_type if service_type in SERVICE_TYPES else "", region=region)
    own = [
        (o, state, can(user, ProviderAction.MANAGE, o), _statuses_for(user, o, state))
        for o, state in selectors.own_organisations_with_state(user)
    ]
    return render(
        request,
        "providers/directory.html",
        {
            "offerings": offerings[:300],
            "service_types": sorted(SERVICE_TYPES.items(), key=lambda kv: str(kv[1])),
            "labels": {k: str(v) for k, v in SERVICE_TYPES.items()},
            "service_type": service_type,
            "region": region,
            "own": own,
            "managed": {o.pk for o, _state, may_manage, _statuses in own if may_manage},
            "absence_steps": ABSENCE_STEPS,
        },
    )


@login_required
@post_only
def status_view(request: HttpRequest, organisation_id: int) -> HttpResponse:
    user = page_user(request, ProviderAction.VIEW)
    organisation = organisation_get(organisation_id)
    if organisation is None or not can(user, ProviderAction.STATUS, organisation):
        raise PermissionDenied
    status = request.POST.get("status", "")
    if status == OperatingStatus.SUSPENDED:
        if not can(user, ProviderAction.SUSPEND, organisation):
            raise PermissionDenied
        if not confirmed(request):
            return confirm_page(
                request,
                title=_("Suspend %(name)s?") % {"name": organisation.name},
                consequence=_(
                    "Routing stops offering every service of the organisation at once, the public portal shows it "
                    "closed, and its open referrals wait. Only an administrator or a supervisor can open it again."
                ),
                button=_("Yes, suspend the organisation"),
                keep=("status", "staff_absence_percent", "reason"),
            )
    absence_raw = request.POST.get("staff_absence_percent", "")
    try:
        absence = int(absence_raw) if absence_raw else None
        services.status_set(
            actor=user,
            organisation=organisation,
            status=status,
            staff_absence_percent=absence,
            reason=request.POST.get("reason", ""),
        )
    except (ValueError, ValidationError):
        messages.error(request, _("Choose a status and a share of staff absent between 0 and 100."))
    else:
        messages.success(request, _("Operating status updated."))
    return redirect("providers:directory")


@login_required
def offer_new_view(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """What the organisation offers: a new offer, with the form kept as typed when something is wrong."""
    user = page_user(request, ProviderAction.VIEW)
    organisation = organisation_get(organisation_id)
    if organisation is None or not can(user, ProviderAction.MANAGE, organisation):
        raise PermissionDenied
    form = OfferingForm(request.POST or None)
    form.regions_of(organisation.country)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["regions"] = split(data["regions"])
        try:
            services.offering_save(actor=user, organisation=organisation, **data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Offer saved."))
            return redirect("providers:directory")
    return render(request, "providers/offer.html", {"form": form, "organisation": organisation})


@login_required
def review_view(request: HttpRequest) -> HttpResponse:
    """The national coordinator approves what the public portal shows of the directory, entry by entry, beside
    the version it shows now."""
    user = page_user(request, ProviderAction.REVIEW)
    if request.method == "POST":
        raw = request.POST.get("offering", "")
        decision = request.POST.get("decision", "")
        if not raw.isdigit() or decision not in ("approve", "reject"):
            return redirect("providers:review")
        offering = selectors.directory_entry_to_review(user, int(raw))
        try:
            services.offering_review(
                actor=user,
                offering=offering,
                approve=decision == "approve",
                reason=request.POST.get("reason", "")[:300],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Approved: the portal shows it.")
                if decision == "approve"
                else _("Rejected: the portal shows the version approved before, if there is one."),
            )
        return redirect("providers:review")
    labels = {k: str(v) for k, v in SERVICE_TYPES.items()}
    return render(
        request,
        "providers/review.html",
        {
            "entries": selectors.directory_to_review(user),
            "labels": labels,
            "language_names": dict(settings.PORTAL_LANGUAGES),
        },
    )


@login_required
def translation_view(request: HttpRequest, offering_id: int) -> HttpResponse:
    """The entry's name, hours, contact and note in each language of the public portal, one language at a time;
    saved, it waits for the coordinator's review like any change of what the portal shows."""
    user = page_user(request, ProviderAction.VIEW)
    offering = selectors.offering_get(offering_id)
    if offering is None or not can(user, ProviderAction.MANAGE, offering.organisation):
        raise PermissionDenied
    languages = [(code, name) for code, name in settings.PORTAL_LANGUAGES if code != offering.text_language]
    chosen = request.POST.get("language") or request.GET.get("language") or languages[0][0]
    current = (offering.translations or {}).get(chosen, {})
    form = TranslationForm(request.POST or None, languages=languages, initial={"language": chosen, **current})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            language = data.pop("language")
            try:
                services.offering_translation_set(actor=user, offering=offering, language=language, texts=data)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Saved: the portal shows it once the coordinator has approved it."))
                return redirect(f"{reverse('providers:translation', args=[offering.pk])}?language={language}")
        status = 422
    return render(
        request,
        "providers/translation.html",
        {
            "form": form,
            "offering": offering,
            "service": SERVICE_TYPES.get(offering.service_type, offering.service_type),
            "original": dict(settings.PORTAL_LANGUAGES).get(offering.text_language, offering.text_language),
        },
        status=status,
    )
