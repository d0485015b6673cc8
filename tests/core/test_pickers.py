"""The country, language and region pickers of every form: a name in the reader's language or a code is accepted,
a near miss is refused with the code it may have meant, what was typed is shown again, and the page works without
JavaScript (a datalist of names) and with it (picker.js, served from core/static)."""

from __future__ import annotations

import pytest
from django import forms
from django.test import Client
from django.utils import translation

from lantern.cases.models import Case
from lantern.core import codes
from lantern.core.models import Organisation
from lantern.core.pickers import CodePickerField
from tests.cases.test_views import FORM
from tests.conftest import World


class PickerForm(forms.Form):
    country = CodePickerField(kind="country", required=False)
    citizenship = CodePickerField(kind="country", multiple=True, required=False)
    language = CodePickerField(kind="language", required=False)


def _clean(**data: str) -> forms.Form:
    form = PickerForm(data)
    form.is_valid()
    return form


def test_a_name_or_a_code_becomes_the_code() -> None:
    form = _clean(country="Greece", citizenship="Romania, md; UA", language="Edo")
    assert form.cleaned_data == {"country": "GR", "citizenship": ["RO", "MD", "UA"], "language": "bin"}
    assert _clean(country="Germany").cleaned_data["country"] == "DE"  # not "Ge", Georgia
    assert _clean(language="rum").cleaned_data["language"] == "ro"
    with translation.override("ar"):
        assert _clean(citizenship="اليونان، رومانيا").cleaned_data["citizenship"] == ["GR", "RO"]


@pytest.mark.parametrize("reader", ["en", "ar", "es", "fr", "ru", "uk"])
def test_each_language_is_offered_once_under_the_code_it_is_kept_by(reader: str) -> None:
    with translation.override(reader):
        choices = codes.language_choices()
        names = [choice.name.casefold() for choice in choices]
        assert len(names) == len(set(names))  # not Arabic as `ar` and again as `arb`
        offered = {choice.code for choice in choices}
        assert {"ar", "zh", "fa", "sq", "sw", "prs", "tw", "ak"} <= offered
        assert not {"arb", "cmn", "pes", "als", "swh"} & offered
        assert _clean(language=codes.language_label("ar")).cleaned_data["language"] == "ar"
        assert _clean(language=codes.language_label("zh")).cleaned_data["language"] == "zh"


def test_a_near_miss_is_refused_with_the_code_it_may_have_meant() -> None:
    form = _clean(country="Gree", language="Edoo")
    assert form.errors["country"] == ["“Gree” is not a country. Did you mean GR (Greece), GL (Greenland)?"]
    assert str(form.errors["language"][0]).startswith("“Edoo” is not a language. Did you mean bin (Bini)")
    assert str(_clean(country='=HYPERLINK("x")').errors["country"][0]).startswith("“=HYPERLINK")


def test_the_register_form_takes_names_and_keeps_a_wrong_one_as_typed(staff: dict[str, Client], clock: object) -> None:
    wrong = {**FORM, "citizenship": "Romania, Moldva", "exploitation_country": "Gree", "primary_language": "Edo"}
    html = staff["caseworker"].post("/cases/new/", wrong).content.decode()
    assert "Did you mean GR (Greece)" in html
    assert "Did you mean MD (Moldova)" in html
    assert 'value="Romania, Moldva"' in html
    assert 'value="Gree"' in html
    assert not Case.objects.exists()
    right = {**wrong, "citizenship": "Romania, Moldova", "exploitation_country": "Greece", "recruitment_country": "MD"}
    assert staff["caseworker"].post("/cases/new/", right).status_code == 302
    case = Case.objects.select_related("person").get()
    assert (case.person.citizenship, case.exploitation_country, case.person.primary_language) == (
        ["RO", "MD"],
        "GR",
        "bin",
    )


def test_the_form_offers_names_in_the_readers_language_and_the_script(staff: dict[str, Client]) -> None:
    client = staff["caseworker"]
    html = client.get("/cases/new/").content.decode()
    assert '<option value="Greece" data-code="GR">' in html
    assert 'data-code="bin" data-other-names="Edo"' in html
    assert 'data-picker="region" data-country-field="exploitation_country"' in html
    assert "/static/lantern/picker.js" in html
    assert '<option value="Greece" data-code="GR"></option>' in html  # the name alone, no code beside it
    assert 'data-other-names="Edo">Edo</option>' in html  # an English alias, to a reader of a Latin script
    client.post("/i18n/setlang/", {"language": "ar", "next": "/cases/new/"})
    arabic = client.get("/cases/new/").content.decode()
    assert '<option value="اليونان" data-code="GR"></option>' in arabic  # no Latin code in an Arabic list
    assert 'data-other-names="Edo"></option>' in arabic  # matched when typed, not shown


def test_regions_are_offered_from_the_countrys_known_regions(staff: dict[str, Client], world: World) -> None:
    Organisation.objects.filter(pk=world.ngo_b.pk).update(country="RO", region="Bucharest-Ilfov")
    html = staff["coordinator"].get("/crisis/").content.decode()
    assert '"GR": ["Attica"]' in html
    assert '"RO": ["Bucharest-Ilfov"]' in html


def test_the_api_refuses_a_wrong_code_with_a_suggestion(api_client: dict[str, Client]) -> None:
    body = {
        "person": {"citizenship": ["Gr", "Romnia"], "primary_language": "bin"},
        "context": {"exploitation_country": "Grece"},
        "consent_to_case_management": True,
    }
    response = api_client["caseworker"].post("/api/v1/cases", body, content_type="application/json")
    assert response.status_code == 422
    text = response.content.decode()
    assert "Not ISO 3166 country codes: ROMNIA. Did you mean RO (Romania)" in text
    assert "Did you mean GR (Greece)?" in text
    assert not Case.objects.exists()
    body = {
        "person": {"citizenship": ["gr"], "primary_language": "pcm", "other_languages": ["ger", "prs"]},
        "consent_to_case_management": True,
    }
    response = api_client["caseworker"].post("/api/v1/cases", body, content_type="application/json")
    assert response.status_code in (200, 201), response.content
    person = Case.objects.select_related("person").get().person
    assert (person.citizenship, person.primary_language, person.other_languages) == (["GR"], "pcm", ["de", "prs"])


@pytest.mark.parametrize("persona", ["outsider", "analyst"])
def test_the_pickers_reveal_no_case(staff: dict[str, Client], case: Case, persona: str) -> None:
    """The region lists come from organisations, crises and offers, never from a person's case."""
    Case.objects.filter(pk=case.pk).update(exploitation_region="Secret Farm Road")
    for url in ("/cases/new/", "/crisis/"):
        assert "Secret Farm Road" not in staff[persona].get(url).content.decode()


def test_hostile_input_is_shown_as_text_and_a_huge_one_refused(staff: dict[str, Client], world: World) -> None:
    Organisation.objects.filter(pk=world.ngo_b.pk).update(region="</script><script>alert(1)</script>")
    hostile = {**FORM, "citizenship": "<script>alert(2)</script>", "exploitation_country": '=HYPERLINK("x")'}
    html = staff["caseworker"].post("/cases/new/", hostile).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;” is not a country" in html
    assert "“=HYPERLINK(&quot;x&quot;)” is not a country" in html
    huge = staff["caseworker"].post("/cases/new/", {**FORM, "citizenship": "Greece, " * 200_000})
    assert huge.status_code in (200, 400, 413)
    assert not Case.objects.exists()
