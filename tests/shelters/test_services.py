"""Admissions, quarantine, discharge and repatriation (shelters/services.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lantern.cases import returns
from lantern.cases import services as cases
from lantern.cases.models import Case
from lantern.cases.validation import PersonData
from lantern.core import services as core
from lantern.core.models import AuditEvent, Organisation, User
from lantern.crisis import services as crisis
from lantern.shelters import selectors, services
from lantern.shelters.models import BedAssignment, Stay
from lantern.shelters.services import room_add
from tests.conftest import World

# The pre-return risk assessment and the receiving organisation every return plan has (cases.returns).
SAFEGUARDS: dict[str, Any] = {"risk_level": "low", "receiving_name": "IOM Romania"}


def _woman(world: World) -> Case:
    return cases.case_register(
        actor=world.caseworker,
        organisation=world.ngo_a,
        person=PersonData(gender="Feminine", birth_date=date(1990, 1, 1)),
    )


def test_a_woman_gets_a_bed_in_the_womens_room(
    case: Case, shelter: Organisation, shelter_staff: User, world: World
) -> None:
    stay = services.admit(actor=shelter_staff, case=case, shelter=shelter)
    assignment = stay.assignments.get()
    assert (assignment.bed.room.name, assignment.wing) == ("W", "regular")
    assert stay.quarantine_until is None
    assert AuditEvent.objects.filter(action="shelter.admit").exists()
    with pytest.raises(ValidationError, match="already staying at Piraeus Shelter, admitted on ") as raised:
        services.admit(actor=shelter_staff, case=case, shelter=shelter)
    assert raised.value.error_dict["case"][0].code == "conflict"  # the API answers 409
    assert Stay.objects.filter(case=case).count() == 1
    with pytest.raises(PermissionDenied):
        services.admit(actor=world.caseworker, case=_woman(world), shelter=shelter)


def test_a_full_shelter_refuses_clearly_and_writes_nothing(
    case: Case, shelter: Organisation, shelter_staff: User, world: World
) -> None:
    services.admit(actor=shelter_staff, case=case, shelter=shelter)
    services.admit(actor=shelter_staff, case=_woman(world), shelter=shelter)
    third = _woman(world)
    with pytest.raises(ValidationError, match="No free regular bed"):
        services.admit(actor=shelter_staff, case=third, shelter=shelter)
    assert not Stay.objects.filter(case=third).exists()
    services.wait_for_bed(actor=world.caseworker, case=third, region="Attica", restriction="women")
    assert [e.case for e in selectors.waiting_list(region="Attica")] == [third]


def test_the_crisis_quarantine_protocol_sends_new_residents_through_the_quarantine_wing(
    case: Case, shelter: Organisation, shelter_staff: User, world: World, clock: object
) -> None:
    crisis.crisis_declare(
        actor=world.coordinator,
        name="Pandemic",
        kind="pandemic",
        country="GR",
        starts_on=date(2026, 2, 1),
        quarantine_days=10,
    )
    stay = services.admit(actor=shelter_staff, case=case, shelter=shelter)
    assert stay.assignments.get().wing == "quarantine"
    assert stay.quarantine_until == date(2026, 3, 12)
    with pytest.raises(ValidationError, match="No free quarantine bed"):
        services.admit(actor=shelter_staff, case=_woman(world), shelter=shelter)  # the one quarantine bed is taken
    services.quarantine_step(actor=shelter_staff, stay=stay, kind="test", result="positive")
    with pytest.raises(ValidationError, match="positive test"):
        services.move_to_regular(actor=shelter_staff, stay=stay)
    services.quarantine_step(actor=shelter_staff, stay=stay, kind="isolation_end")
    services.move_to_regular(actor=shelter_staff, stay=stay)
    assignments = list(stay.assignments.order_by("since"))
    assert [a.wing for a in assignments] == ["quarantine", "regular"]
    assert assignments[0].until is not None
    kinds = list(stay.quarantine_steps.values_list("kind", flat=True))
    assert kinds == ["isolation_start", "test", "isolation_end"]


def test_an_intake_freeze_refuses_admissions(case: Case, shelter: Organisation, shelter_staff: User) -> None:
    pandemic = crisis.crisis_declare(
        actor=None, name="Pandemic", kind="pandemic", country="GR", starts_on=date(2026, 1, 1)
    )
    crisis.measure_add(
        actor=None, crisis=pandemic, kind="shelter_intake_freeze", regions=["Attica"], starts_on=date(2026, 1, 2)
    )
    with pytest.raises(ValidationError, match="intake is frozen"):
        services.admit(actor=shelter_staff, case=case, shelter=shelter)


def test_discharge_frees_the_bed_and_cannot_happen_twice(
    case: Case, shelter: Organisation, shelter_staff: User, clock: object
) -> None:
    stay = services.admit(actor=shelter_staff, case=case, shelter=shelter)
    clock.shift(20 * 86400)  # type: ignore[attr-defined]
    services.discharge(actor=shelter_staff, stay=stay, destination="independent")
    assert not BedAssignment.objects.filter(until__isnull=True).exists()
    with pytest.raises(ValidationError, match="not staying in the shelter"):
        services.discharge(actor=shelter_staff, stay=stay, destination="family")
    assert selectors.median_length_of_stay(discharged_from=date(2026, 3, 1), discharged_to=date(2026, 3, 31)) == 20.0


def test_a_border_closure_blocks_planned_repatriations_and_its_end_releases_them(
    case: Case, shelter: Organisation, shelter_staff: User, world: World, clock: object
) -> None:
    stay = services.admit(actor=shelter_staff, case=case, shelter=shelter)
    repatriation = services.repatriation_plan(
        **SAFEGUARDS,
        actor=shelter_staff,
        stay=stay,
        country="RO",
        planned_on=date(2026, 3, 9),
        own_request=True,  # her identification is still pending
        own_request_text="I want to go home.",
    )
    assert repatriation.status == "planned"
    pandemic = crisis.crisis_declare(
        actor=world.coordinator, name="Pandemic", kind="pandemic", country="GR", starts_on=date(2026, 3, 1)
    )
    closure = crisis.measure_add(
        actor=world.coordinator, crisis=pandemic, kind="border_closure", starts_on=date(2026, 3, 2)
    )
    assert returns.returns_refresh() == {"blocked": 1, "unblocked": 0}
    repatriation.refresh_from_db()
    assert (repatriation.status, repatriation.blocked_since) == ("blocked", date(2026, 3, 9))
    clock.shift(30 * 86400)  # type: ignore[attr-defined]
    row = next(r for r in selectors.board() if r.shelter == shelter)
    assert row.blocked_repatriations == 1
    assert row.longest_blocked_days == 23  # since the planned date, 9 March, to 1 April
    assert selectors.waiting_for_repatriation()["people"] == 1
    crisis.measure_end(actor=world.coordinator, measure=closure, ends_on=date(2026, 4, 1))
    clock.shift(86400)  # type: ignore[attr-defined]
    assert returns.returns_refresh() == {"blocked": 0, "unblocked": 1}


def test_the_board_counts_free_beds_by_wing_and_restriction(
    case: Case, shelter: Organisation, shelter_staff: User
) -> None:
    services.admit(actor=shelter_staff, case=case, shelter=shelter)
    row = next(r for r in selectors.board(region="Attica") if r.shelter == shelter)
    assert (row.total, row.occupied, row.free_regular, row.free_quarantine) == (4, 1, 2, 1)
    assert row.free[("regular", "women")] == 1
    assert selectors.occupancy_rate() == 0.25
    assert selectors.board(region="Crete") == []


def test_admission_from_a_referral_needs_it_accepted_and_consented(
    case: Case, shelter: Organisation, shelter_staff: User, world: World
) -> None:
    from lantern.providers.services import offering_save
    from lantern.referrals import services as referrals

    offering_save(
        actor=None,
        organisation=shelter,
        service_type="safe_accommodation",
        regions=["Attica"],
        delivery_modes=["in_person"],
        weekly_capacity=3,
    )
    consent = cases.consent_give(actor=world.caseworker, case=case, purpose="referral", recipient=shelter)
    referral = referrals.referral_create(
        actor=world.caseworker, case=case, recipient=shelter, service_type="safe_accommodation"
    )
    with pytest.raises(ValidationError, match="Accept the referral"):
        services.admit_from_referral(actor=shelter_staff, referral=referral)
    referrals.referral_accept(actor=shelter_staff, referral=referral)
    referral.refresh_from_db()
    cases.consent_withdraw(actor=world.caseworker, consent=consent)
    with pytest.raises(ValidationError, match="withdrawn"):
        services.admit_from_referral(actor=shelter_staff, referral=referral)
    assert not Stay.objects.exists()


def test_another_shelter_learns_that_she_stays_in_a_shelter_not_which(
    case: Case, shelter: Organisation, shelter_staff: User
) -> None:
    services.admit(actor=shelter_staff, case=case, shelter=shelter)
    other = core.organisation_create(
        actor=None, name="Kifisia Refuge", type="Shelter", country="GR", region="Attica", languages=["el"]
    )
    room_add(actor=None, shelter=other, name="W", wing="regular", restriction="women", beds=2)
    other_staff = core.user_create(
        actor=None, username="kifisia_worker", organisation=other, role="service_provider", password=None
    )
    with pytest.raises(ValidationError) as raised:
        services.admit(actor=other_staff, case=case, shelter=other)
    message = raised.value.error_dict["case"][0].message
    assert "already staying in another shelter" in message
    assert "Piraeus" not in message
    assert raised.value.error_dict["case"][0].code == "conflict"
