"""The provider lists and pages cost the same number of queries with a few offers as with many, and the directory
list walks every page with the count right."""

from __future__ import annotations

from django.test import Client

from lantern.core import services as core
from lantern.providers.models import Offering
from lantern.providers.services import offering_save
from tests.conftest import World
from tests.lists import assert_flat, assert_walked, walk

MAX_QUERIES = 12


def _offers(world: World, count: int, *, public: bool = False) -> None:
    first = Offering.objects.count()
    for i in range(first, first + count):
        organisation = core.organisation_create(
            actor=None, name=f"Provider {i}", type="NGO", country="GR", region="Attica", languages=["el"]
        )
        offering_save(
            actor=world.sysadmin if public else None,
            organisation=organisation,
            service_type="medical",
            regions=["Attica"],
            languages=["el", "en"],
            delivery_modes=["in_person"],
            weekly_capacity=3,
            public_contact=f"+30 210 000 {i:04d}",
            is_public=public,
        )


def test_every_offer_is_listed_page_by_page(api_client: dict[str, Client], world: World) -> None:
    _offers(world, 7)
    walked = walk(api_client["caseworker"], "/api/v1/offerings", page_size=3)
    assert_walked(walked, 7, max_queries=MAX_QUERIES)


def test_the_provider_lists_and_pages_cost_the_same_with_many_offers(
    api_client: dict[str, Client], staff: dict[str, Client], world: World
) -> None:
    _offers(world, 2, public=True)
    grow = lambda: _offers(world, 12, public=True)  # noqa: E731
    assert_flat(lambda: api_client["caseworker"].get("/api/v1/offerings"), grow, max_queries=MAX_QUERIES)
    assert_flat(lambda: api_client["coordinator"].get("/api/v1/directory/review"), grow, max_queries=MAX_QUERIES)
    assert_flat(lambda: staff["supervisor"].get("/services/"), grow, max_queries=30)
    assert_flat(lambda: staff["coordinator"].get("/services/review/"), grow, max_queries=30)
