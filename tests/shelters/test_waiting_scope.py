"""The waiting list shows a case reference only to those who may view the case (its organisation's case staff,
or an active break-glass grant); everyone who sees the board gets the counts per region and restriction."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from lantern.cases.models import Case
from lantern.core.models import BreakGlassGrant, User
from lantern.shelters.models import WaitingEntry
from tests.conftest import World
from tests.lists import bulk_cases

WAITING = "/api/v1/shelters/waiting-list"


def _wait(world: World) -> tuple[list[Case], list[Case]]:
    own = bulk_cases(world.ngo_a, 2)
    other = bulk_cases(world.ngo_b, 3)
    WaitingEntry.objects.bulk_create(
        [WaitingEntry(case=case, region="Attica", restriction="women") for case in own]
        + [WaitingEntry(case=case, region="Crete", restriction="mixed") for case in other]
    )
    return own, other


def _references(client: Client, **query: str) -> set[str]:
    body = client.get(WAITING, query).json()
    assert set(body) == {"items", "count"}
    assert body["count"] == len(body["items"])
    return {item["reference"] for item in body["items"]}


def _grant(user: User, case: Case, *, approved: bool = True) -> BreakGlassGrant:
    now = timezone.now()
    return BreakGlassGrant.objects.create(
        user=user,
        organisation=case.organisation,
        object_type="cases.case",
        object_id=str(case.pk),
        reason="a person in danger tonight",
        approved_at=now if approved else None,
        expires_at=now + timedelta(hours=4),
    )


def test_each_organisation_lists_only_its_own_cases(world: World, api_client: dict[str, Client]) -> None:
    own, other = _wait(world)
    assert _references(api_client["caseworker"]) == {case.reference for case in own}
    assert _references(api_client["outsider"]) == {case.reference for case in other}
    assert _references(api_client["outsider"], region="Attica") == set()
    for persona in ("police", "provider", "coordinator", "shelter_worker"):
        assert _references(api_client[persona]) == set(), persona


def test_everyone_who_sees_the_board_gets_the_counts(world: World, api_client: dict[str, Client]) -> None:
    _wait(world)
    expected = [
        {"region": "Attica", "restriction": "women", "count": 2},
        {"region": "Crete", "restriction": "mixed", "count": 3},
    ]
    for persona in ("caseworker", "outsider", "police", "provider", "coordinator", "shelter_worker"):
        response = api_client[persona].get(f"{WAITING}/counts")
        assert response.status_code == 200, persona
        assert response.json() == expected, persona
    assert api_client["coordinator"].get(f"{WAITING}/counts", {"region": "Crete"}).json() == expected[1:]
    assert api_client["analyst"].get(f"{WAITING}/counts").status_code == 403
    assert api_client["analyst"].get(WAITING).status_code == 403


def test_an_active_break_glass_grant_lists_that_case_and_no_other(world: World, api_client: dict[str, Client]) -> None:
    own, _ = _wait(world)
    _grant(world.users["outsider"], own[1], approved=False)  # a request opens nothing
    assert own[1].reference not in _references(api_client["outsider"])
    _grant(world.users["outsider"], own[0])
    assert _references(api_client["outsider"], region="Attica") == {own[0].reference}


def test_the_board_page_shows_the_same_references_and_the_counts(world: World, staff: dict[str, Client]) -> None:
    own, other = _wait(world)
    page = staff["coordinator"].get("/beds/").content.decode()
    assert not any(case.reference in page for case in own + other)
    assert "2 people waiting in Attica" in page
    assert "3 people waiting in Crete" in page
    page = staff["caseworker"].get("/beds/").content.decode()
    assert all(case.reference in page for case in own)
    assert not any(case.reference in page for case in other)
    table = staff["outsider"].get("/beds/", HTTP_HX_REQUEST="true").content.decode()
    assert all(case.reference in table for case in other)
    assert not any(case.reference in table for case in own)
