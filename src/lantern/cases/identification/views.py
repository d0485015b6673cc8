"""Pages of identification by first responders: the checklist of indicators on a case, and the anonymous
notification of an adult who declines to enter the NRM."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lantern.cases import codes
from lantern.cases import selectors as case_selectors
from lantern.cases.identification import selectors, services
from lantern.cases.identification.forms import ChecklistForm, NotificationForm, open_sections
from lantern.cases.identification.permissions import IdentificationAction
from lantern.core import codes as iso
from lantern.core import selectors as core_selectors
from lantern.core.pagination import CappedPaginator
from lantern.core.views import form_errors, page_user


@login_required
def checklist_view(request: HttpRequest, reference: str) -> HttpResponse:
    """The checklist at first contact: shown, and recorded; a wrong answer shows the page again as typed."""
    user = page_user(request)
    case = case_selectors.case_get_for_user(user, reference, IdentificationAction.CHECKLIST_RECORD)
    form = ChecklistForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.checklist_record(
                    actor=user, case=case, answers=form.answers(), observed_on=form.cleaned_data["observed_on"]
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("The indicators observed are recorded."))
                return redirect("cases:detail", reference=case.reference)
        status = 422
    context = {"case": case, "form": form, "open": open_sections(case.forms_of_exploitation, case.is_minor)}
    return render(request, "cases/indicators.html", context, status=status)


@login_required
def notifications_view(request: HttpRequest) -> HttpResponse:
    """Notify anonymously, and the organisation's notifications so far (statistics only: nothing to open)."""
    user = page_user(request)
    organisation = core_selectors.acting_organisation(user, IdentificationAction.NOTIFY_ANONYMOUSLY)
    if organisation is None:
        raise PermissionDenied
    regions = selectors.notification_regions(organisation)
    form = NotificationForm(request.POST or None, regions=regions, language=get_language() or "en")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.notification_record(
                    actor=user, organisation=organisation, data=form.data_out(), regions=regions
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("The anonymous notification is recorded. Nothing in it names the person."))
                return redirect("cases:notifications")
        status = 422
    page = CappedPaginator(selectors.notifications_visible_to(user), 25).get_page(request.GET.get("page"))
    language = get_language() or "en"
    rows = [
        {
            "notification": n,
            "citizenship": iso.country_name(n.citizenship, language) if n.citizenship else "",
            "forms": [str(codes.EXPLOITATION.get(f, f)) for f in n.forms_of_exploitation],
        }
        for n in page
    ]
    return render(
        request,
        "cases/notifications.html",
        {"form": form, "organisation": organisation, "page": page, "rows": rows},
        status=status,
    )
