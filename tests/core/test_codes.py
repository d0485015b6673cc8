"""Countries and languages: ISO 639-1, 639-2 and 639-3 codes accepted and stored as one, names in the reader's
language (or the code where CLDR has none), the way back from a typed name, and a suggestion for a near miss."""

from __future__ import annotations

import pytest
from django.utils import translation

from lantern.core import codes


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ro", "ro"), ("ron", "ro"), ("RUM", "ro"), ("ger", "de"), ("deu", "de"), ("ara", "ar"),
        ("bin", "bin"), ("pcm", "pcm"), ("prs", "prs"), ("ckb", "ckb"), ("sdh", "sdh"),
    ],
)  # fmt: skip
def test_iso_639_1_2_and_3_codes_are_accepted_and_stored_as_one(typed: str, stored: str) -> None:
    assert codes.language_code(typed) == stored
    assert stored in codes.language_codes()


@pytest.mark.parametrize("typed", ["xx", "zzz", "und", "mul", "", "ro-RO", "bi n"])
def test_what_is_no_language_is_refused_without_an_error(typed: str) -> None:
    assert codes.language_code(typed) is None


def test_languages_are_named_in_the_readers_language_and_an_unnamed_one_by_its_code() -> None:
    assert codes.language_label("bin", "en") == "Bini"
    assert codes.language_label("prs", "en") == "Dari"  # fa_AF in CLDR
    assert codes.language_label("ckb", "uk") == "центральнокурдська"
    assert codes.language_label("pcm", "ar") == "البدجنية النيجيرية"
    assert codes.language_label("aaa", "en") == "aaa"  # Ghotuo: ISO 639-3, no name in CLDR
    assert codes.language_label("zzz", "en") == "zzz"
    assert codes.language_name("bin") == "bin"  # no CLDR locale of its own: the code, not UnknownLocaleError
    with translation.override("uk"):
        assert codes.language_label("uk") == "українська"
        assert codes.country_name("GR") == "Греція"


def test_a_country_is_found_by_its_name_in_the_readers_language_or_in_english() -> None:
    assert codes.country_from("Greece") == "GR"
    assert codes.country_from("Germany") == "DE"  # not Georgia
    assert codes.country_from("  gr ") == "GR"
    assert codes.country_from("Gree") is None
    with translation.override("ar"):
        assert codes.country_from("اليونان") == "GR"
        assert codes.country_from("Greece") == "GR"
    with translation.override("fr"):
        assert codes.country_from("grece") == "GR"  # accents and case do not count


def test_a_language_is_found_by_its_name_or_by_another_name_it_is_known_by() -> None:
    assert codes.language_from("Romanian") == "ro"
    assert codes.language_from("Edo") == "bin"
    assert codes.language_from("Bini") == "bin"
    assert codes.language_from("Sorani") == "ckb"
    assert codes.language_from("Dari") == "prs"
    with translation.override("uk"):
        assert codes.language_from("румунська") == "ro"


def test_a_near_miss_suggests_the_code_it_may_have_meant() -> None:
    assert codes.did_you_mean("country", "Gree").startswith("GR (Greece)")
    assert "GR (Greece)" in codes.did_you_mean("country", "Grece")
    assert codes.did_you_mean("country", "qqqqqq") == ""
    with translation.override("ar"):
        assert codes.did_you_mean("country", "اليونا").startswith("GR (اليونان)")
