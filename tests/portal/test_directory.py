"""What the public sees of the provider directory: only what a provider marked public, and whether it is open
today, in person or remotely."""

from __future__ import annotations

from django.test import Client

from lantern.crisis.models import CrisisEvent
from lantern.portal import selectors
from lantern.providers.selectors import public_offers
from tests.conftest import World
from tests.portal.conftest import Portal


def test_only_offers_marked_public_are_listed(portal: Portal) -> None:
    listed = {row.offering.pk for row in public_offers()}
    assert portal.legal.pk in listed
    assert portal.hotline_offer.pk in listed
    assert portal.legal_private.pk not in listed


def test_a_suspended_provider_is_listed_as_closed_and_open_ones_come_first(portal: Portal) -> None:
    rows = public_offers()
    shelter = next(r for r in rows if r.offering.pk == portal.shelter.pk)
    assert shelter.status == "suspended"
    assert not shelter.open_now
    assert shelter.modes_now == []
    assert rows[-1].offering.pk == portal.shelter.pk


def test_a_lockdown_keeps_essential_services_in_person_and_moves_the_others_to_remote(
    portal: Portal, crisis: CrisisEvent
) -> None:
    rows = {r.offering.pk: r for r in public_offers(region="Attica")}
    assert rows[portal.legal.pk].modes_now == ["remote"]  # legal counselling: no longer in person
    assert rows[portal.medical.pk].modes_now == ["in_person"]  # medical care is essential
    # The lockdown covers Attica only: outside it, legal counselling is in person again.
    assert public_offers(region="Crete", service_type="legal_counselling") == []
    unrestricted = {r.offering.pk: r for r in public_offers(on=crisis.starts_on)}  # before the lockdown began
    assert unrestricted[portal.legal.pk].modes_now == ["in_person", "remote"]


def test_find_help_filters_by_region_service_and_language(portal: Portal) -> None:
    in_crete = {r.offering.pk for r in selectors.find_help(region="Crete")}
    assert in_crete == {portal.shelter.pk, portal.hotline_offer.pk}  # the hotline serves the whole country
    assert [r.offering.pk for r in selectors.find_help(service_type="medical")] == [portal.medical.pk]
    assert {r.offering.pk for r in selectors.find_help(language="fr")} == {portal.legal.pk}
    assert selectors.regions() == ["Attica", "Crete"]


def test_hotlines_are_the_public_contacts_of_hotline_organisations(portal: Portal) -> None:
    assert [r.offering.pk for r in selectors.hotlines()] == [portal.hotline_offer.pk]


def test_the_services_page_shows_what_each_service_does_and_never_a_private_contact(
    portal: Portal, world: World
) -> None:
    page = Client().get("/help/en/services/").content.decode()
    assert "Legal counselling" in page
    assert "Advice on your rights, your residence and your options." in page
    assert "+30 210 555 0101" in page
    assert 'href="tel:+302105550101"' in page
    assert "+30 210 555 0199" not in page
    assert "Closed for now" in page
    assert "Open now" in page
    assert "Whatever your status" in page
    filtered = Client().get("/help/en/services/", {"region": "Crete", "language": "el"}).content.decode()
    assert "Safe Roof Shelter" in filtered
    assert "Athens Legal Aid Clinic" not in filtered


def test_unknown_filter_values_are_ignored_not_an_error(portal: Portal) -> None:
    response = Client().get("/help/en/services/", {"region": "<script>", "service": "x" * 500, "language": "zz"})
    assert response.status_code == 200
    assert b"<script>" not in response.content
