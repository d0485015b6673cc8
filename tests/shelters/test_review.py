"""After a practitioner's review (issue #19): the admission page counts the free beds of each room, a resident moved
to a regular bed is no longer shown in quarantine, and an adult's return during the recovery and reflection period
is planned only at her own informed request, which the residents page then shows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from lantern.cases import services as cases
from lantern.cases.models import Case, ReturnPlan
from lantern.cases.validation import PersonData
from lantern.core.models import Organisation, User
from lantern.crisis import services as crisis
from lantern.providers.services import offering_save
from lantern.referrals import services as referrals
from lantern.shelters import services
from lantern.shelters.models import Stay
from tests.conftest import World

# The pre-return risk assessment and the receiving organisation every return plan has (cases.returns).
SAFEGUARDS: dict[str, Any] = {"risk_level": "low", "receiving_name": "IOM Romania"}


@pytest.fixture
def logged(world: World, settings: object, shelter_staff: User) -> dict[str, Client]:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    clients = {}
    for name, user in [*world.users.items(), ("shelter_staff", shelter_staff)]:
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


def test_the_admission_page_counts_the_free_beds_of_each_room(
    logged: dict[str, Client], case: Case, shelter: Organisation, shelter_staff: User, world: World
) -> None:
    offering_save(
        actor=None,
        organisation=shelter,
        service_type="safe_accommodation",
        regions=["Attica"],
        delivery_modes=["in_person"],
        weekly_capacity=4,
    )
    cases.consent_give(actor=world.caseworker, case=case, purpose="referral", recipient=shelter)
    referral = referrals.referral_create(
        actor=world.caseworker, case=case, recipient=shelter, service_type="safe_accommodation"
    )
    referrals.referral_accept(actor=shelter_staff, referral=referral)
    other = cases.case_register(
        actor=world.caseworker,
        organisation=world.ngo_a,
        person=PersonData(gender="Masculine", birth_date=date(1985, 1, 1)),
    )
    services.admit(actor=None, case=other, shelter=shelter)  # takes the only bed of the men's room
    page = logged["shelter_staff"].get(f"/beds/admit/{referral.public_id}/").content.decode()
    assert "W · Adults · Women only · Regular · 2 free beds" in page
    assert "M · Adults · Men only · Regular · full" in page
    assert "Q · Adults · Anyone · Quarantine · 1 free bed<" in page
    assert "<td>M</td><td>Adults</td><td>Men only</td><td>Regular</td><td><strong>full</strong></td>" in page
    assert "<td>W</td><td>Adults</td><td>Women only</td><td>Regular</td><td>2</td>" in page


def test_a_resident_moved_to_a_regular_bed_is_no_longer_shown_in_quarantine(
    logged: dict[str, Client], case: Case, shelter: Organisation, shelter_staff: User, world: World, clock: object
) -> None:
    crisis.crisis_declare(
        actor=world.coordinator, name="Pandemic", kind="pandemic", country="GR", starts_on=date(2026, 2, 1),
        quarantine_days=10,
    )  # fmt: skip
    stay = services.admit(actor=shelter_staff, case=case, shelter=shelter)
    residents = logged["shelter_staff"].get(f"/beds/{shelter.pk}/residents/").content.decode()
    assert "2026-03-12" in residents
    assert "Move to a regular bed" in residents
    services.move_to_regular(actor=shelter_staff, stay=stay)
    stay.refresh_from_db()
    assert stay.quarantine_until is None
    residents = logged["shelter_staff"].get(f"/beds/{shelter.pk}/residents/").content.decode()
    assert "2026-03-12" not in residents
    assert "Move to a regular bed" not in residents
    assert "(Quarantine)" not in residents
    assert "(Regular)" in residents


def test_an_adult_is_returned_during_the_recovery_period_only_at_her_own_request(
    logged: dict[str, Client], case: Case, shelter: Organisation, shelter_staff: User, world: World
) -> None:
    cases.case_refer_to_authority(actor=world.caseworker, case=case, referred_on=date(2026, 2, 27), consent_given=True)
    cases.case_decide(
        actor=world.authority_member, case=case, kind="reasonable_grounds", outcome="positive", reasons="Grounds."
    )
    stay = services.admit(actor=shelter_staff, case=case, shelter=shelter)
    with pytest.raises(ValidationError) as refused:
        services.repatriation_plan(
            **SAFEGUARDS, actor=shelter_staff, stay=stay, country="RO", planned_on=date(2026, 3, 10)
        )
    assert "until 2026-04-01" in refused.value.message_dict["own_request"][0]
    assert not ReturnPlan.objects.exists()

    url = f"/beds/stays/{stay.pk}/repatriation/"
    refused_page = logged["shelter_staff"].post(
        url, {"country": "RO", "planned_on": "2026-03-10", **SAFEGUARDS}, follow=True
    )
    assert "recovery and reflection period until 2026-04-01" in refused_page.content.decode()
    done = logged["shelter_staff"].post(
        url,
        {
            "country": "RO",
            "planned_on": "2026-03-10",
            **SAFEGUARDS,
            "own_request": "1",
            "own_request_text": "My mother is ill.",
        },
        follow=True,
    )
    repatriation = ReturnPlan.objects.get()
    assert (repatriation.own_request, repatriation.own_request_text) == (True, "My mother is ill.")
    page = done.content.decode()
    assert "2026-03-10" in page  # the residents page shows the return's country, day and status
    assert "My mother is ill." not in page  # never her words (they are the case's, read on the case page)
    assert Stay.objects.get().case.return_plans.count() == 1
