"""Justice pages for prosecutors and court clerks: the hearings calendar by court, the proceedings of a case, a
proceeding with its protective measures and hearings, a hearing with its actions, the hearings to reschedule, the
backlog. The caseworker and supervisor of a case see its hearings (to tell the survivor) and change nothing; the
national coordinator sees the backlog figures only. Pages name cases by their pseudonymous reference."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from lantern.cases import non_punishment
from lantern.cases import selectors as case_selectors
from lantern.cases import services as case_services
from lantern.cases.codes import PERPETRATOR_ROLES
from lantern.cases.models import Case
from lantern.cases.permissions import CaseAction
from lantern.core import listing
from lantern.core.models import User
from lantern.core.pagination import CappedPaginator
from lantern.core.permissions import can
from lantern.core.views import attempt, confirm_page, confirmed, form_errors, page_user, post_only
from lantern.justice import ics, selectors, services
from lantern.justice.forms import (
    AwardForm,
    CalendarForm,
    CompensationForm,
    DefendantLinkForm,
    FeedForm,
    FundStatusForm,
    HearingFilterForm,
    HearingForm,
    MeasureDecisionForm,
    ModeForm,
    OutcomeForm,
    PaymentForm,
    PostponeForm,
    ProceedingForm,
    ProtectiveMeasureForm,
    RepresentativeForm,
    RescheduleForm,
)
from lantern.justice.models import (
    CalendarFeed,
    Compensation,
    Court,
    FundClaimStatus,
    Hearing,
    HearingStatus,
    MeasureStatus,
    Outcome,
    Payer,
    Proceeding,
)
from lantern.justice.permissions import JusticeAction, may_manage_hearing, may_manage_proceeding


def sees_hearings(user: User) -> bool:
    return can(user, JusticeAction.VIEW) or can(user, CaseAction.VIEW)


def _viewer(request: HttpRequest) -> User:
    user = page_user(request)
    if not sees_hearings(user):
        raise PermissionDenied
    return user


def _own_organisations(user: User) -> Any:
    """The prosecution services the user opens proceedings for (a court registry opens none)."""
    return selectors.prosecution_services_of(user)


def day_off_text(off: selectors.DayOff | None) -> str:
    """The warning for a date on which the court's country does not work ("" when it does)."""
    if off is None:
        return ""
    day = date_format(off.day, "l Y-m-d")
    if off.holiday:
        return _("%(day)s is a public holiday in the court's country: %(holiday)s.") % {
            "day": day,
            "holiday": off.holiday,
        }
    return _("%(day)s is a weekend day in the court's country.") % {"day": day}


def _refused_day_off(
    form: Any, field: str, court: Court, moment: datetime, *, not_before: datetime | None = None
) -> bool:
    """A date on a day off is kept only once the clerk has seen the warning and ticked the box it brings. A date
    the service refuses anyway (too early) gets that refusal instead, not a warning about the day."""
    if moment <= max(timezone.now(), not_before or timezone.now()):
        return False
    off = selectors.court_day_off(court, moment)
    if off is None or form.cleaned_data.get("on_day_off"):
        return False
    form.add_error(field, day_off_text(off) + " " + _("Choose another date, or tick the box to keep this one."))
    return True


@login_required
def hearings_view(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    form = HearingFilterForm(request.GET or None)
    form.fields["court"].queryset = selectors.courts_of(user)  # type: ignore[attr-defined]
    form.fields["status"].choices = [("", pgettext("justice", "Any")), *HearingStatus.choices]  # type: ignore[attr-defined]
    filters = selectors.HearingFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.HearingFilters(
            court_id=data["court"].pk if data["court"] else None,
            status=data["status"],
            mode=data["mode"],
            starts_from=data["starts_from"],
            starts_to=data["starts_to"],
        )
    page = CappedPaginator(selectors.hearing_list(user, filters), 50).get_page(request.GET.get("page"))
    # The calendar: the page's hearings by day, each day as the court reckons it.
    days: dict[date, list[Hearing]] = {}
    for hearing in page:
        days.setdefault(hearing.starts_at.astimezone(ZoneInfo(hearing.court.time_zone)).date(), []).append(hearing)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "justice/hearings.html",
        {
            "form": form,
            "page": page,
            "days": sorted(days.items()),
            "query": query.urlencode(),
            "may_manage": can(user, JusticeAction.MANAGE),
            "to_reschedule": selectors.to_reschedule(user).count(),
            "calendar_court": filters.court_id,
        },
    )


# How far from today the calendar goes, either way.
CALENDAR_YEARS = 50


@login_required
@require_safe
def calendar_view(request: HttpRequest) -> HttpResponse:
    """One court's hearings by week or by month, in the court's time zone, with its days off; links only, so it
    works without JavaScript and a keyboard moves through it as through any page."""
    user = _viewer(request)
    courts = selectors.courts_of(user)
    form = CalendarForm(request.GET or None)
    form.fields["court"].queryset = courts  # type: ignore[attr-defined]
    court = courts.first()
    view = "week"
    anchor: date | None = None
    if form.is_bound and form.is_valid():
        court = form.cleaned_data["court"]
        view = form.cleaned_data["view"] or "week"
        anchor = form.cleaned_data["day"]
    elif form.is_bound and form.has_error("court"):
        raise Http404
    if court is None:
        return render(request, "justice/calendar.html", {"form": form, "court": None})
    today = timezone.now().astimezone(ZoneInfo(court.time_zone)).date()
    if anchor is None or abs(anchor.year - today.year) > CALENDAR_YEARS:
        anchor = today  # a date typed far away (year 1, 9999) is no calendar: this week instead
    start, end = selectors.calendar_period(view, anchor)
    if view == "month":
        first = anchor.replace(day=1)
        previous, following = (first - timedelta(days=1)).replace(day=1), (first + timedelta(days=32)).replace(day=1)
        title = date_format(first, "F Y")
    else:
        previous, following = anchor - timedelta(days=7), anchor + timedelta(days=7)
        # Each date isolated (FSI...PDI), so that right to left does not reorder its digits and hyphens.
        title = _("Week from %(first)s to %(last)s") % {
            "first": f"\u2068{start:%Y-%m-%d}\u2069",
            "last": f"\u2068{end:%Y-%m-%d}\u2069",
        }
    weeks = selectors.court_calendar(user, court, view=view, anchor=anchor)
    return render(
        request,
        "justice/calendar.html",
        {
            "form": form,
            "court": court,
            "view": view,
            "title": title,
            "weeks": weeks,
            "weekdays": [date_format(day.day, "l") for day in weeks[0]],
            "today": today,
            "anchor": anchor,
            "previous": previous,
            "following": following,
            "count": sum(len(d.hearings) for week in weeks for d in week),
        },
    )


# --- Calendar feeds ---------------------------------------------------------------------------------------------


@login_required
def feeds_view(request: HttpRequest) -> HttpResponse:
    """The user's calendar feeds: subscribe to one court's hearings (a clerk) or to one's proceedings' (a
    prosecutor); revoke an address. A new address is shown once, on the page that answers its creation."""
    user = page_user(request, JusticeAction.VIEW)
    courts = selectors.courts_with_feed_for(user)
    prosecutor = selectors.prosecution_services_of(user).exists()
    form = FeedForm(request.POST or None)
    form.fields["court"].queryset = courts  # type: ignore[attr-defined]
    if not prosecutor:
        form.fields["court"].required = True
        form.fields["court"].empty_label = None  # type: ignore[attr-defined]
    new_url = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _feed, token = services.calendar_feed_create(
                    actor=user, court=form.cleaned_data["court"], language=translation.get_language() or "en"
                )
            except (PermissionDenied, ValidationError):
                form.add_error("court", _("You may not subscribe to this calendar."))
                status = 403
            else:
                new_url = request.build_absolute_uri(reverse("justice:feed", args=[token]))
        else:
            status = 422
    response = render(
        request,
        "justice/feeds.html",
        {
            "form": form,
            "feeds": selectors.feeds_of(user),
            "new_url": new_url,
            "may_subscribe": courts.exists() or prosecutor,
        },
        status=status,
    )
    if new_url:
        response["Cache-Control"] = "no-store"  # the address is a secret: shown once, kept by no cache
    return response


def _non_punishment(user: User, proceeding: Proceeding) -> dict[str, Any]:
    case = proceeding.case
    may_view = non_punishment.may_view(user, case)
    return {
        "case": case,
        "may_view_np": may_view,
        "may_record_np": False,
        "charges": non_punishment.charges_for(user, case) if may_view else [],
    }


@login_required
@post_only
def feed_revoke_view(request: HttpRequest, feed_id: int) -> HttpResponse:
    user = page_user(request, JusticeAction.VIEW)
    feed = selectors.feeds_of(user).filter(pk=feed_id).first()
    if feed is None:
        raise Http404
    attempt(
        request,
        lambda: services.calendar_feed_revoke(actor=user, feed=feed),
        _("The calendar address was revoked: it no longer works anywhere."),
    )
    return redirect("justice:feeds")


def _feed_events(request: HttpRequest, feed: CalendarFeed) -> list[ics.Event]:
    events = []
    for hearing in selectors.feed_hearings(feed)[: selectors.FEED_MAX_HEARINGS]:
        zone = ZoneInfo(hearing.court.time_zone)
        lines = [
            _("Mode: %(mode)s.") % {"mode": hearing.get_mode_display()},
            _("Status: %(status)s.") % {"status": hearing.get_status_display()},
        ]
        if hearing.postponement_reason:
            lines.append(_("Reason: %(reason)s.") % {"reason": hearing.get_postponement_reason_display()})
        if hearing.new_starts_at:
            lines.append(
                _("New date: %(when)s.")
                % {"when": f"{hearing.new_starts_at.astimezone(zone):%Y-%m-%d %H:%M} ({hearing.court.time_zone})"}
            )
        events.append(
            ics.Event(
                uid=f"hearing-{hearing.pk}@{request.get_host()}",
                stamp=hearing.changed_at,
                starts_at=hearing.starts_at,
                summary=f"{hearing.proceeding.case.reference} · {hearing.proceeding.get_kind_display()}",
                location=hearing.court.name,
                description="\n".join(lines),
                cancelled=hearing.status in (HearingStatus.CANCELLED, HearingStatus.POSTPONED),
                url=request.build_absolute_uri(reverse("justice:hearing", args=[hearing.pk])),
            )
        )
    return events


@require_safe
def feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself, for a calendar application: no session, the secret in the address. An unknown, revoked or
    orphaned address is a plain 404 that says nothing about which."""
    feed = selectors.feed_by_token_hash(services.feed_token_hash(token[:100]))
    if feed is None:
        raise Http404
    with translation.override(feed.language):
        name = (
            _("Hearings at %(court)s") % {"court": feed.court.name}
            if feed.court is not None
            else _("Hearings of my proceedings")
        )
        body = ics.calendar(
            name=name,
            time_zone=feed.court.time_zone if feed.court is not None else "",
            events=_feed_events(request, feed),
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def find_case_view(request: HttpRequest) -> HttpResponse:
    """A prosecutor types the reference the police or the NGO gave, to open a proceeding for it."""
    page_user(request, JusticeAction.MANAGE)
    reference = request.GET.get("reference", "").strip().upper()[:16]
    if not case_selectors.case_exists(reference):
        messages.error(request, pgettext("justice", "No case has this reference."))
        return redirect("justice:hearings")
    return redirect("justice:case", reference=reference)


def _case_for(user: User, reference: str) -> Case:
    """The case of a reference, for its own staff or for justice staff; 404 for everyone else."""
    case = case_selectors.case_by_reference(reference)
    if case is None or not (can(user, CaseAction.VIEW, case) or can(user, JusticeAction.VIEW)):
        raise Http404
    return case


@login_required
def case_view(
    request: HttpRequest, reference: str, form: ProceedingForm | None = None, status: int = 200
) -> HttpResponse:
    user = page_user(request)
    case = _case_for(user, reference)
    proceedings = list(selectors.proceedings_of_case(user, case.reference).prefetch_related("hearings__court"))
    organisations = _own_organisations(user)
    may_open = organisations.exists()
    return render(
        request,
        "justice/case.html",
        {
            "case": case,
            "proceedings": proceedings,
            "form": form or (ProceedingForm(organisations=organisations) if may_open else None),
            "may_open": may_open,
        },
        status=status,
    )


@login_required
@post_only
def proceeding_open_view(request: HttpRequest, reference: str) -> HttpResponse:
    user = page_user(request, JusticeAction.MANAGE)
    case = _case_for(user, reference)
    form = ProceedingForm(request.POST, organisations=_own_organisations(user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            proceeding = services.proceeding_open(
                actor=user,
                case=case,
                organisation=data["organisation"],
                kind=data["kind"],
                survivor_role=data["survivor_role"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Proceeding opened."))
            return redirect("justice:proceeding", proceeding_id=proceeding.pk)
    return case_view(request, case.reference, form=form, status=422)


def _proceeding_forms(user: User, proceeding: Proceeding) -> bool:
    return can(user, JusticeAction.MANAGE, proceeding.organisation)


def _compensation_forms(compensation: Compensation, forms: dict[str, Any]) -> dict[str, Any]:
    """The forms a compensation claim offers in its state: award (not awarded yet, not refused by the fund), payment
    (awarded and still owed), the fund's answer (a state-fund claim not decided yet)."""
    key = compensation.pk
    found: dict[str, Any] = {"award": None, "pay": None, "fund": None}
    if compensation.awarded is None and compensation.fund_status != FundClaimStatus.REFUSED:
        found["award"] = forms.get(f"award-{key}") or AwardForm(prefix=f"award-{key}")
    if compensation.awarded is not None and compensation.paid < compensation.awarded:
        found["pay"] = forms.get(f"pay-{key}") or PaymentForm(prefix=f"pay-{key}")
    if compensation.fund_status in (FundClaimStatus.SUBMITTED, FundClaimStatus.UNDER_REVIEW):
        found["fund"] = forms.get(f"fund-{key}") or FundStatusForm(prefix=f"fund-{key}")
    return found


@login_required
def proceeding_view(
    request: HttpRequest, proceeding_id: int, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """A proceeding: its defendants and their outcomes, the survivor's compensation claims, protective measures and
    legal representative, and its hearings. Who may manage it sees the forms; the case's caseworker reads it."""
    user = _viewer(request)
    proceeding = selectors.proceeding_redress(selectors.proceeding_get_for_user(user, proceeding_id))
    may_manage = may_manage_proceeding(user, proceeding)
    forms = forms or {}
    hearings = (
        selectors.hearings_visible_to(user).filter(proceeding=proceeding).select_related("court").order_by("starts_at")
    )
    open_ = proceeding.closed_on is None
    labels = _perpetrator_labels(user, proceeding)
    defendants = [
        (
            d,
            (forms.get(f"outcome-{d.pk}") or OutcomeForm(prefix=f"outcome-{d.pk}"))
            if may_manage and not d.outcome
            else None,
            labels.get(d.perpetrator_id) if d.perpetrator_id is not None else None,
            (
                forms.get(f"link-{d.pk}")
                or DefendantLinkForm(
                    prefix=f"link-{d.pk}", perpetrators=list(labels.items()), initial={"perpetrator": d.perpetrator_id}
                )
            )
            if may_manage and labels
            else None,
        )
        for d in proceeding.defendants.all()
    ]
    measures = [
        (
            m,
            (forms.get(f"decide-{m.pk}") or MeasureDecisionForm(prefix=f"decide-{m.pk}"))
            if may_manage and m.status == MeasureStatus.REQUESTED
            else None,
        )
        for m in proceeding.protective_measures.all()
    ]
    compensations = [(c, _compensation_forms(c, forms) if may_manage else {}) for c in proceeding.compensations.all()]
    representative_form = None
    if may_manage:
        representative_form = forms.get("representative") or RepresentativeForm(
            organisations=selectors.representative_organisations(),
            initial={
                "organisation": proceeding.representative_organisation_id,
                "lawyer": proceeding.representative_lawyer,
            },
        )
    return render(
        request,
        "justice/proceeding.html",
        {
            "proceeding": proceeding,
            "defendants": defendants,
            "measures": measures,
            "compensations": compensations,
            "hearings": hearings,
            "may_manage": may_manage,
            "may_schedule": _proceeding_forms(user, proceeding) and open_,
            "hearing_form": forms.get("hearing") or (HearingForm() if _proceeding_forms(user, proceeding) else None),
            "measure_form": forms.get("measure") or (ProtectiveMeasureForm() if may_manage else None),
            "compensation_form": forms.get("compensation") or (CompensationForm() if may_manage else None),
            "representative_form": representative_form,
            "open_forms": set(forms),
            # The charges against the survivor and her requests not to be punished (Art. 26), for the prosecutor.
            **_non_punishment(user, proceeding),
        },
        status=status,
    )


def _perpetrator_labels(user: User, proceeding: Proceeding) -> dict[int, str]:
    """perpetrator id -> how this reader sees a perpetrator of the case: its number and roles, and its name only
    if she may read the case (that read is in the audit trail)."""
    names = selectors.reads_perpetrator_names(user, proceeding.case)
    labels: dict[int, str] = {}
    named = False
    for perpetrator in selectors.perpetrators_of(proceeding):
        label = pgettext("justice", "Perpetrator %(number)d") % {"number": perpetrator.position}
        if names and perpetrator.name:
            label += f": {perpetrator.name}"
            named = True
        roles = [str(PERPETRATOR_ROLES.get(role, role)) for role in perpetrator.roles]
        if roles:
            label += f" ({listing.join(roles)})"
        labels[perpetrator.pk] = label
    if named:
        case_services.personal_data_read(actor=user, case=proceeding.case, fields=["perpetrator.name"])
    return labels


@login_required
@post_only
def defendant_link_view(request: HttpRequest, defendant_id: int) -> HttpResponse:
    user = _viewer(request)
    defendant = selectors.defendant_get_for_user(user, defendant_id)
    user, proceeding = _managed_proceeding(request, defendant.proceeding_id)
    perpetrators = {p.pk: p for p in selectors.perpetrators_of(proceeding)}
    form = DefendantLinkForm(
        request.POST, prefix=f"link-{defendant.pk}", perpetrators=[(pk, str(pk)) for pk in perpetrators]
    )
    return _redress_submit(
        request,
        proceeding,
        key=f"link-{defendant.pk}",
        form=form,
        call=lambda data: services.defendant_link(
            actor=user,
            defendant=defendant,
            perpetrator=perpetrators.get(data["perpetrator"]) if data["perpetrator"] is not None else None,
        ),
        done=_("Defendant linked."),
    )


@login_required
@post_only
def hearing_schedule_view(request: HttpRequest, proceeding_id: int) -> HttpResponse:
    user = _viewer(request)
    proceeding = selectors.proceeding_get_for_user(user, proceeding_id)
    form = HearingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        court: Court = data["court"]
        starts_at = services.local_to_utc(court, data["starts_at"].replace(tzinfo=None))
        try:
            if not _refused_day_off(form, "starts_at", court, starts_at):
                hearing = services.hearing_schedule(
                    actor=user, proceeding=proceeding, court=court, starts_at=starts_at, mode=data["mode"]
                )
                messages.success(request, _("Hearing scheduled."))
                return redirect("justice:hearing", hearing_id=hearing.pk)
        except ValidationError as exc:
            form_errors(form, exc)
    return proceeding_view(request, proceeding.pk, forms={"hearing": form}, status=422)


@dataclass(frozen=True)
class Confirmation:
    """What a confirmation page says before an action that cannot be undone."""

    title: str
    consequence: str
    button: str


def _redress_submit(
    request: HttpRequest,
    proceeding: Proceeding,
    *,
    key: str,
    form: Any,
    call: Callable[[dict[str, Any]], object],
    done: str,
    confirm: Confirmation | None = None,
) -> HttpResponse:
    """One redress form of a proceeding's page: validated, confirmed when it cannot be undone, done through its
    service; a refusal brings the page back with what was typed and the reason beside the field."""
    if form.is_valid():
        if confirm is not None and not confirmed(request):
            kept = tuple(name for name in request.POST if name not in ("csrfmiddlewaretoken", "confirmed"))
            return confirm_page(
                request,
                title=confirm.title,
                consequence=confirm.consequence,
                button=confirm.button,
                keep=kept,
                back=reverse("justice:proceeding", args=[proceeding.pk]),
            )
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("justice:proceeding", proceeding_id=proceeding.pk)
    return proceeding_view(request, proceeding.pk, forms={key: form}, status=422)


def _managed_proceeding(request: HttpRequest, proceeding_id: int) -> tuple[User, Proceeding]:
    user = _viewer(request)
    proceeding = selectors.proceeding_get_for_user(user, proceeding_id)
    if not may_manage_proceeding(user, proceeding):
        raise PermissionDenied
    return user, proceeding


@login_required
@post_only
def protective_measure_view(request: HttpRequest, proceeding_id: int) -> HttpResponse:
    user, proceeding = _managed_proceeding(request, proceeding_id)
    return _redress_submit(
        request,
        proceeding,
        key="measure",
        form=ProtectiveMeasureForm(request.POST),
        call=lambda data: services.protective_measure_add(actor=user, proceeding=proceeding, **data),
        done=_("Protective measure recorded."),
    )


@login_required
@post_only
def measure_decide_view(request: HttpRequest, measure_id: int) -> HttpResponse:
    user = _viewer(request)
    measure = selectors.protective_measure_get_for_user(user, measure_id)
    user, proceeding = _managed_proceeding(request, measure.proceeding_id)
    return _redress_submit(
        request,
        proceeding,
        key=f"decide-{measure.pk}",
        form=MeasureDecisionForm(request.POST, prefix=f"decide-{measure.pk}"),
        call=lambda data: services.protective_measure_decide(actor=user, measure=measure, **data),
        done=_("Decision recorded."),
        confirm=Confirmation(
            _("Record the court's decision on %(measure)s?") % {"measure": measure.get_kind_display()},
            _("A decision is recorded once and cannot be changed afterwards."),
            _("Yes, record the decision"),
        ),
    )


@login_required
@post_only
def defendant_add_view(request: HttpRequest, proceeding_id: int) -> HttpResponse:
    user, proceeding = _managed_proceeding(request, proceeding_id)
    attempt(request, lambda: services.defendant_add(actor=user, proceeding=proceeding), _("Defendant added."))
    return redirect("justice:proceeding", proceeding_id=proceeding.pk)


@login_required
@post_only
def defendant_outcome_view(request: HttpRequest, defendant_id: int) -> HttpResponse:
    user = _viewer(request)
    defendant = selectors.defendant_get_for_user(user, defendant_id)
    user, proceeding = _managed_proceeding(request, defendant.proceeding_id)
    form = OutcomeForm(request.POST, prefix=f"outcome-{defendant.pk}")
    typed = str(form.data.get(form.add_prefix("outcome"), ""))
    chosen = Outcome(typed) if typed in Outcome.values else None
    return _redress_submit(
        request,
        proceeding,
        key=f"outcome-{defendant.pk}",
        form=form,
        call=lambda data: services.defendant_outcome(actor=user, defendant=defendant, **data),
        done=_("Outcome recorded."),
        confirm=Confirmation(
            _("Record “%(outcome)s” for defendant %(number)s?")
            % {"outcome": chosen.label if chosen else "", "number": defendant.number},
            _(
                "An outcome is recorded once and cannot be changed. When every defendant has one, the proceeding "
                "closes and no hearing can be scheduled in it any more."
            ),
            _("Yes, record the outcome"),
        ),
    )


@login_required
@post_only
def compensation_claim_view(request: HttpRequest, proceeding_id: int) -> HttpResponse:
    user, proceeding = _managed_proceeding(request, proceeding_id)
    return _redress_submit(
        request,
        proceeding,
        key="compensation",
        form=CompensationForm(request.POST),
        call=lambda data: services.compensation_claim(actor=user, proceeding=proceeding, **data),
        done=_("Compensation claim recorded."),
    )


def _compensation_action(request: HttpRequest, compensation_id: int, action: str) -> HttpResponse:
    user = _viewer(request)
    compensation = selectors.compensation_get_for_user(user, compensation_id)
    user, proceeding = _managed_proceeding(request, compensation.proceeding_id)
    key = f"{action}-{compensation.pk}"
    amounts = {"currency": compensation.currency}
    if action == "award":
        form: Any = AwardForm(request.POST, prefix=key)
        amounts["amount"] = form.data.get(form.add_prefix("awarded"), "")
        return _redress_submit(
            request,
            proceeding,
            key=key,
            form=form,
            call=lambda data: services.compensation_award(actor=user, compensation=compensation, **data),
            done=_("Award recorded."),
            confirm=Confirmation(
                _("Record an award of %(amount)s %(currency)s?") % amounts,
                _("An award is recorded once and cannot be changed afterwards."),
                _("Yes, record the award"),
            ),
        )
    if action == "pay":
        form = PaymentForm(request.POST, prefix=key)
        amounts["amount"] = form.data.get(form.add_prefix("amount"), "")
        return _redress_submit(
            request,
            proceeding,
            key=key,
            form=form,
            call=lambda data: services.compensation_pay(actor=user, compensation=compensation, **data),
            done=_("Payment recorded."),
            confirm=Confirmation(
                _("Record a payment of %(amount)s %(currency)s?") % amounts,
                _("A payment is recorded once and cannot be changed afterwards."),
                _("Yes, record the payment"),
            ),
        )
    if action == "fund" and compensation.payer == Payer.STATE_FUND:
        return _redress_submit(
            request,
            proceeding,
            key=key,
            form=FundStatusForm(request.POST, prefix=key),
            call=lambda data: services.fund_claim_status(actor=user, compensation=compensation, **data),
            done=_("The fund's answer was recorded."),
        )
    raise Http404


@login_required
@post_only
def compensation_action_view(request: HttpRequest, compensation_id: int, action: str) -> HttpResponse:
    return _compensation_action(request, compensation_id, action)


@login_required
@post_only
def representative_view(request: HttpRequest, proceeding_id: int) -> HttpResponse:
    user, proceeding = _managed_proceeding(request, proceeding_id)
    return _redress_submit(
        request,
        proceeding,
        key="representative",
        form=RepresentativeForm(request.POST, organisations=selectors.representative_organisations()),
        call=lambda data: services.legal_representative_set(
            actor=user, proceeding=proceeding, organisation=data["organisation"], lawyer=data["lawyer"]
        ),
        done=_("Legal representative recorded."),
    )


@login_required
def hearing_view(
    request: HttpRequest, hearing_id: int, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user = _viewer(request)
    hearing = selectors.hearing_get_for_user(user, hearing_id)
    may_manage = may_manage_hearing(user, hearing)
    forms = forms or {}
    following = selectors.hearing_following(hearing)
    # A refusal about the hearing itself (no longer scheduled...) is said at the top: its form may be gone.
    refusals = [str(e) for form in forms.values() for e in form.non_field_errors()]
    return render(
        request,
        "justice/hearing.html",
        {
            "hearing": hearing,
            "following": following,
            "may_manage": may_manage,
            "postpone_form": forms.get("postpone") or PostponeForm(),
            "reschedule_form": forms.get("reschedule") or RescheduleForm(initial={"mode": hearing.mode}),
            "mode_form": forms.get("mode") or ModeForm(initial={"mode": hearing.mode}),
            "open_form": next(iter(forms), ""),
            "refusals": refusals,
            "scheduled": hearing.status == HearingStatus.SCHEDULED,
            "due": hearing.starts_at <= timezone.now(),
            "to_reschedule": hearing.status == HearingStatus.POSTPONED and hearing.new_starts_at is None,
            "day_off": day_off_text(selectors.court_day_off(hearing.court, hearing.starts_at)),
        },
        status=status,
    )


def _managed(request: HttpRequest, hearing_id: int) -> tuple[User, Hearing]:
    user = _viewer(request)
    hearing = selectors.hearing_get_for_user(user, hearing_id)
    if not may_manage_hearing(user, hearing):
        raise PermissionDenied
    return user, hearing


@login_required
@post_only
def hearing_postpone_view(request: HttpRequest, hearing_id: int) -> HttpResponse:
    user, hearing = _managed(request, hearing_id)
    form = PostponeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        new = data["new_starts_at"]
        new_starts_at = services.local_to_utc(hearing.court, new.replace(tzinfo=None)) if new else None
        try:
            if new_starts_at is None or not _refused_day_off(
                form, "new_starts_at", hearing.court, new_starts_at, not_before=hearing.starts_at
            ):
                services.hearing_postpone(
                    actor=user, hearing=hearing, reason=data["reason"], new_starts_at=new_starts_at
                )
                messages.success(request, _("Hearing postponed: the survivor and their caseworker will be told."))
                return redirect("justice:hearing", hearing_id=hearing.pk)
        except ValidationError as exc:
            form_errors(form, exc)
    return hearing_view(request, hearing.pk, forms={"postpone": form}, status=422)


@login_required
@post_only
def hearing_reschedule_view(request: HttpRequest, hearing_id: int) -> HttpResponse:
    user, hearing = _managed(request, hearing_id)
    form = RescheduleForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        new_starts_at = services.local_to_utc(hearing.court, data["new_starts_at"].replace(tzinfo=None))
        try:
            if not _refused_day_off(form, "new_starts_at", hearing.court, new_starts_at, not_before=hearing.starts_at):
                following = services.hearing_reschedule(
                    actor=user, hearing=hearing, new_starts_at=new_starts_at, mode=data["mode"]
                )
                messages.success(request, _("New date set: the survivor and their caseworker will be told."))
                return redirect("justice:hearing", hearing_id=following.pk)
        except ValidationError as exc:
            form_errors(form, exc)
    return hearing_view(request, hearing.pk, forms={"reschedule": form}, status=422)


@login_required
@post_only
def hearing_mode_view(request: HttpRequest, hearing_id: int) -> HttpResponse:
    user, hearing = _managed(request, hearing_id)
    form = ModeForm(request.POST)
    if form.is_valid():
        try:
            services.hearing_mode_change(actor=user, hearing=hearing, mode=form.cleaned_data["mode"])
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Mode changed."))
            return redirect("justice:hearing", hearing_id=hearing.pk)
    return hearing_view(request, hearing.pk, forms={"mode": form}, status=422)


@login_required
@post_only
def hearing_action_view(request: HttpRequest, hearing_id: int, action: str) -> HttpResponse:
    user, hearing = _managed(request, hearing_id)
    actions: dict[str, tuple[Callable[[], object], str]] = {
        "hold": (lambda: services.hearing_hold(actor=user, hearing=hearing), _("Hearing recorded as held.")),
        "cancel": (
            lambda: services.hearing_cancel(actor=user, hearing=hearing),
            _("Hearing cancelled: the survivor and their caseworker will be told."),
        ),
    }
    if action not in actions:
        raise Http404
    if action == "cancel" and not confirmed(request):
        return confirm_page(
            request,
            title=_("Cancel this hearing?"),
            consequence=_(
                "The hearing is cancelled for good and the survivor and their caseworker are told at once. To move "
                "it to another date, postpone or reschedule it instead."
            ),
            button=_("Yes, cancel the hearing"),
        )
    call, done = actions[action]
    attempt(request, call, done)
    return redirect("justice:hearing", hearing_id=hearing.pk)


@login_required
def to_reschedule_view(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    page = CappedPaginator(selectors.to_reschedule(user), 50).get_page(request.GET.get("page"))
    return render(request, "justice/to_reschedule.html", {"page": page})


@login_required
def backlog_view(request: HttpRequest) -> HttpResponse:
    page_user(request, JusticeAction.BACKLOG)
    region = request.GET.get("region", "").strip()[:100]
    rows = selectors.backlog(region=region)
    regions = selectors.court_regions()
    return render(
        request,
        "justice/backlog.html",
        {"rows": rows[:-1], "overall": rows[-1], "region": region, "regions": regions},
    )


def case_proceedings_panel(request: HttpRequest, case: Case) -> str:
    """The case page's proceedings with their next hearing, each linking to its page (core.panels, slot
    "cases.detail"; the case page has checked that the user may see the case, and the justice app's scope says
    which proceedings she sees). Nothing for a reader who sees none and has no part in justice."""
    user = page_user(request)
    proceedings = selectors.proceedings_on_case_page(user, case)
    if not proceedings and not selectors.follows_proceedings(user, case):
        return ""
    return render_to_string(
        "justice/_case_proceedings.html", {"case": case, "proceedings": proceedings}, request=request
    )
