"""The portal's world: a national hotline with a first responder answering it, public and private offers, and a
crisis with a lockdown in Attica."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client

from lantern.core import services as core
from lantern.core.models import Organisation, User
from lantern.crisis.models import CrisisEvent
from lantern.crisis.services import crisis_declare, measure_add
from lantern.providers.models import Offering
from lantern.providers.services import offering_save, status_set
from tests.conftest import World


@pytest.fixture(autouse=True)
def _staff_without_second_factor(settings: pytest.FixtureRequest) -> None:
    """Staff pages here are reached with force_login, as the `staff` fixture does (tests/core/test_views.py and the
    browser tests go through the second factor for real)."""
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]


@dataclass
class Portal:
    hotline: Organisation
    hotline_worker: User
    hotline_offer: Offering
    legal: Offering
    legal_private: Offering
    medical: Offering
    shelter: Offering


@pytest.fixture
def portal(world: World) -> Portal:
    return portal_world(world)


def portal_world(world: World) -> Portal:
    """The portal's organisations and offers in the world of tests/conftest.py (the browser tests use it too)."""
    hotline = core.organisation_create(
        actor=None, name="National Helpline", type="Hotline", country="GR", region="Attica", languages=["el"]
    )
    worker = core.user_create(
        actor=None, username="hotline_worker", organisation=hotline, role="first_responder", password=None
    )
    hotline_offer = offering_save(
        actor=None,
        organisation=hotline,
        service_type="remote_psychosocial",
        regions=["*"],
        languages=["el", "en", "ar"],
        delivery_modes=["remote"],
        hours="24 hours",
        public_contact="1109 (free, 24 hours)",
        is_public=True,
    )
    legal = offering_save(
        actor=None,
        organisation=world.legal_aid,
        service_type="legal_counselling",
        regions=["Attica"],
        languages=["el", "fr"],
        delivery_modes=["in_person", "remote"],
        public_contact="+30 210 555 0101",
        is_public=True,
    )
    legal_private = offering_save(
        actor=None,
        organisation=world.legal_aid,
        service_type="legal_aid",
        regions=["Attica"],
        languages=["el"],
        delivery_modes=["in_person"],
        public_contact="+30 210 555 0199 (lawyers only)",
        is_public=False,
    )
    medical = offering_save(
        actor=None,
        organisation=world.ngo_a,
        service_type="medical",
        regions=["Attica"],
        languages=["el", "ro"],
        delivery_modes=["in_person"],
        is_public=True,
    )
    shelter = offering_save(
        actor=None,
        organisation=world.shelter,
        service_type="safe_accommodation",
        regions=["Crete"],
        languages=["el"],
        delivery_modes=["in_person"],
        is_public=True,
    )
    status_set(actor=None, organisation=world.shelter, status="suspended", reason="Closed for repairs")
    return Portal(hotline, worker, hotline_offer, legal, legal_private, medical, shelter)


@pytest.fixture
def crisis(world: World, clock: object) -> CrisisEvent:
    event = crisis_declare(
        actor=world.coordinator, name="Epidemic", kind="pandemic", country="GR", starts_on=date(2026, 2, 20)
    )
    measure_add(actor=world.coordinator, crisis=event, kind="lockdown", regions=["Attica"], starts_on=date(2026, 2, 21))
    return event


@pytest.fixture
def hotline_client(portal: Portal, staff: dict[str, Client]) -> Client:
    client = Client()
    client.force_login(portal.hotline_worker)
    return client
