"""An organisation's administrator reaches only her own people: she cannot take in an account of another
organisation (and so lift the approval its break-glass needs), nor learn which usernames exist elsewhere. The
break-glass waiver comes only from a role the person's own organisations gave her."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from lantern.cases.models import Case
from lantern.cases.permissions import CaseAction
from lantern.cases.services import case_register
from lantern.cases.validation import PersonData
from lantern.core import services
from lantern.core.models import Membership
from lantern.core.permissions import break_glass_needs_approval, can
from tests.conftest import World

REASON = "The survivor called from a new number and is in danger"


@pytest.fixture
def case(world: World) -> Case:
    return case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData(first_name="Ana"))


def _add(client: Client, organisation_id: int, username: str) -> tuple[int, dict]:
    response = client.post(
        f"/api/v1/organisations/{organisation_id}/members",
        data=json.dumps({"username": username, "role": "caseworker"}),
        content_type="application/json",
    )
    return response.status_code, response.json()


@pytest.mark.parametrize("persona", ["police", "prosecutor", "provider", "caseworker"])
def test_an_administrator_cannot_take_in_an_account_of_another_organisation(
    world: World, api_client: dict[str, Client], persona: str
) -> None:
    # Given B's administrator, when she adds someone of the police, the prosecution, a provider or NGO A to B
    status, body = _add(api_client["outsider_admin"], world.ngo_b.pk, persona)
    # then nothing is added, and the answer is the one an unknown username gets
    assert status == 422
    _, unknown = _add(api_client["outsider_admin"], world.ngo_b.pk, "nobody-of-that-name")
    assert body == unknown
    assert not Membership.objects.filter(organisation=world.ngo_b, user=world.users[persona]).exists()


def test_the_members_page_gives_one_answer_too(world: World, staff: dict[str, Client]) -> None:
    page = staff["outsider_admin"].post(
        f"/organisations/{world.ngo_b.pk}/", {"username": "police", "role": "caseworker"}
    )
    unknown = staff["outsider_admin"].post(
        f"/organisations/{world.ngo_b.pk}/", {"username": "nobody-of-that-name", "role": "caseworker"}
    )
    assert "No account you may add has this username" in page.content.decode()
    assert "No account you may add has this username" in unknown.content.decode()
    assert not Membership.objects.filter(organisation=world.ngo_b, user=world.police).exists()


def test_an_administrator_still_adds_her_own_people_and_a_system_administrator_joins_across(world: World) -> None:
    services.membership_add(actor=world.org_admin, user=world.caseworker, organisation=world.ngo_a, role="supervisor")
    services.membership_add(actor=world.sysadmin, user=world.police, organisation=world.ngo_b, role="caseworker")
    with pytest.raises(ValidationError):
        services.membership_add(
            actor=world.outsider_admin, user=world.police, organisation=world.ngo_b, role="supervisor"
        )


def test_a_role_given_by_another_organisation_does_not_lift_the_approval(world: World, case: Case) -> None:
    # Given a police officer whom a system administrator also made a caseworker of NGO B
    services.membership_add(actor=world.sysadmin, user=world.police, organisation=world.ngo_b, role="caseworker")
    police = type(world.police).objects.get(pk=world.police.pk)
    # when she opens break-glass on a case of NGO A, it is still a request that opens nothing
    assert break_glass_needs_approval(police)
    grant = services.break_glass_open(actor=police, obj=case, reason=REASON)
    assert grant.approved_at is None
    assert not can(police, CaseAction.VIEW, case)
    # while a caseworker who holds cases in each of her organisations still opens at once
    services.membership_add(actor=world.sysadmin, user=world.outsider, organisation=world.shelter, role="caseworker")
    outsider = type(world.outsider).objects.get(pk=world.outsider.pk)
    assert not break_glass_needs_approval(outsider)


def test_a_token_cannot_list_or_end_its_owners_sessions(world: World, api_client: dict[str, Client]) -> None:
    assert api_client["caseworker"].get("/api/v1/account/sessions").status_code == 403
    ended = api_client["caseworker"].post(
        "/api/v1/account/sign-out-everywhere", data="{}", content_type="application/json"
    )
    assert ended.status_code == 403


def test_the_sign_out_message_counts_in_words(world: World, staff: dict[str, Client]) -> None:
    page = staff["caseworker"].post("/account/", {"do": "sign_out_everywhere"}, follow=True).content.decode()
    assert "0 sessions ended, 0 tokens revoked" in page
