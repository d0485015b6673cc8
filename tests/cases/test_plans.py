"""Assistance planned with the person (cases/plans.py): the individual assistance plan with its actions, agreement
and reviews; the services she declines and the minimum package; the risk assessment with its safety plan, the
alert and the referral priority it raises; mediators, interpreters and the languages of the procedure."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from lantern.cases import closure, plans
from lantern.cases import demo as cases_demo
from lantern.cases import services as cases
from lantern.cases.models import AssistancePlan, Case, MediatorAssignment, PlanAction, ServiceDeclined, TimelineEntry
from lantern.cases.validation import PersonData
from lantern.core.demo import load_demo
from lantern.core.models import Alert, AuditEvent
from lantern.crisis import services as crisis
from lantern.crisis.selectors import minimum_package
from lantern.providers.services import offering_save
from lantern.referrals import selectors as referral_selectors
from lantern.referrals import services as referrals
from lantern.referrals.selectors import cases_missing_package, missing_services
from tests.conftest import World


def _plan(world: World, case: Case) -> AssistancePlan:
    plan = plans.plan_write(
        actor=world.caseworker,
        case=case,
        objectives="A safe place to live; to see a doctor; to learn Greek.",
        next_review_on=date(2026, 4, 1),
    )
    plans.plan_action_add(
        actor=world.caseworker, case=case, service_type="safe_accommodation", planned_end=date(2026, 3, 10)
    )
    plans.plan_action_add(actor=world.caseworker, case=case, service_type="medical", planned_end=date(2026, 3, 20))
    return plan


# --- The plan ---------------------------------------------------------------------------------------------------


def test_a_plan_is_a_draft_until_the_person_agrees_and_a_review_keeps_the_agreement(world: World, case: Case) -> None:
    plan = _plan(world, case)
    assert plan.is_draft
    plans.mediator_assign(
        actor=world.caseworker, case=case, kind="interpreter", staff=world.supervisor, from_on=date(2026, 3, 1)
    )
    plans.plan_agree(actor=world.caseworker, case=case, how="interpreter", agreed_on=date(2026, 3, 1))
    plan.refresh_from_db()
    assert (plan.is_draft, plan.agreed_on, plan.agreed_how) == (False, date(2026, 3, 1), "interpreter")
    review = plans.plan_review(
        actor=world.caseworker,
        case=case,
        changes="Accommodation found; the doctor's visit moved.",
        reviewed_on=date(2026, 3, 2),
        next_review_on=date(2026, 5, 1),
    )
    plan.refresh_from_db()
    assert (plan.next_review_on, plan.is_draft, review.reviewed_by) == (date(2026, 5, 1), False, world.caseworker)
    action = plan.actions.get(service_type="safe_accommodation")
    plans.plan_action_update(actor=world.caseworker, action=action, status="done", actual_end=date(2026, 3, 2))
    action.refresh_from_db()
    assert (action.status, action.actual_end) == ("done", date(2026, 3, 2))
    kinds = set(TimelineEntry.objects.filter(case=case).values_list("kind", flat=True))
    assert {"plan_write", "plan_action", "plan_agree", "plan_review"} <= kinds
    assert AuditEvent.objects.filter(action="case.plan_agree", object_id=case.reference).exists()
    # Changing the objectives makes it a draft again: the person agrees to what the plan says now.
    plans.plan_write(actor=world.caseworker, case=case, objectives="Also: vocational training.")
    plan.refresh_from_db()
    assert plan.is_draft
    # The needs stay the needs assessment's.
    cases.assessment_record(actor=world.caseworker, case=case, kind="needs", needs=["medical"])
    case.refresh_from_db()
    assert case.needs == ["medical"]
    assert AssistancePlan.objects.get(case=case).objectives == "Also: vocational training."


def test_the_plan_refuses_what_is_wrong(world: World, case: Case) -> None:
    with pytest.raises(ValidationError) as refused:
        plans.plan_action_add(actor=world.caseworker, case=case, service_type="medical")
    assert "plan" in refused.value.message_dict  # no plan yet
    with pytest.raises(ValidationError) as refused:
        plans.plan_write(actor=world.caseworker, case=case, objectives="\u200b ")
    assert "objectives" in refused.value.message_dict
    plans.plan_write(actor=world.caseworker, case=case, objectives="Safety first.")
    with pytest.raises(ValidationError) as refused:
        plans.plan_agree(actor=world.caseworker, case=case, how="signed")
    assert "plan" in refused.value.message_dict  # no action to agree to
    with pytest.raises(ValidationError) as refused:
        plans.plan_action_add(actor=world.caseworker, case=case, service_type="spa_day", planned_end=date(2099, 1, 1))
    assert set(refused.value.message_dict) == {"service_type", "planned_end"}
    plans.plan_action_add(actor=world.caseworker, case=case, service_type="medical")
    with pytest.raises(ValidationError) as refused:
        plans.plan_agree(actor=world.caseworker, case=case, how="nodded")
    assert "agreed_how" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        plans.plan_agree(actor=world.caseworker, case=case, how="signed", agreed_on=date(2026, 12, 1))
    assert "agreed_on" in refused.value.message_dict  # in the future
    with pytest.raises(ValidationError) as refused:
        plans.plan_review(
            actor=world.caseworker, case=case, changes="", reviewed_on=date(2026, 3, 2), next_review_on=date(2026, 3, 1)
        )
    assert set(refused.value.message_dict) == {"changes", "next_review_on"}
    action = PlanAction.objects.get()
    # An end date sent with a status that has no end (a form filled in before) is left aside, not refused.
    plans.plan_action_update(actor=world.caseworker, action=action, status="planned", actual_end=date(2026, 3, 1))
    assert PlanAction.objects.get().actual_end is None
    with pytest.raises(ValidationError):
        plans.plan_action_update(actor=world.caseworker, action=action, status="finished")
    assert PlanAction.objects.get().status == "planned"


def test_only_those_holding_the_case_write_its_plan(world: World, case: Case) -> None:
    for persona in ("outsider", "provider", "analyst", "police", "coordinator"):
        with pytest.raises(PermissionDenied):
            plans.plan_write(actor=world.users[persona], case=case, objectives="Not mine.")
    plans.plan_write(actor=world.supervisor, case=case, objectives="The supervisor may write it too.")
    assert AssistancePlan.objects.count() == 1
    for persona in ("outsider", "provider", "analyst", "police", "coordinator", "authority_member"):
        assert plans.plan_record(world.users[persona], case) is None, persona
    assert plans.plan_record(world.caseworker, case) is not None


def test_a_closed_case_takes_no_plan(world: World, case: Case) -> None:
    closure.case_close(
        actor=world.supervisor, case=case, reason="Moved abroad", override_reason="She left the programme."
    )
    with pytest.raises(ValidationError):
        plans.plan_write(actor=world.caseworker, case=case, objectives="Too late.")
    assert not AssistancePlan.objects.exists()


# --- Declining a service and the minimum package -------------------------------------------------------------


def test_declining_a_service_is_recorded_once_with_its_reason_encrypted(world: World, case: Case) -> None:
    declined = plans.service_decline(
        actor=world.caseworker, case=case, service_type="psychological", reason="She has her own therapist."
    )
    assert declined.declined_on == date(2026, 3, 2)
    with pytest.raises(ValidationError) as refused:
        plans.service_decline(actor=world.caseworker, case=case, service_type="psychological")
    assert "service_type" in refused.value.message_dict
    with pytest.raises(ValidationError):
        plans.service_decline(actor=world.caseworker, case=case, service_type="massage")
    with pytest.raises(PermissionDenied):
        plans.service_decline(actor=world.outsider, case=case, service_type="medical")
    assert ServiceDeclined.objects.count() == 1
    event = AuditEvent.objects.get(action="case.service_decline")
    assert "therapist" not in str(event.detail)
    plans.service_decline_withdraw(actor=world.caseworker, declined=declined)
    with pytest.raises(ValidationError):
        plans.service_decline_withdraw(actor=world.caseworker, declined=declined)
    plans.service_decline(actor=world.caseworker, case=case, service_type="psychological")  # she may decline again
    assert list(plans.declined_services(case).values_list("service_type", flat=True)) == ["psychological"]


def test_an_open_case_lacks_interpretation_only_when_needed_and_not_declined(world: World, case: Case) -> None:
    crisis.crisis_declare(
        actor=world.coordinator, name="Pandemic", kind="pandemic", country="GR", starts_on=date(2026, 2, 1)
    )
    needs_one = cases.case_register(
        actor=world.caseworker,
        organisation=world.ngo_a,
        person=PersonData(first_name="Olena", primary_language="uk", interpreter_needed=True),
        identified_on=date(2026, 2, 16),
        consent_to_case_management=True,
    )
    _listed, due = cases_missing_package(world.supervisor)
    assert "interpretation" in due
    assert "interpretation" not in missing_services(case, due)  # Maria needs no interpreter
    assert "interpretation" in missing_services(needs_one, due)
    both = {
        c.reference: referral_selectors.missing_of(c)
        for c in referral_selectors.package_missing_list(world.supervisor)[0]
    }
    assert "interpretation" not in both[case.reference]
    assert "interpretation" in both[needs_one.reference]

    plans.service_decline(actor=world.caseworker, case=needs_one, service_type="interpretation")
    assert "interpretation" not in missing_services(needs_one, due)
    both = {
        c.reference: referral_selectors.missing_of(c)
        for c in referral_selectors.package_missing_list(world.supervisor)[0]
    }
    assert "interpretation" not in both[needs_one.reference]
    assert "medical" in both[needs_one.reference]  # only what she declined stops being flagged


# --- Risk, safety plan, alert, referral priority ------------------------------------------------------------------


def test_a_high_risk_with_its_safety_plan_alerts_the_supervisors_without_the_name(world: World, case: Case) -> None:
    with pytest.raises(ValidationError) as refused:
        plans.risk_assess(actor=world.caseworker, case=case, risk_level="extreme")
    assert "risk_level" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        plans.risk_assess(actor=world.provider, case=case, risk_level="low")
    assert not Alert.objects.exists()
    assessment = plans.risk_assess(
        actor=world.caseworker,
        case=case,
        risk_level="high",
        reasons="The recruiter called her.",
        safety_plan="New phone number; escorted to appointments.",
        review_on=date(2026, 3, 9),
    )
    assert assessment.safety_plan.startswith("New phone")
    alert = Alert.objects.get()
    assert alert.recipient == world.supervisor
    assert case.reference in alert.text
    assert "read its safety plan" in alert.text
    assert "Maria" not in alert.text
    assert "Popescu" not in alert.text
    event = AuditEvent.objects.filter(action="case.assessment").order_by("pk").last()
    assert event is not None
    assert "recruiter" not in str(event.detail)
    assert plans.is_high_risk(case)
    record = plans.plan_record(world.caseworker, case, today=date(2026, 3, 10))
    assert record is not None
    assert record.safety_review_overdue


def test_referrals_for_a_case_at_high_risk_come_first_in_the_providers_inbox(
    world: World, consented_case: Case, offers: dict
) -> None:
    others = cases.case_register(
        actor=world.caseworker, organisation=world.ngo_a, person=PersonData(first_name="Ana"),
        consent_to_case_management=True,
    )  # fmt: skip
    cases.consent_give(actor=world.caseworker, case=others, purpose="referral", recipient=world.legal_aid)
    first = referrals.referral_create(
        actor=world.caseworker, case=others, recipient=world.legal_aid, service_type="legal_counselling"
    )
    plans.risk_assess(
        actor=world.caseworker,
        case=consented_case,
        risk_level="high",
        safety_plan="Escort.",
        review_on=date(2026, 3, 9),
    )
    urgent = referrals.referral_create(
        actor=world.caseworker, case=consented_case, recipient=world.legal_aid, service_type="legal_counselling"
    )
    assert (first.urgency, urgent.urgency) == ("routine", "emergency")
    assert [r.pk for r in referral_selectors.inbox(world.provider)][:2] == [urgent.pk, first.pk]


# --- Mediators and languages ------------------------------------------------------------------------------------


def test_a_mediator_comes_from_the_directory_or_the_staff(world: World, case: Case) -> None:
    offering_save(
        actor=None, organisation=world.legal_aid, service_type="interpretation", regions=["Attica"],
        languages=["ro", "el"], delivery_modes=["in_person"], weekly_capacity=5,
    )  # fmt: skip
    plans.mediator_assign(
        actor=world.caseworker, case=case, kind="interpreter", organisation=world.legal_aid, language="ro"
    )
    plans.mediator_assign(
        actor=world.caseworker, case=case, kind="mediator", staff=world.supervisor, from_on=date(2026, 3, 1)
    )
    with pytest.raises(ValidationError) as refused:
        plans.mediator_assign(actor=world.caseworker, case=case, kind="interpreter", organisation=world.prosecution)
    assert "organisation" in refused.value.message_dict  # offers no interpretation
    with pytest.raises(ValidationError) as refused:
        plans.mediator_assign(actor=world.caseworker, case=case, kind="mediator", staff=world.outsider)
    assert "staff" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        plans.mediator_assign(actor=world.caseworker, case=case, kind="interpreter")
    assert "organisation" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        plans.mediator_assign(
            actor=world.caseworker, case=case, kind="mediator", staff=world.supervisor,
            from_on=date(2026, 3, 2), to_on=date(2026, 3, 1), language="xx",
        )  # fmt: skip
    assert set(refused.value.message_dict) == {"to_on", "language"}
    assert MediatorAssignment.objects.count() == 2
    plans.languages_record(actor=world.caseworker, case=case, consent_language="ro", interview_language="ro")
    case.refresh_from_db()
    assert (case.consent_language, case.interview_language, case.decisions_language) == ("ro", "ro", "")
    with pytest.raises(ValidationError):
        plans.languages_record(actor=world.caseworker, case=case, decisions_language="klingon")


# --- Pages --------------------------------------------------------------------------------------------------------


def test_the_pages_write_a_plan_step_by_step(staff: dict[str, Client], world: World, case: Case) -> None:
    client, url = staff["caseworker"], f"/cases/{case.reference}/"
    assert (
        client.post(url + "plan/", {"objectives": "Safety; health.", "next_review_on": "2026-04-01"}).status_code == 302
    )
    assert (
        client.post(url + "plan/actions/", {"service_type": "medical", "planned_end": "2026-03-20"}).status_code == 302
    )
    assert client.post(url + "plan/actions/", {"service_type": "legal_aid", "planned_end": ""}).status_code == 302
    agree = {"agreed_how": "oral", "agreed_on": "2026-03-02"}
    assert client.post(url + "plan/agreement/", agree).status_code == 302
    decline = {"service_type": "psychological", "declined_on": "2026-03-02", "reason": ""}
    assert client.post(url + "declined/", decline).status_code == 302
    risk = {"risk_level": "high", "notes": "Threats.", "safety_plan": "Change of address.", "review_on": "2026-03-01"}
    assert client.post(url + "risk/", risk).status_code == 302
    page = client.get(url).content.decode()
    assert 'Agreed with the person on <time datetime="2026-03-02">2026-03-02</time> (Agreed orally).' in page
    assert "Medical care" in page
    assert "Legal aid" in page
    assert "Change of address." in page
    assert "Psychological support" in page
    assert 'class="overdue"><time datetime="2026-03-01">2026-03-01</time> · overdue' in page  # review is past
    # A wrong form keeps what was typed.
    response = client.post(
        url + "plan/reviews/", {"reviewed_on": "2026-03-02", "changes": "", "next_review_on": "2026"}
    )
    assert response.status_code == 422
    assert 'value="2026"' in response.content.decode()
    # Another organisation is told nothing; a provider cannot read the plan.
    assert staff["outsider"].get(url).status_code == 404
    assert staff["outsider"].post(url + "plan/", {"objectives": "Not mine."}).status_code == 404
    assert AssistancePlan.objects.get().objectives == "Safety; health."
    assert staff["provider"].get(url).status_code in (403, 404)


def test_the_supervisor_reads_and_writes_the_plan(staff: dict[str, Client], world: World, case: Case) -> None:
    url = f"/cases/{case.reference}/"
    assert staff["supervisor"].post(url + "plan/", {"objectives": "From the supervisor."}).status_code == 302
    assert "From the supervisor." in staff["supervisor"].get(url).content.decode()


@pytest.mark.django_db
def test_the_demo_shows_a_plan_reviewed_with_the_person_and_a_high_risk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_demo(tmp_path / "demo-credentials.txt")
    monkeypatch.setattr(cases_demo, "SYNTHETIC_CASES", 20)
    cases_demo.load()
    plan = AssistancePlan.objects.get(case__created_by__username="caseworker")
    assert plan.agreed_how == "interpreter"
    assert not plan.is_draft
    assert plan.reviews.count() == 1
    assert plan.actions.count() == 3
    declined = list(plans.declined_services(plan.case).values_list("service_type", flat=True))
    assert declined == ["remote_psychosocial"]
    every_item_due = {item.service_type: date.max for item in minimum_package()}  # as if every deadline had passed
    assert "remote_psychosocial" not in missing_services(plan.case, every_item_due)  # declined, so not flagged
    assert "medical" in missing_services(plan.case, every_item_due)
    assert plans.is_high_risk(plan.case)
    assert plan.case.assessments.filter(kind="risk").get().safety_plan


# --- The API --------------------------------------------------------------------------------------------------------


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_api_writes_and_reads_the_plan_for_those_holding_the_case(
    api_client: dict[str, Client], world: World, case: Case
) -> None:
    base = f"/api/v1/cases/{case.reference}"
    client = api_client["caseworker"]
    assert _post(client, f"{base}/plan/actions", {"service_type": "medical"}).status_code == 422  # no plan yet
    assert _post(client, f"{base}/plan", {"objectives": "A safe place."}).status_code == 200
    assert _post(client, f"{base}/plan/actions", {"service_type": "medical"}).status_code == 201
    assert _post(client, f"{base}/plan/actions", {"service_type": "spa"}).status_code == 422
    agreed = _post(client, f"{base}/plan/agreement", {"how": "signed"})
    assert agreed.status_code == 200
    assert agreed.json()["plan"]["draft"] is False
    assert _post(client, f"{base}/declined", {"service_type": "psychological", "reason": "Not now."}).status_code == 201
    # The risk first, the safety plan after: missing until it is written.
    assert _post(client, f"{base}/risk", {"risk_level": "high"}).status_code == 201
    assert client.get(f"{base}/plan").json()["safety_plan_missing"] is True
    refused = _post(client, f"{base}/safety-plan", {"safety_plan": "Escort.", "review_on": "2099-01-01"})
    assert refused.status_code == 422
    assert refused["Content-Type"].startswith("application/problem+json")
    body = {"safety_plan": "Escort.", "review_on": "2026-03-09"}
    assert _post(client, f"{base}/safety-plan", body).status_code == 200
    record = client.get(f"{base}/plan").json()
    assert record["risk"]["safety_plan"] == "Escort."
    assert record["safety_plan_missing"] is False
    assert [d["service_type"] for d in record["declined"]] == ["psychological"]
    for persona in ("outsider", "provider", "analyst", "police", "authority_member"):
        assert api_client[persona].get(f"{base}/plan").status_code in (403, 404), persona


def test_a_session_without_the_csrf_token_cannot_write_a_plan(world: World, case: Case, settings: object) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.caseworker)
    response = _post(client, f"/api/v1/cases/{case.reference}/plan", {"objectives": "A safe place."})
    assert response.status_code in (401, 403)
    assert not AssistancePlan.objects.exists()


def test_declining_a_service_stops_its_open_actions_in_the_plan_and_the_page_says_so(
    world: World, case: Case, staff: dict[str, Client]
) -> None:
    # Given a plan with medical care planned, and accommodation done
    _plan(world, case)
    accommodation = PlanAction.objects.get(service_type="safe_accommodation")
    plans.plan_action_update(actor=world.caseworker, action=accommodation, status="done", actual_end=date(2026, 3, 1))
    # When the person declines medical care, on the case page
    response = staff["caseworker"].post(
        f"/cases/{case.reference}/declined/", {"service_type": "medical", "declined_on": "2026-03-02"}, follow=True
    )
    # Then its action stops with the reason, the other action is left as it was, and the page says so
    medical = PlanAction.objects.get(service_type="medical")
    assert (medical.status, medical.actual_end, medical.stop_reason) == (
        "stopped",
        date(2026, 3, 2),
        "Declined by the person.",
    )
    assert PlanAction.objects.get(pk=accommodation.pk).status == "done"
    page = response.content.decode()
    assert "1 open action of the plan for this service stopped: declined by the person." in page
    assert AuditEvent.objects.get(action="case.service_decline").detail["actions_stopped"] == 1


def test_declining_a_service_not_in_the_plan_stops_nothing(world: World, case: Case) -> None:
    _plan(world, case)
    declined = plans.service_decline(actor=world.caseworker, case=case, service_type="psychological")
    assert declined.actions_stopped == 0
    assert set(PlanAction.objects.values_list("status", flat=True)) == {"planned"}
    assert plans.declined_words(declined) == "The service the person declined is recorded."
