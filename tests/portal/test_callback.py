"""The safe call-back request: from the portal's form to the hotline's inbox to a case, with nothing stored in
the browser, contact details encrypted and never logged, and every refusal a clear 4xx that stores nothing."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lantern.cases.models import Case, Note
from lantern.core.models import AuditEvent
from lantern.portal import services
from lantern.portal.models import Intake, IntakeStatus, RateCounter, UsedFormToken
from tests.conftest import World
from tests.helpers import database_text
from tests.portal.conftest import Portal

CONTACT = "+30 694 555 0177"
SAFE_TIMES = "Tuesdays 10-12 when Nikos is at the market"
NOTE = "My passport was taken by Mr Kostas"
ORIGIN = {"Origin": "http://testserver"}


def _form(client: Client, lang: str = "en") -> dict[str, Any]:
    page = client.get(f"/help/{lang}/call-back/").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page)
    organisation = re.search(r'name="organisation" value="(\d+)"', page)
    assert token
    assert organisation
    return {
        "token": token.group(1),
        "organisation": organisation.group(1),
        "channel": "messaging",
        "contact": CONTACT,
        "safe_times": SAFE_TIMES,
        "language": "ar",
        "if_someone_else": "wrong_number",
        "note": NOTE,
    }


def _post(client: Client, data: dict[str, Any], lang: str = "en", **headers: str) -> Any:
    return client.post(f"/help/{lang}/call-back/", data, headers={**ORIGIN, **headers})


@pytest.mark.django_db(transaction=True)
def test_a_call_back_reaches_the_hotline_encrypted_becomes_a_case_and_is_never_logged(
    portal: Portal, world: World, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    visitor = Client()
    response = _post(visitor, _form(visitor))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your request was sent" in html
    assert "National Helpline will contact you, only at the times you gave." in html
    assert "Say it was a wrong number" in html
    assert "We send you no confirmation" in html
    assert "Set-Cookie" not in response
    assert not visitor.cookies
    assert CONTACT not in html
    assert SAFE_TIMES not in html

    intake = Intake.objects.get()
    assert intake.organisation == portal.hotline
    assert intake.language == "ar"
    assert intake.status == IntakeStatus.NEW
    assert intake.contact == CONTACT
    assert intake.safe_times == SAFE_TIMES
    assert intake.note == NOTE
    stored = database_text(tmp_path)
    assert b"National Helpline" in stored
    for secret in (CONTACT, SAFE_TIMES, NOTE, "Nikos", "Kostas"):
        assert secret.encode() not in stored, f"{secret!r} is stored in clear"

    # The hotline's inbox lists it without the contact details; opening it is an audited read.
    hotline = Client()
    hotline.force_login(portal.hotline_worker)
    inbox = hotline.get("/help/staff/call-backs/").content.decode()
    assert "العربية" in inbox
    assert "A messaging app" in inbox
    assert CONTACT not in inbox
    detail = hotline.get(f"/help/staff/call-backs/{intake.pk}/").content.decode()
    assert CONTACT in detail
    assert SAFE_TIMES in detail
    read = AuditEvent.objects.get(action="portal.intake_read")
    assert read.actor_id == portal.hotline_worker.pk
    assert read.object_id == str(intake.pk)

    # Someone of another organisation sees nothing of it.
    outsider = Client()
    outsider.force_login(world.caseworker)
    assert outsider.get(f"/help/staff/call-backs/{intake.pk}/").status_code == 404
    assert CONTACT not in outsider.get("/help/staff/call-backs/").content.decode()

    # The hotline turns it into a case, through the case registry.
    opened = hotline.post(f"/help/staff/call-backs/{intake.pk}/case/")
    case = Case.objects.get()
    assert opened.status_code == 302
    assert opened["Location"] == f"/cases/{case.reference}/"
    assert case.organisation == portal.hotline
    assert case.created_by == portal.hotline_worker
    assert case.person.messaging == CONTACT
    assert case.person.contact_route == "messaging"
    assert case.person.primary_language == "ar"
    assert SAFE_TIMES in Note.objects.get(case=case).text
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.CASE_OPENED
    assert intake.case_reference == case.reference
    assert intake.contact == ""
    assert intake.erased_at is not None
    assert hotline.post(f"/help/staff/call-backs/{intake.pk}/case/").status_code == 302
    assert Case.objects.count() == 1  # not twice

    log = caplog.text + "\n".join(str(e.detail) for e in AuditEvent.objects.all())
    for secret in (CONTACT, SAFE_TIMES, NOTE):
        assert secret not in log
    assert all(CONTACT not in str(value) for value in (response.request.get("QUERY_STRING"), opened["Location"]))


def test_a_hotline_closes_a_request_and_retention_erases_it_later(portal: Portal, clock: Any) -> None:
    visitor = Client()
    _post(visitor, _form(visitor))
    intake = Intake.objects.get()
    hotline = Client()
    hotline.force_login(portal.hotline_worker)
    assert hotline.post(f"/help/staff/call-backs/{intake.pk}/close/", {"reason": "nonsense"}).status_code == 302
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.NEW  # refused, unchanged
    hotline.post(f"/help/staff/call-backs/{intake.pk}/close/", {"reason": "called_no_case"})
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.CLOSED
    assert intake.contact == CONTACT
    assert services.portal_housekeeping() == 0
    assert services.portal_housekeeping(now=timezone.now() + timedelta(days=5 * 365 + 1)) == 1
    intake.refresh_from_db()
    assert intake.contact == ""
    assert intake.safe_times == ""
    assert intake.note == ""
    assert intake.erased_at
    assert UsedFormToken.objects.count() == 0
    assert RateCounter.objects.count() == 0


def test_invalid_fields_show_the_form_again_with_what_was_typed_and_store_nothing(portal: Portal) -> None:
    visitor = Client()
    data = {**_form(visitor), "contact": "call me", "safe_times": "", "channel": "pigeon"}
    response = _post(visitor, data)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Your request was not sent yet" in html
    assert "Choose how we may contact you" in html or "Select a valid choice" in html
    assert "Tell us when it is safe to contact you." in html or "This field is required." in html
    assert "call me" in html  # kept as typed
    assert Intake.objects.count() == 0
    assert "Set-Cookie" not in response
    data = {**_form(visitor), "contact": "call me"}
    again = _post(visitor, data)
    assert again.status_code == 422
    assert "Write the number with its digits." in again.content.decode()


def test_a_forged_or_missing_token_is_refused(portal: Portal) -> None:
    visitor = Client()
    data = _form(visitor)
    for token in ("forged:token:value", ""):
        response = _post(visitor, {**data, "token": token})
        assert response.status_code == 400
        assert "This form could not be checked. Your request was not sent" in response.content.decode()
    assert Intake.objects.count() == 0


def test_an_expired_form_is_refused_with_a_fresh_one(portal: Portal, time_machine: Any) -> None:
    visitor = Client()
    data = _form(visitor)
    time_machine.move_to(timezone.now() + timedelta(minutes=121))
    response = _post(visitor, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "has expired" in html
    fresh = re.search(r'name="token" value="([^"]+)"', html)
    assert fresh
    assert fresh.group(1) != data["token"]
    assert _post(visitor, {**data, "token": fresh.group(1)}).status_code == 200
    assert Intake.objects.count() == 1


def test_a_form_is_sent_once(portal: Portal) -> None:
    visitor = Client()
    data = _form(visitor)
    assert _post(visitor, data).status_code == 200
    again = _post(visitor, data)
    assert again.status_code == 409
    assert "already sent" in again.content.decode()
    assert Intake.objects.count() == 1


def test_a_request_from_another_site_is_refused(portal: Portal) -> None:
    visitor = Client()
    data = _form(visitor)
    response = visitor.post("/help/en/call-back/", data, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert "did not come from this site" in response.content.decode()
    assert visitor.post("/help/en/call-back/", data).status_code == 403  # neither Origin nor Referer
    referred = visitor.post("/help/en/call-back/", data, headers={"Referer": "http://testserver/help/en/call-back/"})
    assert referred.status_code == 200
    assert Intake.objects.count() == 1


def test_an_oversized_request_is_refused(portal: Portal) -> None:
    visitor = Client()
    response = _post(visitor, {**_form(visitor), "note": "x" * 9000})
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert Intake.objects.count() == 0


def test_too_many_requests_from_one_connection_are_refused_and_the_counter_holds_no_address(
    portal: Portal, settings: pytest.FixtureRequest, time_machine: Any
) -> None:
    settings.LANTERN_PORTAL_CALLBACKS_PER_HOUR = 2  # type: ignore[attr-defined]
    visitor = Client(REMOTE_ADDR="203.0.113.7")
    assert _post(visitor, _form(visitor)).status_code == 200
    assert _post(visitor, _form(visitor)).status_code == 200
    refused = _post(visitor, _form(visitor))
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Too many call-back requests" in html
    assert "1109" in html
    assert Intake.objects.count() == 2
    counter = RateCounter.objects.exclude(bucket="*").get()  # the one visitor's; "*" counts everybody
    assert len(counter.bucket) == 3
    assert "203.0.113.7" not in str(counter.__dict__)
    other = Client(REMOTE_ADDR="198.51.100.20")
    assert _post(other, _form(other)).status_code == 200  # another connection is not blocked
    time_machine.move_to(timezone.now() + timedelta(hours=1))
    assert _post(visitor, _form(visitor)).status_code == 200  # the next hour


def test_nothing_of_the_call_back_pages_sets_a_cookie(portal: Portal) -> None:
    visitor = Client()
    responses = [visitor.get("/help/ar/call-back/"), _post(visitor, {**_form(visitor), "contact": ""})]
    data = _form(visitor)
    responses += [_post(visitor, data), _post(visitor, data), _post(visitor, {**data, "token": "x"})]
    responses.append(visitor.post("/help/en/call-back/", data))
    assert [r.status_code for r in responses] == [200, 422, 200, 409, 400, 403]
    for response in responses:
        assert "Set-Cookie" not in response
    assert not visitor.cookies


def test_the_call_back_form_is_accessible_markup(portal: Portal) -> None:
    html = Client().get("/help/en/call-back/").content.decode()
    for field in ("contact", "safe_times", "language", "note"):
        assert f'<label for="id_{field}">' in html
    assert "<legend>How may we contact you?</legend>" in html
    assert 'autocomplete="off"' in html


def test_only_the_hotline_staff_see_its_inbox(portal: Portal, staff: dict[str, Client], hotline_client: Client) -> None:
    assert hotline_client.get("/help/staff/call-backs/").status_code == 200
    for persona in ("analyst", "auditor", "sysadmin", "provider", "coordinator"):
        assert staff[persona].get("/help/staff/call-backs/").status_code == 403
    assert staff["caseworker"].get("/help/staff/call-backs/").status_code == 200  # her own (empty) inbox
    assert "Call-backs" in hotline_client.get("/").content.decode()
    assert "Call-backs" not in staff["caseworker"].get("/").content.decode()  # not a hotline: not in her menu


def test_the_hotline_menu_counts_new_requests_up_to_a_cap(portal: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    from lantern.portal import selectors

    visitor = Client()
    for _ in range(3):
        _post(visitor, _form(visitor))
    assert selectors.new_intakes_count(portal.hotline_worker) == 3
    monkeypatch.setattr(selectors, "NAV_COUNT_CAP", 2)
    assert selectors.new_intakes_count(portal.hotline_worker) == 2
    Intake.objects.update(status=IntakeStatus.CLOSED)
    assert selectors.new_intakes_count(portal.hotline_worker) == 0
