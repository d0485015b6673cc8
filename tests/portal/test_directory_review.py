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
from lantern.core.models import AuditEvent
from lantern.portal import selectors
from lantern.providers import selectors as directory
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
