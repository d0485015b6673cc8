"""Date inputs carry ISO 8601 values in every language: a browser shows nothing for `value="06.12.2026"` in an
`<input type="date">`, and a required date then fails although the person saw a filled form (core/forms.py
`IsoDateInput`, `IsoDateTimeInput`). Every date and date-time field of every app's forms is found and rendered in
French, Russian and Ukrainian (and the other staff languages)."""

from __future__ import annotations

import importlib
import inspect
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from lantern.core.forms import IsoDateInput, IsoDateTimeInput
from tests.conftest import World

LANGUAGES = ["fr", "ru", "uk", "es", "ar", "en"]
DAY = date(2026, 12, 6)
MOMENT = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)


def date_fields() -> list[tuple[str, str, forms.Field]]:
    """(form, field name, field) for every date or date-time field of a form class in lantern/<app>/forms.py."""
    found: list[tuple[str, str, forms.Field]] = []
    for path in sorted(Path(settings.PACKAGE_DIR).glob("*/forms.py")):
        module = importlib.import_module(f"lantern.{path.parent.name}.forms")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, forms.Form) or cls.__module__ != module.__name__:
                continue
            for field_name, field in cls.base_fields.items():
                if isinstance(field, forms.DateField | forms.DateTimeField):
                    found.append((f"{module.__name__}.{name}", field_name, field))
    return found


def test_the_scan_finds_the_date_fields() -> None:
    names = {f"{form}.{field}" for form, field, _ in date_fields()}
    assert "lantern.cases.forms.CaseForm.identified_on" in names
    assert "lantern.crisis.forms.MeasureForm.ends_on" in names
    assert "lantern.preparedness.forms.AssessmentForm.assessed_on" in names
    assert "lantern.justice.forms.HearingForm.starts_at" in names


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_date_input_is_iso_in_every_language(language: str) -> None:
    with translation.override(language), timezone.override("UTC"):
        for form, name, field in date_fields():
            if isinstance(field, forms.DateTimeField):
                assert isinstance(field.widget, IsoDateTimeInput), f"{form}.{name}"
                html = field.widget.render(name, field.prepare_value(MOMENT))
                assert 'type="datetime-local"' in html, f"{form}.{name}"
                assert 'value="2026-12-06T09:30"' in html, f"{form}.{name}: {html}"
            else:
                assert isinstance(field.widget, IsoDateInput), f"{form}.{name}"
                html = field.widget.render(name, field.prepare_value(DAY))
                assert 'type="date"' in html, f"{form}.{name}"
                assert 'value="2026-12-06"' in html, f"{form}.{name}: {html}"


@pytest.mark.parametrize(("language", "typed"), [("ru", "06.12.2026"), ("fr", "06/12/2026"), ("uk", "06.12.2026")])
def test_a_date_typed_in_the_language_format_comes_back_iso(language: str, typed: str) -> None:
    """A date typed by hand (a browser without a date picker) is read in the language's format and shown again
    in ISO, so the field is not blank when the form comes back with another field's error."""
    with translation.override(language):
        assert 'value="2026-12-06"' in IsoDateInput().render("day", typed)
        assert 'value="not a date"' in IsoDateInput().render("day", "not a date")


@pytest.mark.parametrize("language", ["fr", "ru", "uk"])
def test_the_registration_form_opens_with_today_in_iso(
    world: World, settings: object, language: str, time_machine: object
) -> None:
    time_machine.move_to(datetime(2026, 12, 6, 10, 0, tzinfo=UTC), tick=False)  # type: ignore[attr-defined]
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    client = Client()
    client.force_login(world.caseworker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # type: ignore[attr-defined]
    page = client.get("/cases/new/").content.decode()
    assert f'lang="{language}"' in page
    assert 'type="date" name="identified_on" value="2026-12-06"' in page
