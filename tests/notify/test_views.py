"""Notification pages: the delivery log of a case for its caseworker and supervisor, the inbox of calls to make,
the template overview for the coordinator; nobody else sees them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lantern.notify.models import CaseworkerTask, Delivery
from lantern.notify.sending import deliveries_send_due
from tests.conftest import World
from tests.notify.conftest import FakeGateway, hearing_event, survivor

pytestmark = pytest.mark.usefixtures("clock")


def test_the_caseworker_sees_the_delivery_log_of_her_case_from_the_case_page(
    staff: dict[str, Client], world: World, gateway: FakeGateway
) -> None:
    case = survivor(world)
    hearing_event(case)
    deliveries_send_due()
    detail = staff["caseworker"].get(f"/cases/{case.reference}/").content.decode()
    assert f"/notifications/case/{case.reference}/" in detail
    for persona in ("caseworker", "supervisor"):
        page = staff[persona].get(f"/notifications/case/{case.reference}/")
        html = page.content.decode()
        assert page.status_code == 200
        assert "Hearing postponed" in html
        assert "Text message" in html
        assert "Sent" in html
        assert "+40 721" not in html
        assert "Maria" not in html
    for persona in ("outsider", "provider", "analyst", "coordinator"):
        assert staff[persona].get(f"/notifications/case/{case.reference}/").status_code in (403, 404)
    overall = staff["supervisor"].get("/notifications/?status=sent").content.decode()
    assert case.reference in overall
    assert case.reference not in staff["outsider"].get("/notifications/").content.decode()


def test_without_consent_the_log_shows_the_hand_over_and_the_inbox_the_call(
    staff: dict[str, Client], world: World
) -> None:
    case = survivor(world, consent=None, language="ar", interpreter=True)
    hearing_event(case)
    log = staff["caseworker"].get(f"/notifications/case/{case.reference}/").content.decode()
    assert "Handed to the caseworker" in log
    assert "No consent to be contacted on this channel" in log
    inbox = staff["caseworker"].get("/notifications/inbox/").content.decode()
    assert "Call the person with an interpreter" in inbox
    assert case.reference in inbox
    assert "Maria" not in inbox
    home = staff["caseworker"].get("/").content.decode()
    assert 'href="/notifications/inbox/"' in home
    task = CaseworkerTask.objects.get()
    assert staff["outsider"].post(f"/notifications/tasks/{task.pk}/done/").status_code == 404
    assert staff["caseworker"].post(f"/notifications/tasks/{task.pk}/done/").status_code == 302
    task.refresh_from_db()
    assert task.done_by == world.caseworker
    again = staff["caseworker"].post(f"/notifications/tasks/{task.pk}/done/", follow=True).content.decode()
    assert "already done" in again


def test_a_message_that_gave_up_can_be_tried_again_from_the_log(
    staff: dict[str, Client], world: World, gateway: FakeGateway
) -> None:
    case = survivor(world)
    event = hearing_event(case)
    gateway.fail_next = [403]
    deliveries_send_due()
    delivery = Delivery.objects.get(event=event, recipient="survivor")
    assert "Try again" in staff["caseworker"].get(f"/notifications/case/{case.reference}/").content.decode()
    assert staff["outsider"].post(f"/notifications/deliveries/{delivery.pk}/retry/").status_code == 404
    assert staff["caseworker"].post(f"/notifications/deliveries/{delivery.pk}/retry/").status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "queued"


def test_the_coordinator_sees_which_languages_have_which_messages(staff: dict[str, Client]) -> None:
    page = staff["coordinator"].get("/notifications/templates/").content.decode()
    assert 'lang="ar" dir="rtl"' in page
    assert "Ελληνικά" in page
    assert "<strong>missing</strong>" not in page
    assert staff["caseworker"].get("/notifications/templates/").status_code == 403


def test_pages_are_translated(staff: dict[str, Client], world: World, settings: Any) -> None:
    case = survivor(world, consent=None)
    hearing_event(case)
    client = staff["caseworker"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get(f"/notifications/case/{case.reference}/").content.decode()
    assert "Confié au chargé de dossier" in html
    assert "Pas de consentement à être contacté par ce canal" in html
