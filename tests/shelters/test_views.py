"""The bed board (with its htmx refresh), a shelter's residents, admission from a referral."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from lantern.cases import services as cases
from lantern.cases.models import Case
from lantern.core.models import Organisation, User
from lantern.providers.services import offering_save
from lantern.referrals import services as referrals
from lantern.shelters.models import Stay
from tests.conftest import World


@pytest.fixture
def logged(world: World, settings: object, shelter_staff: User) -> dict[str, Client]:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    clients = {}
    for name, user in [*world.users.items(), ("shelter_staff", shelter_staff)]:
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


def test_the_board_shows_free_beds_and_refreshes_itself(logged: dict[str, Client], shelter: Organisation) -> None:
    page = logged["caseworker"].get("/beds/").content.decode()
    assert "Piraeus Shelter" in page
    assert 'hx-trigger="every 30s"' in page
    partial = logged["caseworker"].get("/beds/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial
    assert "Piraeus Shelter" in partial
    assert logged["analyst"].get("/beds/").status_code == 403


def test_admitting_from_a_referral_then_discharging(
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
    assert "Admit" in logged["shelter_staff"].get(f"/referrals/{referral.public_id}/").content.decode()
    response = logged["shelter_staff"].post(f"/beds/admit/{referral.public_id}/")
    assert response.status_code == 302
    residents = logged["shelter_staff"].get(response["Location"]).content.decode()
    assert case.reference in residents
    assert "Popescu" not in residents
    assert not re.search(r"\bMaria\b", residents)  # the country picker lists "Northern Mariana Islands"
    stay = Stay.objects.get()
    assert logged["outsider"].get(f"/beds/{shelter.pk}/residents/").status_code == 404
    response = logged["shelter_staff"].post(f"/beds/stays/{stay.pk}/discharge/", {"destination": "family"})
    assert response.status_code == 302
    stay.refresh_from_db()
    assert stay.destination == "family"
    again = logged["shelter_staff"].post(f"/beds/stays/{stay.pk}/discharge/", {"destination": "family"}, follow=True)
    assert "not staying in the shelter" in again.content.decode()
