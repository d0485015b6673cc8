"""After a practitioner's review: a discharge to return meets the safeguards of planning one (a child's
best-interests determination, an adult's own request while her identification is pending or in the recovery
period, no departure while a border closure is in force); an adult awaiting the reasonable-grounds decision is not
returned without her own request (CoE Convention Art. 10(2)); one open return plan per case; the API takes the
person's own request."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from lantern.cases import returns
from lantern.cases import services as cases
from lantern.cases.models import Case, ReturnPlan
from lantern.cases.validation import ContextData, PersonData
from lantern.core.models import Organisation, User
from lantern.crisis import services as crisis
from lantern.shelters import services
from lantern.shelters.models import Stay
from tests.conftest import World

PENDING = "identification is not completed yet"

# The pre-return risk assessment and the receiving organisation every return plan has (cases.returns).
SAFEGUARDS: dict[str, Any] = {"risk_level": "low", "receiving_name": "IOM Romania"}


@pytest.fixture
def girl(world: World, clock: object) -> Case:
    return cases.case_register(
        actor=world.caseworker,
        organisation=world.ngo_a,
        person=PersonData(first_name="Daria", gender="Feminine"),
        context=ContextData(may_be_child=True, separation="unaccompanied"),
        identified_on=date(2026, 2, 20),
    )


def test_a_child_is_not_discharged_to_return_or_independent_living_without_a_determination(
    girl: Case, shelter: Organisation
) -> None:
    services.room_add(actor=None, shelter=shelter, name="K", wing="regular", restriction="children", beds=1)
    stay = services.admit(actor=None, case=girl, shelter=shelter)
    for destination in ["return", "independent"]:
        with pytest.raises(ValidationError) as refused:
            services.discharge(actor=None, stay=stay, destination=destination)
        assert "best-interests determination" in refused.value.message_dict["best_interests"][0]
    assert Stay.objects.get().discharged_at is None
    assert services.discharge(actor=None, stay=stay, destination="other_shelter").discharged_at


def test_an_adult_awaiting_identification_is_returned_only_at_her_own_request(
    case: Case, shelter: Organisation, shelter_staff: User
) -> None:
    assert case.recovery_ends is None
    stay = services.admit(actor=shelter_staff, case=case, shelter=shelter)
    with pytest.raises(ValidationError) as refused:
        services.repatriation_plan(
            **SAFEGUARDS, actor=shelter_staff, stay=stay, country="RO", planned_on=date(2026, 3, 10)
        )
    assert PENDING in refused.value.message_dict["own_request"][0]
    with pytest.raises(ValidationError) as refused:
        services.discharge(actor=shelter_staff, stay=stay, destination="return")
    assert PENDING in refused.value.message_dict["own_request"][0]
    assert not ReturnPlan.objects.exists()
    plan = services.repatriation_plan(
        **SAFEGUARDS,
        actor=shelter_staff,
        stay=stay,
        country="RO",
        planned_on=date(2026, 3, 10),
        own_request=True,
        own_request_text="I want to go home.",
    )
    assert (plan.own_request, plan.own_request_text) == (True, "I want to go home.")
    with pytest.raises(ValidationError, match="already planned"):
        services.repatriation_plan(
            **SAFEGUARDS,
            actor=shelter_staff,
            stay=stay,
            country="RO",
            planned_on=date(2026, 3, 11),
            own_request=True,
            own_request_text="Again.",
        )
    assert ReturnPlan.objects.count() == 1
    # The request kept with the plan is what allows the discharge to return.
    services.discharge(actor=shelter_staff, stay=stay, destination="return")
    plan.refresh_from_db()
    assert plan.status == "done"


def test_a_return_blocked_by_a_border_closure_is_not_marked_done(
    case: Case, shelter: Organisation, shelter_staff: User, world: World
) -> None:
    stay = services.admit(actor=shelter_staff, case=case, shelter=shelter)
    plan = services.repatriation_plan(
        **SAFEGUARDS,
        actor=shelter_staff,
        stay=stay,
        country="RO",
        planned_on=date(2026, 3, 9),
        own_request=True,
        own_request_text="Home.",
    )
    pandemic = crisis.crisis_declare(
        actor=world.coordinator, name="Pandemic", kind="pandemic", country="GR", starts_on=date(2026, 3, 1)
    )
    crisis.measure_add(
        actor=world.coordinator, crisis=pandemic, kind="border_closure", starts_on=date(2026, 3, 1), note="Flights"
    )
    returns.returns_refresh()
    with pytest.raises(ValidationError) as refused:
        services.discharge(actor=shelter_staff, stay=stay, destination="return")
    assert "border closure has been in force since 2026-03-01 (Flights)" in refused.value.message_dict["destination"][0]
    plan.refresh_from_db()
    assert plan.status == "blocked"
    assert Stay.objects.get().discharged_at is None


def test_the_api_takes_her_own_request_and_refuses_without_it(
    case: Case, shelter: Organisation, shelter_staff: User
) -> None:
    from lantern.core import services as core
    from lantern.core.models import TotpDevice

    stay = services.admit(actor=shelter_staff, case=case, shelter=shelter)
    TotpDevice.objects.create(user=shelter_staff, confirmed=True, name="phone")
    _, raw = core.token_create(actor=None, user=shelter_staff, name="tests")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    url = f"/api/v1/stays/{stay.pk}/repatriations"
    body = {"country": "RO", "planned_on": "2026-03-10", **SAFEGUARDS}
    refused = client.post(url, json.dumps(body), content_type="application/json")
    assert refused.status_code == 422
    assert refused["Content-Type"].startswith("application/problem+json")
    assert PENDING in refused.content.decode()
    asked = {**body, "own_request": True, "own_request_text": "My mother is ill."}
    done = client.post(url, json.dumps(asked), content_type="application/json")
    assert done.status_code == 201, done.content
    assert ReturnPlan.objects.get().own_request_text == "My mother is ill."
    again = client.post(url, json.dumps(asked), content_type="application/json")
    assert again.status_code == 409
    assert "already planned" in again.content.decode()


def test_no_bed_for_an_adult_says_the_free_beds_are_only_in_rooms_for_children_and_families(
    case: Case, world: World
) -> None:
    from lantern.core import services as core

    family = core.organisation_create(
        actor=None, name="Family House", type="Shelter", country="GR", region="Attica", languages=["el"]
    )
    services.room_add(actor=None, shelter=family, name="F", wing="regular", restriction="families", beds=2)
    services.room_add(actor=None, shelter=family, name="C", wing="regular", restriction="children", beds=2)
    with pytest.raises(ValidationError) as refused:
        services.admit(actor=None, case=case, shelter=family)
    assert refused.value.message_dict["shelter"] == [
        "No free regular bed for this person in this shelter: free beds only in rooms for children, families with "
        "their children."
    ]


def test_the_discharge_form_takes_her_own_request(
    case: Case, shelter: Organisation, shelter_staff: User, settings: object
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    stay = services.admit(actor=shelter_staff, case=case, shelter=shelter)
    client = Client()
    client.force_login(shelter_staff)
    url = f"/beds/stays/{stay.pk}/discharge/"
    refused = client.post(url, {"destination": "return"}, follow=True).content.decode()
    assert "identification is not completed yet" in refused
    assert Stay.objects.get().discharged_at is None
    client.post(url, {"destination": "return", "own_request": "1", "own_request_text": "Home, please."})
    assert Stay.objects.get().destination == "return"


def test_an_adult_in_her_recovery_period_is_not_discharged_to_return_without_her_request(
    case: Case, shelter: Organisation, shelter_staff: User, world: World
) -> None:
    cases.case_refer_to_authority(actor=world.caseworker, case=case, referred_on=date(2026, 2, 27), consent_given=True)
    cases.case_decide(
        actor=world.authority_member, case=case, kind="reasonable_grounds", outcome="positive", reasons="Grounds."
    )
    stay = services.admit(actor=shelter_staff, case=case, shelter=shelter)
    with pytest.raises(ValidationError) as refused:
        services.discharge(actor=shelter_staff, stay=stay, destination="return")
    assert "recovery and reflection period until 2026-04-01" in refused.value.message_dict["own_request"][0]
    assert Stay.objects.get().discharged_at is None
    done = services.discharge(
        actor=shelter_staff, stay=stay, destination="return", own_request=True, own_request_text="Home."
    )
    assert done.destination == "return"
