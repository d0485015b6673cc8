"""Dates as each reader writes them: British English in the English UI ("12 March 2025"), every other language its
own, and ISO 8601 wherever a machine reads them (date inputs, the API, exports) whatever the language."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django import forms
from django.utils import formats, translation

from lantern.crisis.forms import DATE
from lantern.notify import messages


def test_the_english_ui_writes_british_dates() -> None:
    with translation.override("en"):
        assert formats.date_format(date(2025, 3, 12)) == "12 March 2025"
        assert formats.date_format(date(2025, 3, 12), "SHORT_DATE_FORMAT") == "12/03/2025"
        assert formats.date_format(datetime(2025, 3, 12, 14, 5), "DATETIME_FORMAT") == "12 March 2025, 14:05"
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1


@pytest.mark.parametrize(
    ("code", "written"),
    [("fr", "12 mars 2025"), ("uk", "12 березня 2025 р."), ("es", "12 de marzo de 2025")],  # noqa: RUF001
)
def test_other_languages_keep_their_own_dates(code: str, written: str) -> None:
    with translation.override(code):
        assert formats.date_format(date(2025, 3, 12)) == written


class _Dated(forms.Form):
    on = forms.DateField(widget=DATE)


@pytest.mark.parametrize("code", ["en", "fr", "ar", "uk"])
def test_a_date_input_shows_and_reads_iso_dates_in_every_language(code: str) -> None:
    with translation.override(code):
        assert 'value="2025-03-12"' in str(_Dated(initial={"on": date(2025, 3, 12)})["on"])
        form = _Dated(data={"on": "2025-03-12"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["on"] == date(2025, 3, 12)


def test_a_date_typed_in_english_is_read_day_first() -> None:
    with translation.override("en"):
        form = _Dated(data={"on": "03/12/2025"})
        assert form.is_valid()
        assert form.cleaned_data["on"] == date(2025, 12, 3)


def test_a_message_in_english_writes_the_date_the_british_way() -> None:
    moment = datetime(2026, 4, 14, 7, 30, tzinfo=UTC)
    assert messages.when(moment, "en", "Europe/Athens") == "14 April 2026, 10:30"
    assert messages.when(moment, "fr", "Europe/Athens") == "14 avril 2026, 10:30"
