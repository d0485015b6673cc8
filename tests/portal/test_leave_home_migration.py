"""Migrations 0009 and 0010 on the cases the translator reproduced: no text still as first installed keeps "if
anyone stops you" or "if you are arrested", whatever happened to the English, and every text they do not replace
shows as out of date in the translation status, with the national coordinators alerted."""

from __future__ import annotations

import importlib

from django.apps import apps as django_apps

from lantern.core.models import Alert
from lantern.portal import selectors
from lantern.portal.models import CrisisMessage, MessageText
from lantern.portal.standard_messages import STANDARD_MESSAGES
from tests.conftest import World

M0009 = importlib.import_module("lantern.portal.migrations.0009_leave_home_wording")
M0010 = importlib.import_module("lantern.portal.migrations.0010_leave_home_flag")
FIRST = M0009.FIRST_INSTALLED
STANDARD = STANDARD_MESSAGES["leave_home"]
EDITED_EN = "Lockdown and curfew rules allow you to leave home. If the police stop you, say you are getting help."
EDITED_AR = FIRST["ar"][1] + " اتصل بنا."


def _as_first_installed() -> None:
    for text in MessageText.objects.filter(message__key="leave_home"):
        text.title, text.body = FIRST[text.language]
        text.save()


def _upgrade() -> None:
    M0009.reword(django_apps, None)
    M0010.reword_and_flag(django_apps, None)


def _text(language: str) -> MessageText:
    return MessageText.objects.get(message__key="leave_home", language=language)


def _status() -> dict[str, str]:
    row = next(r for r in selectors.translation_status() if r.message.key == "leave_home")
    return {cell.language: cell.state for cell in row.cells}


def test_case_b_the_english_edited_before_the_upgrade_every_first_translation_is_still_replaced(world: World) -> None:
    _as_first_installed()
    MessageText.objects.filter(message__key="leave_home", language="en").update(body=EDITED_EN)

    _upgrade()

    for language in FIRST:
        if language != "en":
            assert (_text(language).title, _text(language).body) == STANDARD[language], language
    assert "Si le detienen" not in _text("es").body
    assert "Si l'on vous arrête" not in _text("fr").body
    assert "أوقفك أحد" not in _text("ar").body
    # The coordinator's English body stays; its title, still as installed, says "allowed" now, not "may".
    assert _text("en").body == EDITED_EN
    assert _text("en").title == STANDARD["en"][0]
    assert CrisisMessage.objects.get(key="leave_home").revision == 2
    assert set(_status().values()) == {"current"}
    alert = Alert.objects.get(recipient=world.coordinator)
    assert "(en)" in alert.text
    assert alert.object_type == "portal.crisismessage"


def test_case_a_only_the_arabic_edited_it_shows_out_of_date_and_the_coordinator_is_told(world: World) -> None:
    _as_first_installed()
    MessageText.objects.filter(message__key="leave_home", language="ar").update(body=EDITED_AR)

    _upgrade()

    assert (_text("en").title, _text("en").body) == STANDARD["en"]
    assert _text("es").body == STANDARD["es"][1]
    assert _text("ar").body == EDITED_AR, "an edited text is never overwritten"
    assert _text("ar").title == STANDARD["ar"][0], "its title, still as installed, is replaced"
    message = CrisisMessage.objects.get(key="leave_home")
    assert message.revision == 2
    assert _text("ar").source_revision == 1
    status = _status()
    assert status["ar"] == "outdated"
    assert {state for language, state in status.items() if language != "ar"} == {"current"}
    assert "(ar)" in Alert.objects.get(recipient=world.coordinator).text


def test_a_text_0009_wrote_and_the_translator_reworded_since_is_replaced_too(world: World) -> None:
    MessageText.objects.filter(message__key="leave_home", language="fr").update(body=M0010.WRITTEN_BY_0009["fr"])

    _upgrade()

    assert "représentants des autorités" in _text("fr").body
    assert CrisisMessage.objects.get(key="leave_home").revision == 1
    assert not Alert.objects.exists()


def test_a_database_with_the_standard_texts_is_left_as_it_is(world: World) -> None:
    before = list(MessageText.objects.filter(message__key="leave_home").values_list("title", "body", "source_revision"))

    _upgrade()

    after = list(MessageText.objects.filter(message__key="leave_home").values_list("title", "body", "source_revision"))
    assert after == before
    assert CrisisMessage.objects.get(key="leave_home").revision == 1
    assert not Alert.objects.exists()
