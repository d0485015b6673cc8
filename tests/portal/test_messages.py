"""Crisis messages: shown while a crisis is active, in every language they are written in; a language without the
text falls back to English visibly; the translation-status view shows which language lags which text."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from lantern.crisis.models import CrisisEvent
from lantern.crisis.services import crisis_end
from lantern.portal import selectors, services
from lantern.portal.models import CrisisMessage, MessageText
from lantern.portal.standard_messages import STANDARD_MESSAGES
from tests.conftest import World
from tests.portal.conftest import Portal


def test_the_standard_messages_are_seeded_in_every_portal_language(db: None, settings: pytest.FixtureRequest) -> None:
    codes = {code for code, _ in settings.PORTAL_LANGUAGES}  # type: ignore[attr-defined]
    for key in ("leave_home", "hotlines_open", "health_care"):
        message = CrisisMessage.objects.get(key=key)
        assert set(message.texts.values_list("language", flat=True)) == codes
    assert set(STANDARD_MESSAGES["leave_home"]) == codes


def test_no_crisis_no_messages(portal: Portal, clock: object) -> None:
    page = Client().get("/help/en/").content.decode()
    assert "You are allowed to leave home to get help" not in page
    assert selectors.crisis_banner("en") is None


def test_a_declared_crisis_appears_on_the_portal_in_every_language_it_is_written_in(
    portal: Portal, crisis: CrisisEvent, settings: pytest.FixtureRequest
) -> None:
    for code, _name in settings.PORTAL_LANGUAGES:  # type: ignore[attr-defined]
        page = Client().get(f"/help/{code}/").content.decode()
        for texts in STANDARD_MESSAGES.values():
            title, _body = texts[code]
            assert title.replace("'", "&#x27;") in page, (code, title)
        assert "is not available in your language" not in page
    arabic = Client().get("/help/ar/").content.decode()
    assert "الإغلاق" in arabic  # the lockdown, named in Arabic, with its region
    assert "Attica" in arabic


def test_the_crisis_messages_go_when_the_crisis_ends(portal: Portal, crisis: CrisisEvent, world: World) -> None:
    crisis_end(actor=world.coordinator, crisis=crisis, ends_on=date(2026, 3, 1))
    assert "You may leave home" not in Client().get("/help/en/").content.decode()


def test_a_language_without_the_text_falls_back_to_english_and_says_so(
    portal: Portal, crisis: CrisisEvent, world: World
) -> None:
    message = services.message_create(
        actor=world.coordinator, key="curfew_hours", title="Curfew from 21:00", body="Pharmacies stay open."
    )
    services.message_text_save(
        actor=world.coordinator, message=message, language="el", title="Απαγόρευση από τις 21:00", body="Φαρμακεία."
    )
    greek = Client().get("/help/el/").content.decode()
    assert "Απαγόρευση από τις 21:00" in greek
    assert "Curfew from 21:00" not in greek
    bulgarian = Client().get("/help/bg/").content.decode()
    assert '<div class="crisis-message" lang="en" dir="ltr">' in bulgarian
    assert "Curfew from 21:00" in bulgarian
    assert "Това съобщение още не е достъпно на вашия език. Език на текста: English." in bulgarian  # noqa: RUF001
    shown = {m.key: m for m in selectors.shown_messages("bg")}
    assert shown["curfew_hours"].fallback
    assert not shown["leave_home"].fallback


def test_the_translation_status_shows_which_language_lags_which_text(portal: Portal, world: World) -> None:
    leave_home = CrisisMessage.objects.get(key="leave_home")
    services.message_text_save(
        actor=world.coordinator,
        message=leave_home,
        language="en",
        title="You are allowed to leave home to get help",
        body="Lockdown and curfew rules allow you to leave home to get help. Carry an ID if you have one.",
    )
    leave_home.refresh_from_db()
    assert leave_home.revision == 2
    MessageText.objects.filter(message__key="health_care", language="nl").delete()
    services.message_text_save(
        actor=world.coordinator, message=leave_home, language="fr", title="Vous pouvez sortir", body="Nouveau texte."
    )
    rows = {row.message.key: {c.language: c.state for c in row.cells} for row in selectors.translation_status()}
    assert rows["leave_home"]["en"] == "current"
    assert rows["leave_home"]["fr"] == "current"
    assert rows["leave_home"]["ar"] == "outdated"
    assert rows["leave_home"]["de"] == "outdated"
    assert rows["health_care"]["nl"] == "missing"
    assert rows["hotlines_open"] == dict.fromkeys(rows["hotlines_open"], "current")
    # The visitor in Arabic still reads the Arabic text, told that it may be out of date.
    arabic = selectors.shown_messages("ar")[0]
    assert arabic.key == "leave_home"
    assert arabic.outdated
    assert not arabic.fallback


def test_the_coordinator_sees_the_status_page_and_writes_a_translation(
    portal: Portal, staff: dict[str, Client]
) -> None:
    MessageText.objects.filter(message__key="health_care", language="nl").delete()
    page = staff["coordinator"].get("/help/staff/messages/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Nederlands" in html
    assert "“Health care whatever your status” is missing" in html
    message = CrisisMessage.objects.get(key="health_care")
    url = f"/help/staff/messages/{message.pk}/nl/"
    assert "Not written in this language yet" in staff["coordinator"].get(url).content.decode()
    response = staff["coordinator"].post(url, {"title": "Zorg voor iedereen", "body": "Medische zorg voor iedereen."})
    assert response.status_code == 302
    assert MessageText.objects.get(message=message, language="nl").source_revision == message.revision
    assert "Every language is up to date." in staff["coordinator"].get("/help/staff/messages/").content.decode()


def test_a_new_message_is_created_from_the_status_page(portal: Portal, staff: dict[str, Client]) -> None:
    response = staff["coordinator"].post(
        "/help/staff/messages/", {"key": "shelters", "title": "Shelters are open", "body": "Call the hotline."}
    )
    assert response.status_code == 302
    assert CrisisMessage.objects.get(key="shelters").texts.get().language == "en"
    again = staff["coordinator"].post("/help/staff/messages/", {"key": "shelters", "title": "x", "body": "y"})
    assert again.status_code == 200
    assert "A message with this name exists already." in again.content.decode()


def test_only_the_national_coordinator_maintains_the_messages(portal: Portal, staff: dict[str, Client]) -> None:
    message = CrisisMessage.objects.get(key="leave_home")
    for persona in ("caseworker", "supervisor", "analyst", "sysadmin", "police"):
        assert staff[persona].get("/help/staff/messages/").status_code == 403
        assert (
            staff[persona].post(f"/help/staff/messages/{message.pk}/en/", {"title": "x", "body": "y"}).status_code
            == 403
        )
    assert Client().get("/help/staff/messages/").status_code == 302  # to the login


def test_bad_message_texts_are_refused(world: World) -> None:
    message = CrisisMessage.objects.get(key="leave_home")
    with pytest.raises(ValidationError) as error:
        services.message_text_save(actor=world.coordinator, message=message, language="en", title="", body="")
    assert set(error.value.message_dict) == {"title", "body"}
    with pytest.raises(ValidationError):
        services.message_text_save(actor=world.coordinator, message=message, language="xx", title="a", body="b")
    with pytest.raises(PermissionDenied):
        services.message_text_save(actor=world.caseworker, message=message, language="en", title="a", body="b")
    assert message.texts.get(language="en").title == "You are allowed to leave home to get help"
