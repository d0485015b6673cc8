"""A voluntary return planned for any case, a resident of a shelter or not (docs/case-registry.md, "Return"). Same
form as cases.services. The return plan is the one record of a return: a shelter's repatriation screens plan,
show and end this same plan (`return_plan(..., permission_checked=True)` after the shelter's own check). The
safeguards are one rule set, `cases.services.return_refusal` (a child's best-interests determination, an adult's
own informed request while identification is pending or the recovery period runs), and the border rule is one
too, `border_closed`: a closure in the country of destination, or in the country the person leaves (the holding
organisation's), blocks the plan until it ends; the crisis app, to the right of cases, registers how it knows one
(`register_border_check`).

A removal is not a return plan: Lantern never plans a forced return. While a detention or removal order is open on
the case, a return is planned only when the person herself asks to go home voluntarily, confirmed with the plan
(`removal_confirmed`) and in its audit event. A negative conclusive-grounds decision does not
refuse a return: a person found not to be a victim may still go home voluntarily (with IOM, say), under the same
safeguards as anyone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lantern.cases import codes
from lantern.cases.models import OPEN_RETURN, Case, RemovalRisk, ReturnPlan, Stage
from lantern.cases.permissions import CaseAction
from lantern.cases.services import _event, _require, _set_stage, return_refusal
from lantern.cases.validation import visible
from lantern.core import codes as core_codes
from lantern.core.models import Organisation, User
from lantern.core.problems import CONFLICT
from lantern.core.roles import Role

TEXT_LIMIT = 2_000
NAME_LIMIT = 200
# A return is planned within two years: a later day is a typing error, and the open plan would hold the case's
# closure back until then.
PLAN_AHEAD = timedelta(days=2 * 366)

# (destination country, day) -> (the day the closure started, its words), or None when the border is open.
BorderCheck = Callable[[str, date], tuple[date, str] | None]
BORDER_CHECKS: list[BorderCheck] = []


def register_border_check(function: BorderCheck) -> None:
    if function not in BORDER_CHECKS:
        BORDER_CHECKS.append(function)


def border_closed(country: str, on: date | None = None, leaving: str = "") -> tuple[date, str] | None:
    """Whether a border closure in force stops a return to `country` on that day (when it started, its words): one
    in the country of destination stops the arrival, one in the country the person leaves (`leaving`) her
    departure (the study's stranded migrants)."""
    found = _closure(country, on or timezone.localdate(), leaving)
    return (found[1], found[2]) if found else None


def _closure(country: str, on: date, leaving: str) -> tuple[str, date, str] | None:
    """The country whose border closure stops the return, when it started and its words (the destination first)."""
    for where in dict.fromkeys(c for c in (country, leaving) if c):
        for function in BORDER_CHECKS:
            found = function(where, on)
            if found is not None:
                return where, found[0], found[1]
    return None


def leaving_from(case: Case) -> str:
    """The country a return departs from: the holding organisation's (a shelter's resident is in its country)."""
    return str(case.organisation.country or "")


def blocked_words(plan: ReturnPlan) -> str:
    found = _closure(plan.country, timezone.localdate(), leaving_from(plan.case))
    if found is None:
        return ""
    return _(
        "A border closure in %(country)s has been in force since %(day)s (%(note)s): the return waits until it ends."
    ) % {"country": core_codes.country_name(found[0]), "day": found[1].isoformat(), "note": found[2]}


def open_removals(case: Case) -> list[RemovalRisk]:
    return list(case.removal_risks.filter(resolution="").order_by("ordered_on", "pk"))


def removal_refusal(case: Case, *, removal_confirmed: bool) -> dict[str, str]:
    """A removal is never a voluntary return: while an order is open, only the person's own wish to go home,
    confirmed, lets a return be planned (field -> words; empty when it may)."""
    orders = open_removals(case)
    if not orders or removal_confirmed:
        return {}
    listed = "; ".join(
        _("%(kind)s of %(day)s") % {"kind": order.get_kind_display(), "day": order.ordered_on.isoformat()}
        for order in orders
    )
    return {
        "removal_confirmed": _(
            "Open on this case: %(orders)s. A removal is never a voluntary return, and it is not planned here. Plan "
            "a return only if the person herself asks to go home voluntarily, and confirm it."
        )
        % {"orders": listed}
    }


def _supervises(actor: User | None, case: Case, other: Organisation | None) -> bool:
    """Whether the actor is a supervisor of the organisation holding the case (or of the shelter planning it)."""
    if actor is None or not actor.is_active:
        return False
    organisations = [case.organisation_id] + ([other.pk] if other is not None else [])
    return actor.memberships.filter(organisation_id__in=organisations, role=Role.SUPERVISOR).exists()


def return_plan(
    *,
    actor: User | None,
    case: Case,
    country: str,
    planned_on: date,
    risk_level: str,
    risk_reasons: str = "",
    receiving_organisation: Organisation | None = None,
    receiving_name: str = "",
    receiving_contact: str = "",
    own_request: bool = False,
    own_request_text: str = "",
    removal_confirmed: bool = False,
    safety_measures: str = "",
    permission_checked: bool = False,
    supervising_organisation: Organisation | None = None,
) -> ReturnPlan:
    """Plan a voluntary return for the person of a case. One open plan per case. A caller that checked its own
    permission (a shelter planning its resident's return) says so with `permission_checked`, and names the
    organisation whose supervisors may plan a return at high risk (`supervising_organisation`, the shelter's): a
    return at high risk is planned by a supervisor, with the safety measures written."""
    if not permission_checked:
        _require(actor, CaseAction.PLAN_RETURN, case)
    if case.stage == Stage.CLOSED or case.anonymised_at is not None:
        raise ValidationError({"case": _("The case is closed.")})
    errors: dict[str, str] = {}
    country = country.strip().upper()
    if country not in core_codes.country_codes():
        errors["country"] = _("Choose the country of return.")
    today = timezone.localdate()
    if planned_on < today - timedelta(days=365):
        errors["planned_on"] = _("The date is too far in the past.")
    elif planned_on > today + PLAN_AHEAD:
        errors["planned_on"] = _("A return is planned within two years from today: check the date.")
    if risk_level not in codes.ReturnRisk.values:
        errors["risk_level"] = _("Assess the risk of the return.")
    risk_reasons = risk_reasons.strip() if visible(risk_reasons) else ""
    if risk_level in (codes.ReturnRisk.MEDIUM, codes.ReturnRisk.HIGH) and not risk_reasons:
        errors["risk_reasons"] = _("Say why the risk is medium or high.")
    safety_measures = safety_measures.strip() if visible(safety_measures) else ""
    if risk_level == codes.ReturnRisk.HIGH:
        if not _supervises(actor, case, supervising_organisation):
            errors["risk_level"] = _(
                "A return at high risk is planned by a supervisor, with the safety measures written."
            )
        elif not safety_measures:
            errors["safety_measures"] = _(
                "Write the safety measures for a return at high risk (escort, reception, who to contact)."
            )
    else:
        safety_measures = ""
    receiving_name = " ".join(receiving_name.split()) if visible(receiving_name) else ""
    receiving_contact = receiving_contact.strip()
    if receiving_organisation is None and not receiving_name:
        errors["receiving_name"] = _("Name the organisation that receives the person in the country of return.")
    for field, value, limit in (
        ("risk_reasons", risk_reasons, TEXT_LIMIT),
        ("safety_measures", safety_measures, TEXT_LIMIT),
        ("receiving_name", receiving_name, NAME_LIMIT),
        ("receiving_contact", receiving_contact, NAME_LIMIT),
    ):
        if len(value) > limit:
            errors[field] = ngettext("At most %(n)d character.", "At most %(n)d characters.", limit) % {"n": limit}
    errors.update(return_refusal(case, own_request=own_request, own_request_text=own_request_text))
    errors.update(removal_refusal(case, removal_confirmed=removal_confirmed))
    if errors:
        raise ValidationError(errors)
    kept = own_request and bool(own_request_text.strip())
    closed = border_closed(country, max(planned_on, today), leaving=leaving_from(case))
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        if case.return_plans.filter(status__in=OPEN_RETURN).exists():
            raise ValidationError({"case": ValidationError(_("A return is already planned."), code=CONFLICT)})
        # Read again under the lock: an order recorded meanwhile needs the confirmation too.
        orders = [order.kind for order in open_removals(case)]
        if orders and not removal_confirmed:
            raise ValidationError(removal_refusal(case, removal_confirmed=False))
        plan = ReturnPlan.objects.create(
            case=case,
            country=country,
            planned_on=planned_on,
            status=ReturnPlan.Status.BLOCKED if closed else ReturnPlan.Status.PLANNED,
            blocked_since=max(planned_on, closed[0]) if closed else None,
            own_request=kept,
            own_request_text=own_request_text.strip() if kept else "",
            removal_confirmed=bool(orders),
            risk_level=risk_level,
            risk_reasons=risk_reasons,
            safety_measures=safety_measures,
            receiving_organisation=receiving_organisation,
            receiving_name=receiving_name if receiving_organisation is None else "",
            receiving_contact=receiving_contact,
            planned_by=actor,
        )
        if case.stage in (Stage.SUPPORT, Stage.CONCLUSIVE_GROUNDS):
            _set_stage(case, Stage.RETURN)
        _event(
            case,
            "return_plan",
            actor,
            country=country,
            planned_on=planned_on.isoformat(),
            risk=risk_level,
            own_request=kept,
            blocked=bool(closed),
            # The kinds of the orders open when the person confirmed she asks to go home (codes, never words).
            despite_orders=sorted(orders),
        )
    return plan


def returns_refresh(*, on: date | None = None) -> dict[str, int]:
    """Block the plans a border closure in their destination stops, and free them when it ends."""
    on = on or timezone.localdate()
    counts = {"blocked": 0, "unblocked": 0}
    for plan in ReturnPlan.objects.filter(status__in=OPEN_RETURN).select_related("case__organisation"):
        closed = border_closed(plan.country, max(plan.planned_on, on), leaving=leaving_from(plan.case))
        if closed and plan.status == ReturnPlan.Status.PLANNED:
            ReturnPlan.objects.filter(pk=plan.pk).update(
                status=ReturnPlan.Status.BLOCKED, blocked_since=max(plan.planned_on, closed[0])
            )
            counts["blocked"] += 1
        elif not closed and plan.status == ReturnPlan.Status.BLOCKED:
            ReturnPlan.objects.filter(pk=plan.pk).update(status=ReturnPlan.Status.PLANNED)
            counts["unblocked"] += 1
    return counts


def return_done(
    *,
    actor: User | None,
    plan: ReturnPlan,
    done_on: date,
    follow_up_on: date | None = None,
    permission_checked: bool = False,
) -> ReturnPlan:
    """The person went home: the day, and when the receiving organisation or the caseworker follows up. A shelter
    discharging its resident to return records it here (`permission_checked`, after its own check)."""
    if not permission_checked:
        _require(actor, CaseAction.PLAN_RETURN, plan.case)
    if plan.status not in OPEN_RETURN:
        raise ValidationError({"plan": _("This return is no longer planned.")})
    errors: dict[str, str] = {}
    if border_closed(plan.country, done_on, leaving=leaving_from(plan.case)):
        errors["done_on"] = _("The border of %(country)s was closed that day.") % {
            "country": core_codes.country_name(plan.country)
        }
    if done_on > timezone.localdate():
        errors["done_on"] = _("The date is in the future.")
    if follow_up_on is not None and follow_up_on < done_on:
        errors["follow_up_on"] = _("The follow-up comes after the return.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        plan.status = ReturnPlan.Status.DONE
        plan.done_on = done_on
        plan.follow_up_on = follow_up_on
        plan.save(update_fields=["status", "done_on", "follow_up_on"])
        _event(plan.case, "return_follow_up", actor, done_on=done_on.isoformat(), outcome="")
    return plan


def return_follow_up(*, actor: User | None, plan: ReturnPlan, outcome: str) -> ReturnPlan:
    """What the follow-up after the return found."""
    _require(actor, CaseAction.PLAN_RETURN, plan.case)
    if plan.status != ReturnPlan.Status.DONE:
        raise ValidationError({"plan": _("The return has not taken place yet.")})
    if outcome not in codes.ReturnOutcome.values:
        raise ValidationError({"outcome": _("Choose what the follow-up found.")})
    with transaction.atomic():
        plan.follow_up_outcome = outcome
        plan.save(update_fields=["follow_up_outcome"])
        _event(plan.case, "return_follow_up", actor, outcome=outcome)
    return plan


def return_cancel(*, actor: User | None, plan: ReturnPlan, permission_checked: bool = False) -> ReturnPlan:
    if not permission_checked:
        _require(actor, CaseAction.PLAN_RETURN, plan.case)
    if plan.status not in OPEN_RETURN:
        raise ValidationError({"plan": _("This return is no longer planned.")})
    with transaction.atomic():
        plan.status = ReturnPlan.Status.CANCELLED
        plan.save(update_fields=["status"])
        _event(plan.case, "return_follow_up", actor, cancelled=True)
    return plan
