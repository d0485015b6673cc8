"""The portal's lists, public and staff, cost the same number of queries with a few rows as with many: the pages
that find help, the call-back inbox, the translation status of the crisis messages."""

from __future__ import annotations

from functools import partial

from django.test import Client

from lantern.core import services as core
from lantern.core.models import Organisation
from lantern.portal import services
from lantern.portal.models import CrisisMessage, Intake
from lantern.providers.services import offering_save
from tests.conftest import World
from tests.lists import assert_flat
from tests.portal.conftest import Portal

MAX_QUERIES = 30
PUBLIC_LISTS = [
    "/help/en/",
    "/help/en/services/",
    "/help/en/services/?region=Attica&service_type=remote_psychosocial&language=en",
]


def _public_offers(count: int) -> None:
    first = Organisation.objects.count()
    for i in range(first, first + count):
        organisation = core.organisation_create(
            actor=None, name=f"Helpline {i}", type="Hotline", country="GR", region="Attica", languages=["el"]
        )
        offering_save(
            actor=None,
            organisation=organisation,
            service_type="remote_psychosocial",
            regions=["*"],
            languages=["el", "en"],
            delivery_modes=["remote"],
            public_contact=f"+30 800 000 {i:04d}",
            is_public=True,
        )


def _intakes(portal: Portal, count: int) -> None:
    Intake.objects.bulk_create(
        Intake(organisation=portal.hotline, language="en", channel="phone", contact="+30 699 000 0000")
        for _ in range(count)
    )


def _messages(count: int) -> None:
    first = CrisisMessage.objects.count()
    for i in range(first, first + count):
        services.message_create(actor=None, key=f"list-{i}", title=f"Title {i}", body="Body")


def test_the_public_pages_cost_the_same_with_many_offers(portal: Portal) -> None:
    visitor = Client()
    _public_offers(2)
    for url in PUBLIC_LISTS:
        assert_flat(partial(visitor.get, url), lambda: _public_offers(10), max_queries=MAX_QUERIES)


def test_the_staff_lists_cost_the_same_with_many_rows(
    portal: Portal, hotline_client: Client, staff: dict[str, Client], world: World
) -> None:
    _intakes(portal, 2)
    assert_flat(lambda: hotline_client.get("/help/staff/call-backs/"), lambda: _intakes(portal, 30), max_queries=25)
    assert_flat(
        lambda: hotline_client.get("/help/staff/call-backs/?show=all"), lambda: _intakes(portal, 30), max_queries=25
    )
    _messages(2)
    assert_flat(lambda: staff["coordinator"].get("/help/staff/messages/"), lambda: _messages(6), max_queries=25)
