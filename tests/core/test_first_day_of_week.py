"""Weeks start on Monday in every language of the staff pages: the formats say so, the court calendar's week and the
weekly capacity of a service both begin on a Monday."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.formats import get_format

from lantern.justice.selectors import calendar_period
from lantern.providers.services import week_of


@pytest.mark.parametrize("lang", [code for code, _name in settings.LANGUAGES])
def test_every_language_starts_the_week_on_monday(lang: str) -> None:
    with translation.override(lang):
        assert get_format("FIRST_DAY_OF_WEEK") == 1


def test_the_calendar_and_the_weekly_capacity_start_on_monday() -> None:
    sunday = date(2026, 12, 6)
    assert week_of(sunday) == date(2026, 11, 30)
    first, last = calendar_period("week", sunday)
    assert (first, last) == (date(2026, 11, 30), date(2026, 12, 6))
    first, last = calendar_period("month", sunday)
    assert first.weekday() == 0
    assert last.weekday() == 6
