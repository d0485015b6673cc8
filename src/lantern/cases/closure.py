"""Closing a case, the follow-up after it, and reopening it (docs/case-registry.md, "Closure"). Same form as
cases.services (keyword-only, one transaction, the audit event and the timeline entry with it).

Before a case closes, every check says what is still open: the apps to the right register theirs here from their
`AppConfig.ready` (referrals: a referral still open; shelters: a stay; justice: a proceeding), cases adds its own
(a recovery period running, a return still to happen). A caseworker is refused with those words; a supervisor may
close all the same with a reason, which is kept (encrypted) with the closure, in the audit trail and on the
timeline (the check codes, never the words)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lantern.cases import codes, minority
from lantern.cases.models import (
    OPEN_RETURN,
    Case,
    Closure,
    Decision,
    FollowUpContact,
    FollowUpOutcome,
    Note,
    RemovalResolution,
    Reopening,
    ReturnPlan,
    Stage,
)
from lantern.cases.permissions import CaseAction
from lantern.cases.services import (
    SECTION_ASSIGN,
    SECTION_CLOSURE,
    _console_user,
    _event,
    _require,
    _set_stage,
    case_link,
)
from lantern.cases.validation import visible
from lantern.core.codes import country_name
from lantern.core.models import Alert, User
from lantern.core.permissions import can
from lantern.core.roles import Role
from lantern.core.services import alerts_send

REASON_LIMIT = 2_000  # a closure note, an override's or a reopening's reason: characters
FOLLOW_UP_LIMIT_DAYS = 366  # a follow-up is planned within a year


@dataclass(frozen=True)
class Check:
    code: str
    function: Callable[[Case], str]  # the words saying what is open, or ""


CHECKS: dict[str, Check] = {}


def register_check(code: str, function: Callable[[Case], str]) -> None:
    """An app says what must end before a case closes (once per code: `ready` may run twice in tests)."""
    CHECKS[code] = Check(code, function)


def _recovery_running(case: Case) -> str:
    # The period runs until the conclusive-grounds decision (or its last day, whichever comes first).
    running = case.stage in (Stage.REASONABLE_GROUNDS, Stage.RECOVERY)
    if running and case.recovery_ends is not None and case.recovery_ends >= timezone.localdate():
        return _("The recovery and reflection period runs until %(day)s.") % {"day": case.recovery_ends.isoformat()}
    return ""


def _return_open(case: Case) -> str:
    plan = case.return_plans.filter(status__in=OPEN_RETURN).first()
    if plan is None:
        return ""
    return _("A return to %(country)s is planned for %(day)s and has not taken place.") % {
        "country": country_name(plan.country),
        "day": plan.planned_on.isoformat(),
    }


def _decision_pending(case: Case) -> str:
    # Referred and still waiting for the reasonable-grounds decision, or the recovery period over and the
    # conclusive-grounds decision not yet taken: the person's status is not settled.
    waiting = case.stage == Stage.REFERRED
    if case.stage == Stage.RECOVERY and (case.recovery_ends is None or case.recovery_ends < timezone.localdate()):
        waiting = True
    return _("A decision of the competent authority is pending.") if waiting else ""


def _removal_open(case: Case) -> str:
    risk = case.removal_risks.filter(resolution="").first()
    if risk is None:
        return ""
    return _("%(kind)s, recorded on %(day)s, is not resolved.") % {
        "kind": risk.get_kind_display(),
        "day": risk.ordered_on.isoformat(),
    }


def _child_without_guardian(case: Case) -> str:
    if not minority.needs_guardian(case) or case.guardians.filter(ended_at__isnull=True).exists():
        return ""
    return _("The child has no guardian appointed.")


register_check("recovery_period", _recovery_running)
register_check("return", _return_open)
register_check("decision_pending", _decision_pending)
register_check("removal", _removal_open)
register_check("guardian", _child_without_guardian)


def reason_refusal(case: Case, code: str) -> str:
    """Only the competent authority identifies: "found not to be a victim" needs its negative decision."""
    if code != codes.ClosureReason.NOT_A_VICTIM:
        return ""
    if case.trafficking_status == codes.TraffickingStatus.NOT_A_VICTIM:
        latest = case.decisions.order_by("-decided_on", "-pk").first()
        if latest is not None and latest.outcome == Decision.Outcome.NEGATIVE:
            return ""
    return _(
        "Only the competent authority decides that a person is not a victim. Refer the case to it (Refer to the "
        "competent authority on the case page) and close with this reason after its negative decision."
    )


def reason_unsupported(case: Case, code: str) -> dict[str, str]:
    """What a closure reason says happened and the case does not show (check code -> words): "returned" needs a
    return that took place, "removed" a removal recorded as carried out. Held like an open matter: a supervisor may
    close all the same with a reason (the record may be elsewhere)."""
    if code == codes.ClosureReason.RETURNED and not case.return_plans.filter(status=ReturnPlan.Status.DONE).exists():
        return {
            "return_not_done": _(
                "No return to the country of origin has taken place on this case: record the return (Closure, "
                "follow-up and return) before closing with this reason."
            )
        }
    if (
        code == codes.ClosureReason.REMOVED
        and not case.removal_risks.filter(resolution=RemovalResolution.CARRIED_OUT).exists()
    ):
        return {
            "removal_not_carried_out": _(
                "No removal is recorded as carried out on this case: record it (Residence and removal) before "
                "closing with this reason."
            )
        }
    return {}


def open_matters(case: Case) -> dict[str, str]:
    """What is still open on the case (check code -> words), in the order the checks were registered."""
    found = {}
    for check in CHECKS.values():
        words = check.function(case)
        if words:
            found[check.code] = words
    return found


def _clean(text: str, field: str, errors: dict[str, str], *, required: bool) -> str:
    text = text.strip() if visible(text) else ""  # zero-width spaces alone are no reason
    if required and not text:
        errors[field] = _("Write the reason.")
    elif len(text) > REASON_LIMIT:
        errors[field] = ngettext("At most %(n)d character.", "At most %(n)d characters.", REASON_LIMIT) % {
            "n": REASON_LIMIT
        }
    return text


def case_close(
    *,
    actor: User | None,
    case: Case,
    code: str = codes.ClosureReason.OTHER,
    reason: str = "",
    referred_elsewhere: bool = False,
    follow_up_on: date | None = None,
    override_reason: str = "",
) -> Case:
    """Close a case with a coded reason (the words, optional, stay encrypted). Refused while something is open,
    unless a supervisor overrides with a reason. With a follow-up date the case closes into follow-up."""
    _require(actor, CaseAction.CLOSE, case)
    if case.stage == Stage.CLOSED or case.anonymised_at is not None:
        raise ValidationError({"stage": _("The case is already closed.")})
    errors: dict[str, str] = {}
    if code not in codes.ClosureReason.values:
        errors["code"] = _("Choose why the case closes.")
    elif reason_refusal(case, code):
        errors["code"] = reason_refusal(case, code)
    reason = " ".join(reason.split()) if visible(reason) else ""
    if len(reason) > 200:
        errors["reason"] = _("Say why the case closes, in at most 200 characters.")
    if code == codes.ClosureReason.OTHER and not reason:
        errors["reason"] = _("Say in words why the case closes.")
    today = timezone.localdate()
    if follow_up_on is not None and not today <= follow_up_on <= today + timedelta(days=FOLLOW_UP_LIMIT_DAYS):
        errors["follow_up_on"] = _("A follow-up date between today and a year from now.")
    override = _clean(override_reason, "override_reason", errors, required=False)
    if errors:
        raise ValidationError(errors)
    status = codes.CaseStatus.CLOSED_REFERRED if referred_elsewhere else codes.CaseStatus.CLOSED
    if follow_up_on is not None:
        status = codes.CaseStatus.FOLLOW_UP
    with transaction.atomic():
        # Two closes at once: the second waits for the first, then finds the case closed (one closure, one event).
        _lock(case)
        if case.stage == Stage.CLOSED or case.anonymised_at is not None:
            raise ValidationError({"stage": _("The case is already closed.")})
        matters = open_matters(case) | reason_unsupported(case, code)
        _refuse_open(actor, case, matters, override)
        _close(actor, case, code, reason, status, follow_up_on, matters, override)
    return case


def _lock(case: Case) -> None:
    """Lock the case's row until the transaction ends and read it again: what was checked before may have changed."""
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).get()
    case.refresh_from_db()


def _refuse_open(actor: User | None, case: Case, matters: dict[str, str], override: str) -> None:
    if matters and not override:
        words = " ".join(matters.values())
        if actor is not None and can(actor, CaseAction.CLOSE_OVERRIDE, case):
            words += " " + _("Settle what is open first, or write why the case closes all the same.")
        else:
            words += " " + _("Settle what is open first, or ask a supervisor.")
        raise ValidationError({"__all__": words})
    if matters and actor is not None and not can(actor, CaseAction.CLOSE_OVERRIDE, case):
        raise ValidationError({"override_reason": _("Only a supervisor closes a case while something is open.")})


def _close(
    actor: User | None,
    case: Case,
    code: str,
    reason: str,
    status: str,
    follow_up_on: date | None,
    matters: dict[str, str],
    override: str,
) -> None:
    stage_before = case.stage
    _set_stage(
        case,
        Stage.CLOSED,
        status=status,
        closure_code=code,
        closure_reason=reason,
        closed_at=timezone.now(),
        follow_up_on=follow_up_on,
        next_deadline=None,
    )
    Closure.objects.create(
        case=case,
        code=code,
        stage_before=stage_before,
        closed_by=actor,
        overridden=sorted(matters) if matters else [],
        override_reason=override if matters else "",
        follow_up_on=follow_up_on,
    )
    if matters:
        _event(case, "close_override", actor, overridden=sorted(matters), code=code)
    _event(
        case,
        "close",
        actor,
        status=case.status,
        code=code,
        follow_up_on=follow_up_on.isoformat() if follow_up_on else "",
    )


def follow_up_record(
    *,
    actor: User | None,
    case: Case,
    outcome: str,
    contacted_on: date | None = None,
    next_on: date | None = None,
    note: str = "",
) -> Case:
    """A follow-up contact with the person, or an attempt at one, with its coded outcome:
    - reached and doing well: the follow-up goes on to the next day, or ends (the case is closed) without one;
    - reached, needs help: the follow-up stays (due, without a next day) and the case page offers reopening;
    - not reached: the follow-up goes on to the next day, or stays due without one (it never drops off the lists);
    - declined further contact: the follow-up ends; she is not contacted again (no next day).
    What was said goes into a note (encrypted)."""
    _require(actor, CaseAction.CLOSE, case)
    if case.status != codes.CaseStatus.FOLLOW_UP:
        raise ValidationError({"case": _("The case is not in follow-up.")})
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if outcome not in FollowUpOutcome.values:
        errors["outcome"] = _("Say how the contact went.")
    contacted_on = contacted_on or today
    closed_on = timezone.localdate(case.closed_at) if case.closed_at else None
    if contacted_on > today or (closed_on is not None and contacted_on < closed_on):
        errors["contacted_on"] = _("A day between the closure and today.")
    if next_on is not None:
        if outcome == FollowUpOutcome.DECLINED:
            errors["next_on"] = _(
                "She declined further contact: she is not contacted again. Leave the next follow-up empty."
            )
        elif not today < next_on <= today + timedelta(days=FOLLOW_UP_LIMIT_DAYS):
            errors["next_on"] = _("A follow-up date after today and within a year.")
    text = _clean(note, "note", errors, required=False)
    if errors:
        raise ValidationError(errors)
    ends = outcome == FollowUpOutcome.DECLINED or (outcome == FollowUpOutcome.DOING_WELL and next_on is None)
    with transaction.atomic():
        _lock(case)
        if case.status != codes.CaseStatus.FOLLOW_UP:
            raise ValidationError({"case": _("The case is not in follow-up.")})
        if ends:
            case.status = codes.CaseStatus.CLOSED
            case.follow_up_on = None
        elif next_on is not None:
            case.follow_up_on = next_on
        elif outcome == FollowUpOutcome.NEEDS_HELP and case.follow_up_on and case.follow_up_on > today:
            case.follow_up_on = today  # due now: on the lists until the case is reopened or she is reached again
        case.save(update_fields=["status", "follow_up_on"])
        FollowUpContact.objects.create(
            case=case, outcome=outcome, contacted_on=contacted_on, next_on=next_on, recorded_by=actor
        )
        if text:
            Note.objects.create(case=case, text=text, author=actor or _console_user(case.organisation))
        _event(
            case,
            "follow_up",
            actor,
            outcome=outcome,
            ended=ends,
            next=next_on.isoformat() if next_on else "",
        )
    return case


def follow_up_contacts(case: Case) -> list[FollowUpContact]:
    return list(case.follow_up_contacts.select_related("recorded_by").order_by("contacted_on", "pk"))


def needs_help_now(case: Case) -> bool:
    """The latest follow-up contact found the person needing help and the case is still closed: reopen it."""
    if case.stage != Stage.CLOSED:
        return False
    latest = case.follow_up_contacts.order_by("-contacted_on", "-pk").first()
    return latest is not None and latest.outcome == FollowUpOutcome.NEEDS_HELP


def deadline_on_reopening(case: Case, stage: Stage) -> date | None:
    """The next deadline of the stage a case reopens into, as the decision or the referral that led there set it."""
    if stage == Stage.RECOVERY:
        return case.recovery_ends
    if stage == Stage.REFERRED:
        return case.reasonable_grounds_due
    return None


def case_reopen(*, actor: User | None, case: Case, code: str, reason: str = "") -> Case:
    """Open a closed case again (the person was trafficked again, has a new need, a new proceeding, or it was closed
    in error): back to the stage it closed from, live again (the retention job leaves it alone), its history
    kept."""
    _require(actor, CaseAction.REOPEN, case)
    if case.anonymised_at is not None:
        raise ValidationError({"case": _("This case is anonymised: register the person again.")})
    if case.stage != Stage.CLOSED:
        raise ValidationError({"case": _("The case is not closed.")})
    errors: dict[str, str] = {}
    if code not in codes.ReopenReason.values:
        errors["code"] = _("Choose why the case opens again.")
    text = _clean(reason, "reason", errors, required=False)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Two reopenings at once: the second waits, then finds the case open again (one reopening, one event).
        _lock(case)
        if case.anonymised_at is not None or case.stage != Stage.CLOSED:
            raise ValidationError({"case": _("The case is not closed.")})
        last = case.closures.order_by("-closed_at", "-pk").first()
        new_episode = code == codes.ReopenReason.RE_TRAFFICKED
        episode: dict[str, Any] = {}
        if new_episode:
            # Trafficked again is a new episode, not the old one resumed: identification starts over, as at
            # registration (no deadline until the referral to the competent authority sets one), and the old
            # episode's recovery period and decision deadline no longer run (its dates stay in the timeline).
            stage = Stage.IDENTIFIED
            episode = {"reasonable_grounds_due": None, "recovery_ends": None, "next_deadline": None}
        else:
            stage = Stage(last.stage_before) if last is not None else Stage.SUPPORT
            episode = {"next_deadline": deadline_on_reopening(case, stage)}
        _set_stage(
            case,
            stage,
            status=codes.CaseStatus.ACTIVE,
            closed_at=None,
            closure_code="",
            closure_reason="",
            follow_up_on=None,
            **episode,
        )
        Reopening.objects.create(case=case, code=code, reason=text, reopened_by=actor)
        caseworker = _last_caseworker(case)
        if caseworker != case.assigned_to:
            case.assigned_to = caseworker
            case.assigned_at = timezone.now() if caseworker else None
            case.save(update_fields=["assigned_to", "assigned_at"])
        _event(
            case,
            "reopen",
            actor,
            code=code,
            stage=str(stage),
            assignee=caseworker.get_username() if caseworker else "",
            new_episode=new_episode,
        )
        _tell_reopened(case, caseworker, urgent=new_episode)
    return case


def _holds_here(user: User | None, case: Case) -> bool:
    return (
        user is not None
        and user.is_active
        and user.memberships.filter(
            organisation_id=case.organisation_id, role__in=[Role.CASEWORKER, Role.SUPERVISOR]
        ).exists()
    )


def _last_caseworker(case: Case) -> User | None:
    """Who held the case last, if she still works on cases in the organisation holding it: the assignee it closed
    with, else the last one the timeline names, else whoever registered it. Otherwise nobody: the supervisors give
    it to someone."""
    if _holds_here(case.assigned_to, case):
        return case.assigned_to
    named = case.timeline.filter(kind="assign").exclude(detail__assignee="").order_by("-at", "-pk").first()
    if named is not None:
        user = User.objects.filter(username=named.detail.get("assignee")).first()
        return user if _holds_here(user, case) else None
    return case.created_by if _holds_here(case.created_by, case) else None


def _tell_reopened(case: Case, caseworker: User | None, *, urgent: bool = False) -> None:
    """Alert the caseworker the case is back with and the organisation's supervisors: the case reference, never
    the person nor the reason (urgent when she was trafficked again: a new episode starts at identification)."""
    supervisors = User.objects.filter(
        is_active=True, memberships__organisation_id=case.organisation_id, memberships__role=Role.SUPERVISOR
    ).distinct()
    messages: list[tuple[User, str]] = []
    for user in {u.pk: u for u in [*supervisors, *([caseworker] if caseworker else [])]}.values():
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            if caseworker is None:
                text = _("Case %(reference)s was opened again and nobody holds it: give it to a caseworker.")
            elif user.pk == caseworker.pk:
                text = _("Case %(reference)s was opened again and is back with you.")
            else:
                text = _("Case %(reference)s was opened again and is back with its caseworker.")
            messages.append((user, text % {"reference": case.reference}))
    alerts_send(
        messages=messages,
        kind=Alert.Kind.INFO,
        object_type="cases.case",
        object_id=case.reference,
        url=case_link(case, SECTION_ASSIGN if caseworker is None else SECTION_CLOSURE),
        urgent=urgent,
    )
