"""The shelter lists page in the database: more residents and more people waiting for a bed than the 500 those
lists once stopped at; every page walked, the count right, each page at the same number of queries. The shelter
pages cost the same with few rows as with many."""

from __future__ import annotations

from datetime import date, timedelta

from django.test import Client
from django.utils import timezone

from lantern.cases.models import ReturnPlan
from lantern.core.models import Organisation
from lantern.shelters.models import BedAssignment, Stay, WaitingEntry
from lantern.shelters.services import room_add
from tests.conftest import World
from tests.lists import assert_flat, assert_walked, bulk_cases, walk

MAX_QUERIES = 12


def _residents(shelter: Organisation, count: int) -> list[Stay]:
    now = timezone.now()
    return Stay.objects.bulk_create(
        Stay(case=case, shelter=shelter, admitted_at=now - timedelta(minutes=i))
        for i, case in enumerate(bulk_cases(shelter, count))
    )


def _in_beds(shelter: Organisation, stays: list[Stay]) -> None:
    """The first stays in beds of a regular room, the first of them with a repatriation planned."""
    room = room_add(
        actor=None,
        shelter=shelter,
        name=f"R{Stay.objects.count()}",
        wing="regular",
        restriction="mixed",
        beds=len(stays),
    )
    BedAssignment.objects.bulk_create(
        BedAssignment(stay=stay, bed=bed, wing="regular") for stay, bed in zip(stays, room.beds.all(), strict=True)
    )
    ReturnPlan.objects.create(case=stays[0].case, country="RO", planned_on=date(2026, 4, 1), risk_level="low")


def _waiting(world: World, count: int) -> None:
    WaitingEntry.objects.bulk_create(
        WaitingEntry(case=case, region="Attica", restriction="women") for case in bulk_cases(world.ngo_a, count)
    )


def test_every_resident_is_listed_past_the_old_cap(api_client: dict[str, Client], world: World) -> None:
    stays = _residents(world.shelter, 550)
    _in_beds(world.shelter, stays[::250])  # one in a bed on each page: each page reads beds and rooms
    walked = walk(api_client["shelter_worker"], f"/api/v1/shelters/{world.shelter.pk}/residents")
    assert_walked(walked, 550, max_queries=MAX_QUERIES)
    in_beds = [item for item in walked.items if item["bed"]]
    assert len(in_beds) == 3
    assert {item["wing"] for item in in_beds} == {"regular"}
    assert [item["repatriation"] for item in walked.items].count("planned") == 1


def test_everyone_waiting_for_a_bed_is_listed_past_the_old_cap(api_client: dict[str, Client], world: World) -> None:
    _waiting(world, 550)
    walked = walk(api_client["caseworker"], "/api/v1/shelters/waiting-list")  # organisation A's cases
    assert_walked(walked, 550, key="reference", max_queries=MAX_QUERIES)
    assert walk(api_client["caseworker"], "/api/v1/shelters/waiting-list", region="Crete").items == []


def test_the_shelter_pages_cost_the_same_with_many_rows(staff: dict[str, Client], world: World) -> None:
    _in_beds(world.shelter, _residents(world.shelter, 2))
    assert_flat(
        lambda: staff["shelter_worker"].get(f"/beds/{world.shelter.pk}/residents/"),
        lambda: _in_beds(world.shelter, _residents(world.shelter, 30)),
        max_queries=30,
    )
    _waiting(world, 2)
    assert_flat(lambda: staff["coordinator"].get("/beds/"), lambda: _waiting(world, 30), max_queries=40)


def test_the_new_pages_refuse_what_the_lists_refused(api_client: dict[str, Client], world: World) -> None:
    _residents(world.shelter, 3)
    residents = f"/api/v1/shelters/{world.shelter.pk}/residents"
    assert api_client["outsider"].get(residents).status_code == 403  # another organisation's residents
    assert api_client["analyst"].get("/api/v1/shelters/waiting-list").status_code == 403
    assert api_client["shelter_worker"].get(residents, {"page_size": 201}).status_code == 422
    assert api_client["shelter_worker"].get(residents, {"page": 0}).status_code == 422
    assert api_client["shelter_worker"].get(residents, {"page": 99}).json() == {"items": [], "count": 3}
