"""Changing a case from its page, and the case page showing everything that was recorded, in words."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lantern.cases import services
from lantern.cases.models import Assessment, Case, Person
from lantern.core.models import AuditEvent
from lantern.providers.models import Offering
from lantern.referrals.services import referral_create
from tests.conftest import World

EDIT = {
    "first_name": "Maria",
    "second_name": "Popescu-Ionescu",
    "birth_date": "2004-05-17",
    "gender": "Feminine",
    "primary_language": "ro",
    "other_languages": "en",
    "citizenship": "RO",
    "contact_route": "messaging",
    "messaging": "Signal +40 721 000 111",
    "identified_on": "2026-02-16",
    "forms_of_exploitation": ["ForcedLabour"],
    "forced_labour_industry": "C",
    "recruitment_methods": ["ThroughOnlineSocialNetworks"],
    "recruitment_platforms": ["Facebook"],
    "recruitment_country": "RO",
    "exploitation_country": "GR",
    "exploitation_region": "Peloponnese",
    "crisis_circumstances": ["recruited_online_in_crisis", "lost_livelihood"],
    "risk_level": "high",
}


def test_the_edit_form_shows_the_case_as_recorded(staff: dict[str, Client], case: Case) -> None:
    response = staff["caseworker"].get(f"/cases/{case.reference}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Popescu"' in html
    assert 'value="2004-05-17"' in html  # an ISO value in a date input
    assert 'value="Signal +40 721 000 111"' in html
    assert AuditEvent.objects.filter(action="personal_data.read", object_id=case.reference).exists()


def test_a_change_is_saved_and_the_timeline_names_the_fields_not_the_values(
    staff: dict[str, Client], case: Case
) -> None:
    response = staff["caseworker"].post(f"/cases/{case.reference}/edit/", EDIT)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.person.second_name == "Popescu-Ionescu"
    assert case.forced_labour_industry == "C"
    assert case.assessments.get(kind=Assessment.Kind.RISK).risk_level == "high"
    entry = case.timeline.get(kind="update")
    assert entry.detail == {"fields": ["forced_labour_industry", "risk_level", "second_name"]}
    event = AuditEvent.objects.get(action="case.update", object_id=case.reference)
    assert "Ionescu" not in str(event.detail)
    # The name stays encrypted in the database; its index finds it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT second_name FROM cases_person WHERE id = %s", [case.person_id])
        (stored,) = cursor.fetchone()
    assert stored.startswith("v1:")
    assert Person.objects.get(pk=case.person_id).name_index == services.name_index("maria popescu ionescu")

    page = staff["caseworker"].get(f"/cases/{case.reference}/").content.decode()
    assert "Details changed: Family name, Industry (forced labour), Risk level" in page
    assert "Manufacturing" in page
    assert "High" in page


def test_a_wrong_answer_keeps_what_was_typed_and_changes_nothing(staff: dict[str, Client], case: Case) -> None:
    wrong = {**EDIT, "citizenship": "RO, XX", "identified_on": "2003-01-01"}
    response = staff["caseworker"].post(f"/cases/{case.reference}/edit/", wrong)
    assert response.status_code == 422
    html = response.content.decode()
    assert "“XX” is not a country" in html
    assert 'value="Popescu-Ionescu"' in html
    assert 'value="RO, XX"' in html
    case.refresh_from_db()
    assert case.person.second_name == "Popescu"
    assert not case.timeline.filter(kind="update").exists()


@pytest.mark.parametrize("persona", ["outsider", "police", "provider", "analyst"])
def test_others_cannot_open_or_change_the_case(staff: dict[str, Client], case: Case, persona: str) -> None:
    assert staff[persona].get(f"/cases/{case.reference}/edit/").status_code == 404
    response = staff[persona].post(f"/cases/{case.reference}/edit/", EDIT)
    assert response.status_code == 404
    assert "Maria" not in response.content.decode()
    case.refresh_from_db()
    assert case.person.second_name == "Popescu"


def test_the_case_page_shows_everything_in_words(
    staff: dict[str, Client], world: World, consented_case: Case, offers: dict[str, Offering]
) -> None:
    case = consented_case
    services.assessment_record(actor=world.caseworker, case=case, kind="risk", risk_level="medium")
    referral_create(
        actor=world.caseworker, case=case, recipient=world.legal_aid, service_type="legal_counselling",
        offering=offers["legal"],
    )  # fmt: skip
    services.case_refer_to_authority(
        actor=world.caseworker, case=case, referred_on=date(2026, 2, 20), consent_given=True
    )
    html = staff["caseworker"].get(f"/cases/{case.reference}/").content.decode()
    assert "2004-05-17 (21 years old)" in html  # the exact date and the age, not the age band
    assert "aged 21-23" not in html  # (the perpetrator form offers the bands as choices: not hers)
    assert "Romanian" in html
    assert "Romania" in html
    assert "Peloponnese, Greece" in html
    assert "→" not in html
    assert "Agriculture, forestry and fishing" in html  # the forced-labour industry (ISIC A)
    assert "Medium" in html  # the saved risk level
    assert "Athens Legal Aid Clinic" in html
    assert "Waiting for an answer" in html
    assert 'class="overdue"' in html  # reasonable grounds were due on 27 February; today is 2 March


def test_the_case_page_costs_the_same_number_of_queries_with_more_history(
    staff: dict[str, Client], world: World, consented_case: Case
) -> None:
    case = consented_case
    url = f"/cases/{case.reference}/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff["supervisor"].get(url).status_code == 200
        return len(captured)

    queries()  # the first request of a session reads what later ones find cached
    few = queries()
    for n in range(5):
        services.note_add(actor=world.caseworker, case=case, text=f"Call number {n}")
        services.assessment_record(actor=world.caseworker, case=case, kind="risk", risk_level="low")
    services.case_assign(actor=world.supervisor, case=case, assignee=world.supervisor)
    assert queries() == few


def test_hostile_text_is_kept_as_text(staff: dict[str, Client], case: Case) -> None:
    hostile = {**EDIT, "first_name": "<script>alert(1)</script>", "second_name": '=HYPERLINK("//x.example")'}
    assert staff["caseworker"].post(f"/cases/{case.reference}/edit/", hostile).status_code == 302
    html = staff["caseworker"].get(f"/cases/{case.reference}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    too_long = staff["caseworker"].post(f"/cases/{case.reference}/edit/", {**EDIT, "first_name": "x" * 100_000})
    assert too_long.status_code == 422
    case.refresh_from_db()
    assert case.person.first_name == "<script>alert(1)</script>"
