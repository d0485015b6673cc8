"""Message templates as data: twelve languages and more, each complete, the same placeholders as English, and a
fallback chain that knows when a language is missing."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from lantern.notify import messages

REQUIRED = ["en", "ar", "fr", "es", "ru", "uk", "ro", "bg", "it", "de", "el", "nl", "pt"]


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"{(\w+)}", text))


def test_the_required_languages_are_all_there_and_complete() -> None:
    assert set(REQUIRED) <= set(messages.languages())
    for code in messages.languages():
        for kind in messages.HEARING_KINDS:
            assert messages.has(code, kind, "minimal"), code
            assert messages.has(code, kind, "detailed"), (code, kind)


@pytest.mark.parametrize("code", REQUIRED)
def test_each_language_uses_the_placeholders_of_english_and_the_minimal_message_has_none(code: str) -> None:
    english, other = messages.catalogue()["en"], messages.catalogue()[code]
    assert placeholders(other["minimal"]["text"]) == set()
    for kind in messages.HEARING_KINDS:
        assert placeholders(other["detailed"][kind]) == placeholders(english["detailed"][kind]), (code, kind)
    assert other["detailed"][kind] != english["detailed"][kind] or code == "en"


def test_arabic_is_right_to_left_and_the_others_left_to_right() -> None:
    assert messages.direction("ar") == "rtl"
    assert {messages.direction(c) for c in REQUIRED if c != "ar"} == {"ltr"}


def test_the_chain_goes_from_the_person_to_the_organisation_without_repeats() -> None:
    assert messages.fallback_chain("sq", ["uk", "sq", "EN"], ["el", "en"]) == ["sq", "uk", "en", "el"]
    assert messages.choose_language(["sq", "tr", "uk"], "hearing.postponed", "minimal") == "uk"
    assert messages.choose_language(["sq", "tr"], "hearing.postponed", "minimal") is None
    assert not messages.has("sq", "hearing.postponed", "minimal")


def test_a_detailed_message_shows_the_time_in_the_courts_time_zone_in_the_persons_language() -> None:
    facts = messages.HearingFacts(
        starts_at=datetime(2026, 4, 14, 7, 30, tzinfo=UTC),
        new_starts_at=datetime(2026, 9, 21, 8, 0, tzinfo=UTC),
        court="Πρωτοδικείο Αθηνών",
        time_zone="Europe/Athens",
        mode="remote",
    )
    subject, text = messages.render(language="de", kind="hearing.postponed", detail="detailed", facts=facts)
    assert subject == "Neuigkeiten zu Ihrem Termin"
    assert text == (
        "Es gibt Neuigkeiten zu Ihrem Termin.\n\n"
        "Ihr Gerichtstermin am 14. April 2026, 10:30 (Πρωτοδικείο Αθηνών) wurde auf den 21. September 2026, 11:00 "
        "verlegt. Ihre Betreuungsperson beantwortet gern Ihre Fragen."
    )
    _, changed = messages.render(language="ro", kind="hearing.mode_changed", detail="detailed", facts=facts)
    assert "prin videoconferință" in changed
    _, minimal = messages.render(language="ru", kind="hearing.cancelled", detail="minimal", facts=facts)
    assert minimal == "Есть новости о вашей встрече. Пожалуйста, позвоните человеку, который вам помогает."  # noqa: RUF001
