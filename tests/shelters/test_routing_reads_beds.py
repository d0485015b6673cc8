"""One truth for accommodation: routing offers safe accommodation by the shelters' free beds (by kind of room, the
accessible ones, the quarantine wing while a protocol is in force), exactly as the beds board counts them, and
never by the offer's weekly places (providers/capacity.py, shelters/selectors.py `free_beds_for_routing`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client

from lantern.cases import services as cases
from lantern.cases.models import Case
from lantern.core import services as core
from lantern.core.models import Organisation
from lantern.crisis import services as crisis
from lantern.providers.capacity import BedNeed
from lantern.providers.selectors import Candidate, route
from lantern.providers.services import offering_save
from lantern.referrals import services as referrals
from lantern.shelters import selectors
from lantern.shelters import services as shelters
from lantern.shelters.selectors import ShelterRow
from tests.conftest import World


@dataclass
class Shelters:
    family: Organisation  # in Attica, with free beds
    full: Organisation  # serves the whole country, its regular beds all taken
    other_region: Organisation  # in Crete, serves Crete only


def _shelter(name: str, region: str, served: list[str]) -> Organisation:
    organisation = core.organisation_create(
        actor=None, name=name, type="Shelter", country="GR", region=region, languages=["el", "en"]
    )
    offering_save(
        actor=None,
        organisation=organisation,
        service_type="safe_accommodation",
        regions=served,
        languages=["el", "en"],
        delivery_modes=["in_person"],
        weekly_capacity=50,  # the weekly figure that used to contradict the board: never read for beds
    )
    return organisation


@pytest.fixture
def places(world: World, case: Case) -> Shelters:
    family = _shelter("Athens Family Shelter", "Attica", ["Attica"])
    shelters.room_add(actor=None, shelter=family, name="Q", wing="quarantine", restriction="mixed", beds=2)
    shelters.room_add(actor=None, shelter=family, name="Family 1", wing="regular", restriction="families", beds=4)
    shelters.room_add(
        actor=None, shelter=family, name="Ramp", wing="regular", restriction="women", beds=2, accessible=True
    )
    full = _shelter("Thessaloniki Women's Shelter", "Central Macedonia", ["Central Macedonia", "*"])
    shelters.room_add(actor=None, shelter=full, name="Q1", wing="quarantine", restriction="women", beds=2)
    shelters.room_add(actor=None, shelter=full, name="Rose", wing="regular", restriction="women", beds=1)
    shelters.admit(actor=None, case=case, shelter=full)  # its one regular bed is taken: full
    other = _shelter("Heraklion Shelter", "Crete", ["Crete"])
    shelters.room_add(actor=None, shelter=other, name="A", wing="regular", restriction="mixed", beds=3)
    return Shelters(family=family, full=full, other_region=other)


def _by_name(candidates: list[Candidate]) -> dict[str, Candidate]:
    return {c.offering.organisation.name: c for c in candidates}


def _board(**filters: object) -> dict[str, ShelterRow]:
    return {row.shelter.name: row for row in selectors.board(**filters)}  # type: ignore[arg-type]


@pytest.mark.parametrize("restriction", ["", "families", "women", "children"])
def test_the_board_and_routing_agree(places: Shelters, clock: object, restriction: str) -> None:
    """The same shelters with the same free counts: every shelter serving Attica with a free bed on the board is
    offered, with the board's numbers, and none without."""
    routed = _by_name(
        route(service_type="safe_accommodation", region="Attica", beds_for=BedNeed(restriction=restriction))
    )
    board = _board(restriction=restriction)
    serving_attica = {"Athens Family Shelter", "Thessaloniki Women's Shelter"}
    assert set(routed) == {name for name in serving_attica if board[name].free_regular > 0}
    for name, candidate in routed.items():
        assert candidate.beds is not None
        assert (candidate.beds.regular, candidate.beds.quarantine) == (
            board[name].free_regular,
            board[name].free_quarantine,
        )
        assert candidate.capacity_left == board[name].free_regular
        assert f"{board[name].free_regular} free beds" in candidate.reasons


def test_a_free_shelter_is_offered_and_a_full_one_is_not(places: Shelters, clock: object) -> None:
    routed = _by_name(route(service_type="safe_accommodation", region="Attica"))
    assert list(routed) == ["Athens Family Shelter"]
    assert routed["Athens Family Shelter"].capacity_left == 6  # 4 family beds and 2 women's beds, regular
    assert not any("places left this week" in r for r in routed["Athens Family Shelter"].reasons)
    assert route(service_type="safe_accommodation", region="Crete")[0].offering.organisation == places.other_region


def test_a_person_is_offered_the_rooms_she_may_be_given(places: Shelters, case: Case, clock: object) -> None:
    """Maria, an adult woman, may be given a room for women or for anyone among adults: never a children's room,
    nor a families room, where children sleep beside adults Lantern cannot yet say are their parents."""
    routed = _by_name(route(service_type="safe_accommodation", region="Attica", beds_for=BedNeed(case=case)))
    assert routed["Athens Family Shelter"].capacity_left == 2
    accessible = route(service_type="safe_accommodation", region="Attica", beds_for=BedNeed(case=case, accessible=True))
    assert [(c.offering.organisation.name, c.capacity_left) for c in accessible] == [("Athens Family Shelter", 2)]
    assert _board(accessible=True)["Athens Family Shelter"].free_regular == 2


def test_under_a_quarantine_protocol_admission_starts_in_the_quarantine_wing(
    places: Shelters, world: World, clock: object
) -> None:
    crisis.crisis_declare(
        actor=None, name="Epidemic", kind="pandemic", country="GR", starts_on=date(2026, 2, 1), quarantine_days=7
    )
    routed = _by_name(route(service_type="safe_accommodation", region="Attica"))
    family = routed["Athens Family Shelter"]
    assert family.beds is not None
    assert family.beds.quarantine_first
    assert family.capacity_left == 2  # two quarantine beds now, with regular beds free after them
    assert any("quarantine wing" in r for r in family.reasons)
    board = _board()["Athens Family Shelter"]
    assert (family.beds.regular, family.beds.quarantine) == (board.free_regular, board.free_quarantine)
    # The full shelter has free quarantine beds but no regular bed to move to: not offered.
    assert "Thessaloniki Women's Shelter" not in routed


def test_accepting_an_accommodation_referral_reads_no_weekly_places(
    places: Shelters, case: Case, world: World, clock: object
) -> None:
    """The bed is given on admission (once, by the database); the weekly places of the offer are not a second
    capacity that could refuse a shelter with free beds."""
    offering = places.family.offerings.get()
    offering.weekly_capacity = 0
    offering.save(update_fields=["weekly_capacity"])
    staff = core.user_create(
        actor=None, username="family_staff", organisation=places.family, role="service_provider", password=None
    )
    cases.consent_give(actor=world.caseworker, case=case, purpose="referral", recipient=places.family)
    referral = referrals.referral_create(
        actor=world.caseworker, case=case, recipient=places.family, service_type="safe_accommodation", offering=offering
    )
    assert referrals.referral_accept(actor=staff, referral=referral).status == "accepted"


def test_the_routing_api_counts_beds_and_refuses_an_unknown_kind_of_room(
    places: Shelters, api_client: dict[str, Client], clock: object
) -> None:
    url = "/api/v1/routing"
    body = api_client["caseworker"].get(url, {"service_type": "safe_accommodation", "region": "Attica"}).json()
    assert [(c["organisation_name"], c["free_beds"]) for c in body] == [("Athens Family Shelter", 6)]
    families = api_client["caseworker"].get(
        url, {"service_type": "safe_accommodation", "region": "Attica", "restriction": "families"}
    )
    assert [c["free_beds"] for c in families.json()] == [4]
    refused = api_client["caseworker"].get(
        url, {"service_type": "safe_accommodation", "region": "Attica", "restriction": "<script>"}
    )
    assert refused.status_code == 422
    assert refused["Content-Type"].startswith("application/problem+json")
