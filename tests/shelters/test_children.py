"""A child (or a person presumed to be one) is never placed in a room for adults, and the refusal says why; a child's
return is planned only after a best-interests determination chose it."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from lantern.cases import children
from lantern.cases import services as cases
from lantern.cases.models import Case
from lantern.cases.validation import ContextData, PersonData
from lantern.core.models import Organisation, User
from lantern.providers.services import offering_save
from lantern.referrals import services as referrals
from lantern.shelters import services
from lantern.shelters.models import Room, Stay
from tests.conftest import World

# The pre-return risk assessment and the receiving organisation every return plan has (cases.returns).
SAFEGUARDS: dict[str, Any] = {"risk_level": "low", "receiving_name": "IOM Romania"}


@pytest.fixture
def girl(world: World, clock: object) -> Case:
    """Fifteen, she says; no papers; alone."""
    return cases.case_register(
        actor=world.caseworker,
        organisation=world.ngo_a,
        person=PersonData(first_name="Daria", gender="Feminine"),
        context=ContextData(may_be_child=True, separation="unaccompanied"),
        identified_on=date(2026, 2, 20),
    )


@pytest.fixture
def kids_room(shelter: Organisation) -> Room:
    return services.room_add(actor=None, shelter=shelter, name="K", wing="regular", restriction="children", beds=1)


def _women_room(shelter: Organisation) -> Room:
    return Room.objects.get(shelter=shelter, name="W")


def test_rooms_have_an_age_group(shelter: Organisation, kids_room: Room) -> None:
    assert kids_room.age_group == "children"
    assert _women_room(shelter).age_group == "adults"
    with pytest.raises(ValidationError):
        services.room_add(
            actor=None, shelter=shelter, name="X", wing="regular", restriction="children", beds=1, age_group="adults"
        )


def test_a_presumed_child_goes_to_the_childrens_room_never_the_womens(
    girl: Case, shelter: Organisation, kids_room: Room
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.admit(actor=None, case=girl, shelter=shelter, room=_women_room(shelter))
    assert "W is a room for adults" in refused.value.message_dict["room"][0]
    assert not Stay.objects.exists()
    stay = services.admit(actor=None, case=girl, shelter=shelter)
    assert stay.assignments.get().bed.room == kids_room


def test_no_childrens_bed_is_a_refusal_that_says_why(girl: Case, shelter: Organisation) -> None:
    with pytest.raises(ValidationError) as refused:
        services.admit(actor=None, case=girl, shelter=shelter)  # beds free, but only in adults' rooms
    assert "never placed in a room for adults" in refused.value.message_dict["shelter"][0]
    assert not Stay.objects.exists()


def test_an_adult_is_not_placed_in_the_childrens_room(case: Case, shelter: Organisation, kids_room: Room) -> None:
    with pytest.raises(ValidationError) as refused:
        services.admit(actor=None, case=case, shelter=shelter, room=kids_room)
    assert "an adult is not placed there" in refused.value.message_dict["room"][0]


def test_a_childs_return_waits_for_the_determination(
    world: World, girl: Case, shelter: Organisation, kids_room: Room
) -> None:
    stay = services.admit(actor=None, case=girl, shelter=shelter)
    with pytest.raises(ValidationError) as refused:
        services.repatriation_plan(**SAFEGUARDS, actor=None, stay=stay, country="UA", planned_on=date(2026, 3, 20))
    assert "best-interests determination" in refused.value.message_dict["best_interests"][0]
    assert not stay.case.return_plans.exists()

    children.guardian_appoint(actor=world.caseworker, case=girl, name="Eleni", appointed_by="Prosecutor")
    children.child_views_record(actor=world.caseworker, case=girl, about="durable_solution", views="Home.")
    children.best_interests_record(
        actor=world.caseworker, case=girl, kind="assessment", organisation=world.ngo_a, reasons="Visited."
    )
    children.best_interests_record(
        actor=world.caseworker,
        case=girl,
        kind="determination",
        solution="local_integration",
        organisation=world.ngo_a,
        reasons="No safe home.",
    )
    with pytest.raises(ValidationError) as refused:
        services.repatriation_plan(**SAFEGUARDS, actor=None, stay=stay, country="UA", planned_on=date(2026, 3, 20))
    assert "local integration" in refused.value.message_dict["best_interests"][0]
    children.best_interests_record(
        actor=world.caseworker,
        case=girl,
        kind="determination",
        solution="return",
        organisation=world.ngo_a,
        reasons="The grandmother was found.",
    )
    assert services.repatriation_plan(
        **SAFEGUARDS, actor=None, stay=stay, country="UA", planned_on=date(2026, 3, 20)
    ).pk


@pytest.fixture
def accepted(world: World, girl: Case, shelter: Organisation, shelter_staff: User) -> str:
    offering_save(
        actor=None,
        organisation=shelter,
        service_type="safe_accommodation",
        regions=["Attica"],
        delivery_modes=["in_person"],
        weekly_capacity=4,
    )
    children.guardian_appoint(actor=world.caseworker, case=girl, name="Eleni", appointed_by="Prosecutor")
    cases.consent_give(actor=world.caseworker, case=girl, purpose="referral", recipient=shelter, given_by="guardian")
    referral = referrals.referral_create(
        actor=world.caseworker, case=girl, recipient=shelter, service_type="safe_accommodation"
    )
    referrals.referral_accept(actor=shelter_staff, referral=referral)
    return referral.public_id


def test_the_admission_page_refuses_the_adults_room_and_says_why(
    shelter_staff: User, shelter: Organisation, kids_room: Room, accepted: str, settings: object
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    client = Client()
    client.force_login(shelter_staff)
    page = client.get(f"/beds/admit/{accepted}/").content.decode()
    assert "only a room for children" in page
    assert "Daria" not in page
    response = client.post(f"/beds/admit/{accepted}/", {"room": _women_room(shelter).pk})
    assert response.status_code == 422
    assert "W is a room for adults" in response.content.decode()
    assert not Stay.objects.exists()
    response = client.post(f"/beds/admit/{accepted}/", {"room": kids_room.pk})
    assert response.status_code == 302
    assert Stay.objects.get().assignments.get().bed.room == kids_room


def test_the_api_refuses_the_adults_room_and_says_why(
    world: World, shelter: Organisation, shelter_staff: User, kids_room: Room, accepted: str
) -> None:
    from lantern.core import services as core
    from lantern.core.models import TotpDevice

    TotpDevice.objects.create(user=shelter_staff, confirmed=True, name="phone")
    _, raw = core.token_create(actor=None, user=shelter_staff, name="tests")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    url = f"/api/v1/shelters/{shelter.pk}/admissions"
    body = {"referral_id": accepted, "room_id": _women_room(shelter).pk}
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "room for adults" in response.json()["errors"][0]["message"]
    other = services.room_add(
        actor=None, shelter=world.shelter, name="Z", wing="regular", restriction="children", beds=1
    )
    body = {"referral_id": accepted, "room_id": other.pk}  # a room of another shelter
    assert client.post(url, json.dumps(body), content_type="application/json").status_code == 422
    assert not Stay.objects.exists()
