"""Preparedness pages: assessments and their items, scores and the radar, priorities and the plan of action, the
comparison of two assessments, the gap report (page and PDF), the roles matrix, and the "your role now" panel
shown on the crisis page and on every home page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.core.models import User
from lantern.core.permissions import can
from lantern.core.selectors import lead_agencies, organisations_all
from lantern.core.views import attempt, form_errors, page_user, post_only
from lantern.preparedness import charts, evidence, pdf, report, selectors, services
from lantern.preparedness.forms import ActionForm, ActionStatusForm, AssessmentForm, ItemForm, RoleForm
from lantern.preparedness.models import Assessment, Phase
from lantern.preparedness.permissions import PreparednessAction


def _organisations(country: str) -> Any:
    return organisations_all().filter(country=country)


@login_required
def index_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if not (can(user, PreparednessAction.VIEW) or can(user, PreparednessAction.ROLES_VIEW)):
        raise PermissionDenied
    may_manage = can(user, PreparednessAction.MANAGE)
    form = None
    if may_manage:
        form = AssessmentForm(
            request.POST or None,
            organisations=organisations_all(),
            initial={"assessed_on": timezone.localdate()},
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                assessment = services.assessment_open(
                    actor=user,
                    title=data["title"],
                    country=data["country"],
                    region=data["region"],
                    assessed_on=data["assessed_on"],
                    contributors=list(data["contributors"]),
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Assessment opened."))
                return redirect("preparedness:assessment", assessment_id=assessment.pk)
    elif request.method == "POST":
        raise PermissionDenied
    page = Paginator(selectors.assessments_visible_to(user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "preparedness/index.html",
        {
            "page": page,
            "form": form,
            "may_view": can(user, PreparednessAction.VIEW),
            "status": 400 if form is not None and form.errors else 200,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def assessment_view(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = page_user(request)
    assessment = selectors.assessment_get_for_user(user, assessment_id)
    context = report.assessment_context(assessment)
    others = selectors.assessments_visible_to(user).exclude(pk=assessment.pk).filter(country=assessment.country)
    context |= {
        "may_assess": not assessment.frozen and selectors.may_assess(user, assessment),
        "may_manage": can(user, PreparednessAction.MANAGE),
        "others": others[:20],
        "pdf_available": pdf.available(),
    }
    return render(request, "preparedness/assessment.html", context)


@login_required
def item_view(request: HttpRequest, assessment_id: int, answer_id: int) -> HttpResponse:
    user = page_user(request)
    assessment = selectors.assessment_get_for_user(user, assessment_id)
    answer = selectors.answers_of(assessment).filter(pk=answer_id).first()
    item = selectors.checklist_of(assessment.checklist).item(answer.item_id) if answer is not None else None
    if answer is None or item is None:
        raise Http404
    editable = not assessment.frozen and selectors.may_assess_item(user, answer)
    coordinator = selectors.may_manage(user, assessment)
    initial = {
        f: getattr(answer, f) for f in ("level", "evidence", "link", "comment", "lantern_decision", "override_reason")
    }
    initial["owner"] = answer.owner_id
    form = ItemForm(
        request.POST if request.method == "POST" else None,
        organisations=_organisations(assessment.country),
        with_lantern=coordinator and answer.lantern_level is not None,
        with_weight=coordinator,
        with_owner=coordinator,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            changes = dict(form.cleaned_data)
            try:
                services.item_update(actor=user, answer=answer, **changes)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Item saved."))
                return redirect(f"{assessment_url(assessment)}#item-{item.id}")
        status = 400
    return render(
        request,
        "preparedness/item.html",
        {
            "assessment": assessment,
            "item": item,
            "answer": answer,
            "form": form,
            "editable": editable,
            "levels": selectors.checklist_of(assessment.checklist).levels,
            "lantern_text": evidence.describe(answer.lantern_figures["source"], answer.lantern_figures)
            if answer.lantern_figures
            else "",
            "history": answer.changes.select_related("changed_by")[:50],
        },
        status=status,
    )


def assessment_url(assessment: Assessment) -> str:
    return reverse("preparedness:assessment", args=[assessment.pk])


@login_required
@post_only
def submit_view(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = page_user(request, PreparednessAction.MANAGE)
    assessment = selectors.assessment_get_for_user(user, assessment_id)
    attempt(request, lambda: services.assessment_submit(actor=user, assessment=assessment), _("Assessment submitted."))
    return redirect("preparedness:assessment", assessment_id=assessment.pk)


@login_required
def priorities_view(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = page_user(request)
    assessment = selectors.assessment_get_for_user(user, assessment_id)
    ranked = selectors.priorities(assessment)
    may_manage = can(user, PreparednessAction.MANAGE)
    form = None
    status = 200
    if may_manage:
        form = ActionForm(
            request.POST if request.method == "POST" else None,
            items=[(p.item.id, f"{p.item.id} {p.item.label}") for p in ranked],
            organisations=_organisations(assessment.country),
        )
        if request.method == "POST":
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.action_create(
                        actor=user,
                        assessment=assessment,
                        item_id=data["item_id"],
                        title=data["title"],
                        owner=data["owner"],
                        due_on=data["due_on"],
                    )
                except ValidationError as exc:
                    form_errors(form, exc)
                else:
                    messages.success(request, _("Action added to the plan."))
                    return redirect("preparedness:priorities", assessment_id=assessment.pk)
            status = 400
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "preparedness/priorities.html",
        {
            "assessment": assessment,
            "ranked": ranked,
            "form": form,
            "actions": assessment.actions.select_related("owner").order_by("due_on", "pk"),
        },
        status=status,
    )


@login_required
def actions_view(request: HttpRequest) -> HttpResponse:
    user = page_user(request, PreparednessAction.ACTIONS_VIEW)
    page = Paginator(selectors.actions_visible_to(user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "preparedness/actions.html",
        {"page": page, "status_form": ActionStatusForm(), "may_update": can(user, PreparednessAction.ACTIONS_UPDATE)},
    )


@login_required
@post_only
def action_status_view(request: HttpRequest, action_id: int) -> HttpResponse:
    user = page_user(request)
    action = selectors.action_get_for_user(user, action_id)
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not a status of an action."))
    else:
        try:
            services.action_update(actor=user, action=action, status=form.cleaned_data["status"])
        except PermissionDenied:
            raise
        messages.success(request, _("Action updated."))
    return redirect("preparedness:actions")


@login_required
def report_view(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = page_user(request)
    assessment = selectors.assessment_get_for_user(user, assessment_id)
    context = report.report_context(assessment) | {"pdf_available": pdf.available()}
    return render(request, "preparedness/report.html", context)


@login_required
def report_pdf_view(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = page_user(request)
    assessment = selectors.assessment_get_for_user(user, assessment_id)
    if not pdf.available():
        return render(request, "preparedness/pdf_unavailable.html", {"assessment": assessment}, status=503)
    body = services.report_export(actor=user, assessment=assessment, context=report.report_context(assessment))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="preparedness-{assessment.pk}.pdf"'
    return response


@login_required
def compare_view(request: HttpRequest) -> HttpResponse:
    user = page_user(request, PreparednessAction.VIEW)
    try:
        older_id, newer_id = int(request.GET.get("older", "")), int(request.GET.get("newer", ""))
    except ValueError:
        raise Http404 from None
    older = selectors.assessment_get_for_user(user, older_id)
    newer = selectors.assessment_get_for_user(user, newer_id)
    if older.assessed_on > newer.assessed_on:
        older, newer = newer, older
    pillars, differences = selectors.compare(older, newer)
    older_scores, newer_scores = selectors.scores(older), selectors.scores(newer)
    return render(
        request,
        "preparedness/compare.html",
        {
            "older": older,
            "newer": newer,
            "pillars": pillars,
            "improved": [d for d in differences if d.change > 0],
            "fell_back": [d for d in differences if d.change < 0],
            "radar": charts.radar(("older", older_scores), ("current", newer_scores)),
            "overall_older": selectors.overall(older_scores),
            "overall_newer": selectors.overall(newer_scores),
            "levels": selectors.checklist_of(newer.checklist).levels,
        },
    )


@login_required
def roles_view(request: HttpRequest) -> HttpResponse:
    user = page_user(request, PreparednessAction.ROLES_VIEW)
    may_manage = can(user, PreparednessAction.MANAGE)
    form = RoleForm(request.POST or None, organisations=organisations_all()) if may_manage else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.role_set(
                    actor=user,
                    organisation=data["organisation"],
                    phase=data["phase"],
                    duty=data["duty"],
                    sop=data["sop"],
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Role saved."))
                return redirect("preparedness:roles")
        status = 400
    roles = list(selectors.roles_visible_to(user).order_by("organisation__name", "phase"))
    by_org: dict[int, dict[str, Any]] = {}
    for role in roles:
        row = by_org.setdefault(role.organisation_id, {"organisation": role.organisation, "phases": {}})
        row["phases"][role.phase] = role
    return render(
        request,
        "preparedness/roles.html",
        {
            "rows": list(by_org.values()),
            "phases": Phase.choices,
            "phase_now": selectors.phase_now(),
            "form": form,
            "may_acknowledge": can(user, PreparednessAction.ROLES_ACKNOWLEDGE),
            "leads": lead_agencies(),
        },
        status=status,
    )


@login_required
@post_only
def role_acknowledge_view(request: HttpRequest, role_id: int) -> HttpResponse:
    user = page_user(request)
    role = selectors.role_get_for_user(user, role_id)
    attempt(request, lambda: services.role_acknowledge(actor=user, role=role), _("Role acknowledged."))
    return redirect("preparedness:roles")


def role_now_panel(request: HttpRequest) -> str:
    """'Your role now': the user's organisations' part in the phase that applies (core.panels)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        return ""
    roles = selectors.roles_now(user)
    phase = selectors.phase_now()
    if not roles and phase == Phase.BEFORE:
        return ""
    return render_to_string(
        "preparedness/_role_now.html",
        {"roles": roles, "phase": Phase(phase).label, "declared": phase == Phase.DECLARED},
        request=request,
    )
