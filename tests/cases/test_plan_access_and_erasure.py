"""The free text of the assistance plan, the risk, the declines, non-punishment, removal, closure and return is
gone after an erasure or the retention job; only those who hold the case work on the plan (a first responder
registers the case but neither reads nor writes it); an alert that reaches nobody says so."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client

from lantern.cases import closure, non_punishment, plans, residence, returns
from lantern.cases import services as cases
from lantern.cases.models import Assessment, AssistancePlan, Case, MediatorAssignment, ServiceDeclined, TimelineEntry
from lantern.cases.validation import PersonData
from lantern.core import services as core
from lantern.core.models import Alert, OrganisationType
from lantern.core.roles import Role
from tests.conftest import World

TEXTS = {
    "objectives": "Objectives: a flat near Kallithea for Maria",
    "changes": "Review: Maria moved to her cousin Eleni",
    "decline": "Declined: Maria fears the clinic on Patision Street",
    "risk": "Risk: Kostas found her phone number",
    "safety": "Safety plan: she sleeps at the shelter on Acharnon 12",
    "grounds": "Grounds: Kostas made her sell goods during the lockdown",
    "addressed": "Addressed to: Kallithea magistrate Papadopoulos",
    "charge": "Charged by: Kallithea police station desk 3",
    "removal": "Removal ordered by: Amygdaleza detention centre",
    "override": "Override: Maria left for Larissa with her aunt",
    "reopen": "Reopened: Maria was found again in Patras",
    "return_risk": "Return risk: Kostas's brother lives in her village",
    "receiving_name": "Receiving: Father Ion of the parish in Iasi",
    "receiving_contact": "Contact: +40 744 000 111",
    "own_request": "Her request: I want to see my mother in Iasi",
    "safety_measures": "Safety measures: her aunt Elena meets her at Iasi station",
}

# Every free-text column of the new records (tests/core/test_text_columns.py COLUMNS): table, column, and how the
# row is found from the case id.
COLUMNS = [
    ("cases_assistanceplan", "objectives", "case_id = %s"),
    ("cases_planreview", "changes", "plan_id IN (SELECT id FROM cases_assistanceplan WHERE case_id = %s)"),
    ("cases_servicedeclined", "reason", "case_id = %s"),
    ("cases_assessment", "notes", "case_id = %s"),
    ("cases_assessment", "safety_plan", "case_id = %s"),
    ("cases_nonpunishmentrequest", "grounds", "charge_id IN (SELECT id FROM cases_charge WHERE case_id = %s)"),
    ("cases_nonpunishmentrequest", "addressed_to", "charge_id IN (SELECT id FROM cases_charge WHERE case_id = %s)"),
    ("cases_charge", "authority", "case_id = %s"),
    ("cases_removalrisk", "authority", "case_id = %s"),
    ("cases_closure", "override_reason", "case_id = %s"),
    ("cases_reopening", "reason", "case_id = %s"),
    ("cases_returnplan", "risk_reasons", "case_id = %s"),
    ("cases_returnplan", "receiving_name", "case_id = %s"),
    ("cases_returnplan", "receiving_contact", "case_id = %s"),
    ("cases_returnplan", "own_request_text", "case_id = %s"),
    ("cases_returnplan", "safety_measures", "case_id = %s"),
]


def _fill(world: World, case: Case) -> None:
    """Every text of the new records, written through the services as the caseworker and the supervisor do."""
    today = date(2026, 3, 2)
    plans.plan_write(actor=world.caseworker, case=case, objectives=TEXTS["objectives"])
    plans.plan_review(actor=world.caseworker, case=case, changes=TEXTS["changes"], reviewed_on=today)
    plans.service_decline(actor=world.caseworker, case=case, service_type="medical", reason=TEXTS["decline"])
    plans.risk_assess(
        actor=world.caseworker,
        case=case,
        risk_level="high",
        reasons=TEXTS["risk"],
        safety_plan=TEXTS["safety"],
        review_on=today + timedelta(days=7),
    )
    charge = non_punishment.charge_record(
        actor=world.caseworker,
        case=case,
        kind="fine",
        offence="lockdown",
        charged_on=date(2026, 2, 25),
        authority=TEXTS["charge"],
        amount=Decimal("300.00"),
        currency="EUR",
    )
    non_punishment.request_record(
        actor=world.caseworker,
        charge=charge,
        requested_on=today,
        addressed_to=TEXTS["addressed"],
        grounds=TEXTS["grounds"],
    )
    residence.removal_record(
        actor=world.caseworker, case=case, kind="detention", ordered_on=today, authority=TEXTS["removal"]
    )
    returns.return_plan(
        actor=world.supervisor,  # a return at high risk is planned by a supervisor, with the safety measures
        case=case,
        country="RO",
        planned_on=today + timedelta(days=30),
        risk_level="high",
        risk_reasons=TEXTS["return_risk"],
        safety_measures=TEXTS["safety_measures"],
        receiving_name=TEXTS["receiving_name"],
        receiving_contact=TEXTS["receiving_contact"],
        own_request=True,
        own_request_text=TEXTS["own_request"],
        removal_confirmed=True,  # she is detained: her own wish to go home, confirmed (a removal is never a return)
    )
    closure.case_close(actor=world.supervisor, case=case, code="lost_contact", override_reason=TEXTS["override"])
    closure.case_reopen(actor=world.caseworker, case=case, code="re_trafficked", reason=TEXTS["reopen"])
    closure.case_close(actor=world.supervisor, case=case, code="lost_contact", override_reason=TEXTS["override"])


def _raw(case: Case) -> list[tuple[str, str, Any]]:
    """The raw columns as the database holds them (encrypted or not): what is left in each, not decrypted."""
    left: list[tuple[str, str, Any]] = []
    with connection.cursor() as cursor:
        for table, column, where in COLUMNS:
            cursor.execute(f"SELECT {column} FROM {table} WHERE {where}", [case.pk])  # constants above
            rows = cursor.fetchall()
            assert rows, (table, column)  # the row stays (its codes and dates are statistics), its text goes
            left.extend((table, column, value) for (value,) in rows if value not in ("", None))
    return left


def _shows_nothing(world: World, case: Case, page: Client, api: Client) -> None:
    html = page.get(f"/cases/{case.reference}/").content.decode()
    plan = api.get(f"/api/v1/cases/{case.reference}/plan").content.decode()
    for text in TEXTS.values():
        assert text not in html, text
        assert json.dumps(text)[1:-1] not in plan, text


def test_an_erasure_blanks_every_text_of_the_new_records(
    world: World, case: Case, staff: dict[str, Client], api_client: dict[str, Client]
) -> None:
    _fill(world, case)
    assert len(_raw(case)) >= len(COLUMNS)  # all filled (and encrypted) before
    cases.case_erase(actor=world.supervisor, case=case, request_reference="ER-2026/3")
    assert _raw(case) == []
    _shows_nothing(world, case, staff["supervisor"], api_client["supervisor"])


def test_the_retention_job_blanks_them_too(
    world: World, case: Case, staff: dict[str, Client], api_client: dict[str, Client]
) -> None:
    _fill(world, case)
    assert cases.retention_apply(now=cases.timezone.now() + timedelta(days=6 * 365)) == 1
    case.refresh_from_db()
    assert case.anonymised_at is not None
    assert _raw(case) == []
    _shows_nothing(world, case, staff["supervisor"], api_client["supervisor"])


# --- A first responder and the plan -----------------------------------------------------------------------------


@pytest.fixture
def police_case(world: World, clock: object) -> Case:
    return cases.case_register(
        actor=world.police, organisation=world.police_unit, person=PersonData(first_name="Nadia")
    )


def test_a_first_responder_writes_nothing_of_the_plan_on_a_case_she_registered(world: World, police_case: Case) -> None:
    case, police = police_case, world.police
    attempts = [
        lambda: plans.plan_write(actor=police, case=case, objectives="Police plan"),
        lambda: plans.service_decline(actor=police, case=case, service_type="medical", reason="No"),
        lambda: plans.risk_assess(actor=police, case=case, risk_level="low", reasons="Calm"),
        lambda: plans.languages_record(actor=police, case=case, interview_language="ro"),
        lambda: plans.mediator_assign(actor=police, case=case, kind="interpreter", staff=police),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert plans.plan_record(police, case) is None
    assert not AssistancePlan.objects.exists()
    assert not ServiceDeclined.objects.exists()
    assert not Assessment.objects.exists()
    assert not MediatorAssignment.objects.exists()
    case.refresh_from_db()
    assert case.interview_language == ""


def test_the_api_refuses_the_police_before_writing_anything(
    world: World, police_case: Case, api_client: dict[str, Client]
) -> None:
    base = f"/api/v1/cases/{police_case.reference}"
    client = api_client["police"]
    for url, body in [
        (f"{base}/plan", {"objectives": "Police plan"}),
        (f"{base}/plan/agreement", {"how": "oral"}),
        (f"{base}/plan/actions", {"service_type": "medical"}),
        (f"{base}/plan/reviews", {"changes": "None"}),
        (f"{base}/declined", {"service_type": "medical", "reason": "No"}),
        (f"{base}/risk", {"risk_level": "low"}),
    ]:
        response = client.post(url, json.dumps(body), content_type="application/json")
        assert response.status_code == 403, (url, response.content)
    assert client.get(f"{base}/plan").status_code == 403
    assert not AssistancePlan.objects.exists()
    assert not Assessment.objects.exists()
    assert not TimelineEntry.objects.filter(case=police_case, kind__in=["plan_write", "plan_agree"]).exists()


def test_the_page_offers_the_police_no_plan_form_and_refuses_her_posts(
    world: World, police_case: Case, case: Case, staff: dict[str, Client]
) -> None:
    held = f"/cases/{case.reference}/"
    caseworker_page = staff["caseworker"].get(held).content.decode()
    for action in ("risk/", "plan/", "declined/", "mediators/", "languages/"):
        assert f'action="{held}{action}"' in caseworker_page, action  # those who hold the case have the forms
    url = f"/cases/{police_case.reference}/"
    client = staff["police"]
    page = client.get(url).content.decode()
    for action in ("risk/", "plan/", "declined/", "mediators/", "languages/"):
        assert f'action="{url}{action}"' not in page, action
    for action, body in [
        ("plan/", {"objectives": "Police plan"}),
        ("risk/", {"risk_level": "low", "notes": "", "safety_plan": "", "review_on": ""}),
        ("declined/", {"service_type": "medical", "declined_on": "2026-03-02", "reason": ""}),
        ("languages/", {"interview_language": "ro"}),
    ]:
        assert client.post(url + action, body).status_code == 404, action
    assert not AssistancePlan.objects.exists()
    assert not Assessment.objects.exists()


# --- Alerts that reach nobody -------------------------------------------------------------------------------------


def test_a_removal_on_a_police_held_case_says_nobody_can_be_alerted(
    world: World, police_case: Case, staff: dict[str, Client]
) -> None:
    url = f"/cases/{police_case.reference}/"
    client = staff["police"]
    body = {"kind": "detention", "ordered_on": "2026-03-02", "authority": "Amygdaleza", "scheduled_on": ""}
    response = client.post(url + "removal/", body, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    nobody = "Nobody in Attica Police Anti-Trafficking Unit can be alerted"
    assert nobody in page  # the message and the timeline
    assert "the caseworker and the supervisors are alerted" not in page
    assert not Alert.objects.exists()
    entry = TimelineEntry.objects.get(case=police_case, kind="removal_record")
    assert entry.detail["recipients"] == 0
    assert nobody in client.get(url).content.decode()  # the timeline keeps saying it


def test_a_removal_on_a_held_case_still_says_who_is_alerted(world: World, case: Case, staff: dict[str, Client]) -> None:
    body = {"kind": "detention", "ordered_on": "2026-03-02", "authority": "Amygdaleza", "scheduled_on": ""}
    page = staff["caseworker"].post(f"/cases/{case.reference}/removal/", body, follow=True).content.decode()
    assert "the caseworker and the supervisors are alerted" in page
    assert "can be alerted" not in page
    assert Alert.objects.exists()


def test_a_high_risk_where_there_is_no_supervisor_says_nobody_can_be_alerted(
    world: World, clock: object, settings: Any
) -> None:
    settings.LANTERN_REQUIRE_2FA = False
    unit = core.organisation_create(
        actor=None, name="Piraeus Outreach Team", type=OrganisationType.NGO, country="GR", region="Attica"
    )
    worker = core.user_create(actor=None, username="outreach", organisation=unit, role=Role.CASEWORKER, password=None)
    case = cases.case_register(actor=worker, organisation=unit, person=PersonData(first_name="Ana"))
    client = Client()
    client.force_login(worker)
    body = {"risk_level": "high", "notes": "", "safety_plan": "Escort.", "review_on": "2026-03-09"}
    page = client.post(f"/cases/{case.reference}/risk/", body, follow=True).content.decode()
    assert "Risk assessment recorded. Nobody in Piraeus Outreach Team can be alerted" in page
    assert TimelineEntry.objects.get(case=case, kind="high_risk_alert").detail["recipients"] == 0
    assert not Alert.objects.exists()
