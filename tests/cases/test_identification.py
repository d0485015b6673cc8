"""Identification by first responders: the checklist of indicators kept as data, filled in on a case at first
contact (pages and API), audited and on the timeline, shown to whoever decides as evidence, never as a score."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from lantern.cases import services as cases
from lantern.cases.identification import checklists, services
from lantern.cases.identification import selectors as identification
from lantern.cases.models import Case, IndicatorChecklist, IndicatorResponse, TimelineEntry
from lantern.cases.validation import ContextData, PersonData
from lantern.core.models import AuditEvent
from lantern.core.services import user_create
from tests.conftest import PASSWORD, World

STAFF_LANGUAGES = ("en", "fr", "es", "ar", "ru", "uk")
FORMS_AND_CHILDREN = {"general", "sexual", "labour", "criminality_begging", "domestic", "child"}
SEEN = {"gen_deceived": "yes", "gen_documents_held": "yes", "lab_guarded": "yes", "gen_violence": "no"}


@pytest.fixture
def police_case(world: World, clock: object) -> Case:
    """A woman the police unit met in a raid on a farm and registered itself, with her consent."""
    return cases.case_register(
        actor=world.police,
        organisation=world.police_unit,
        person=PersonData(first_name="Andreea", second_name="Stan", citizenship=["RO"]),
        context=ContextData(forms_of_exploitation=["ForcedLabour"]),
        identified_on=date(2026, 3, 1),
        consent_to_case_management=True,
    )


# --- The checklist as data ----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", sorted(checklists.versions()))
def test_every_indicator_and_section_has_its_label_in_every_language(version: str) -> None:
    checklist = checklists.versions()[version]
    assert {section.code for section in checklist.sections} == FORMS_AND_CHILDREN
    items: list[checklists.Section | checklists.Indicator] = [*checklist.sections, *checklist.indicators.values()]
    for item in items:
        for language in STAFF_LANGUAGES:
            assert item.labels[language].strip(), (item.code, language)
            if language != "en":
                assert item.labels[language] != item.labels["en"], (item.code, language)  # translated, not copied
    assert len(checklist.indicators) == sum(len(s.indicators) for s in checklist.sections)  # codes are unique


def test_a_checklist_file_without_a_translation_or_with_a_code_twice_is_refused() -> None:
    labels = {language: f"label {language}" for language in STAFF_LANGUAGES}
    section = {"code": "general", "label": labels, "indicators": [{"code": "gen_a", "label": labels}]}
    assert checklists.parse({"version": "9", "title": labels, "sections": [section]}).version == "9"
    no_ukrainian = {k: v for k, v in labels.items() if k != "uk"}
    broken = {**section, "indicators": [{"code": "gen_a", "label": no_ukrainian}]}
    with pytest.raises(checklists.ChecklistFileError, match="no label in uk"):
        checklists.parse({"version": "9", "title": labels, "sections": [broken]})
    twice = {**section, "indicators": [{"code": "gen_a", "label": labels}, {"code": "gen_a", "label": labels}]}
    with pytest.raises(checklists.ChecklistFileError, match="twice"):
        checklists.parse({"version": "9", "title": labels, "sections": [twice]})


def test_labels_are_shown_in_the_readers_language() -> None:
    indicator = checklists.current().indicators["gen_documents_held"]
    with translation.override("ar"):
        assert indicator.label() == indicator.labels["ar"]
    with translation.override("uk"):
        assert "документ" in indicator.label().lower()
    assert indicator.label("de") == indicator.labels["en"]  # a language the file does not have: English


# --- Recording ----------------------------------------------------------------------------------------------


def test_a_police_first_responder_records_what_she_observed_on_her_case(world: World, police_case: Case) -> None:
    record = services.checklist_record(actor=world.police, case=police_case, answers=SEEN, observed_on=date(2026, 3, 1))
    answers = dict(IndicatorResponse.objects.filter(checklist=record).values_list("code", "answer"))
    assert set(answers) == set(checklists.current().indicators)  # every indicator, the rest not known
    assert answers["gen_deceived"] == "yes"
    assert answers["gen_violence"] == "no"
    assert answers["chi_missing"] == "unknown"
    assert (record.filled_by, record.organisation, record.version) == (world.police, world.police_unit, "1")
    entry = TimelineEntry.objects.get(case=police_case, kind="indicators_record")
    assert entry.actor == world.police
    assert entry.label == "Indicators of trafficking recorded"
    event = AuditEvent.objects.get(action="case.indicators_record")
    assert (event.actor_id, event.object_id) == (world.police.pk, police_case.reference)
    assert event.detail == {"checklist": record.pk, "version": "1"}  # codes and ids, no answers, no names


def test_the_summary_says_which_indicators_were_observed_and_adds_nothing_up(world: World, police_case: Case) -> None:
    services.checklist_record(actor=world.police, case=police_case, answers=SEEN, observed_on=date(2026, 3, 1))
    with translation.override("ar"):
        [summary] = identification.case_indicator_checklists(user=world.police, case=police_case)
    general = next(s for s in summary.sections if s.code == "general")
    labels = checklists.current().indicators
    assert general.observed == [labels["gen_deceived"].labels["ar"], labels["gen_documents_held"].labels["ar"]]
    assert general.not_observed == 1
    labour = next(s for s in summary.sections if s.code == "labour")
    assert labour.observed == [labels["lab_guarded"].labels["ar"]]
    assert not any(hasattr(summary, name) for name in ("score", "total", "threshold", "result"))


@pytest.mark.parametrize(
    ("answers", "observed_on", "field"),
    [
        ({"gen_deceived": "yes", '=HYPERLINK("x")': "yes"}, date(2026, 3, 1), "answers"),
        ({"gen_deceived": "maybe"}, date(2026, 3, 1), "answers"),
        ({"gen_deceived": "unknown"}, date(2026, 3, 1), "answers"),
        ({}, date(2026, 3, 1), "answers"),
        (SEEN, date(2026, 3, 9), "observed_on"),  # the future
        (SEEN, date(2026, 2, 27), "observed_on"),  # before the case was identified
    ],
)
def test_a_wrong_answer_is_named_and_nothing_is_written(
    world: World, police_case: Case, answers: dict[str, str], observed_on: date, field: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        services.checklist_record(actor=world.police, case=police_case, answers=answers, observed_on=observed_on)
    assert field in raised.value.message_dict
    assert not IndicatorChecklist.objects.exists()
    assert not IndicatorResponse.objects.exists()
    assert not AuditEvent.objects.filter(action="case.indicators_record").exists()
    assert not TimelineEntry.objects.filter(kind="indicators_record").exists()


@pytest.mark.parametrize("persona", ["provider", "outsider", "analyst", "coordinator", "prosecutor", "caseworker"])
def test_only_those_who_work_on_the_case_record_or_read_the_checklist(
    world: World, police_case: Case, persona: str
) -> None:
    """A service provider, another organisation, the national roles and an NGO's caseworker are refused on a case
    the police registered; reading answers 404, as for the case."""
    user = world.users[persona]
    with pytest.raises(PermissionDenied):
        services.checklist_record(actor=user, case=police_case, answers=SEEN)
    with pytest.raises(Http404):
        identification.case_indicator_checklists(user=user, case=police_case)


def test_a_colleague_of_the_same_unit_does_not_see_a_case_she_did_not_register(world: World, police_case: Case) -> None:
    colleague = user_create(actor=None, username="police2", organisation=world.police_unit,
                            role="first_responder", password=PASSWORD)  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.checklist_record(actor=colleague, case=police_case, answers=SEEN)


def test_the_caseworker_and_supervisor_of_the_organisation_record_on_its_cases(world: World, case: Case) -> None:
    services.checklist_record(actor=world.caseworker, case=case, answers={"sex_advertised": "yes"})
    services.checklist_record(actor=world.supervisor, case=case, answers={"sex_advertised": "no"})
    assert [len(s.sections) for s in identification.case_indicator_checklists(user=world.supervisor, case=case)] == [
        6,
        6,
    ]


# --- The API ------------------------------------------------------------------------------------------------


def test_the_api_records_and_lists_checklists(world: World, police_case: Case, api_client: dict[str, Client]) -> None:
    url = f"/api/v1/cases/{police_case.reference}/indicators"
    body = json.dumps({"answers": SEEN, "observed_on": "2026-03-01"})
    response = api_client["police"].post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["answers"]["gen_deceived"] == "yes"
    assert created["filled_by"] == "police"
    listed = api_client["police"].get(url, HTTP_ACCEPT_LANGUAGE="fr").json()
    general = next(s for s in listed[0]["sections"] if s["code"] == "general")
    assert general["label"] == "Indicateurs généraux"
    assert "A été trompé(e) sur le travail, la rémunération ou les conditions" in general["observed"]
    assert "score" not in json.dumps(listed)
    assert AuditEvent.objects.filter(action="personal_data.read", detail__fields=["indicators"]).exists()


@pytest.mark.parametrize("persona", ["provider", "outsider", "caseworker"])
def test_the_api_answers_404_to_those_who_may_not_see_the_case(
    world: World, police_case: Case, api_client: dict[str, Client], persona: str
) -> None:
    url = f"/api/v1/cases/{police_case.reference}/indicators"
    assert api_client[persona].get(url).status_code == 404
    body = json.dumps({"answers": SEEN})
    assert api_client[persona].post(url, body, content_type="application/json").status_code == 404
    assert not IndicatorChecklist.objects.exists()


def test_a_wrong_answer_in_the_api_is_a_problem_naming_the_field(
    world: World, police_case: Case, api_client: dict[str, Client]
) -> None:
    url = f"/api/v1/cases/{police_case.reference}/indicators"
    body = json.dumps({"answers": {"<script>alert(1)</script>": "yes"}})
    response = api_client["police"].post(url, body, content_type="application/json")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert "answers" in response.content.decode()
    assert not IndicatorChecklist.objects.exists()


def test_the_checklist_definition_is_read_in_the_requests_language(api_client: dict[str, Client]) -> None:
    document = api_client["police"].get("/api/v1/indicator-checklist", HTTP_ACCEPT_LANGUAGE="uk").json()
    assert document["version"] == "1"
    assert document["sections"][0]["label"] == "Загальні ознаки"
    assert api_client["anonymous"].get("/api/v1/indicator-checklist").status_code == 401


def test_a_session_without_the_csrf_token_cannot_record(
    world: World, police_case: Case, settings: pytest.FixtureRequest
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.police)
    url = f"/api/v1/cases/{police_case.reference}/indicators"
    response = client.post(url, json.dumps({"answers": SEEN}), content_type="application/json")
    assert response.status_code in (401, 403)
    assert not IndicatorChecklist.objects.exists()


# --- The pages ----------------------------------------------------------------------------------------------


def _checked(html: str, name: str, value: str) -> bool:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*value="{value}"[^>]*>', html)
    assert tag is not None, (name, value)
    return "checked" in tag.group(0)


def test_the_page_keeps_what_was_typed_when_a_field_is_wrong_and_the_case_page_shows_the_evidence(
    world: World, police_case: Case, staff: dict[str, Client]
) -> None:
    url = f"/cases/{police_case.reference}/indicators/"
    client = staff["police"]
    assert client.get(url).status_code == 200
    form = {"observed_on": "2026-03-09", "indicator_gen_deceived": "yes", "indicator_lab_guarded": "no"}
    response = client.post(url, form)
    html = response.content.decode()
    assert response.status_code == 422
    assert "The date is in the future." in html
    assert 'value="2026-03-09"' in html
    assert _checked(html, "indicator_gen_deceived", "yes")
    assert _checked(html, "indicator_lab_guarded", "no")
    assert not _checked(html, "indicator_gen_deceived", "unknown")
    assert not IndicatorChecklist.objects.exists()
    response = client.post(url, {**form, "observed_on": "2026-03-01"})
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{police_case.reference}/"
    page = client.get(response["Location"]).content.decode()
    assert "Indicators of trafficking" in page
    assert "Was deceived about the work, the pay or the conditions" in page
    assert "there is no threshold" in page
    assert "The workplace or the housing is guarded or locked" not in page  # not observed: not listed


def test_nobody_else_opens_the_checklist_page(world: World, police_case: Case, staff: dict[str, Client]) -> None:
    for persona in ("provider", "outsider", "caseworker", "analyst"):
        response = staff[persona].get(f"/cases/{police_case.reference}/indicators/")
        assert response.status_code == 404, persona
        assert "Andreea" not in response.content.decode()


def test_reading_the_checklists_of_a_case_costs_the_same_queries_however_many_there_are(
    world: World, police_case: Case
) -> None:
    services.checklist_record(actor=world.police, case=police_case, answers=SEEN, observed_on=date(2026, 3, 1))
    with CaptureQueriesContext(connection) as one:
        identification.case_indicator_checklists(user=world.police, case=police_case)
    for _ in range(3):
        services.checklist_record(actor=world.police, case=police_case, answers=SEEN, observed_on=date(2026, 3, 2))
    with CaptureQueriesContext(connection) as four:
        summaries = identification.case_indicator_checklists(user=world.police, case=police_case)
    assert len(summaries) == 4
    assert len(four) == len(one)
