"""The portal lists only what the national coordinator approved: a provider's new public entry waits for her, and
a change of name, contact, hours or note of an approved entry goes back to her while the portal keeps showing the
version she approved (a hotline never disappears because its provider corrected a typo, and a number nobody
checked never reaches a victim)."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from lantern.core import services as core
from lantern.core.models import Alert, AuditEvent
from lantern.portal import selectors
from lantern.providers import selectors as directory
from lantern.providers.models import Offering
from lantern.providers.selectors import public_offers
from lantern.providers.services import offering_review, offering_save
from tests.conftest import World
from tests.portal.conftest import Portal

HOSTILE = '+30 699 000 0000 =HYPERLINK("//e.tk")<script>alert(1)</script>'


def _shown(portal: Portal) -> dict[str, str]:
    return next(r.shown for r in public_offers() if r.offering.pk == portal.hotline_offer.pk)


def test_a_new_public_entry_waits_for_the_coordinator(world: World, portal: Portal) -> None:
    offer = offering_save(
        actor=world.org_admin,
        organisation=world.ngo_a,
        service_type="psychological",
        regions=["Attica"],
        delivery_modes=["remote"],
        public_contact="+30 210 000 0001",
        is_public=True,
    )
    assert offer.pk not in {r.offering.pk for r in public_offers()}
    assert offer in directory.directory_to_review(world.coordinator)
    offering_review(actor=world.coordinator, offering=offer, approve=True)
    assert offer.pk in {r.offering.pk for r in public_offers()}
    assert AuditEvent.objects.filter(action="directory.approve", object_id=str(offer.pk)).exists()
    assert offer not in directory.directory_to_review(world.coordinator)


def test_a_changed_contact_goes_back_to_review_and_the_portal_keeps_the_approved_one(
    world: World, portal: Portal
) -> None:
    core.membership_add(actor=None, user=world.supervisor, organisation=portal.hotline, role="supervisor")
    offering_save(
        actor=world.supervisor, organisation=portal.hotline, offering=portal.hotline_offer, public_contact=HOSTILE
    )
    assert _shown(portal)["public_contact"] == "1109 (free, 24 hours)"
    client = Client()
    page = client.get("/help/en/").content.decode()
    assert "1109" in page
    assert "e.tk" not in page
    assert [e.pk for e in directory.directory_to_review(world.coordinator)] == [portal.hotline_offer.pk]
    rejected = offering_review(actor=world.coordinator, offering=portal.hotline_offer, approve=False)
    assert _shown(portal)["public_contact"] == "1109 (free, 24 hours)"
    assert not rejected.awaits_review  # looked at: off the list until it changes again
    assert AuditEvent.objects.filter(action="directory.reject").exists()


def test_a_renamed_hotline_keeps_its_approved_name_on_the_portal_and_the_callback_form(
    world: World, portal: Portal
) -> None:
    core.organisation_update(actor=world.sysadmin, organisation=portal.hotline, name="Hotline of Someone Else")
    assert [r.name for r in selectors.callback_recipients()] == ["National Helpline"]
    assert _shown(portal)["name"] == "National Helpline"
    offering_review(actor=world.coordinator, offering=directory.directory_to_review(world.coordinator)[0], approve=True)
    assert [r.name for r in selectors.callback_recipients()] == ["Hotline of Someone Else"]


@pytest.mark.parametrize(
    "persona",
    ["caseworker", "supervisor", "org_admin", "police", "provider", "analyst", "auditor", "sysadmin", "outsider_admin"],
)
def test_only_the_coordinator_reviews(world: World, portal: Portal, persona: str) -> None:
    offering_save(actor=world.sysadmin, organisation=portal.hotline, offering=portal.hotline_offer, hours="9-17")
    with pytest.raises(PermissionDenied):
        offering_review(actor=world.users[persona], offering=portal.hotline_offer, approve=True)
    with pytest.raises(PermissionDenied):
        directory.directory_to_review(world.users[persona])
    assert _shown(portal)["hours"] == "24 hours"


def test_the_review_page_approves_in_arabic_and_refuses_others(
    world: World, portal: Portal, staff: dict[str, Client]
) -> None:
    offering_save(actor=world.sysadmin, organisation=portal.hotline, offering=portal.hotline_offer, hours="9-17")
    assert staff["org_admin"].get("/services/review/").status_code == 403
    assert (
        staff["org_admin"]
        .post("/services/review/", {"offering": portal.hotline_offer.pk, "decision": "approve"})
        .status_code
        == 403
    )
    page = staff["coordinator"].get("/services/review/", HTTP_ACCEPT_LANGUAGE="ar")
    assert page.status_code == 200
    assert "9-17" in page.content.decode()
    response = staff["coordinator"].post(
        "/services/review/", {"offering": portal.hotline_offer.pk, "decision": "approve"}
    )
    assert response.status_code == 302
    assert _shown(portal)["hours"] == "9-17"


def test_the_api_review(world: World, portal: Portal, api_client: dict[str, Client]) -> None:
    offering_save(
        actor=world.sysadmin, organisation=portal.hotline, offering=portal.hotline_offer, public_contact="1110"
    )
    listed = api_client["coordinator"].get("/api/v1/directory/review").json()
    assert [(e["submitted"]["public_contact"], e["approved"]["public_contact"]) for e in listed["items"]] == [
        ("1110", "1109 (free, 24 hours)")
    ]
    bad = api_client["coordinator"].post(
        f"/api/v1/directory/review/{portal.hotline_offer.pk}",
        data=json.dumps({"decision": "maybe"}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert _shown(portal)["public_contact"] == "1109 (free, 24 hours)"


def _put(api_client: dict[str, Client], persona: str, offer: Offering, **changes: object) -> dict[str, object]:
    payload = {
        "service_type": "medical",
        "regions": ["Attica"],
        "languages": ["el", "ro"],
        "delivery_modes": ["in_person"],
        "weekly_capacity": 10,
        "is_public": True,
        **changes,
    }
    response = api_client[persona].put(
        f"/api/v1/offerings/{offer.pk}", data=json.dumps(payload), content_type="application/json"
    )
    return {"status": response.status_code, **response.json()}


def test_a_changed_kind_of_help_or_region_waits_for_review_and_the_portal_keeps_the_approved_entry(
    world: World, portal: Portal, api_client: dict[str, Client]
) -> None:
    """Given the NGO's approved public entry for medical care in Attica, when its supervisor turns it into safe
    accommodation for the whole country, in every language and every way, then the portal still lists medical
    care in Attica, lists nothing of the NGO under safe accommodation, and the coordinator has the change to review;
    her approval publishes it."""
    changed = _put(
        api_client,
        "supervisor",
        portal.medical,
        service_type="safe_accommodation",
        regions=["*", "Crete"],
        languages=["el", "ro", "en"],
        delivery_modes=["in_person", "remote"],
        interpreter_available=True,
    )
    assert changed["status"] == 200
    assert changed["awaits_review"] is True
    assert changed["review_state"] == "waiting"
    assert [e.pk for e in directory.directory_to_review(world.coordinator)] == [portal.medical.pk]
    (row,) = [r for r in public_offers() if r.offering.pk == portal.medical.pk]
    assert (row.offering.service_type, row.offering.regions, row.offering.languages) == (
        "medical",
        ["Attica"],
        ["el", "ro"],
    )
    assert not row.offering.interpreter_available
    assert portal.medical.pk not in {r.offering.pk for r in public_offers(service_type="safe_accommodation")}
    assert portal.medical.pk not in {r.offering.pk for r in public_offers(region="Crete")}
    assert "Crete" in selectors.regions()  # the shelter's, approved
    page = Client().get("/help/en/services/", {"service": "safe_accommodation"}).content.decode()
    assert "Safe Passage" not in page
    offering_review(actor=world.coordinator, offering=portal.medical, approve=True)
    assert portal.medical.pk in {r.offering.pk for r in public_offers(service_type="safe_accommodation")}
    assert portal.medical.pk in {r.offering.pk for r in public_offers(region="Crete")}
    assert "Safe Passage" in Client().get("/help/en/services/", {"service": "safe_accommodation"}).content.decode()


@pytest.mark.parametrize("region", ["<script>alert(1)</script>", '=HYPERLINK("http://x")', "+30 Attica", "@x"])
def test_a_region_is_a_place_name(world: World, portal: Portal, api_client: dict[str, Client], region: str) -> None:
    refused = _put(api_client, "supervisor", portal.medical, regions=["*", region])
    assert refused["status"] == 422 or refused["status"] == 400
    assert region not in selectors.regions()
    assert directory.directory_to_review(world.coordinator) == []


def test_taken_off_the_portal_and_put_back_goes_to_review_again(
    world: World, portal: Portal, api_client: dict[str, Client]
) -> None:
    assert _put(api_client, "supervisor", portal.medical, is_public=False)["status"] == 200
    assert portal.medical.pk not in {r.offering.pk for r in public_offers()}
    assert _put(api_client, "supervisor", portal.medical, is_public=True)["awaits_review"] is True
    assert portal.medical.pk not in {r.offering.pk for r in public_offers()}


def test_the_review_page_shows_numbers_hours_and_dates_left_to_right_in_arabic(
    world: World, portal: Portal, staff: dict[str, Client]
) -> None:
    offering_save(
        actor=world.sysadmin,
        organisation=portal.hotline,
        offering=portal.hotline_offer,
        public_contact="+30 210 555 0199",
        hours="09:00-17:00",
    )
    page = staff["coordinator"].get("/services/review/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<bdi dir="ltr">+30 210 555 0199</bdi>' in page
    assert '<bdi dir="ltr">09:00-17:00</bdi>' in page
    assert '<bdi dir="ltr">1109 (free, 24 hours)</bdi>' in page  # the version shown now
    assert '<time dir="ltr"' in page


def test_the_organisation_is_told_its_entry_waits_and_then_that_it_was_not_approved(
    world: World, portal: Portal, staff: dict[str, Client]
) -> None:
    """Given the NGO's administrator reading Arabic, when her supervisor changes the public contact, then the
    staff directory says the entry waits for the coordinator; when the coordinator rejects it with a reason, the
    administrator and the supervisor are alerted in their language with the reason, and the directory says it
    was not approved; the caseworker is not alerted."""
    world.org_admin.preferred_language = "ar"
    world.org_admin.save(update_fields=["preferred_language"])
    offering_save(
        actor=world.supervisor, organisation=world.ngo_a, offering=portal.medical, public_contact="+30 210 555 0123"
    )
    page = staff["org_admin"].get("/services/").content.decode()
    assert 'data-review="waiting"' in page
    response = staff["coordinator"].post(
        "/services/review/", {"offering": portal.medical.pk, "decision": "reject", "reason": "Number unreachable"}
    )
    assert response.status_code == 302
    page = staff["org_admin"].get("/services/").content.decode()
    assert 'data-review="rejected"' in page
    assert "Number unreachable" in page
    alerts = Alert.objects.filter(object_type="providers.offering", object_id=str(portal.medical.pk))
    assert {a.recipient for a in alerts} == {world.org_admin, world.supervisor}
    arabic = alerts.get(recipient=world.org_admin).text
    assert "لم يوافق المنسق الوطني" in arabic
    assert "Number unreachable" in arabic
    assert "did not approve" in alerts.get(recipient=world.supervisor).text
    assert AuditEvent.objects.get(action="directory.reject").detail["reason"] == "Number unreachable"
