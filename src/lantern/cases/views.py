"""Case pages: the list with filters, the register form, the case page with its timeline and actions."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from lantern.cases import (
    children,
    closure,
    codes,
    journey,
    non_punishment,
    plans,
    residence,
    returns,
    selectors,
    services,
)
from lantern.cases.codes import CaseStatus
from lantern.cases.forms import (
    FIELD_LABELS,
    AgeAssessmentForm,
    AssignForm,
    BestInterestsForm,
    CaseBreakGlassForm,
    CaseEditForm,
    CaseForm,
    ChargeForm,
    ChildViewsForm,
    CloseForm,
    ConsentForm,
    DecisionForm,
    DeclineForm,
    FilterForm,
    FollowUpForm,
    GuardianForm,
    JourneyEventForm,
    LanguagesForm,
    MediatorForm,
    NameSearchForm,
    NeedsForm,
    NonPunishmentDecideForm,
    NonPunishmentRequestForm,
    NoteForm,
    PermitForm,
    PerpetratorForm,
    PlanActionForm,
    PlanActionUpdateForm,
    PlanAgreeForm,
    PlanForm,
    PlanReviewForm,
    ReferToAuthorityForm,
    RemovalForm,
    RemovalResolveForm,
    ReopenForm,
    ReturnCancelForm,
    ReturnDoneForm,
    ReturnFollowUpForm,
    ReturnPlanForm,
    RiskForm,
    SafetyPlanForm,
    ServeForm,
    TransferForm,
)
from lantern.cases.models import Case, FollowUpOutcome, PermitStatus, ResidencePermit, ReturnPlan, Stage, TimelineEntry
from lantern.cases.permissions import CaseAction
from lantern.cases.validation import PERSONAL_FIELDS, age_on
from lantern.core import codes as iso
from lantern.core import listing
from lantern.core import selectors as core_selectors
from lantern.core.codes import language_name
from lantern.core.models import Organisation, User
from lantern.core.pagination import CappedPaginator
from lantern.core.permissions import Action, can, organisation_scope
from lantern.core.services import break_glass_open
from lantern.core.views import BREAK_GLASS_ASKED, attempt, confirm_page, confirmed, form_errors, page_user, post_only
from lantern.core.words import staff_name


def _list_filters(request: HttpRequest) -> tuple[FilterForm, selectors.CaseFilters]:
    form = FilterForm(request.GET or None)
    filters = selectors.CaseFilters(**form.cleaned_data) if form.is_valid() else selectors.CaseFilters()
    return form, filters


@login_required
def case_list_view(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    if not can(user, CaseAction.VIEW):
        raise PermissionDenied
    form, filters = _list_filters(request)
    return _list_page(request, user, form, selectors.case_list(user, filters))


@login_required
def case_find_by_name_view(request: HttpRequest) -> HttpResponse:
    """Find the cases of one's organisation by the person's exact full name, through the blind index. POST only
    (the name stays out of URLs); asked by GET, it shows the list."""
    user = page_user(request)
    if not can(user, CaseAction.SEARCH_NAME):
        raise PermissionDenied
    if request.method != "POST":
        return redirect("cases:list")
    name_form = NameSearchForm(request.POST, auto_id="name_%s")
    if not name_form.is_valid():
        return _list_page(
            request, user, FilterForm(), selectors.cases_visible_to(user).none(), name_form=name_form, status=422
        )
    found = selectors.case_list(user, selectors.CaseFilters(name=name_form.cleaned_data["name"]))
    services.case_name_searched(actor=user, found=found.count())
    return _list_page(request, user, FilterForm(), found, name_form=name_form, searched_name=True)


def _list_page(
    request: HttpRequest,
    user: User,
    form: FilterForm,
    cases: QuerySet[Case],
    *,
    name_form: NameSearchForm | None = None,
    searched_name: bool = False,
    status: int = 200,
) -> HttpResponse:
    page = CappedPaginator(cases, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    may_search_name = can(user, CaseAction.SEARCH_NAME)
    if not can(user, CaseAction.PLAN):
        for name in FilterForm.PLAN_FIELDS:
            form.fields.pop(name, None)
    today = timezone.localdate()
    return render(
        request,
        "cases/list.html",
        {
            "page": page,
            "form": form,
            "name_form": (name_form or NameSearchForm(auto_id="name_%s")) if may_search_name else None,
            "searched_name": searched_name,
            "query": query.urlencode(),
            "may_register": can(user, CaseAction.CREATE),
            "may_export": can(user, CaseAction.LIST_EXPORT),
            "may_break_glass": can(user, Action.BREAK_GLASS_OPEN),
            "follow_ups_due": selectors.follow_ups_due(user) if can(user, CaseAction.CLOSE) else 0,
            "may_plan": can(user, CaseAction.PLAN),
            "safety_plans_missing": selectors.safety_plans_missing(user) if can(user, CaseAction.PLAN) else 0,
            "deadlines": selectors.deadline_counts(user)
            if can(user, CaseAction.ASSIGN) or can(user, CaseAction.DECIDE)
            else None,
            "watch": [(code, n) for code, n in selectors.watch_counts(user, today=today).items() if n],
            "rows": _rows(page, today),
            "today": today,
        },
        status=status,
    )


def _rows(page: Iterable[Case], today: date) -> list[tuple[Case, ResidencePermit | None]]:
    """The page's cases, each with the permit that runs out soon (or ran out), in one query for the page."""
    cases = list(page)
    due = selectors.permits_due_on_page([c.pk for c in cases], today=today)
    return [(case, due.get(case.pk)) for case in cases]


@login_required
def case_list_export_view(request: HttpRequest) -> HttpResponse:
    """The list with the same filters, as CSV (no personal data; audited)."""
    user = page_user(request)
    if not can(user, CaseAction.LIST_EXPORT):
        raise PermissionDenied
    _form, filters = _list_filters(request)
    out = io.StringIO()
    services.case_list_export(actor=user, cases=selectors.case_list_exportable(user, filters), out=out)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cases-{timezone.localdate().isoformat()}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def case_register_view(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    organisation = core_selectors.acting_organisation(user, CaseAction.CREATE)
    if organisation is None:
        raise PermissionDenied
    form = CaseForm(request.POST or None, initial={"identified_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_register(
                actor=user,
                organisation=organisation,
                person=form.person(),
                context=form.context(),
                identified_on=form.cleaned_data["identified_on"],
                consent_to_case_management=form.cleaned_data["consent_to_case_management"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Case %(reference)s registered.") % {"reference": case.reference})
            return redirect("cases:detail", reference=case.reference)
    return render(request, "cases/register.html", {"form": form, "organisation": organisation})


@login_required
def case_edit_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Change what was recorded about the person and what happened. The form shows the case as recorded (a read
    of personal data, audited) and keeps what was typed when something is wrong."""
    user = page_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.UPDATE)
    if case.stage == Stage.CLOSED or case.anonymised_at is not None:
        raise PermissionDenied
    risk = selectors.latest_risk(case)
    form = CaseEditForm(request.POST or None, initial=CaseEditForm.initial_for(case, risk.risk_level if risk else ""))
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(
                actor=user,
                case=case,
                person=form.person_changes(),
                context=form.context_changes(),
                identified_on=form.cleaned_data["identified_on"],
                risk_level=form.cleaned_data["risk_level"] or None,
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Case %(reference)s changed.") % {"reference": case.reference})
            return redirect("cases:detail", reference=case.reference)
    if request.method != "POST":
        services.personal_data_read(actor=user, case=case, fields=sorted(PERSONAL_FIELDS))
    status = 422 if request.method == "POST" else 200
    return render(
        request, "cases/register.html", {"form": form, "organisation": case.organisation, "case": case}, status=status
    )


@login_required
def case_detail_view(request: HttpRequest, reference: str) -> HttpResponse:
    user = page_user(request)
    case = selectors.case_get_for_user(user, reference)
    return _case_page(request, user, case)


def _case_page(request: HttpRequest, user: User, case: Case, *, status: int = 200, **forms: Any) -> HttpResponse:
    """The case page, with its personal data: the only way it is rendered, so every showing of it is a read in
    the audit trail, the page asked for and the page shown again after a refused form alike."""
    child_fields = set(selectors.CHILD_RECORD_FIELDS) if case.is_minor else set()
    fields = PERSONAL_FIELDS | {"notes"} | child_fields | set(selectors.JOURNEY_FIELDS)
    services.personal_data_read(actor=user, case=case, fields=sorted(fields))
    _focus_the_error(forms.values())
    return render(request, "cases/detail.html", _detail_context(user, case, **forms), status=status)


def _focus_the_error(forms: Iterable[Any]) -> None:
    """The page is long: a refused form would show again at the top, its error far below. The browser lands on
    its first wrong field instead (autofocus scrolls to it), or on its first field when the error is the form's."""
    for form in forms:
        if not isinstance(form, BaseForm) or not form.is_bound or not form.errors:
            continue
        visible = [name for name, field in form.fields.items() if not field.widget.is_hidden]
        first = next((name for name in visible if name in form.errors), visible[0] if visible else None)
        if first is not None:
            form.fields[first].widget.attrs["autofocus"] = True
        return


def _detail_context(user: User, case: Case, **forms: Any) -> dict[str, Any]:
    may_update = can(user, CaseAction.UPDATE, case)
    consent_form = forms.get("consent_form") or ConsentForm()
    consent_form.fields["recipient"].widget.choices = [("", "—")] + [
        (o.pk, o.name) for o in core_selectors.organisations_all().exclude(pk=case.organisation_id)
    ]
    may_assign = can(user, CaseAction.ASSIGN, case)
    assign_form = forms.get("assign_form")
    if may_assign and assign_form is None:
        assign_form = AssignForm(
            users=_colleagues(case), initial={"assignee": case.assigned_to_id}, auto_id="assign_%s"
        )
    today = timezone.localdate()
    holds_plan = can(user, CaseAction.PLAN, case)
    risk = selectors.latest_risk(case) if holds_plan else None
    decisions = _decisions(case)
    timeline = [entry for entry in selectors.case_timeline(case) if holds_plan or not _assistance_entry(entry)]
    names = selectors.staff_names([str(e.detail.get("assignee") or "") for e in timeline if e.kind == "assign"])
    return {
        "case": case,
        "person": case.person,
        "labels": _labels(case),
        "age": age_on(case.person.birth_date, today) if case.person.birth_date else None,
        "risk": risk,
        "overdue": case.next_deadline is not None and case.next_deadline < today and case.stage != Stage.CLOSED,
        "timeline": [(entry, _timeline_detail(entry, names, case.organisation.name)) for entry in timeline],
        "may_assign": may_assign and case.stage != Stage.CLOSED,
        "assign_form": assign_form,
        "may_take": (
            not may_assign
            and case.assigned_to_id is None
            and case.stage != Stage.CLOSED
            and can(user, CaseAction.TAKE, case)
        ),
        **_holder_context(user, case, forms.get("transfer_form")),
        "may_edit": may_update and case.stage != Stage.CLOSED and case.anonymised_at is None,
        "notes": case.notes.select_related("author"),
        "consents": case.consents.select_related("recipient"),
        "decisions": decisions,
        "standings": selectors.decision_standings(row["decision"] for row in decisions),
        "refer_form": forms.get("refer_form") or ReferToAuthorityForm(),
        "possible_duplicate": selectors.possible_duplicate_exists(case),
        "may_update": may_update and case.stage != Stage.CLOSED,
        "may_plan": can(user, CaseAction.PLAN, case) and case.stage != Stage.CLOSED,
        "may_decide": can(user, CaseAction.DECIDE, case) and case.stage != Stage.CLOSED,
        "note_form": forms.get("note_form") or NoteForm(),
        "consent_form": consent_form,
        "needs_form": forms.get("needs_form") or NeedsForm(initial={"needs": case.needs}),
        "risk_form": forms.get("risk_form") or RiskForm(),
        "decision_form": forms.get("decision_form") or DecisionForm(initial={"decided_on": timezone.localdate()}),
        "serve_form": forms.get("serve_form") or ServeForm(initial={"served_on": timezone.localdate()}),
        **_closure_context(user, case, forms),
        **_child_context(case, forms),
        **_journey_context(user, case, forms),
        **_residence_context(user, case, forms),
        **_plan_context(user, case, forms),
    }


def _journey_context(user: User, case: Case, forms: dict[str, Any]) -> dict[str, Any]:
    """What cases/_journey.html and cases/_perpetrators.html show: the steps in order and the perpetrators, in
    words (countries in the reader's language), with their forms."""
    steps = []
    for event in selectors.case_journey(case):
        steps.append(
            {
                "event": event,
                "place": str(listing.join([p for p in (event.street, event.city, event.region) if p])),
                "country": _country(event.country),
            }
        )
    people = []
    links = journey.perpetrator_links(user, case)
    for perpetrator in selectors.case_perpetrators(case):
        people.append(
            {
                "perpetrator": perpetrator,
                "links": links.get(perpetrator.pk, []),
                "roles": [str(codes.PERPETRATOR_ROLES.get(r, r)) for r in perpetrator.roles],
                "citizenship": [_country(code) for code in perpetrator.citizenship],
            }
        )
    return {
        "journey_steps": steps,
        "perpetrators": people,
        "journey_form": forms.get("journey_form") or JourneyEventForm(),
        "perpetrator_form": forms.get("perpetrator_form") or PerpetratorForm(),
    }


def _renewable(case: Case) -> list[tuple[int, str]]:
    return [
        (p.pk, f"{p.get_kind_display()} · {p.valid_until.isoformat() if p.valid_until else p.get_status_display()}")
        for p in residence.permits_of(case)
        if p.status in (PermitStatus.GRANTED, PermitStatus.EXPIRED) and not hasattr(p, "renewal")
    ]


def _residence_context(user: User, case: Case, forms: dict[str, Any]) -> dict[str, Any]:
    """What cases/_residence.html and cases/_non_punishment.html show: permits, detention and removal orders (the
    open ones also at the top of the page), and, for those who may read them, the charges and requests."""
    today = timezone.localdate()
    removals = residence.removals_of(case)
    permits = residence.permits_of(case)
    may_np = non_punishment.may_view(user, case)
    charges = non_punishment.charges_for(user, case) if may_np else []
    due = selectors.permit_due_of(case, today=today) if permits else None
    return {
        "permit_due": due,
        "permit_due_days": (due.valid_until - today).days if due and due.valid_until else None,
        "permits": permits,
        "removals": removals,
        "open_removals": [r for r in removals if not r.resolution],
        "show_residence": bool(permits or removals) or case.migration_status != "citizen",
        "permit_form": forms.get("permit_form")
        or PermitForm(renewable=_renewable(case), initial={"applied_on": today}, auto_id="permit_%s"),
        "removal_form": forms.get("removal_form") or RemovalForm(initial={"ordered_on": today}, auto_id="removal_%s"),
        "resolve_form": RemovalResolveForm(initial={"resolved_on": today}, auto_id=False),
        "may_view_np": may_np,
        "may_record_np": may_np and non_punishment.may_record(user, case) and case.stage != Stage.CLOSED,
        "charges": charges,
        "charge_form": forms.get("charge_form") or ChargeForm(initial={"charged_on": today}, auto_id="charge_%s"),
        "np_request_form": forms.get("np_request_form"),
        "np_request_blank": NonPunishmentRequestForm(initial={"requested_on": today}, auto_id=False),
        "np_request_charge": forms.get("np_request_charge"),
        "np_decide_form": NonPunishmentDecideForm(initial={"decided_on": today}, auto_id=False),
    }


def _plan_context(user: User, case: Case, forms: dict[str, Any]) -> dict[str, Any]:
    """What cases/_plan.html shows: the assistance plan, the services declined, the latest risk with its safety
    plan, the mediators and the languages, with their forms (for those who hold the case only)."""
    record = plans.plan_record(user, case)
    if record is None:
        return {"plan_record": None}
    today = timezone.localdate()
    plan = record.plan
    mediator_form = forms.get("mediator_form") or MediatorForm(initial={"from_on": today})
    mediator_form.fields["organisation"].widget.choices = [("", "—")] + [
        (o.pk, o.name) for o in plans.mediator_organisations()
    ]
    mediator_form.fields["staff"].widget.choices = [("", "—"), *_colleagues(case)]
    reader = translation.get_language() or "en"
    return {
        "plan_record": record,
        "service_names": {k: str(v) for k, v in codes.SERVICE_TYPES.items()},
        "plan_form": forms.get("plan_form")
        or PlanForm(initial={"objectives": plan.objectives, "next_review_on": plan.next_review_on} if plan else None),
        "action_form": forms.get("action_form") or PlanActionForm(),
        "action_rows": [
            (
                action,
                PlanActionUpdateForm(
                    initial={"status": action.status, "actual_end": action.actual_end}, auto_id=f"action{action.pk}_%s"
                ),
            )
            for action in record.actions
        ],
        "agree_form": forms.get("agree_form") or PlanAgreeForm(initial={"agreed_on": today}),
        "review_form": forms.get("review_form") or PlanReviewForm(initial={"reviewed_on": today, "with_person": True}),
        "decline_form": forms.get("decline_form") or DeclineForm(initial={"declined_on": today}),
        "safety_plan_form": forms.get("safety_plan_form") or SafetyPlanForm(),
        "mediator_form": mediator_form,
        "languages_form": forms.get("languages_form")
        or LanguagesForm(initial={field: getattr(case, field) for field in plans.LANGUAGE_FIELDS}),
        "procedure_languages": [
            (label, language_name(getattr(case, field), reader) if getattr(case, field) else "")
            for field, label in (
                ("consent_language", _("Consent")),
                ("interview_language", _("Interviews")),
                ("decisions_language", _("Decisions served")),
            )
        ],
    }


def _closure_context(user: User, case: Case, forms: dict[str, Any]) -> dict[str, Any]:
    """What cases/_closure.html shows: what is still open, the closings and reopenings, the return plans, and the
    forms of those who may close, follow up, reopen or plan a return."""
    live = case.anonymised_at is None
    closed = case.stage == Stage.CLOSED
    may_close = can(user, CaseAction.CLOSE, case) and live and not closed
    may_override = may_close and can(user, CaseAction.CLOSE_OVERRIDE, case)
    close_form = forms.get("close_form") or CloseForm()
    if not may_override:
        close_form.fields.pop("override_reason", None)
    return_form = forms.get("return_form") or ReturnPlanForm(initial={"planned_on": timezone.localdate()})
    return_form.fields["receiving_organisation"].widget.choices = [("", "—")] + [
        (o.pk, o.name) for o in core_selectors.organisations_all().exclude(pk=case.organisation_id)
    ]
    return_orders = returns.open_removals(case) if live and not closed else []
    if not return_orders:
        return_form.fields.pop("removal_confirmed", None)
    record = selectors.closure_record(case)
    needs_help = live and closure.needs_help_now(case)
    return {
        "closure": record,
        # The reasons of a supervisor's override and of a reopening are the holding organisation's: the competent
        # authority reading the case sees their dates and codes (the closing's own words are the file's).
        "closure_reasons": can(user, CaseAction.CLOSE, case),
        "open_matters": closure.open_matters(case) if may_close else {},
        "may_close": may_close,
        "may_override": may_override,
        "close_form": close_form,
        "may_follow_up": can(user, CaseAction.CLOSE, case) and live and case.status == CaseStatus.FOLLOW_UP,
        "follow_up_form": forms.get("follow_up_form") or FollowUpForm(initial={"contacted_on": timezone.localdate()}),
        "follow_up_contacts": closure.follow_up_contacts(case),
        "needs_help": needs_help,
        "may_reopen": can(user, CaseAction.REOPEN, case) and live and closed,
        # A follow-up contact found her needing help: the reopening is offered, for a new need.
        "reopen_form": forms.get("reopen_form") or ReopenForm(initial={"code": "new_need"} if needs_help else None),
        "may_plan_return": can(user, CaseAction.PLAN_RETURN, case) and live and not closed,
        "may_close_any": can(user, CaseAction.PLAN_RETURN, case) and live,
        "return_form": return_form,
        "return_orders": return_orders,
        "return_rows": [
            (
                plan,
                iso.country_name(plan.country),
                returns.blocked_words(plan) if plan.status == ReturnPlan.Status.BLOCKED else "",
            )
            for plan in record.returns
        ],
        "today": timezone.localdate(),
        "return_done_form": forms.get("return_done_form") or ReturnDoneForm(initial={"done_on": timezone.localdate()}),
        "return_follow_up_form": forms.get("return_follow_up_form") or ReturnFollowUpForm(),
    }


def _holder_context(user: User, case: Case, transfer_form: TransferForm | None) -> dict[str, Any]:
    """Who holds the case: a case of an organisation with no caseworkers (a police unit's) is held by nobody until
    it is handed over; those who may hand it over get the form, the organisations the person consented to first."""
    holds = services.holds_cases(case.organisation)
    may_transfer = can(user, CaseAction.TRANSFER, case) and case.stage != Stage.CLOSED and case.anonymised_at is None
    if may_transfer and transfer_form is None:
        transfer_form = TransferForm(organisations=_transfer_choices(case), auto_id="transfer_%s")
    return {"nobody_holds": not holds, "may_transfer": may_transfer, "transfer_form": transfer_form}


def _transfer_choices(case: Case) -> list[tuple[int, str]]:
    targets = selectors.transfer_targets(case)
    consented = [(o.pk, _("%(name)s (consent recorded)") % {"name": o.name}) for o, ok in targets if ok]
    return consented + [(o.pk, o.name) for o, ok in targets if not ok]


def _child_context(case: Case, forms: dict[str, Any]) -> dict[str, Any]:
    """What cases/_child.html shows: the child's protection record and its forms (for a child's case only)."""
    if not case.is_minor and not case.age_assessments.exists():
        return {"child": None}
    today = timezone.localdate()
    age_form = forms.get("age_form") or AgeAssessmentForm(
        initial={"assessed_on": today, "assessed_by_organisation": case.organisation_id}
    )
    directory = [(o.pk, o.name) for o in core_selectors.organisations_all()]
    age_form.fields["assessed_by_organisation"].widget.choices = directory
    bi_form = forms.get("bi_form") or BestInterestsForm(initial={"decided_on": today})
    bi_form.fields["organisation"].widget.choices = [("", "—"), *directory]
    return {
        "child": selectors.child_record(case, today=today),
        "child_labels": {
            "basis": str(codes.MinorityBasis(case.minority_basis).label),
            "separation": str(codes.Separation(case.separation).label) if case.separation else "",
        },
        "age_form": age_form,
        "guardian_form": forms.get("guardian_form") or GuardianForm(initial={"appointed_on": today}),
        "views_form": forms.get("views_form") or ChildViewsForm(initial={"heard_on": today}),
        "bi_form": bi_form,
    }


def _decisions(case: Case) -> list[dict[str, Any]]:
    """The authority's decisions, with the language each was served in named in the reader's language."""
    reader = translation.get_language() or "en"
    return [
        {"decision": d, "served_language": language_name(d.served_language, reader) if d.served_language else ""}
        for d in selectors.case_decisions(case)
    ]


def _colleagues(case: Case) -> list[tuple[int, str]]:
    return [(u.pk, staff_name(u)) for u in selectors.assignable_users(case)]


def _locale() -> str:
    return translation.to_locale(translation.get_language() or settings.LANGUAGE_CODE)


def _country(code: str) -> str:
    try:
        return iso.country_name(code, _locale()) if code else ""
    except (ValueError, TypeError):
        return iso.country_name(code)


def _language(code: str) -> str:
    try:
        return iso.language_name(code, _locale()) if code else ""
    except (ValueError, TypeError):
        return code


def _place(country: str, region: str) -> str:
    return str(listing.join([part for part in (region, _country(country)) if part]))


FIELD_ORDER = {name: position for position, name in enumerate(FIELD_LABELS)}  # the form's order


def nobody_alerted(organisation: str) -> str:
    """What the page says when an alert found nobody to reach (an organisation without caseworkers and
    supervisors, such as a police unit that registered the case)."""
    return _("Nobody in %(organisation)s can be alerted: hand the case over to an organisation that holds cases.") % {
        "organisation": organisation
    }


ALERTS = ("high_risk_alert", "removal_record", "permit_expiry_alert")  # entries that tell how many were alerted


# The timeline entries that tell of the assistance (the plan, the services declined, the risk and its alert, the
# mediators, the languages): shown only to those who hold the plan, never to the competent authority or others.
ASSISTANCE_KINDS = frozenset(
    {
        "plan_write",
        "plan_action",
        "plan_agree",
        "plan_review",
        "service_decline",
        "service_decline_withdraw",
        "high_risk_alert",
        "safety_plan_write",
        "mediator_assign",
        "languages",
    }
)


def _assistance_entry(entry: TimelineEntry) -> bool:
    if entry.kind in ASSISTANCE_KINDS:
        return True
    return entry.kind == "assessment" and (entry.detail.get("kind") == "risk" or bool(entry.detail.get("risk_level")))


def _timeline_detail(entry: TimelineEntry, names: dict[str, str], organisation: str = "") -> str:
    """What an entry adds to its label, in words: the fields a change touched (never their values), who a case
    was assigned to (named as the assign menu names her: `names`, username -> display name), the organisation a
    case was handed over to."""
    if entry.kind == "update":
        fields = sorted(entry.detail.get("fields", []), key=lambda name: FIELD_ORDER.get(name, len(FIELD_ORDER)))
        return str(listing.join([str(FIELD_LABELS.get(name, name)) for name in fields]))
    if entry.kind == "assign":
        assignee = str(entry.detail.get("assignee") or "")
        return names.get(assignee, assignee) or _("nobody")
    if entry.kind == "transfer":
        return str(entry.detail.get("to_name") or "")
    if entry.kind in ("plan_action", "service_decline", "service_decline_withdraw"):
        service = str(entry.detail.get("service") or "")
        return str(codes.SERVICE_TYPES.get(service, service))
    if entry.kind == "follow_up" and entry.detail.get("outcome") in FollowUpOutcome.values:
        return str(FollowUpOutcome(entry.detail["outcome"]).label)
    if entry.kind in ALERTS and entry.detail.get("recipients") == 0:
        return nobody_alerted(organisation)
    return ""


def _labels(case: Case) -> dict[str, Any]:
    def names(values: list[str], table: dict[str, Any]) -> list[str]:
        return [str(table.get(v, v)) for v in values]

    def asked(was_asked: bool) -> list[str]:
        """Nothing recorded: "none" when the person was asked, "not asked" otherwise."""
        return [str(pgettext("answer", "None") if was_asked else _("Not asked"))]

    person = case.person
    return {
        "languages": [_language(code) for code in [person.primary_language, *person.other_languages] if code],
        "citizenship": [_country(code) for code in person.citizenship],
        "recruited_in": _place(case.recruitment_country, case.recruitment_region),
        "exploited_in": _place(case.exploitation_country, case.exploitation_region),
        "industry": str(codes.ISIC_SECTIONS.get(case.forced_labour_industry, case.forced_labour_industry)),
        "migration": str(codes.MIGRATION_STATUS.get(case.migration_status, case.migration_status)),
        "exploitation": names(case.forms_of_exploitation, codes.EXPLOITATION),
        "recruitment": names(case.recruitment_methods, codes.RECRUITMENT_METHODS),
        "platforms": case.recruitment_platforms,
        "control": names(case.methods_of_control, codes.METHODS_OF_CONTROL),
        "crisis": names(case.crisis_circumstances, codes.CRISIS_CIRCUMSTANCES),
        "risk_groups": names(case.at_risk_groups, codes.AT_RISK_GROUPS) or asked(case.at_risk_asked),
        "disability": names(case.disability_domains, codes.DISABILITY_DOMAINS) or asked(case.disability_asked),
        "needs": names(case.needs, codes.SERVICE_TYPES),
        "contact": str(codes.CONTACT_ROUTES.get(case.person.contact_route, case.person.contact_route)),
    }


def _act(
    request: HttpRequest,
    reference: str,
    form_name: str,
    form_class: type,
    action: str,
    perform: Callable[[User, Case, dict[str, Any]], object],
    done: str | Callable[[Case, object], str],
    *,
    auto_id: str | None = None,
) -> HttpResponse:
    """Validate one small form of the case page, call the service, and come back to the page; on a wrong value
    the page shows again with the form as typed and the error beside the field (its fields keep the ids the blank
    form has: `auto_id`)."""
    user = page_user(request)
    case = selectors.case_get_for_user(user, reference, action)
    # A form with ids of its own (`_OwnIds`) keeps them unless the caller names others.
    form = form_class(request.POST, auto_id=auto_id) if auto_id else form_class(request.POST)
    if form.is_valid():
        try:
            result = perform(user, case, form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, done(case, result) if callable(done) else done)
            return redirect("cases:detail", reference=case.reference)
    return _case_page(request, user, case, status=422, **{form_name: form})


@login_required
@post_only
def note_add_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(
        request,
        reference,
        "note_form",
        NoteForm,
        CaseAction.UPDATE,
        lambda u, c, d: services.note_add(actor=u, case=c, text=d["text"]),
        _("Note added."),
    )


@login_required
@post_only
def consent_give_view(request: HttpRequest, reference: str) -> HttpResponse:
    def give(user: User, case: Case, data: dict[str, Any]) -> object:
        recipient = core_selectors.organisation_get(data["recipient"]) if data["recipient"] else None
        return services.consent_give(
            actor=user,
            case=case,
            purpose=data["purpose"],
            recipient=recipient,
            channel=data["channel"] or "",
            given_by=data["given_by"] or codes.ConsentGiver.PERSON,
        )

    return _act(request, reference, "consent_form", ConsentForm, CaseAction.UPDATE, give, _("Consent recorded."))


@login_required
@post_only
def consent_withdraw_view(request: HttpRequest, reference: str, consent_id: int) -> HttpResponse:
    user = page_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.UPDATE)
    consent = case.consents.filter(pk=consent_id).first()
    if consent is None:
        raise Http404
    if not confirmed(request):
        return confirm_page(
            request,
            title=_("Withdraw this consent?"),
            consequence=_(
                "Withdrawing cannot be undone: what it allowed stops at once (open referrals that relied on it are "
                "cancelled). If the person agrees again later, record a new consent."
            ),
            button=_("Yes, withdraw the consent"),
        )
    attempt(request, lambda: services.consent_withdraw(actor=user, consent=consent), _("Consent withdrawn."))
    return redirect("cases:detail", reference=case.reference)


@login_required
@post_only
def needs_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(
        request,
        reference,
        "needs_form",
        NeedsForm,
        CaseAction.UPDATE,
        lambda u, c, d: services.assessment_record(actor=u, case=c, kind="needs", needs=d["needs"]),
        _("Needs assessment recorded."),
    )


@login_required
@post_only
def risk_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(
        request,
        reference,
        "risk_form",
        RiskForm,
        CaseAction.PLAN,
        lambda u, c, d: plans.risk_assess(
            actor=u,
            case=c,
            risk_level=d["risk_level"],
            reasons=d["notes"],
            safety_plan=d["safety_plan"],
            review_on=d["review_on"],
        ),
        lambda c, risk: (
            _("Risk assessment recorded.")
            if getattr(risk, "risk_level", "") != "high" or plans.high_risk_alert_reaches_someone(c)
            else _("Risk assessment recorded.") + " " + nobody_alerted(c.organisation.name)
        ),
    )


def _mediator(user: User, case: Case, data: dict[str, Any]) -> object:
    staff = None
    if data["staff"] is not None:
        staff = selectors.assignable_users(case).filter(pk=data["staff"]).first()
        if staff is None:
            raise ValidationError({"staff": _("Only a member of staff of the organisation holding the case.")})
    return plans.mediator_assign(
        actor=user,
        case=case,
        kind=data["kind"],
        organisation=_organisation_chosen(data["organisation"], "organisation"),
        staff=staff,
        language=data["language"] or "",
        from_on=data["from_on"],
        to_on=data["to_on"],
    )


PLAN_STEPS: dict[str, ChildStep] = {}  # filled below, once ChildStep is defined


@login_required
@post_only
def plan_step_view(request: HttpRequest, reference: str, step: str) -> HttpResponse:
    """The assistance plan's objectives, an action, the person's agreement, a review, a declined service, a
    mediator or the languages (the URL says which)."""
    plan_step = PLAN_STEPS[step]
    return _act(
        request,
        reference,
        plan_step.form_name,
        plan_step.form_class,
        CaseAction.PLAN,
        plan_step.perform,
        plan_step.done if callable(plan_step.done) else str(plan_step.done),
    )


@login_required
@post_only
def plan_action_update_view(request: HttpRequest, reference: str, action_id: int) -> HttpResponse:
    user = page_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.PLAN)
    action = plans.plan_action_get(case, action_id)
    if action is None:
        raise Http404
    form = PlanActionUpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status and give the end date as YYYY-MM-DD."))
        return redirect("cases:detail", reference=case.reference)
    attempt(
        request,
        lambda: plans.plan_action_update(
            actor=user,
            action=action,
            status=form.cleaned_data["status"],
            actual_end=form.cleaned_data["actual_end"],
            stop_reason=form.cleaned_data["stop_reason"],
        ),
        _("Action updated."),
    )
    return redirect("cases:detail", reference=case.reference)


@login_required
@post_only
def decline_withdraw_view(request: HttpRequest, reference: str, declined_id: int) -> HttpResponse:
    user = page_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.PLAN)
    declined = plans.declined_services(case).filter(pk=declined_id).first()
    if declined is None:
        raise Http404
    attempt(
        request,
        lambda: plans.service_decline_withdraw(actor=user, declined=declined),
        _("The service counts as needed again."),
    )
    return redirect("cases:detail", reference=case.reference)


@login_required
@post_only
def refer_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(
        request,
        reference,
        "refer_form",
        ReferToAuthorityForm,
        CaseAction.UPDATE,
        lambda u, c, d: services.case_refer_to_authority(
            actor=u,
            case=c,
            consent_given=d["consent_given"],
            consent_given_by=d["consent_given_by"] or codes.ConsentGiver.PERSON,
            legal_basis=d["legal_basis"],
        ),
        _("Referred to the competent authority."),
    )


@login_required
@post_only
def decide_view(request: HttpRequest, reference: str) -> HttpResponse:
    def decide(user: User, case: Case, data: dict[str, Any]) -> object:
        # A decision of this kind exists: the new one reconsiders the latest (the service asks for the grounds).
        latest = case.decisions.filter(kind=data["kind"]).order_by("-recorded_at", "-pk").first()
        return services.case_decide(
            actor=user,
            case=case,
            kind=data["kind"],
            outcome=data["outcome"],
            reasons=data["reasons"],
            decided_on=data["decided_on"],
            served_on=data["served_on"],
            served_language=data["served_language"] or "",
            reconsiders=latest,
            reconsideration_grounds=data["reconsideration_grounds"] or "",
        )

    # Someone who works on the case but is not its competent authority is refused (403), not told it is missing.
    if not can(page_user(request), CaseAction.DECIDE, selectors.case_get_for_user(page_user(request), reference)):
        raise PermissionDenied
    return _act(request, reference, "decision_form", DecisionForm, CaseAction.DECIDE, decide, _("Decision recorded."))


def _organisation_chosen(organisation_id: int | None, field: str) -> Organisation | None:
    """The organisation a form's select names (None when none was chosen); a wrong id is an error on its field."""
    if organisation_id is None:
        return None
    organisation = core_selectors.organisation_get(organisation_id)
    if organisation is None:
        raise ValidationError({field: _("No such organisation.")})
    return organisation


def _age_assessment(user: User, case: Case, data: dict[str, Any]) -> object:
    organisation = _organisation_chosen(data["assessed_by_organisation"], "assessed_by_organisation")
    if organisation is None:  # the form requires one
        raise ValidationError({"assessed_by_organisation": _("This field is required.")})
    return children.age_assessment_record(
        actor=user,
        case=case,
        method=data["method"],
        assessed_on=data["assessed_on"],
        age_lower=data["age_lower"],
        age_upper=data["age_upper"],
        result_band=data["result_band"] or "",
        assessed_by_organisation=organisation,
        assessor_role=data["assessor_role"],
    )


def _best_interests(user: User, case: Case, data: dict[str, Any]) -> object:
    return children.best_interests_record(
        actor=user,
        case=case,
        kind=data["kind"],
        solution=data["solution"] or "",
        decided_on=data["decided_on"],
        reasons=data["reasons"],
        organisation=_organisation_chosen(data["organisation"], "organisation"),
        body_name=data["body_name"],
    )


@dataclass(frozen=True)
class ChildStep:
    """One form of a child's protection record on the case page: its name there, the service it calls, what the
    page says when it is done."""

    form_name: str
    form_class: type
    perform: Callable[[User, Case, dict[str, Any]], object]
    done: str | Promise | Callable[[Case, Any], str]


CHILD_STEPS: dict[str, ChildStep] = {
    "age_assessment": ChildStep(
        "age_form", AgeAssessmentForm, _age_assessment, gettext_lazy("Age assessment recorded.")
    ),
    "guardian": ChildStep(
        "guardian_form",
        GuardianForm,
        lambda u, c, d: children.guardian_appoint(actor=u, case=c, **d),
        gettext_lazy("Guardian recorded."),
    ),
    "child_views": ChildStep(
        "views_form",
        ChildViewsForm,
        lambda u, c, d: children.child_views_record(actor=u, case=c, **d),
        gettext_lazy("The child's views recorded."),
    ),
    "best_interests": ChildStep(
        "bi_form", BestInterestsForm, _best_interests, gettext_lazy("Best-interests step recorded.")
    ),
}


PLAN_STEPS.update(
    {
        "plan": ChildStep(
            "plan_form",
            PlanForm,
            lambda u, c, d: plans.plan_write(actor=u, case=c, **d),
            gettext_lazy("Assistance plan saved: it is a draft until the person agrees to it."),
        ),
        "plan_action": ChildStep(
            "action_form",
            PlanActionForm,
            lambda u, c, d: plans.plan_action_add(actor=u, case=c, **d),
            gettext_lazy("Action added to the plan."),
        ),
        "plan_agree": ChildStep(
            "agree_form",
            PlanAgreeForm,
            lambda u, c, d: plans.plan_agree(actor=u, case=c, how=d["agreed_how"], agreed_on=d["agreed_on"]),
            gettext_lazy("The person's agreement is recorded."),
        ),
        "plan_review": ChildStep(
            "review_form",
            PlanReviewForm,
            lambda u, c, d: plans.plan_review(actor=u, case=c, **d),
            gettext_lazy("Review recorded."),
        ),
        "decline": ChildStep(
            "decline_form",
            DeclineForm,
            lambda u, c, d: plans.service_decline(actor=u, case=c, **d),
            lambda c, declined: plans.declined_words(declined),
        ),
        "safety_plan": ChildStep(
            "safety_plan_form",
            SafetyPlanForm,
            lambda u, c, d: plans.safety_plan_write(actor=u, case=c, **d),
            gettext_lazy("Safety plan saved."),
        ),
        "mediator": ChildStep("mediator_form", MediatorForm, _mediator, gettext_lazy("Assignment recorded.")),
        "languages": ChildStep(
            "languages_form",
            LanguagesForm,
            lambda u, c, d: plans.languages_record(actor=u, case=c, **{k: v or "" for k, v in d.items()}),
            gettext_lazy("Languages recorded."),
        ),
    }
)


@login_required
@post_only
def child_step_view(request: HttpRequest, reference: str, step: str) -> HttpResponse:
    """An age assessment, a guardian, the child's views or a best-interests step (the URL says which)."""
    child_step = CHILD_STEPS[step]
    return _act(
        request,
        reference,
        child_step.form_name,
        child_step.form_class,
        CaseAction.UPDATE,
        child_step.perform,
        child_step.done if callable(child_step.done) else str(child_step.done),
    )


@login_required
@post_only
def journey_event_add_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(
        request,
        reference,
        "journey_form",
        JourneyEventForm,
        CaseAction.UPDATE,
        lambda u, c, d: journey.journey_event_add(actor=u, case=c, **d),
        _("Step of the journey recorded."),
    )


@login_required
@post_only
def journey_event_remove_view(request: HttpRequest, reference: str, event_id: int) -> HttpResponse:
    return _remove(request, reference, lambda u, c: journey.journey_event_remove(actor=u, case=c, event_id=event_id))


@login_required
@post_only
def perpetrator_add_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(
        request,
        reference,
        "perpetrator_form",
        PerpetratorForm,
        CaseAction.UPDATE,
        lambda u, c, d: journey.perpetrator_add(actor=u, case=c, **d),
        _("Perpetrator recorded."),
    )


@login_required
@post_only
def perpetrator_remove_view(request: HttpRequest, reference: str, perpetrator_id: int) -> HttpResponse:
    return _remove(
        request, reference, lambda u, c: journey.perpetrator_remove(actor=u, case=c, perpetrator_id=perpetrator_id)
    )


def _remove(request: HttpRequest, reference: str, perform: Callable[[User, Case], None]) -> HttpResponse:
    user = page_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.UPDATE)
    try:
        perform(user, case)
    except ValidationError as exc:
        raise Http404 from exc  # a step or a perpetrator of another case is no business of this one
    messages.success(request, _("Removed."))
    return redirect("cases:detail", reference=case.reference)


@login_required
@post_only
def serve_view(request: HttpRequest, reference: str, decision_id: int) -> HttpResponse:
    """The authority records when, and in which language, a decision already recorded was served on the person."""

    def serve(user: User, case: Case, data: dict[str, Any]) -> object:
        decision = selectors.decision_of(case, decision_id)
        if decision is None:
            raise Http404
        return services.decision_serve(
            actor=user, decision=decision, served_on=data["served_on"], served_language=data["served_language"]
        )

    if not can(page_user(request), CaseAction.DECIDE, selectors.case_get_for_user(page_user(request), reference)):
        raise PermissionDenied
    return _act(
        request,
        reference,
        "serve_form",
        ServeForm,
        CaseAction.DECIDE,
        serve,
        _("Decision served: the day and language are recorded."),
    )


@login_required
@post_only
def close_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(
        request,
        reference,
        "close_form",
        CloseForm,
        CaseAction.CLOSE,
        lambda u, c, d: closure.case_close(actor=u, case=c, **d),
        _("Case closed."),
    )


@login_required
@post_only
def follow_up_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(
        request,
        reference,
        "follow_up_form",
        FollowUpForm,
        CaseAction.CLOSE,
        lambda u, c, d: closure.follow_up_record(actor=u, case=c, **d),
        _("Follow-up contact recorded."),
    )


@login_required
@post_only
def reopen_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(
        request,
        reference,
        "reopen_form",
        ReopenForm,
        CaseAction.REOPEN,
        lambda u, c, d: closure.case_reopen(actor=u, case=c, **d),
        _("The case is open again."),
    )


@login_required
@post_only
def return_plan_view(request: HttpRequest, reference: str) -> HttpResponse:
    def plan(user: User, case: Case, data: dict[str, Any]) -> object:
        receiving = core_selectors.organisation_get(data.pop("receiving_organisation"))
        return returns.return_plan(actor=user, case=case, receiving_organisation=receiving, **data)

    return _act(request, reference, "return_form", ReturnPlanForm, CaseAction.PLAN_RETURN, plan, _("Return planned."))


@login_required
@post_only
def return_step_view(request: HttpRequest, reference: str, plan_id: int, step: str) -> HttpResponse:
    """The steps of a planned return: it took place (with the follow-up day), what the follow-up found, or cancelled."""

    def perform(user: User, case: Case, data: dict[str, Any]) -> object:
        plan = selectors.return_plan_of(case, plan_id)
        if plan is None:
            raise Http404
        if step == "done":
            return returns.return_done(actor=user, plan=plan, **data)
        if step == "follow_up":
            return returns.return_follow_up(actor=user, plan=plan, **data)
        return returns.return_cancel(actor=user, plan=plan)

    form_class, done = {
        "done": (ReturnDoneForm, _("Return recorded.")),
        "follow_up": (ReturnFollowUpForm, _("Follow-up after the return recorded.")),
        "cancel": (ReturnCancelForm, _("Return cancelled.")),
    }[step]
    return _act(request, reference, f"return_{step}_form", form_class, CaseAction.PLAN_RETURN, perform, done)


@login_required
@post_only
def assign_to_me_view(request: HttpRequest, reference: str) -> HttpResponse:
    """A caseworker takes an unassigned case of her organisation (a supervisor may take any)."""
    user = page_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.TAKE)
    attempt(request, lambda: services.case_take(actor=user, case=case), _("The case is assigned to you."))
    return redirect("cases:detail", reference=case.reference)


@login_required
@post_only
def assign_view(request: HttpRequest, reference: str) -> HttpResponse:
    """A supervisor gives the case to a colleague who holds cases (or to nobody)."""
    user = page_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.ASSIGN)
    colleagues = _colleagues(case)
    form = AssignForm(request.POST, users=colleagues, auto_id="assign_%s")
    if form.is_valid():
        chosen = form.cleaned_data["assignee"]
        assignee = next((u for u in selectors.assignable_users(case) if u.pk == chosen), None)
        try:
            services.case_assign(actor=user, case=case, assignee=assignee)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            name = dict(colleagues).get(chosen, "") if assignee else ""
            messages.success(
                request,
                _("The case is assigned to %(name)s.") % {"name": name} if name else _("The case is unassigned."),
            )
            return redirect("cases:detail", reference=case.reference)
    return _case_page(request, user, case, status=422, assign_form=form)


@login_required
@post_only
def transfer_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Hand the case over to another organisation (after a confirmation: the giving side may lose sight of it)."""
    user = page_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.TRANSFER)
    form = TransferForm(request.POST, organisations=_transfer_choices(case), auto_id="transfer_%s")
    if form.is_valid():
        target = next(o for o, _ok in selectors.transfer_targets(case) if o.pk == form.cleaned_data["organisation"])
        if not confirmed(request):
            return confirm_page(
                request,
                title=_("Hand %(reference)s over to %(name)s?") % {"reference": case.reference, "name": target.name},
                consequence=_(
                    "%(name)s will hold the case from now on, with its history; its supervisor gives it to a "
                    "caseworker. Your organisation keeps only what its role allows on another organisation's case "
                    "(a first responder no longer sees it)."
                )
                % {"name": target.name},
                button=_("Yes, hand the case over"),
                keep=("organisation",),
            )
        try:
            services.case_transfer(actor=user, case=case, to=target)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The case is handed over to %(name)s.") % {"name": target.name})
            if can(user, CaseAction.VIEW, case):
                return redirect("cases:detail", reference=case.reference)
            return redirect("cases:list")
    return _case_page(request, user, case, status=422, transfer_form=form)


@login_required
def nrm_status_view(request: HttpRequest) -> HttpResponse:
    """Where the cases referred to the competent authority stand: references, stages and deadlines, no person."""
    user = page_user(request)
    if not can(user, CaseAction.NRM_STATUS):
        raise PermissionDenied
    page = CappedPaginator(selectors.nrm_status(user), 50).get_page(request.GET.get("page"))
    may_open = organisation_scope(user, CaseAction.VIEW)  # the authority's members open the cases referred to them
    rows = [
        {
            "case": case,
            "may_open": may_open.allows(case),
            "standings": selectors.nrm_standings(case),
        }
        for case in page
    ]
    return render(request, "cases/nrm.html", {"page": page, "rows": rows, "today": timezone.localdate()})


@login_required
def break_glass_view(request: HttpRequest) -> HttpResponse:
    """Emergency access to one case outside the user's scope: by its reference, with a reason, for a few hours."""
    user = page_user(request)
    if not can(user, Action.BREAK_GLASS_OPEN):
        raise PermissionDenied
    form = CaseBreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = selectors.case_by_reference(form.cleaned_data["reference"])
        if case is None:
            form.add_error("reference", _("No case has this reference."))
        else:
            try:
                grant = break_glass_open(
                    actor=user, obj=case, reason=form.cleaned_data["reason"], hours=form.cleaned_data["hours"]
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                if grant.approved_at is None:
                    messages.warning(request, BREAK_GLASS_ASKED)
                    return redirect("core:home")
                messages.warning(request, _("Break-glass access is open. Your supervisors have been told."))
                return redirect("cases:detail", reference=case.reference)
    return render(request, "core/break_glass.html", {"form": form, "target": _("a case")})


# --- Residence permits, detention and removal, non-punishment --------------------------------------------------


def _permit(user: User, case: Case, data: dict[str, Any]) -> object:
    renews = residence.permit_of(case, data.pop("renews")) if data.get("renews") else None
    data.pop("renews", None)
    return residence.permit_record(actor=user, case=case, renews=renews, **data)


@login_required
@post_only
def permit_view(request: HttpRequest, reference: str) -> HttpResponse:
    user = page_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.UPDATE)
    form = PermitForm(request.POST, renewable=_renewable(case), auto_id="permit_%s")
    return _act_on(request, user, case, form, "permit_form", _permit, _("Residence permit recorded."))


@login_required
@post_only
def removal_view(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(
        request,
        reference,
        "removal_form",
        RemovalForm,
        CaseAction.UPDATE,
        lambda u, c, d: residence.removal_record(actor=u, case=c, **d),
        lambda c, _risk: (
            _("Recorded: the caseworker and the supervisors are alerted.")
            if residence.alert_reaches_someone(c)
            else _("Recorded.") + " " + nobody_alerted(c.organisation.name)
        ),
        auto_id="removal_%s",
    )


@login_required
@post_only
def removal_resolve_view(request: HttpRequest, reference: str, risk_id: int) -> HttpResponse:
    user = page_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.UPDATE)
    risk = residence.removal_of(case, risk_id)
    form = RemovalResolveForm(request.POST)
    return _act_on(
        request,
        user,
        case,
        form,
        "resolve_form",
        lambda u, c, d: residence.removal_resolve(actor=u, risk=risk, **d),
        _("Resolved."),
    )


def _np_case(request: HttpRequest, reference: str) -> tuple[User, Case]:
    user = page_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.NON_PUNISHMENT_RECORD)
    return user, case


@login_required
@post_only
def charge_view(request: HttpRequest, reference: str) -> HttpResponse:
    user, case = _np_case(request, reference)
    form = ChargeForm(request.POST, auto_id="charge_%s")
    return _act_on(
        request,
        user,
        case,
        form,
        "charge_form",
        lambda u, c, d: non_punishment.charge_record(actor=u, case=c, **d),
        _("Charge or fine recorded."),
    )


@login_required
@post_only
def np_request_view(request: HttpRequest, reference: str, charge_id: int) -> HttpResponse:
    user, case = _np_case(request, reference)
    charge = non_punishment.charge_of(case, charge_id)
    form = NonPunishmentRequestForm(request.POST)
    return _act_on(
        request,
        user,
        case,
        form,
        "np_request_form",
        lambda u, c, d: non_punishment.request_record(actor=u, charge=charge, **d),
        _("Non-punishment request recorded."),
        np_request_charge=charge.pk,
    )


@login_required
@post_only
def np_decide_view(request: HttpRequest, reference: str, request_id: int) -> HttpResponse:
    user, case = _np_case(request, reference)
    np_request = non_punishment.request_of(case, request_id)
    form = NonPunishmentDecideForm(request.POST)
    return _act_on(
        request,
        user,
        case,
        form,
        "np_decide_form",
        lambda u, c, d: non_punishment.request_decide(actor=u, request=np_request, **d),
        _("Outcome recorded."),
    )


def _act_on(
    request: HttpRequest,
    user: User,
    case: Case,
    form: Any,
    form_name: str,
    perform: Callable[[User, Case, dict[str, Any]], object],
    done: str,
    **extra: Any,
) -> HttpResponse:
    """Like `_act`, for a form built by the caller (its choices come from the case, or it acts on one record)."""
    if form.is_valid():
        try:
            perform(user, case, dict(form.cleaned_data))
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("cases:detail", reference=case.reference)
    return _case_page(request, user, case, status=422, **{form_name: form}, **extra)
