"""A foreign victim's residence: permits with their dates, renewals and status, the alert before a permit runs
out (earlier, and saying what to do, while a crisis closes the offices that renew permits), and detention or a
removal order, which alerts the caseworker and the supervisors at once. Same form as cases.services
(keyword-only, one transaction, the audit event and the timeline entry with it).

A renewal is a new permit that names the one it renews: each period keeps its own dates and status, and the one
renewed shows "renewal pending" until the new one is granted or refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lantern.cases.children import NAME_LIMIT, _text
from lantern.cases.models import (
    OPEN_RETURN,
    Case,
    CountryProfile,
    PermitAlert,
    PermitKind,
    PermitStatus,
    RemovalKind,
    RemovalResolution,
    RemovalRisk,
    ResidencePermit,
    ReturnPlan,
    Stage,
)
from lantern.cases.permissions import CaseAction
from lantern.cases.services import SECTION_REMOVAL, SECTION_RESIDENCE, _event, case_link, profile_for
from lantern.core.models import Alert, User
from lantern.core.permissions import require
from lantern.core.roles import Role
from lantern.core.services import alerts_send

# Whether the offices that renew residence permits are closed in a country on a day. The crisis app (on the right
# of cases) registers its check in its AppConfig.ready: a measure "residence permit offices closed" in force.
OFFICES_CLOSED: list[Callable[[str, date], bool]] = []

# Who else is told when a removal is carried out: the justice app (on the right of cases) registers in its
# AppConfig.ready the alert to the prosecutors of the case's open proceedings (the person may now be heard only
# remotely). Each is called inside the transaction with the case, the order and the day; returns how many it told.
ON_REMOVED: list[Callable[[Case, RemovalRisk, date], int]] = []


def offices_closed(country: str, on: date) -> bool:
    return any(check(country, on) for check in OFFICES_CLOSED)


def _unknown(value: str) -> str:
    return _("Unknown value %(value)s.") % {"value": repr(value)}


def _not_future(day: date | None, field: str, errors: dict[str, str]) -> None:
    if day is not None and day > timezone.localdate():
        errors[field] = _("The date is in the future.")


def _open(case: Case) -> None:
    if case.stage == Stage.CLOSED or case.anonymised_at is not None:
        raise ValidationError({"case": _("The case is closed.")})


def permit_record(
    *,
    actor: User,
    case: Case,
    kind: str,
    status: str,
    applied_on: date,
    granted_on: date | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
    renews: ResidencePermit | None = None,
) -> ResidencePermit:
    """A permit applied for or granted (or refused); a renewal names the permit it renews, which shows "renewal
    pending" until this one is decided."""
    require(actor, CaseAction.UPDATE, case)
    _open(case)
    errors: dict[str, str] = {}
    if kind not in PermitKind.values:
        errors["kind"] = _unknown(kind)
    if status not in (PermitStatus.APPLIED, PermitStatus.GRANTED, PermitStatus.REFUSED):
        errors["status"] = _("A permit is recorded as applied for, granted or refused.")
    _not_future(applied_on, "applied_on", errors)
    _not_future(granted_on, "granted_on", errors)
    if status == PermitStatus.GRANTED:
        if granted_on is None:
            errors["granted_on"] = _("Give the day the permit was granted.")
        if valid_until is None:
            errors["valid_until"] = _("Give the day the permit runs out.")
        valid_from = valid_from or granted_on
    elif status == PermitStatus.APPLIED and (granted_on or valid_from or valid_until):
        errors["granted_on"] = _("A permit applied for has no dates of validity yet.")
    if granted_on and applied_on and granted_on < applied_on:
        errors["granted_on"] = _("The permit was granted before it was applied for.")
    if valid_from and valid_until and valid_until < valid_from:
        errors["valid_until"] = _("The permit runs out before it starts.")
    if renews is not None and (renews.case_id != case.pk or hasattr(renews, "renewal")):
        errors["renews"] = _("This permit cannot be renewed here: it is another case's, or already renewed.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            permit = ResidencePermit.objects.create(
                case=case,
                kind=kind,
                status=status,
                applied_on=applied_on,
                granted_on=granted_on,
                valid_from=valid_from,
                valid_until=valid_until,
                renews=renews,
                recorded_by=actor,
            )
            if renews is not None and status != PermitStatus.REFUSED:
                # Applied for: the permit renewed waits for it; granted at once: it is replaced.
                renews.status = PermitStatus.RENEWAL_PENDING if status == PermitStatus.APPLIED else PermitStatus.EXPIRED
                renews.save(update_fields=["status"])
            _event(
                case,
                "permit_record",
                actor,
                kind=kind,
                status=status,
                valid_until=valid_until.isoformat() if valid_until else "",
                renewal=renews is not None,
            )
            permit_alert_if_due(permit=permit, today=timezone.localdate())
    except IntegrityError:
        raise ValidationError({"renews": _("This permit was just renewed: reload the page.")}) from None
    return permit


def permit_decide(
    *,
    actor: User,
    permit: ResidencePermit,
    status: str,
    granted_on: date | None = None,
    valid_until: date | None = None,
) -> ResidencePermit:
    """A permit applied for is granted (with its dates) or refused; a permit past its end is marked expired."""
    case = permit.case
    require(actor, CaseAction.UPDATE, case)
    _open(case)
    errors: dict[str, str] = {}
    allowed = {
        PermitStatus.APPLIED: {PermitStatus.GRANTED, PermitStatus.REFUSED},
        PermitStatus.GRANTED: {PermitStatus.EXPIRED, PermitStatus.RENEWAL_PENDING},
        PermitStatus.RENEWAL_PENDING: {PermitStatus.EXPIRED},
    }
    if status not in allowed.get(PermitStatus(permit.status), set()):
        errors["status"] = _("A permit %(now)s cannot become %(then)s.") % {
            "now": permit.get_status_display().lower(),
            "then": str(PermitStatus(status).label).lower() if status in PermitStatus.values else repr(status),
        }
    if status == PermitStatus.GRANTED:
        if granted_on is None:
            errors["granted_on"] = _("Give the day the permit was granted.")
        if valid_until is None:
            errors["valid_until"] = _("Give the day the permit runs out.")
        elif granted_on and valid_until < granted_on:
            errors["valid_until"] = _("The permit runs out before it starts.")
        _not_future(granted_on, "granted_on", errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        permit.status = status
        if status == PermitStatus.GRANTED:
            permit.granted_on, permit.valid_from, permit.valid_until = granted_on, granted_on, valid_until
        permit.save()
        if permit.renews_id is not None and status in (PermitStatus.GRANTED, PermitStatus.REFUSED):
            previous = permit.renews
            if previous is not None and previous.status == PermitStatus.RENEWAL_PENDING:
                previous.status = PermitStatus.EXPIRED if status == PermitStatus.GRANTED else PermitStatus.GRANTED
                previous.save(update_fields=["status"])
        _event(case, "permit_decide", actor, status=status, valid_until=valid_until.isoformat() if valid_until else "")
        permit_alert_if_due(permit=permit, today=timezone.localdate())
    return permit


# --- The alert before a permit runs out ---------------------------------------------------------------------


def _recipients(case: Case) -> list[User]:
    """The caseworker the case is assigned to and the supervisors of the organisation holding it."""
    supervisors = User.objects.filter(
        is_active=True, memberships__organisation_id=case.organisation_id, memberships__role=Role.SUPERVISOR
    ).distinct()
    people = {u.pk: u for u in supervisors}
    if case.assigned_to is not None and case.assigned_to.is_active:
        people[case.assigned_to.pk] = case.assigned_to
    return list(people.values())


def alert_reaches_someone(case: Case) -> bool:
    """Whether a removal or permit alert of the case reaches anyone (a police unit has no supervisor to alert)."""
    return bool(_recipients(case))


def _tell(case: Case, text: Callable[[], str], section: str) -> int:
    """An urgent alert to the caseworker and the supervisors, linking to the section of the case page named."""
    messages: list[tuple[User, str]] = []
    for recipient in _recipients(case):
        with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
            messages.append((recipient, text()))
    alerts_send(
        messages=messages,
        kind=Alert.Kind.INFO,
        object_type="cases.case",
        object_id=case.reference,
        url=case_link(case, section),
        urgent=True,
    )
    return len(messages)


def expiry_text(case: Case, permit: ResidencePermit, days: int, closed: bool) -> str:
    """The alert's words: the case reference, the kind of permit, the day it runs out; never the person."""
    until = permit.valid_until.isoformat() if permit.valid_until else ""
    text = ngettext(
        "Case %(reference)s: the %(kind)s runs out on %(until)s, in %(days)d day.",
        "Case %(reference)s: the %(kind)s runs out on %(until)s, in %(days)d days.",
        days,
    ) % {"reference": case.reference, "kind": permit.get_kind_display().lower(), "until": until, "days": days}
    if closed:
        text += " " + _(
            "The offices that renew residence permits are closed by a crisis measure: apply for the renewal now "
            "in writing or online, keep the proof of the application, and ask the authority for a written "
            "extension so the person does not fall irregular."
        )
    else:
        text += " " + _("Apply for the renewal before it runs out.")
    return text


def expiring_permits(*, on: date, within_days: int) -> QuerySet[ResidencePermit]:
    return (
        ResidencePermit.objects.select_related("case", "case__organisation", "case__assigned_to")
        .filter(
            Q(renewal__isnull=True) | Q(renewal__status=PermitStatus.REFUSED),  # a refused renewal renews nothing
            status=PermitStatus.GRANTED,
            valid_until__gte=on,
            valid_until__lte=on + timedelta(days=within_days),
            case__anonymised_at__isnull=True,
        )
        .exclude(case__stage=Stage.CLOSED)
    )


def permits_alert_expiry(*, today: date | None = None) -> int:
    """The periodic job: alert before each granted permit runs out, at the number of days the country's profile
    gives (twice as early while the renewal offices are closed). Once per permit and threshold: a second run, or
    a second worker, sends nothing again. Returns how many permits were alerted."""
    today = today or timezone.localdate()
    alerted = 0
    longest = 2 * max([*_profile_days(), 30])
    for permit in expiring_permits(on=today, within_days=longest):
        alerted += permit_alert_if_due(permit=permit, today=today)
    return alerted


def permit_alert_if_due(*, permit: ResidencePermit, today: date) -> bool:
    """Alert the caseworker and the supervisors if the permit runs out within the country's threshold (doubled while
    the renewal offices are closed) and it was not alerted at that threshold yet. The periodic job calls it for
    every permit close to its end; recording or deciding a permit calls it at once, so a permit granted already
    inside the window does not wait for the job. Returns whether it alerted."""
    case = permit.case
    if permit.status != PermitStatus.GRANTED or permit.valid_until is None or case.stage == Stage.CLOSED:
        return False
    country = case.organisation.country
    closed = offices_closed(country, today)
    threshold = profile_for(country).permit_expiry_alert_days * (2 if closed else 1)
    days = (permit.valid_until - today).days
    if not 0 <= days <= threshold:
        return False
    try:
        with transaction.atomic():
            PermitAlert.objects.create(permit=permit, threshold_days=threshold, offices_closed=closed)
            recipients = _tell(case, partial(expiry_text, case, permit, days, closed), f"permit-{permit.pk}")
            _event(
                case,
                "permit_expiry_alert",
                None,
                valid_until=permit.valid_until.isoformat(),
                offices_closed=closed,
                recipients=recipients,
            )
    except IntegrityError:  # alerted already at this threshold (another run)
        return False
    return True


def _profile_days() -> list[int]:
    return list(CountryProfile.objects.values_list("permit_expiry_alert_days", flat=True))


# --- Detention and removal ------------------------------------------------------------------------------------


def removal_text(case: Case, risk: RemovalRisk) -> str:
    """The alert's words (and its e-mail's): the case reference, the kind and the dates; never free text, which
    could name the person or an official."""
    text = _("Urgent, case %(reference)s: %(kind)s, dated %(day)s.") % {
        "reference": case.reference,
        "kind": risk.get_kind_display().lower(),
        "day": risk.ordered_on.isoformat(),
    }
    if risk.scheduled_on:
        text += " " + _("Deportation set for %(day)s.") % {"day": risk.scheduled_on.isoformat()}
    return (
        text
        + " "
        + _(
            "Contact the person and her lawyer now. A victim is not removed during the recovery period, nor while her "
            "permit is being decided."
        )
    )


def removed_text(case: Case, risk: RemovalRisk) -> str:
    """The alert's words when the removal was carried out: the case reference and the dates, never the person."""
    return _(
        "Urgent, case %(reference)s: the %(kind)s dated %(ordered)s was carried out on %(day)s; the person is no "
        "longer in the country. Contact her lawyer and the receiving organisation, and tell the prosecutor."
    ) % {
        "reference": case.reference,
        "kind": risk.get_kind_display().lower(),
        "ordered": risk.ordered_on.isoformat(),
        "day": risk.resolved_on.isoformat() if risk.resolved_on else "",
    }


def removal_section(risk: RemovalRisk) -> str:
    """The id of the order's line in the case page's residence section (it stays once the order is resolved)."""
    return f"removal-{risk.pk}"


def removal_record(
    *,
    actor: User,
    case: Case,
    kind: str,
    ordered_on: date,
    authority: str,
    scheduled_on: date | None = None,
) -> RemovalRisk:
    """Detention or a removal order against the person: the caseworker and the supervisors are alerted at once
    (the case reference, never the person's name)."""
    require(actor, CaseAction.UPDATE, case)
    _open(case)
    errors: dict[str, str] = {}
    if kind not in RemovalKind.values:
        errors["kind"] = _unknown(kind)
    authority = _text(" ".join(authority.split()), "authority", errors, limit=NAME_LIMIT)
    _not_future(ordered_on, "ordered_on", errors)
    if kind == RemovalKind.DEPORTATION and scheduled_on is None:
        errors["scheduled_on"] = _("Give the day the deportation is set for.")
    if scheduled_on is not None and scheduled_on < ordered_on:
        errors["scheduled_on"] = _("The deportation is set before the order.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        risk = RemovalRisk.objects.create(
            case=case,
            kind=kind,
            ordered_on=ordered_on,
            authority=authority,
            scheduled_on=scheduled_on,
            recorded_by=actor,
        )
        recipients = _tell(case, lambda: removal_text(case, risk), SECTION_REMOVAL)
        _event(case, "removal_record", actor, kind=kind, recipients=recipients)
    return risk


def removal_resolve(*, actor: User, risk: RemovalRisk, resolution: str, resolved_on: date | None = None) -> RemovalRisk:
    """The person released, the order suspended or withdrawn, or the removal carried out (on its day): the warning
    leaves the top of the case and no longer holds its closure. A removal carried out ends any voluntary return
    still planned (she is gone, and not by her choice), and the case may close as "removed by the authorities"."""
    require(actor, CaseAction.UPDATE, risk.case)
    _open(risk.case)
    errors: dict[str, str] = {}
    if risk.resolution:
        errors["resolution"] = _("This is already resolved.")
    if resolution not in RemovalResolution.values:
        errors["resolution"] = _unknown(resolution)
    elif resolution == RemovalResolution.CARRIED_OUT and risk.kind == RemovalKind.DETENTION:
        errors["resolution"] = _(
            "Detention ends by release. If the person was removed, record the removal order and then that it was "
            "carried out."
        )
    resolved_on = resolved_on or timezone.localdate()
    _not_future(resolved_on, "resolved_on", errors)
    if resolved_on < risk.ordered_on:
        errors["resolved_on"] = _("The date is before the order.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        risk.resolution, risk.resolved_on = resolution, resolved_on
        risk.save(update_fields=["resolution", "resolved_on"])
        cancelled = told = 0
        case = risk.case
        if resolution == RemovalResolution.CARRIED_OUT:
            cancelled = ReturnPlan.objects.filter(case=case, status__in=OPEN_RETURN).update(
                status=ReturnPlan.Status.CANCELLED
            )
            told = _tell(case, lambda: removed_text(case, risk), removal_section(risk))
            told += sum(hook(case, risk, resolved_on) for hook in ON_REMOVED)
        if not case.removal_risks.filter(resolution="").exists():
            # The red warning at the top of the page is gone: the earlier alerts send their reader to the orders'
            # lines in the residence section instead.
            Alert.objects.filter(
                object_type="cases.case", object_id=case.reference, url=case_link(case, SECTION_REMOVAL)
            ).update(url=case_link(case, SECTION_RESIDENCE))
        _event(
            risk.case,
            "removal_resolve",
            actor,
            kind=risk.kind,
            resolution=resolution,
            resolved_on=resolved_on.isoformat(),
            returns_cancelled=cancelled,
            recipients=told,
        )
    return risk


# --- Reads for the case page and the API (the case is already checked) ----------------------------------------


def permits_of(case: Case) -> list[ResidencePermit]:
    return list(case.residence_permits.select_related("renews").order_by("applied_on", "recorded_at"))


def permit_of(case: Case, permit_id: int) -> ResidencePermit:
    permit = case.residence_permits.filter(pk=permit_id).first()
    if permit is None:
        raise Http404("no such permit")
    return permit


def removals_of(case: Case) -> list[RemovalRisk]:
    return list(case.removal_risks.all())


def removal_of(case: Case, risk_id: int) -> RemovalRisk:
    risk = case.removal_risks.filter(pk=risk_id).first()
    if risk is None:
        raise Http404("no such order")
    return risk
