"""Shelter writes: rooms and beds, admissions (a bed allocated atomically, through the quarantine wing when the
crisis protocol says so), quarantine steps, moves, discharges, repatriations (the case's return plan, planned by
the shelter: cases.returns) and the waiting list."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.cases import minority, returns
from lantern.cases.codes import DurableSolution
from lantern.cases.models import OPEN_RETURN, Case, Consent, ReturnPlan
from lantern.cases.selectors import consent_allows
from lantern.cases.services import return_refusal, timeline_record
from lantern.core.audit import audit_record
from lantern.core.models import Organisation, OrganisationType, User
from lantern.core.permissions import require
from lantern.core.problems import CONFLICT
from lantern.crisis.models import MeasureKind
from lantern.crisis.selectors import active_crises, active_measures
from lantern.referrals.models import Referral
from lantern.referrals.models import Status as ReferralStatus
from lantern.shelters.models import (
    AgeGroup,
    Bed,
    BedAssignment,
    Destination,
    QuarantineStep,
    Restriction,
    Room,
    Stay,
    WaitingEntry,
    Wing,
)
from lantern.shelters.permissions import ShelterAction
from lantern.shelters.selectors import age_groups_for, quarantine_days_at, restrictions_for


def _require(actor: User | None, action: str, obj: object) -> None:
    if actor is not None:
        require(actor, action, obj)


def _event(stay: Stay, event: str, actor: User | None, **detail: object) -> None:
    timeline_record(case=stay.case, kind=f"shelter_{event}", actor=actor, detail={"shelter": stay.shelter_id, **detail})
    audit_record(
        action=f"shelter.{event}",
        actor=actor,
        actor_label="console",
        organisation_id=stay.shelter_id,
        object_type="shelters.stay",
        object_id=stay.pk,
        detail=detail,
    )


def room_add(
    *,
    actor: User | None,
    shelter: Organisation,
    name: str,
    wing: str,
    restriction: str,
    beds: int,
    accessible: bool = False,
    age_group: str = "",
) -> Room:
    _require(actor, ShelterAction.MANAGE, shelter)
    errors: dict[str, str] = {}
    if shelter.type != OrganisationType.SHELTER:
        errors["shelter"] = _("Rooms belong to shelters.")
    name = " ".join(name.split())
    if not name or len(name) > 60:
        errors["name"] = _("A name of at most 60 characters.")
    if wing not in Wing.values:
        errors["wing"] = _("Unknown value %(value)s.") % {"value": repr(wing)}
    if restriction not in Restriction.values:
        errors["restriction"] = _("Unknown value %(value)s.") % {"value": repr(restriction)}
    # A room for children is for children; a room for families, for families; every other room, for adults.
    age_group = age_group or {"children": AgeGroup.CHILDREN, "families": AgeGroup.FAMILIES}.get(
        restriction, AgeGroup.ADULTS
    )
    if age_group not in AgeGroup.values:
        errors["age_group"] = _("Unknown value %(value)s.") % {"value": repr(age_group)}
    elif restriction == Restriction.CHILDREN and age_group != AgeGroup.CHILDREN:
        errors["age_group"] = _("A room for children is for children only.")
    if not 1 <= beds <= 100:
        errors["beds"] = _("Between 1 and 100.")
    if Room.objects.filter(shelter=shelter, name=name).exists():
        errors["name"] = _("This shelter already has a room with this name.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        room = Room.objects.create(
            shelter=shelter, name=name, wing=wing, restriction=restriction, age_group=age_group, accessible=accessible
        )
        Bed.objects.bulk_create([Bed(room=room, label=f"{name}-{i + 1}") for i in range(beds)])
        audit_record(
            action="shelter.room_add",
            actor=actor,
            actor_label="console",
            organisation_id=shelter.pk,
            object_type="shelters.room",
            object_id=room.pk,
            detail={"wing": wing, "beds": beds, "age_group": age_group},
        )
    return room


def room_refusal(case: Case, room: Room) -> str:
    """Why this person may not be placed in this room; empty when they may."""
    if room.age_group in age_groups_for(case):
        return ""
    if case.is_minor:
        return _(
            "%(room)s is a room for %(group)s: a child (or a person presumed to be a child until an age "
            "assessment says otherwise) is placed only in a room for children."
        ) % {"room": room.name, "group": str(AgeGroup(room.age_group).label).lower()}
    return _("%(room)s is a room for children: an adult is not placed there.") % {"room": room.name}


def quarantine_days_now(shelter: Organisation, on: date) -> int:
    """The quarantine protocol of the crises in force where the shelter is (the longest, if several)."""
    return quarantine_days_at(shelter, list(active_crises(on=on)))


def free_beds(
    shelter: Organisation,
    wing: str,
    restrictions: list[str],
    age_groups: list[str] | None = None,
    room: Room | None = None,
) -> list[Bed]:
    occupied = BedAssignment.objects.filter(until__isnull=True).values("bed_id")
    candidates = Bed.objects.filter(
        room__shelter=shelter, room__wing=wing, room__restriction__in=restrictions, active=True
    )
    if age_groups is not None:
        candidates = candidates.filter(room__age_group__in=age_groups)
    if room is not None:
        candidates = candidates.filter(room=room)
    beds = list(candidates.exclude(pk__in=occupied).select_related("room"))
    order = {r: i for i, r in enumerate(restrictions)}
    return sorted(beds, key=lambda bed: (order[bed.room.restriction], bed.room.name, bed.label))


def _take_bed(
    stay: Stay, shelter: Organisation, wing: str, restrictions: list[str], room: Room | None = None
) -> BedAssignment | None:
    """Insert the first free bed's assignment (in the room asked for, if any, and in a room for the person's
    age); when another admission took that bed a moment earlier, the database refuses the second occupant and the
    next free bed is tried."""
    for bed in free_beds(shelter, wing, restrictions, age_groups_for(stay.case), room):
        try:
            with transaction.atomic():
                return BedAssignment.objects.create(stay=stay, bed=bed, wing=wing)
        except IntegrityError:
            continue
    return None


def admit_from_referral(*, actor: User | None, referral: Referral, room: Room | None = None) -> Stay:
    """Admit the person a referral names, once the shelter has accepted it and while the person's consent holds."""
    if referral.status not in (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS):
        raise ValidationError({"referral": _("Accept the referral before admitting the person.")})
    if not consent_allows(referral.case, Consent.Purpose.REFERRAL, recipient=referral.recipient):
        raise ValidationError({"consent": _("The person has withdrawn their consent to this referral.")})
    return admit(actor=actor, case=referral.case, shelter=referral.recipient, referral_id=referral.pk, room=room)


def _refuse_second_stay(case: Case, shelter: Organisation) -> None:
    """A person is in one shelter at a time: a second admission while a stay is open is refused, saying since when.
    Where she stays is said only to the shelter she stays in: another shelter's staff learn that she stays in one,
    not which (where a survivor sleeps is the one thing a trafficker looks for); her case's holder arranges a move."""
    current = Stay.objects.filter(case=case, discharged_at__isnull=True).select_related("shelter").first()
    if current is None:
        return
    day = timezone.localtime(current.admitted_at).date().isoformat()  # dates as everywhere: ISO
    if current.shelter_id == shelter.pk:
        message = _(
            "This person is already staying at %(shelter)s, admitted on %(day)s: discharge her there first."
        ) % {"shelter": current.shelter.name, "day": day}
    else:
        message = _(
            "This person is already staying in another shelter, admitted on %(day)s: the organisation that holds "
            "the case can arrange a move."
        ) % {"day": day}
    raise ValidationError({"case": ValidationError(message, code=CONFLICT)})


def admit(
    *,
    actor: User | None,
    case: Case,
    shelter: Organisation,
    referral_id: int | None = None,
    room: Room | None = None,
) -> Stay:
    """Admit a person to a shelter: a regular bed, or a quarantine bed first when the crisis protocol asks for it;
    in the room asked for, if any. A child is never placed in a room for adults, and the refusal says why. With no
    bed free, nothing is written and the error says so (add them to the waiting list instead)."""
    _require(actor, ShelterAction.ADMIT, shelter)
    today = timezone.localdate()
    if shelter.type != OrganisationType.SHELTER:
        raise ValidationError({"shelter": _("Only a shelter admits residents.")})
    _refuse_second_stay(case, shelter)
    if any(m.kind == MeasureKind.SHELTER_INTAKE_FREEZE for m in active_measures(on=today, region=shelter.region)):
        raise ValidationError({"shelter": _("Shelter intake is frozen in this region by a crisis measure.")})
    if room is not None and room.shelter_id != shelter.pk:
        raise ValidationError({"room": _("This room is in another shelter.")})
    if room is not None and room_refusal(case, room):
        raise ValidationError({"room": room_refusal(case, room)})
    days = quarantine_days_now(shelter, today)
    wing = Wing.QUARANTINE if days else Wing.REGULAR
    if room is not None and room.wing != wing:
        raise ValidationError(
            {"room": _("Admissions go to the %(wing)s wing now.") % {"wing": Wing(wing).label.lower()}}
        )
    restrictions = restrictions_for(case)
    with transaction.atomic():
        try:
            with transaction.atomic():
                stay = Stay.objects.create(
                    case=case,
                    shelter=shelter,
                    referral_id=referral_id,
                    admitted_by=actor,
                    quarantine_until=today + timedelta(days=days) if days else None,
                )
        except IntegrityError:  # admitted elsewhere at the same moment
            raise ValidationError(
                {"case": ValidationError(_("This person is already staying in a shelter."), code=CONFLICT)}
            ) from None
        assignment = _take_bed(stay, shelter, wing, restrictions, room)
        if assignment is None and case.is_minor:
            raise ValidationError(
                {
                    "shelter": _(
                        "No free bed in a room for children in this shelter. A child is never placed in a room for "
                        "adults: ask another shelter or the child protection services."
                    )
                }
            )
        if assignment is None:
            raise ValidationError({"shelter": _no_bed_refusal(case, shelter, wing)})
        WaitingEntry.objects.filter(case=case, resolved_at__isnull=True).update(resolved_at=timezone.now())
        if days:
            QuarantineStep.objects.create(stay=stay, kind=QuarantineStep.Kind.ISOLATION_START, recorded_by=actor)
        _event(stay, "admit", actor, wing=wing, bed=assignment.bed_id, quarantine_days=days)
    return stay


def _no_bed_refusal(case: Case, shelter: Organisation, wing: str) -> str:
    """No bed for this person: when beds are free in rooms that are not for her, say which rooms they are."""
    restrictions, groups = restrictions_for(case), age_groups_for(case)
    kinds: list[str] = []
    for bed in free_beds(shelter, wing, list(Restriction.values)):
        room = bed.room
        if room.age_group not in groups:
            kind = str(AgeGroup(room.age_group).label).lower()
        elif room.restriction not in restrictions:
            kind = str(Restriction(room.restriction).label).lower()
        else:
            continue
        if kind not in kinds:
            kinds.append(kind)
    if kinds:
        return _("No free %(wing)s bed for this person in this shelter: free beds only in rooms for %(rooms)s.") % {
            "wing": Wing(wing).label.lower(),
            "rooms": ", ".join(kinds),
        }
    return _("No free %(wing)s bed for this person in this shelter.") % {"wing": Wing(wing).label.lower()}


def _admitted(stay: Stay) -> Stay:
    current = Stay.objects.select_for_update().select_related("case", "case__person", "shelter").get(pk=stay.pk)
    if current.discharged_at is not None:
        raise ValidationError({"stay": _("This person is not staying in the shelter any more.")})
    return current


def quarantine_step(*, actor: User | None, stay: Stay, kind: str, result: str = "") -> QuarantineStep:
    _require(actor, ShelterAction.ADMIT, stay.shelter)
    if kind not in QuarantineStep.Kind.values:
        raise ValidationError({"kind": _("Unknown value %(value)s.") % {"value": repr(kind)}})
    if result not in QuarantineStep.Result.values or (kind == QuarantineStep.Kind.TEST) != bool(result):
        raise ValidationError({"result": _("A test has a result; other steps have none.")})
    with transaction.atomic():
        current = _admitted(stay)
        step = QuarantineStep.objects.create(stay=current, kind=kind, result=result, recorded_by=actor)
        _event(current, "quarantine_step", actor, kind=kind)  # the result is health data: not in the trail
    return step


def move_to_regular(*, actor: User | None, stay: Stay) -> Stay:
    """From the quarantine wing to a regular bed, atomically: the quarantine bed is freed only if a regular bed
    was taken."""
    _require(actor, ShelterAction.ADMIT, stay.shelter)
    with transaction.atomic():
        current = _admitted(stay)
        open_assignment = current.assignments.filter(until__isnull=True).first()
        if open_assignment is None or open_assignment.wing != Wing.QUARANTINE:
            raise ValidationError({"stay": _("This person is not in the quarantine wing.")})
        if current.quarantine_steps.filter(kind="test", result="positive").exists() and not (
            current.quarantine_steps.filter(kind="isolation_end").exists()
        ):
            raise ValidationError({"stay": _("A positive test: record the end of isolation first.")})
        now = timezone.now()
        BedAssignment.objects.filter(pk=open_assignment.pk).update(until=now)
        assignment = _take_bed(current, current.shelter, Wing.REGULAR, restrictions_for(current.case))
        if assignment is None:
            raise ValidationError({"stay": _("No free regular bed: the person stays in quarantine for now.")})
        # Out of quarantine: the date it was to end no longer describes the person (the steps keep the history).
        current.quarantine_until = None
        current.save(update_fields=["quarantine_until"])
        _event(current, "move", actor, bed=assignment.bed_id)
    return current


# A child's discharge that is a durable solution waits for the best-interests determination that chose it.
CHILD_SOLUTION = {
    Destination.RETURN: DurableSolution.RETURN,
    Destination.INDEPENDENT: DurableSolution.LOCAL_INTEGRATION,
}


def discharge(
    *,
    actor: User | None,
    stay: Stay,
    destination: str,
    own_request: bool = False,
    own_request_text: str = "",
    removal_confirmed: bool = False,
) -> Stay:
    """Discharge a resident. A discharge to return meets the same safeguards as planning one (a child's
    best-interests determination, an adult's own informed request while her identification is pending or in the
    recovery period: the request kept with the case's return plan counts; while a detention or removal order is
    open, the person's own wish to go home, confirmed now or when the return was planned, since a removal is never
    a voluntary return) and is refused while a border closure stops it (cases.returns, one rule); the case's
    return plan is then recorded as done. Any other destination
    leaves the return plan as it is: it is the case's, and the caseworker may still carry it out. A child's
    independent living waits for a determination that chose local integration."""
    _require(actor, ShelterAction.ADMIT, stay.shelter)
    if destination not in Destination.values:
        raise ValidationError({"destination": _("Say where the person goes.")})
    with transaction.atomic():
        current = _admitted(stay)
        plan = current.case.return_plans.filter(status__in=OPEN_RETURN).first()
        solution = CHILD_SOLUTION.get(Destination(destination))
        if solution is not None:
            refusal = minority.durable_solution_refusal(current.case, solution)
            if refusal:
                raise ValidationError({"best_interests": refusal})
        today = timezone.localdate()
        if destination == Destination.RETURN:
            kept = plan is not None and plan.own_request
            asked = own_request or kept
            text = own_request_text if own_request_text.strip() else (plan.own_request_text if plan and kept else "")
            confirmed = removal_confirmed or (plan is not None and plan.removal_confirmed)
            refused = {
                **return_refusal(current.case, own_request=asked, own_request_text=text),
                **returns.removal_refusal(current.case, removal_confirmed=confirmed),
            }
            if refused:
                raise ValidationError(refused)
            leaving = current.shelter.country or returns.leaving_from(current.case)
            closed = returns.border_closed(plan.country if plan else "", today, leaving=leaving)
            if closed:
                raise ValidationError(
                    {
                        "destination": _(
                            "A border closure has been in force since %(day)s (%(note)s): no return can take place "
                            "now. The person stays until it ends."
                        )
                        % {"day": closed[0].isoformat(), "note": closed[1]}
                    }
                )
        now = timezone.now()
        current.assignments.filter(until__isnull=True).update(until=now)
        current.discharged_at, current.destination = now, destination
        current.save(update_fields=["discharged_at", "destination"])
        if destination == Destination.RETURN and plan is not None:
            returns.return_done(actor=actor, plan=plan, done_on=today, permission_checked=True)
        days = (now - current.admitted_at).days
        _event(current, "discharge", actor, destination=destination, length_of_stay_days=days)
    return current


def repatriation_plan(
    *,
    actor: User | None,
    stay: Stay,
    country: str,
    planned_on: date,
    risk_level: str,
    risk_reasons: str = "",
    receiving_name: str = "",
    receiving_contact: str = "",
    own_request: bool = False,
    own_request_text: str = "",
    removal_confirmed: bool = False,
    safety_measures: str = "",
) -> ReturnPlan:
    """Plan a resident's return: the case's return plan (cases.returns, the one record of a return, with its
    safeguards and its border rule), planned by the shelter that hosts her. One open plan per case: a return the
    caseworker planned already is the shelter's to see, not to plan twice."""
    _require(actor, ShelterAction.ADMIT, stay.shelter)
    with transaction.atomic():
        # The case's own event (return_plan) records it once, with its audit: not a second shelter event.
        current = _admitted(stay)
        return returns.return_plan(
            actor=actor,
            case=current.case,
            country=country,
            planned_on=planned_on,
            risk_level=risk_level,
            risk_reasons=risk_reasons,
            receiving_name=receiving_name,
            receiving_contact=receiving_contact,
            own_request=own_request,
            own_request_text=own_request_text,
            removal_confirmed=removal_confirmed,
            safety_measures=safety_measures,
            permission_checked=True,
            supervising_organisation=stay.shelter,
        )


def residents_returns_read(*, actor: User, shelter: Organisation, stays: list[Stay]) -> None:
    """The residents page shows the returns planned for people whose cases other organisations may hold: which
    cases' returns a shelter's staff saw is in the audit trail (references and counts, never what the plans say)."""
    seen = sorted(stay.case.reference for stay in stays if stay.case.return_plans.all())
    audit_record(
        action="shelter.residents_read",
        actor=actor,
        organisation_id=shelter.pk,
        object_type="core.organisation",
        object_id=shelter.pk,
        detail={"residents": len(stays), "returns_of": seen},
    )


def wait_for_bed(*, actor: User | None, case: Case, region: str, restriction: str) -> WaitingEntry:
    if actor is not None and not (
        actor.memberships.filter(organisation_id=case.organisation_id).exists()
        or actor.memberships.filter(organisation__type=OrganisationType.SHELTER).exists()
    ):
        raise PermissionDenied("not allowed")
    if restriction not in Restriction.values:
        raise ValidationError({"restriction": _("Unknown value %(value)s.") % {"value": repr(restriction)}})
    region = " ".join(region.split())
    if not region or len(region) > 100:
        raise ValidationError({"region": _("Name the region.")})
    if WaitingEntry.objects.filter(case=case, resolved_at__isnull=True).exists():
        raise ValidationError({"case": _("This person is already on the waiting list.")})
    with transaction.atomic():
        entry = WaitingEntry.objects.create(case=case, region=region, restriction=restriction, added_by=actor)
        timeline_record(case=case, kind="shelter_wait", actor=actor, detail={"region": region})
        audit_record(
            action="shelter.wait",
            actor=actor,
            actor_label="console",
            organisation_id=case.organisation_id,
            object_type="cases.case",
            object_id=case.reference,
            detail={"region": region},
        )
    return entry
