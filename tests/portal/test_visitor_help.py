"""What a visitor is offered when a search finds nothing, the hotline and the emergency number at the top, cards
that say each thing once, a curfew message only under a curfew, the directory in the visitor's language (the
original marked with its own), Arabic lists, and the call-back form's help text tied to its field."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from lantern.crisis.models import CrisisEvent
from lantern.crisis.services import crisis_declare, measure_add
from lantern.portal import services as portal_services
from lantern.providers.models import Offering
from lantern.providers.services import offering_review, offering_translation_set, status_set
from tests.conftest import World
from tests.portal.conftest import Portal

pytestmark = pytest.mark.django_db


def test_a_search_that_finds_nothing_offers_the_hotline_the_emergency_number_and_alternatives(
    portal: Portal,
) -> None:
    # Given no public legal aid in Attica (the clinic's legal aid is not public), but legal counselling there
    page = Client().get("/help/en/services/", {"region": "Attica", "service": "legal_aid"})

    body = page.content.decode()
    assert page.status_code == 200
    assert "0 services" not in body
    assert "No service matches your search: Legal aid" in body
    assert 'href="tel:112"' in body  # the country's emergency number
    assert "1109 (free, 24 hours)" in body  # the hotline
    alternatives = body.split('id="alternatives-heading"')[1]
    assert "Legal counselling" in alternatives  # the nearest kind of help, in the same region
    assert "+30 210 555 0199" not in body  # never the private entry


def test_nothing_in_a_region_offers_the_same_help_elsewhere(portal: Portal) -> None:
    body = Client().get("/help/en/services/", {"region": "Crete", "service": "medical"}).content.decode()
    assert "No service matches your search" in body
    assert "Medical care" in body.split('id="alternatives-heading"')[1]  # in Attica


def test_the_top_of_every_page_offers_the_emergency_number_and_the_hotline(portal: Portal) -> None:
    for url in ("/help/en/", "/help/en/services/", "/help/en/call-back/", "/help/ar/safety/"):
        top = Client().get(url).content.decode().split('<header class="site-header">')[0]
        assert 'href="tel:112"' in top, url
        assert 'href="tel:1109"' in top, url


def test_a_card_says_each_thing_once(world: World, portal: Portal) -> None:
    status_set(actor=None, organisation=portal.hotline, status="remote_only", reason="Staff at home")
    body = Client().get("/help/en/").content.decode()
    assert "Open by phone or online only" in body
    assert "Open by phone or online only</strong>:" not in body


def test_a_curfew_message_is_shown_only_while_a_curfew_is_in_force(
    world: World, portal: Portal, crisis: CrisisEvent
) -> None:
    portal_services.standard_messages_install()
    portal_services.message_create(
        actor=None, key="curfew_pharmacies", title="Pharmacies stay open during the curfew", body="Show this page.",
        shown_while="curfew",
    )  # fmt: skip
    under_lockdown = Client().get("/help/en/").content.decode()
    assert "Pharmacies stay open during the curfew" not in under_lockdown
    assert "You are allowed to leave home to get help" in under_lockdown  # a lockdown restricts movement

    measure_add(actor=None, crisis=crisis, kind="curfew", starts_on=date(2026, 3, 1))
    assert "Pharmacies stay open during the curfew" in Client().get("/help/en/").content.decode()


def test_the_leave_home_message_is_not_shown_when_no_movement_is_restricted(world: World, portal: Portal) -> None:
    event = crisis_declare(actor=None, name="Strike", kind="other", country="GR", starts_on=date(2026, 2, 20))
    measure_add(actor=None, crisis=event, kind="court_suspension", starts_on=date(2026, 2, 21))
    portal_services.standard_messages_install()
    body = Client().get("/help/en/").content.decode()
    assert "Courts suspended" in body
    assert "You are allowed to leave home to get help" not in body


def test_the_crisis_message_form_refuses_an_unknown_condition(world: World) -> None:
    with pytest.raises(ValidationError, match="shown_while"):
        portal_services.message_create(actor=None, key="x", title="T", body="B", shown_while="earthquake")


def test_the_directory_speaks_the_visitors_language_and_marks_the_original(world: World, portal: Portal) -> None:
    # Given the clinic's entry translated into Arabic by the provider, and approved by the coordinator
    offering_translation_set(
        actor=world.sysadmin,
        offering=portal.legal,
        language="ar",
        texts={"name": "عيادة المساعدة القانونية"},
    )
    legal = Offering.objects.get(pk=portal.legal.pk)
    shown_before = Client().get("/help/ar/services/").content.decode()
    assert "عيادة المساعدة القانونية" not in shown_before  # waits for the coordinator's review
    offering_review(actor=world.coordinator, offering=legal, approve=True)

    body = Client().get("/help/ar/services/").content.decode()
    card = body.split("عيادة المساعدة القانونية")[1].split("</li>\n")[0]
    assert "عيادة المساعدة القانونية" in body
    # the contact was not translated: shown as written, marked with its language, and said so
    assert 'lang="en"' in card
    assert "الإنجليزية" in card or "English" in card
    # the languages listed with the Arabic comma
    assert "، " in card.split('class="spoken"')[1].split("</dd>")[0]
    # English visitors see the original, with no mark
    english = Client().get("/help/en/services/").content.decode()
    assert "Not translated yet" not in english


def test_a_translation_is_checked(world: World, portal: Portal) -> None:
    with pytest.raises(ValidationError, match="language"):
        offering_translation_set(actor=None, offering=portal.legal, language="xx", texts={"name": "A"})
    with pytest.raises(ValidationError, match="name"):
        offering_translation_set(actor=None, offering=portal.legal, language="ar", texts={"name": "x" * 201})
    with pytest.raises(PermissionDenied):
        offering_translation_set(actor=world.outsider, offering=portal.legal, language="ar", texts={"name": "A"})
    assert Offering.objects.get(pk=portal.legal.pk).translations == {}


def test_the_contact_fields_help_text_describes_it(portal: Portal) -> None:
    body = Client().get("/help/en/call-back/").content.decode()
    assert 'aria-describedby="id_contact_helptext"' in body
    assert 'id="id_contact_helptext"' in body
    sent = (
        Client()
        .post("/help/en/call-back/", {"token": "x", "contact": ""}, headers={"Origin": "http://testserver"})
        .content.decode()
    )
    assert 'aria-describedby="id_contact_helptext id_contact_error"' in sent
    assert 'id="id_contact_error"' in sent


def test_the_provider_translates_an_entry_on_its_page(world: World, portal: Portal, staff: dict[str, Client]) -> None:
    url = f"/services/offers/{portal.legal.pk}/translation/"
    assert staff["outsider"].get(url).status_code == 403  # another organisation's entry
    page = staff["sysadmin"].get(url, {"language": "uk"})
    assert page.status_code == 200
    saved = staff["sysadmin"].post(url, {"language": "uk", "name": "Юридична клініка", "hours": "Пн-Пт 9-17"})
    assert saved.status_code == 302
    assert Offering.objects.get(pk=portal.legal.pk).translations == {
        "uk": {"name": "Юридична клініка", "hours": "Пн-Пт 9-17"}
    }
    refused = staff["sysadmin"].post(url, {"language": "uk", "name": '=HYPERLINK("x")' + "x" * 300})
    assert refused.status_code == 422
    assert "HYPERLINK" in refused.content.decode()  # what was typed stays
    review = staff["coordinator"].get("/services/review/").content.decode()
    assert "Юридична клініка" in review  # the coordinator sees what she approves
