"""What an NRM practitioner found in the plan, the risk and the follow-up: an agreement "through an interpreter" needs
an interpreter or a mediator assigned on that day; a high risk is recorded at once and its safety plan may follow,
shown missing until then; a follow-up contact after closure has a coded outcome and the next follow-up day."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from lantern.cases import closure, plans
from lantern.cases.codes import CaseStatus
from lantern.cases.models import Case, FollowUpContact, Stage, TimelineEntry
from lantern.cases.selectors import CaseFilters, case_list, follow_ups_due, safety_plans_missing
from lantern.core.models import Alert, AuditEvent
from tests.conftest import World

# --- 1. Agreed through an interpreter: one was there -----------------------------------------------------------


def _plan_with_action(world: World, case: Case) -> None:
    plans.plan_write(actor=world.caseworker, case=case, objectives="A safe place to live.")
    plans.plan_action_add(actor=world.caseworker, case=case, service_type="safe_accommodation")


def test_an_agreement_through_an_interpreter_needs_one_assigned_that_day(world: World, case: Case) -> None:
    _plan_with_action(world, case)
    with pytest.raises(ValidationError) as refused:
        plans.plan_agree(actor=world.caseworker, case=case, how="interpreter", agreed_on=date(2026, 3, 1))
    words = refused.value.message_dict["agreed_how"][0]
    assert "2026-03-01" in words
    assert "Assign a mediator or an interpreter" in words  # says how to assign one
    assert not TimelineEntry.objects.filter(case=case, kind="plan_agree").exists()
    # An interpreter who came later, or whose assignment had ended, was not there that day.
    plans.mediator_assign(
        actor=world.caseworker, case=case, kind="interpreter", staff=world.supervisor, from_on=date(2026, 3, 2)
    )
    plans.mediator_assign(
        actor=world.caseworker, case=case, kind="mediator", staff=world.supervisor,
        from_on=date(2026, 2, 20), to_on=date(2026, 2, 27),
    )  # fmt: skip
    with pytest.raises(ValidationError):
        plans.plan_agree(actor=world.caseworker, case=case, how="interpreter", agreed_on=date(2026, 3, 1))
    # On the day the interpreter worked with her, the agreement stands; signed or oral needs none.
    plan = plans.plan_agree(actor=world.caseworker, case=case, how="interpreter", agreed_on=date(2026, 3, 2))
    assert (plan.agreed_how, plan.agreed_on) == ("interpreter", date(2026, 3, 2))
    assert plans.plan_agree(actor=world.caseworker, case=case, how="oral", agreed_on=date(2026, 3, 1)).agreed_on


def test_a_cultural_mediator_is_enough_for_an_agreement_through_an_interpreter(world: World, case: Case) -> None:
    _plan_with_action(world, case)
    plans.mediator_assign(
        actor=world.caseworker, case=case, kind="mediator", staff=world.supervisor, from_on=date(2026, 2, 20)
    )
    assert plans.plan_agree(actor=world.caseworker, case=case, how="interpreter", agreed_on=date(2026, 3, 1))


def test_the_page_refuses_the_agreement_in_words_and_keeps_what_was_typed(
    staff: dict[str, Client], world: World, case: Case
) -> None:
    _plan_with_action(world, case)
    url = f"/cases/{case.reference}/"
    response = staff["caseworker"].post(
        url + "plan/agreement/", {"agreed_how": "interpreter", "agreed_on": "2026-03-01"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "No interpreter or cultural mediator was assigned to the case on 2026-03-01" in page
    assert 'value="2026-03-01"' in page


# --- 2. The risk first, the safety plan after ----------------------------------------------------------------------


def test_a_high_risk_is_recorded_without_its_safety_plan_which_shows_missing_until_written(
    world: World, case: Case
) -> None:
    assessment = plans.risk_assess(actor=world.caseworker, case=case, risk_level="high", reasons="He called her.")
    assert assessment.safety_plan == ""
    case.refresh_from_db()
    assert case.safety_plan_missing
    alert = Alert.objects.get()
    assert alert.recipient == world.supervisor  # the supervisors' alert still goes
    assert "no safety plan yet: see the case" in alert.text  # it sends nobody to read a plan that is not there
    assert "read its safety plan" not in alert.text
    assert plans.is_high_risk(case)
    assert safety_plans_missing(world.supervisor) == 1
    assert safety_plans_missing(world.caseworker) == 1
    assert safety_plans_missing(world.outsider) == 0
    assert safety_plans_missing(world.authority_member) == 0
    assert [c.reference for c in case_list(world.supervisor, CaseFilters(safety_plan_missing=True))] == [case.reference]
    with pytest.raises(ValidationError) as refused:
        plans.safety_plan_write(actor=world.caseworker, case=case, safety_plan="Escort.", review_on=None)
    assert set(refused.value.message_dict) == {"review_on"}
    plans.safety_plan_write(
        actor=world.caseworker, case=case, safety_plan="New phone; escorted.", review_on=date(2026, 3, 9)
    )
    case.refresh_from_db()
    assert not case.safety_plan_missing
    assessment.refresh_from_db()
    assert (assessment.safety_plan, assessment.review_on) == ("New phone; escorted.", date(2026, 3, 9))
    assert safety_plans_missing(world.supervisor) == 0
    assert TimelineEntry.objects.filter(case=case, kind="safety_plan_write").exists()
    event = AuditEvent.objects.filter(action="case.safety_plan_write").get()
    assert "phone" not in str(event.detail)  # the plan's words stay out of the audit trail
    # A new high risk without a plan shows it missing again; a lower risk does not need one.
    plans.risk_assess(actor=world.caseworker, case=case, risk_level="high")
    case.refresh_from_db()
    assert case.safety_plan_missing
    plans.risk_assess(actor=world.caseworker, case=case, risk_level="medium")
    case.refresh_from_db()
    assert not case.safety_plan_missing


def test_a_safety_plan_needs_a_risk_assessment_first(world: World, case: Case) -> None:
    with pytest.raises(ValidationError) as refused:
        plans.safety_plan_write(actor=world.caseworker, case=case, safety_plan="Escort.", review_on=date(2026, 3, 9))
    assert "Assess the risk first" in refused.value.message_dict["safety_plan"][0]


def test_the_case_page_and_the_supervisors_list_show_the_safety_plan_missing_in_red(
    staff: dict[str, Client], world: World, case: Case
) -> None:
    url = f"/cases/{case.reference}/"
    assert staff["caseworker"].post(url + "risk/", {"risk_level": "high", "notes": "Threats."}).status_code == 302
    page = staff["caseworker"].get(url).content.decode()
    assert '<strong class="overdue" id="safety-plan-missing">safety plan missing</strong>' in page
    listing = staff["supervisor"].get("/cases/").content.decode()
    assert "1 case at high risk: safety plan missing" in listing
    assert '<strong class="overdue safety-plan-missing">safety plan missing</strong>' in listing
    filtered = staff["supervisor"].get("/cases/?safety_plan_missing=on").content.decode()
    assert case.reference in filtered
    # Another organisation sees nothing of it.
    assert "safety plan missing" not in staff["outsider"].get("/cases/").content.decode()
    # A wrong safety plan form keeps what was typed.
    response = staff["caseworker"].post(url + "safety-plan/", {"safety_plan": "Escort her.", "review_on": "2026"})
    assert response.status_code == 422
    assert "Escort her." in response.content.decode()
    body = {"safety_plan": "Escort her.", "review_on": "2026-03-09"}
    assert staff["caseworker"].post(url + "safety-plan/", body).status_code == 302
    page = staff["caseworker"].get(url).content.decode()
    assert "safety-plan-missing" not in page
    assert "Escort her." in page
    assert "safety plan missing" not in staff["supervisor"].get("/cases/").content.decode()


# --- 3. Follow-up contacts with a coded outcome --------------------------------------------------------------------


@pytest.fixture
def in_follow_up(world: World, case: Case) -> Case:
    closure.case_close(actor=world.caseworker, case=case, code="integrated", follow_up_on=date(2026, 3, 2))
    case.refresh_from_db()
    return case


def test_doing_well_sets_the_next_follow_up_or_ends_it(world: World, in_follow_up: Case) -> None:
    case = in_follow_up
    closure.follow_up_record(actor=world.caseworker, case=case, outcome="doing_well", next_on=date(2026, 6, 1))
    case.refresh_from_db()
    assert (case.status, case.follow_up_on) == (CaseStatus.FOLLOW_UP, date(2026, 6, 1))
    assert follow_ups_due(world.caseworker) == 0
    closure.follow_up_record(actor=world.caseworker, case=case, outcome="doing_well")
    case.refresh_from_db()
    assert (case.status, case.follow_up_on) == (CaseStatus.CLOSED, None)
    contacts = list(FollowUpContact.objects.filter(case=case).values_list("outcome", "next_on"))
    assert contacts == [("doing_well", date(2026, 6, 1)), ("doing_well", None)]
    entry = TimelineEntry.objects.filter(case=case, kind="follow_up").last()
    assert entry is not None
    assert (entry.detail["outcome"], entry.detail["ended"]) == ("doing_well", True)


def test_not_reached_keeps_the_follow_up_due_on_the_lists(world: World, in_follow_up: Case) -> None:
    case = in_follow_up
    closure.follow_up_record(actor=world.caseworker, case=case, outcome="not_reached")
    case.refresh_from_db()
    assert (case.status, case.follow_up_on) == (CaseStatus.FOLLOW_UP, date(2026, 3, 2))
    assert follow_ups_due(world.caseworker) == 1
    assert follow_ups_due(world.supervisor) == 1
    assert [c.reference for c in case_list(world.supervisor, CaseFilters(follow_up_due=True))] == [case.reference]
    closure.follow_up_record(actor=world.caseworker, case=case, outcome="not_reached", next_on=date(2026, 3, 9))
    case.refresh_from_db()
    assert case.follow_up_on == date(2026, 3, 9)


def test_declined_ends_the_follow_up_and_takes_no_next_day(world: World, in_follow_up: Case) -> None:
    case = in_follow_up
    with pytest.raises(ValidationError) as refused:
        closure.follow_up_record(actor=world.caseworker, case=case, outcome="declined", next_on=date(2026, 4, 1))
    assert "not contacted again" in refused.value.message_dict["next_on"][0]
    with pytest.raises(ValidationError) as refused:
        closure.follow_up_record(actor=world.caseworker, case=case, outcome="fine")
    assert "outcome" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        closure.follow_up_record(
            actor=world.caseworker, case=case, outcome="doing_well", contacted_on=date(2026, 3, 3)
        )  # tomorrow
    assert "contacted_on" in refused.value.message_dict
    assert not FollowUpContact.objects.exists()
    closure.follow_up_record(actor=world.caseworker, case=case, outcome="declined")
    case.refresh_from_db()
    assert (case.status, case.follow_up_on) == (CaseStatus.CLOSED, None)
    assert follow_ups_due(world.caseworker) == 0


def test_needs_help_keeps_the_follow_up_due_and_offers_reopening(
    staff: dict[str, Client], world: World, in_follow_up: Case
) -> None:
    case = in_follow_up
    url = f"/cases/{case.reference}/"
    body = {"outcome": "needs_help", "contacted_on": "2026-03-02", "next_on": "", "note": "Lost her job."}
    assert staff["caseworker"].post(url + "follow-up/", body).status_code == 302
    case.refresh_from_db()
    assert (case.stage, case.status) == (Stage.CLOSED, CaseStatus.FOLLOW_UP)
    assert follow_ups_due(world.caseworker) == 1
    assert closure.needs_help_now(case)
    page = staff["caseworker"].get(url).content.decode()
    assert "The last follow-up contact found that the person needs help." in page
    assert '<details id="reopen" open>' in page
    assert '<option value="new_need" selected>' in page
    assert "Reached, needs help" in page
    assert "Lost her job." in page  # the note, for those who hold the case
    body = {"code": "new_need", "reason": "Lost her job."}
    assert staff["caseworker"].post(url + "reopen/", body).status_code == 302
    case.refresh_from_db()
    assert case.stage != Stage.CLOSED
    assert not closure.needs_help_now(case)
    assert follow_ups_due(world.caseworker) == 0


def test_the_follow_up_form_refuses_in_words_and_keeps_what_was_typed(
    staff: dict[str, Client], world: World, in_follow_up: Case
) -> None:
    url = f"/cases/{in_follow_up.reference}/"
    body = {"outcome": "declined", "contacted_on": "2026-03-02", "next_on": "2026-04-01", "note": "She said no."}
    response = staff["caseworker"].post(url + "follow-up/", body)
    assert response.status_code == 422
    page = response.content.decode()
    assert "She declined further contact" in page
    assert "She said no." in page
    assert not FollowUpContact.objects.exists()


def test_the_api_records_a_follow_up_contact_with_its_outcome(
    api_client: dict[str, Client], world: World, in_follow_up: Case
) -> None:
    url = f"/api/v1/cases/{in_follow_up.reference}/follow-up"
    refused = api_client["caseworker"].post(url, json.dumps({"outcome": "maybe"}), content_type="application/json")
    assert refused.status_code == 422
    assert refused["Content-Type"].startswith("application/problem+json")
    body = {"outcome": "not_reached", "next_on": "2026-03-09"}
    done = api_client["caseworker"].post(url, json.dumps(body), content_type="application/json")
    assert done.status_code == 200
    assert FollowUpContact.objects.get().outcome == "not_reached"
    assert api_client["outsider"].post(url, json.dumps(body), content_type="application/json").status_code == 404
