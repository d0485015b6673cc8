"""Routing a need to providers that are operating now (providers/selectors.py), and how crisis measures change it."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from pathlib import Path

from django.utils import translation

from lantern.crisis import services as crisis
from lantern.providers.selectors import ROUTE_WEIGHTS, RouteWeights, route
from lantern.providers.services import status_set
from tests.conftest import World


def _names(candidates: list) -> list[str]:
    return [c.offering.organisation.name for c in candidates]


def test_ranked_and_explained(world: World, offers: dict, clock: object) -> None:
    candidates = route(service_type="legal_counselling", region="Attica", language="ro")
    assert _names(candidates) == ["Attica Police Anti-Trafficking Unit", "Athens Legal Aid Clinic"]
    first = candidates[0]
    assert "speaks the person's language (Romanian)" in first.reasons
    assert "serves the whole country" in first.reasons
    assert "does not speak the person's language (Romanian) and has no interpreter" in candidates[1].reasons
    assert any("2 of 2 places left" in r for r in candidates[1].reasons)


def test_the_reasons_say_the_person_not_she_whoever_is_referred(world: World, offers: dict, clock: object) -> None:
    """A reviewer read "speaks her language" for a boy: the reasons speak of the person, in every language."""
    with translation.override("ru"):
        russian = route(service_type="legal_counselling", region="Attica", language="ro")
    reasons = [reason for candidate in route(service_type="legal_counselling", region="Attica", language="ro")
               for reason in candidate.reasons]  # fmt: skip
    for reason in reasons:
        assert not {"she", "her"} & set(reason.split()), reason
    assert "говорит на языке этого человека (румынский)" in russian[0].reasons, russian[0].reasons


def test_suspended_providers_and_other_regions_are_left_out(world: World, offers: dict, clock: object) -> None:
    status_set(actor=None, organisation=world.police_unit, status="suspended", reason="Staff reassigned")
    assert _names(route(service_type="legal_counselling", region="Attica")) == ["Athens Legal Aid Clinic"]
    assert _names(route(service_type="legal_counselling", region="Crete")) == []


def test_a_lockdown_changes_the_routing_and_ending_it_restores_it(world: World, offers: dict, clock: object) -> None:
    before = route(service_type="legal_counselling", region="Attica", language="el")
    assert _names(before) == ["Athens Legal Aid Clinic", "Attica Police Anti-Trafficking Unit"]
    pandemic = crisis.crisis_declare(
        actor=world.coordinator, name="Pandemic", kind="pandemic", country="GR", starts_on=date(2026, 2, 1)
    )
    lockdown = crisis.measure_add(
        actor=world.coordinator, crisis=pandemic, kind="lockdown", regions=["Attica"], starts_on=date(2026, 2, 1)
    )
    during = route(service_type="legal_counselling", region="Attica", language="el")
    assert _names(during) == ["Attica Police Anti-Trafficking Unit"]  # in-person-only legal counselling waits
    assert during[0].delivery_mode == "remote"
    assert "can work remotely under the movement restrictions" in during[0].reasons
    shelter = route(service_type="safe_accommodation", region="Attica")
    assert _names(shelter) == ["Attica Shelter"]  # essential services go on in person
    assert _names(route(service_type="legal_counselling", region="Crete", language="el")) == [
        "Attica Police Anti-Trafficking Unit"
    ]
    crisis.measure_end(actor=world.coordinator, measure=lockdown, ends_on=date(2026, 3, 1))
    assert _names(route(service_type="legal_counselling", region="Attica", language="el")) == _names(before)


def test_a_shelter_intake_freeze_closes_shelter_routing(world: World, offers: dict, clock: object) -> None:
    pandemic = crisis.crisis_declare(
        actor=None, name="Pandemic", kind="pandemic", country="GR", starts_on=date(2026, 2, 1)
    )
    crisis.measure_add(actor=None, crisis=pandemic, kind="shelter_intake_freeze", starts_on=date(2026, 3, 1))
    assert route(service_type="safe_accommodation", region="Attica") == []


def test_the_routing_page_lists_every_weight_with_its_points() -> None:
    """docs/referrals-and-crisis.md names each of ROUTE_WEIGHTS with the points route() gives."""
    page = (Path(__file__).resolve().parents[2] / "docs" / "referrals-and-crisis.md").read_text(encoding="utf-8")
    for weight in fields(RouteWeights):
        points = getattr(ROUTE_WEIGHTS, weight.name)
        shown = f"up to {points}" if weight.name == "capacity_left" else str(points)
        assert f"| `{weight.name}` | {shown} |" in page, weight.name


def test_the_reasons_say_in_words_why_each_offer_is_made_and_the_page_shows_no_score(
    world: World, offers: dict, clock: object
) -> None:
    """Given a provider in Attica that speaks Greek, when Attica is asked for in Greek, the reasons name the
    language and the region where the person is helped; the refer page shows the reasons and never a bare number."""
    candidates = route(service_type="legal_counselling", region="Attica", language="el")
    clinic = next(c for c in candidates if c.offering.organisation.name == "Athens Legal Aid Clinic")
    assert "operating normally" in clinic.reasons
    assert "works in the region where the person is helped (Attica)" in clinic.reasons
    assert any("places left this week" in r for r in clinic.reasons)
    template = Path("src/lantern/referrals/templates/referrals/refer.html").read_text()
    assert "c.score" not in template
    assert "Why it is offered:" in template
