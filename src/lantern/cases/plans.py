"""Assistance planned with the person: the individual assistance plan (HTCDS `spl_*`) with its actions, reviews and
the person's agreement; the services she declines (assistance is consensual, Council of Europe Convention Art. 12(7));
the risk assessment with its safety plan, which alerts the supervisors when the risk is high; the cultural mediators
and interpreters who work with her, and the languages of the procedure. Same form as cases.services (keyword-only,
one transaction, the audit event and the timeline entry with it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lantern.cases import codes
from lantern.cases.children import TEXT_LIMIT, _day, _text
from lantern.cases.models import (
    AgreementWay,
    Assessment,
    AssistancePlan,
    Case,
    MediatorAssignment,
    PlanAction,
    PlanReview,
    ServiceDeclined,
    Stage,
)
from lantern.cases.permissions import CaseAction
from lantern.cases.services import SECTION_RISK, _event, case_link
from lantern.core import codes as iso
from lantern.core.models import Alert, Organisation, User
from lantern.core.permissions import can, require
from lantern.core.roles import Role
from lantern.core.services import alerts_send

# Services a cultural mediator or an interpreter gives: the organisations of the directory offering one of them are
# those a mediator is chosen from.
MEDIATION_SERVICES = ("interpretation", "cultural_mediation")
FUTURE_LIMIT = timedelta(days=3 * 366)  # a planned end or a review date further than three years is a typing error


def _open(case: Case) -> None:
    if case.stage == Stage.CLOSED or case.anonymised_at is not None:
        raise ValidationError({"case": _("The case is closed.")})


def _future(value: date | None, field: str, errors: dict[str, str], *, required: bool = False) -> date | None:
    if value is None:
        if required:
            errors[field] = _("This field is required.")
        return None
    today = timezone.localdate()
    if value < today - timedelta(days=366) or value > today + FUTURE_LIMIT:
        errors[field] = _("The date is too far from today.")
    return value


def _service(service_type: str, field: str, errors: dict[str, str]) -> None:
    if service_type not in codes.SERVICE_TYPES:
        errors[field] = _("Unknown value %(value)s.") % {"value": repr(service_type)}


# --- The plan ---------------------------------------------------------------------------------------------------


def plan_write(*, actor: User, case: Case, objectives: str, next_review_on: date | None = None) -> AssistancePlan:
    """Write the plan's objectives (or change them) and the day it is next reviewed. A changed plan is a draft again
    until the person agrees to it."""
    require(actor, CaseAction.PLAN, case)
    _open(case)
    errors: dict[str, str] = {}
    objectives = _text(objectives, "objectives", errors, limit=TEXT_LIMIT)
    _future(next_review_on, "next_review_on", errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        plan, created = AssistancePlan.objects.select_for_update().get_or_create(
            case=case, defaults={"objectives": objectives, "next_review_on": next_review_on, "created_by": actor}
        )
        if not created:
            plan.objectives = objectives
            plan.next_review_on = next_review_on
            plan.agreed_on = None
            plan.agreed_how = ""
            plan.save(update_fields=["objectives", "next_review_on", "agreed_on", "agreed_how"])
        _event(
            case, "plan_write", actor, created=created, review_on=next_review_on.isoformat() if next_review_on else ""
        )
    return plan


def _plan_of(case: Case) -> AssistancePlan:
    plan = AssistancePlan.objects.filter(case=case).first()
    if plan is None:
        raise ValidationError({"plan": _("Write the plan's objectives first.")})
    return plan


def plan_action_add(
    *, actor: User, case: Case, service_type: str, planned_end: date | None = None, status: str = "planned"
) -> PlanAction:
    """One action of the plan: a service of the directory's list, with the day it should be done by."""
    require(actor, CaseAction.PLAN, case)
    _open(case)
    plan = _plan_of(case)
    errors: dict[str, str] = {}
    _service(service_type, "service_type", errors)
    if status not in PlanAction.Status.values:
        errors["status"] = _("Unknown value %(value)s.") % {"value": repr(status)}
    _future(planned_end, "planned_end", errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        action = PlanAction.objects.create(plan=plan, service_type=service_type, planned_end=planned_end, status=status)
        _event(case, "plan_action", actor, service=service_type, status=status)
    return action


def plan_action_update(
    *, actor: User, action: PlanAction, status: str, actual_end: date | None = None, stop_reason: str = ""
) -> PlanAction:
    """An action moves on: under way, done (on the day it ended) or stopped (with the reason, encrypted)."""
    case = action.plan.case
    require(actor, CaseAction.PLAN, case)
    _open(case)
    errors: dict[str, str] = {}
    if status not in PlanAction.Status.values:
        errors["status"] = _("Unknown value %(value)s.") % {"value": repr(status)}
    if status in (PlanAction.Status.DONE, PlanAction.Status.STOPPED):
        actual_end = _day(actual_end, case, "actual_end", errors)
    else:  # planned or under way: no end yet, whatever the form carried
        actual_end = None
    stopped = status == PlanAction.Status.STOPPED
    stop_reason = _text(stop_reason, "stop_reason", errors, limit=TEXT_LIMIT, required=False) if stopped else ""
    if stopped and not stop_reason:
        errors["stop_reason"] = _("Say why the action stopped.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        action.status = status
        action.actual_end = actual_end
        action.stop_reason = stop_reason
        action.save(update_fields=["status", "actual_end", "stop_reason"])
        _event(case, "plan_action", actor, service=action.service_type, status=status)
    return action


def plan_agree(*, actor: User, case: Case, how: str, agreed_on: date | None = None) -> AssistancePlan:
    """Record that the person agreed to the plan as it stands, on which day and how."""
    require(actor, CaseAction.PLAN, case)
    _open(case)
    plan = _plan_of(case)
    errors: dict[str, str] = {}
    if how not in AgreementWay.values:
        errors["agreed_how"] = _("Say how the person agreed: signed, orally or through an interpreter.")
    agreed_on = _day(agreed_on, case, "agreed_on", errors)
    if how == AgreementWay.INTERPRETER and "agreed_on" not in errors and not mediator_on(case, agreed_on):
        errors["agreed_how"] = _(
            "No interpreter or cultural mediator was assigned to the case on %(day)s. Assign one first (Assign a "
            "mediator or an interpreter, on the case page, from that day), then record the agreement."
        ) % {"day": agreed_on.isoformat()}
    if not plan.actions.exists():
        errors["plan"] = _("A plan without any action cannot be agreed: add the actions first.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        plan.agreed_on = agreed_on
        plan.agreed_how = how
        plan.save(update_fields=["agreed_on", "agreed_how"])
        _event(case, "plan_agree", actor, how=how, agreed_on=agreed_on.isoformat())
    return plan


def plan_review(
    *,
    actor: User,
    case: Case,
    changes: str,
    reviewed_on: date | None = None,
    next_review_on: date | None = None,
    with_person: bool = True,
) -> PlanReview:
    """A review of the plan: the day, who, what changed, and the next review's day. The agreement stands (the
    review is recorded with the person)."""
    require(actor, CaseAction.PLAN, case)
    _open(case)
    plan = _plan_of(case)
    errors: dict[str, str] = {}
    changes = _text(changes, "changes", errors, limit=TEXT_LIMIT)
    reviewed_on = _day(reviewed_on, case, "reviewed_on", errors)
    _future(next_review_on, "next_review_on", errors)
    if next_review_on is not None and "next_review_on" not in errors and next_review_on <= reviewed_on:
        errors["next_review_on"] = _("The next review comes after this one.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        review = PlanReview.objects.create(
            plan=plan, reviewed_on=reviewed_on, reviewed_by=actor, changes=changes, with_person=with_person
        )
        if next_review_on is not None:  # without a new day, the one set before stands
            plan.next_review_on = next_review_on
            plan.save(update_fields=["next_review_on"])
        _event(case, "plan_review", actor, reviewed_on=reviewed_on.isoformat(), with_person=with_person)
    return review


# --- Declining a service ----------------------------------------------------------------------------------------


def service_decline(
    *, actor: User, case: Case, service_type: str, declined_on: date | None = None, reason: str = ""
) -> ServiceDeclined:
    """The person declines a service: recorded with the day (and her reason if she gave one, encrypted). The
    minimum-package check then stops flagging it for her."""
    require(actor, CaseAction.PLAN, case)
    _open(case)
    errors: dict[str, str] = {}
    _service(service_type, "service_type", errors)
    reason = _text(reason, "reason", errors, limit=TEXT_LIMIT, required=False)
    declined_on = _day(declined_on, case, "declined_on", errors)
    if case.is_minor and not case.guardians.filter(ended_at__isnull=True).exists():
        errors["service_type"] = _(
            "A child does not decline a service alone: appoint a guardian first (Appoint a guardian, on the case "
            "page), then record the decline made with the guardian."
        )
    if (
        not errors
        and ServiceDeclined.objects.filter(case=case, service_type=service_type, withdrawn_at__isnull=True).exists()
    ):
        errors["service_type"] = _("The person has already declined this service.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            declined = ServiceDeclined.objects.create(
                case=case, service_type=service_type, declined_on=declined_on, reason=reason, recorded_by=actor
            )
            declined.actions_stopped = _stop_declined_actions(case, service_type, declined_on)
            _event(
                case,
                "service_decline",
                actor,
                service=service_type,
                declined_on=declined_on.isoformat(),
                actions_stopped=declined.actions_stopped,
            )
    except IntegrityError:  # the same, recorded at the same moment
        raise ValidationError({"service_type": _("The person has already declined this service.")}) from None
    return declined


def _stop_declined_actions(case: Case, service_type: str, declined_on: date) -> int:
    """The plan's actions for a service the person declines, planned or under way, stop that day: she said no."""
    plan = AssistancePlan.objects.filter(case=case).first()
    if plan is None:
        return 0
    actions = list(
        plan.actions.select_for_update().filter(
            service_type=service_type, status__in=[PlanAction.Status.PLANNED, PlanAction.Status.IN_PROGRESS]
        )
    )
    for action in actions:
        action.status = PlanAction.Status.STOPPED
        action.actual_end = declined_on
        action.stop_reason = _("Declined by the person.")
        action.save(update_fields=["status", "actual_end", "stop_reason"])
    return len(actions)


def declined_words(declined: ServiceDeclined) -> str:
    """What the case page says once a decline is recorded, with the plan's actions it stopped."""
    words = _("The service the person declined is recorded.")
    if declined.actions_stopped:
        words += " " + ngettext(
            "%(n)d open action of the plan for this service stopped: declined by the person.",
            "%(n)d open actions of the plan for this service stopped: declined by the person.",
            declined.actions_stopped,
        ) % {"n": declined.actions_stopped}
    return words


def service_decline_withdraw(*, actor: User, declined: ServiceDeclined) -> ServiceDeclined:
    """She asks for the service after all: the minimum-package check counts it again."""
    case = declined.case
    require(actor, CaseAction.PLAN, case)
    _open(case)
    if declined.withdrawn_at is not None:
        raise ValidationError({"service_type": _("The person already asked for this service again.")})
    with transaction.atomic():
        declined.withdrawn_at = timezone.now()
        declined.save(update_fields=["withdrawn_at"])
        _event(case, "service_decline_withdraw", actor, service=declined.service_type)
    return declined


def plan_action_get(case: Case, action_id: int) -> PlanAction | None:
    return PlanAction.objects.filter(plan__case=case, pk=action_id).first()


def declined_services(case: Case) -> QuerySet[ServiceDeclined]:
    """The services the person declines now."""
    return case.declined_services.filter(withdrawn_at__isnull=True)


# --- Risk and safety plan ---------------------------------------------------------------------------------------


def risk_assess(
    *, actor: User, case: Case, risk_level: str, reasons: str = "", safety_plan: str = "", review_on: date | None = None
) -> Assessment:
    """A risk assessment: the level, the reasons and, when the risk is not low, a safety plan with the day it is
    reviewed by. A high risk alerts the supervisors of the organisation holding the case (by the case reference,
    never the person's name); the referrals sent for the case from then on are emergencies. A high risk is recorded
    at once, its safety plan may follow (`safety_plan_write`): until then the case shows it missing."""
    require(actor, CaseAction.PLAN, case)
    _open(case)
    errors: dict[str, str] = {}
    if risk_level not in Assessment.Risk.values:
        errors["risk_level"] = _("Say whether the risk is low, medium or high.")
    reasons = _text(reasons, "notes", errors, limit=TEXT_LIMIT, required=False)
    safety_plan = _text(safety_plan, "safety_plan", errors, limit=TEXT_LIMIT, required=False)
    _future(review_on, "review_on", errors)
    if safety_plan and review_on is None and "review_on" not in errors:
        errors["review_on"] = _("Say when the safety plan is reviewed.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        assessment = Assessment.objects.create(
            case=case,
            kind=Assessment.Kind.RISK,
            risk_level=risk_level,
            notes=reasons,
            safety_plan=safety_plan,
            review_on=review_on,
            assessed_by=actor,
        )
        _safety_plan_missing(case, risk_level == Assessment.Risk.HIGH and not safety_plan)
        _event(
            case,
            "assessment",
            actor,
            kind=Assessment.Kind.RISK,
            needs=[],
            risk_level=risk_level,
            safety_plan=bool(safety_plan),
        )
        if risk_level == Assessment.Risk.HIGH:
            high_risk_alert(case=case, actor=actor)
    return assessment


def _safety_plan_missing(case: Case, missing: bool) -> None:
    if case.safety_plan_missing != missing:
        case.safety_plan_missing = missing
        case.save(update_fields=["safety_plan_missing"])


def safety_plan_write(*, actor: User, case: Case, safety_plan: str, review_on: date | None = None) -> Assessment:
    """Write the safety plan of the latest risk assessment (recorded without one, when the risk was assessed
    first), with the day it is reviewed by. The case stops showing it missing."""
    require(actor, CaseAction.PLAN, case)
    _open(case)
    errors: dict[str, str] = {}
    safety_plan = _text(safety_plan, "safety_plan", errors, limit=TEXT_LIMIT)
    _future(review_on, "review_on", errors, required=True)
    with transaction.atomic():
        latest = (
            Assessment.objects.select_for_update()
            .filter(case=case, kind=Assessment.Kind.RISK)
            .order_by("-assessed_at", "-pk")
            .first()
        )
        if latest is None:
            raise ValidationError({"safety_plan": _("Assess the risk first (Risk assessment, on the case page).")})
        if errors:
            raise ValidationError(errors)
        latest.safety_plan = safety_plan
        latest.review_on = review_on
        latest.save(update_fields=["safety_plan", "review_on"])
        _safety_plan_missing(case, False)
        _event(case, "safety_plan_write", actor, risk_level=latest.risk_level, review_on=str(review_on))
    return latest


def _high_risk_recipients(case: Case) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, memberships__organisation_id=case.organisation_id, memberships__role=Role.SUPERVISOR
        ).distinct()
    )


def high_risk_alert_reaches_someone(case: Case) -> bool:
    """Whether the high-risk alert of the case reaches anyone (an organisation may have no supervisor)."""
    return bool(_high_risk_recipients(case))


def high_risk_alert(*, case: Case, actor: User | None) -> int:
    """Tell the supervisors of the organisation holding the case that it was assessed at high risk: its reference
    and nothing about the person. Returns how many were alerted (0 is said on the case's timeline and page)."""
    recipients = _high_risk_recipients(case)
    messages: list[tuple[User, str]] = []
    for recipient in recipients:
        with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
            if case.safety_plan_missing:  # recorded at once, its plan to follow: nothing to read yet
                text = _("Case %(reference)s was assessed at high risk, with no safety plan yet: see the case.")
            else:
                text = _("Case %(reference)s was assessed at high risk: read its safety plan.")
            messages.append((recipient, text % {"reference": case.reference}))
    alerts_send(
        messages=messages,
        kind=Alert.Kind.INFO,
        object_type="cases.case",
        object_id=case.reference,
        url=case_link(case, SECTION_RISK),
        urgent=True,
    )
    _event(case, "high_risk_alert", actor, recipients=len(recipients))
    return len(recipients)


def is_high_risk(case: Case) -> bool:
    """Whether the latest risk assessment of the case found a high risk (the referral workflow asks)."""
    latest = case.assessments.filter(kind=Assessment.Kind.RISK).order_by("-assessed_at", "-pk").first()
    return latest is not None and latest.risk_level == Assessment.Risk.HIGH


# --- Mediators, interpreters, languages -------------------------------------------------------------------------


def mediator_on(case: Case, day: date) -> bool:
    """Whether an interpreter or a cultural mediator was assigned to the case on that day."""
    return case.mediators.filter(from_on__lte=day).filter(Q(to_on__isnull=True) | Q(to_on__gte=day)).exists()


def mediator_organisations() -> QuerySet[Organisation]:
    """The organisations of the directory offering interpretation or cultural mediation now."""
    return (
        Organisation.objects.filter(offerings__service_type__in=MEDIATION_SERVICES, offerings__active=True)
        .distinct()
        .order_by("name")
    )


def mediator_assign(
    *,
    actor: User,
    case: Case,
    kind: str,
    from_on: date | None = None,
    to_on: date | None = None,
    organisation: Organisation | None = None,
    staff: User | None = None,
    language: str = "",
) -> MediatorAssignment:
    """A cultural mediator or an interpreter for the person: an organisation of the directory offering the service,
    or a named member of staff of the organisation holding the case, from one day (to another)."""
    require(actor, CaseAction.PLAN, case)
    _open(case)
    errors: dict[str, str] = {}
    if kind not in MediatorAssignment.Kind.values:
        errors["kind"] = _("Unknown value %(value)s.") % {"value": repr(kind)}
    if (organisation is None) == (staff is None):
        errors["organisation"] = _("Choose an organisation of the directory or a member of staff, one of the two.")
    elif organisation is not None and not mediator_organisations().filter(pk=organisation.pk).exists():
        errors["organisation"] = _("This organisation offers neither interpretation nor cultural mediation.")
    elif staff is not None and not staff.memberships.filter(organisation_id=case.organisation_id).exists():
        errors["staff"] = _("Only a member of staff of the organisation holding the case.")
    if language and language not in iso.language_codes():
        errors["language"] = _("Not ISO 639-1 language codes: %(value)s.") % {"value": language}
    from_on = _day(from_on, case, "from_on", errors)
    if to_on is not None and to_on < from_on:
        errors["to_on"] = _("The end comes after the start.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        assignment = MediatorAssignment.objects.create(
            case=case,
            kind=kind,
            organisation=organisation,
            staff=staff,
            language=language,
            from_on=from_on,
            to_on=to_on,
            recorded_by=actor,
        )
        _event(
            case,
            "mediator_assign",
            actor,
            kind=kind,
            organisation=organisation.pk if organisation else 0,
            staff=bool(staff),
            language=language,
        )
    return assignment


LANGUAGE_FIELDS = ("consent_language", "interview_language", "decisions_language")


def languages_record(
    *, actor: User, case: Case, consent_language: str = "", interview_language: str = "", decisions_language: str = ""
) -> Case:
    """The languages the person was spoken to in: for her consent, her interviews, and the decisions served on her."""
    require(actor, CaseAction.PLAN, case)
    _open(case)
    values = {
        "consent_language": consent_language,
        "interview_language": interview_language,
        "decisions_language": decisions_language,
    }
    known = iso.language_codes()
    errors = {
        field: _("Not ISO 639-1 language codes: %(value)s.") % {"value": value}
        for field, value in values.items()
        if value and value not in known
    }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for field, value in values.items():
            setattr(case, field, value)
        case.save(update_fields=list(LANGUAGE_FIELDS))
        _event(case, "languages", actor, **values)
    return case


# --- What the case page shows -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRecord:
    plan: AssistancePlan | None
    actions: list[PlanAction]
    reviews: list[PlanReview]
    declined: list[ServiceDeclined]
    mediators: list[MediatorAssignment]
    risk: Assessment | None
    review_overdue: bool
    safety_review_overdue: bool


def plan_record(user: User, case: Case, *, today: date | None = None) -> PlanRecord | None:
    """The plan, declines, latest risk and mediators of a case, for those who hold it (None for anyone else: a
    provider, the police or an analyst never reads the plan's text)."""
    if not can(user, CaseAction.PLAN, case) or not can(user, CaseAction.VIEW, case):
        return None
    if not user.memberships.filter(
        organisation_id=case.organisation_id, role__in=[Role.CASEWORKER, Role.SUPERVISOR]
    ).exists():
        return None
    today = today or timezone.localdate()
    plan = AssistancePlan.objects.filter(case=case).first()
    risk = (
        case.assessments.filter(kind=Assessment.Kind.RISK)
        .select_related("assessed_by")
        .order_by("-assessed_at", "-pk")
        .first()
    )
    return PlanRecord(
        plan=plan,
        actions=list(plan.actions.all()) if plan else [],
        reviews=list(plan.reviews.select_related("reviewed_by")) if plan else [],
        declined=list(declined_services(case)),
        mediators=list(case.mediators.select_related("organisation", "staff")),
        risk=risk,
        review_overdue=bool(plan and plan.next_review_on and plan.next_review_on < today),
        safety_review_overdue=bool(risk and risk.review_on and risk.review_on < today),
    )
