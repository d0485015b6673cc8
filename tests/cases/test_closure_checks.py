"""What a practitioner found missing around closure: only the competent authority finds that a person is not a
victim; a child declines nothing without a guardian; a removal order, a child without a guardian or a decision of
the authority still pending keep a case open; the authority does not read the assistance; reopening keeps the
recovery deadline; plan reviews and actions keep what they should; the consent giver reads right in Ukrainian."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import translation
from time_machine import TimeMachineFixture

from lantern.cases import children, closure, plans, residence
from lantern.cases import services as cases
from lantern.cases.codes import ConsentGiver, TraffickingStatus
from lantern.cases.forms import DeclineForm
from lantern.cases.models import Case, Closure, PlanAction, Stage
from lantern.cases.validation import ContextData, PersonData
from tests.conftest import World

OVERRIDE = "The person left the country; the supervisor closes with the file complete"


def _decide(world: World, case: Case, kind: str, outcome: str, on: date) -> None:
    cases.case_decide(
        actor=world.authority_member, case=case, kind=kind, outcome=outcome, reasons="Interview", decided_on=on
    )


def _child(world: World) -> Case:
    return cases.case_register(
        actor=world.caseworker,
        organisation=world.ngo_a,
        person=PersonData(first_name="Daria", gender="Feminine", primary_language="uk", citizenship=["UA"]),
        context=ContextData(
            forms_of_exploitation=["SexualExploitation"], may_be_child=True, separation="unaccompanied"
        ),
        identified_on=date(2026, 2, 20),
    )


def _guardian(world: World, case: Case) -> None:
    children.guardian_appoint(
        actor=world.caseworker, case=case, name="Eleni Georgiou", appointed_by="Court", appointed_on=date(2026, 2, 23)
    )


def test_only_the_authoritys_negative_decision_closes_as_not_a_victim(
    world: World, case: Case, time_machine: TimeMachineFixture
) -> None:
    with pytest.raises(ValidationError, match="Only the competent authority decides") as refused:
        closure.case_close(actor=world.supervisor, case=case, code="not_a_victim", override_reason=OVERRIDE)
    assert "Refer the case" in refused.value.message_dict["code"][0]
    cases.case_refer_to_authority(actor=world.caseworker, case=case, consent_given=True)
    _decide(world, case, "reasonable_grounds", "positive", date(2026, 3, 2))
    with pytest.raises(ValidationError, match="Only the competent authority decides"):
        closure.case_close(actor=world.supervisor, case=case, code="not_a_victim", override_reason=OVERRIDE)
    case.refresh_from_db()
    assert case.stage == Stage.RECOVERY
    time_machine.move_to(date(2026, 4, 10))
    _decide(world, case, "conclusive_grounds", "negative", date(2026, 4, 6))
    case.refresh_from_db()
    assert case.trafficking_status == TraffickingStatus.NOT_A_VICTIM
    closure.case_close(actor=world.caseworker, case=case, code="not_a_victim")
    case.refresh_from_db()
    assert (case.stage, case.closure_code) == (Stage.CLOSED, "not_a_victim")


def test_a_child_declines_a_service_only_with_a_guardian(world: World, clock: object) -> None:
    child = _child(world)
    with pytest.raises(ValidationError, match="appoint a guardian first") as refused:
        plans.service_decline(actor=world.caseworker, case=child, service_type="psychological")
    assert set(refused.value.message_dict) == {"service_type"}
    assert not child.declined_services.exists()
    _guardian(world, child)
    plans.service_decline(actor=world.caseworker, case=child, service_type="psychological", reason="Not now")
    assert child.declined_services.count() == 1
    assert str(DeclineForm().fields["reason"].label) == "Reason given"


def test_a_removal_order_keeps_the_case_open_until_resolved(world: World, case: Case) -> None:
    risk = residence.removal_record(
        actor=world.caseworker, case=case, kind="removal_order", ordered_on=date(2026, 3, 1), authority="Police"
    )
    with pytest.raises(ValidationError, match="Removal order, recorded on 2026-03-01, is not resolved"):
        closure.case_close(actor=world.caseworker, case=case, code="integrated")
    residence.removal_resolve(actor=world.caseworker, risk=risk, resolution="withdrawn")
    closure.case_close(actor=world.caseworker, case=case, code="integrated")


def test_a_child_without_a_guardian_keeps_the_case_open_unless_a_supervisor_overrides(
    world: World, clock: object
) -> None:
    child = _child(world)
    with pytest.raises(ValidationError, match="The child has no guardian appointed"):
        closure.case_close(actor=world.caseworker, case=child, code="integrated")
    closure.case_close(actor=world.supervisor, case=child, code="integrated", override_reason=OVERRIDE)
    assert Closure.objects.get(case=child).overridden == ["guardian"]
    closure.case_reopen(actor=world.caseworker, case=child, code="error")
    _guardian(world, child)
    closure.case_close(actor=world.caseworker, case=child, code="integrated")


def test_a_pending_decision_of_the_authority_keeps_the_case_open(
    world: World, case: Case, time_machine: TimeMachineFixture
) -> None:
    cases.case_refer_to_authority(actor=world.caseworker, case=case, consent_given=True)
    with pytest.raises(ValidationError, match="A decision of the competent authority is pending"):
        closure.case_close(actor=world.caseworker, case=case, code="lost_contact")
    _decide(world, case, "reasonable_grounds", "positive", date(2026, 3, 2))
    with pytest.raises(ValidationError) as refused:  # the period runs: that check says so, not this one
        closure.case_close(actor=world.caseworker, case=case, code="lost_contact")
    assert "pending" not in str(refused.value)
    time_machine.move_to(date(2026, 4, 10))
    with pytest.raises(ValidationError, match="A decision of the competent authority is pending"):
        closure.case_close(actor=world.caseworker, case=case, code="lost_contact")
    closure.case_close(actor=world.supervisor, case=case, code="lost_contact", override_reason=OVERRIDE)
    assert Closure.objects.get(case=case).overridden == ["decision_pending"]


def test_reopening_in_the_recovery_period_restores_its_deadline(world: World, case: Case) -> None:
    cases.case_refer_to_authority(actor=world.caseworker, case=case, consent_given=True)
    _decide(world, case, "reasonable_grounds", "positive", date(2026, 3, 2))
    closure.case_close(actor=world.supervisor, case=case, code="lost_contact", override_reason=OVERRIDE)
    case.refresh_from_db()
    assert case.next_deadline is None
    closure.case_reopen(actor=world.caseworker, case=case, code="new_need")
    case.refresh_from_db()
    assert (case.stage, case.next_deadline) == (Stage.RECOVERY, date(2026, 4, 1))
    assert case.next_deadline == case.recovery_ends


def test_the_authority_does_not_read_the_assistance_on_the_case_page(
    staff: dict[str, Client], world: World, case: Case
) -> None:
    plans.plan_write(actor=world.caseworker, case=case, objectives="Safety; health.", next_review_on=date(2026, 4, 1))
    plans.service_decline(actor=world.caseworker, case=case, service_type="psychological")
    plans.risk_assess(
        actor=world.caseworker,
        case=case,
        risk_level="high",
        reasons="The recruiter called her.",
        safety_plan="Moves to the shelter",
        review_on=date(2026, 3, 13),
    )
    cases.case_refer_to_authority(actor=world.caseworker, case=case, consent_given=True)
    url = f"/cases/{case.reference}/"
    mine = staff["caseworker"].get(url).content.decode()
    assert "The person declined a service" in mine
    assert "safety plan reviewed by" in mine
    page = staff["authority_member"].get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "The person declined a service" not in text
    assert "2026-03-13" not in text  # the safety plan's review
    assert ">High<" in mine
    assert ">High<" not in text
    assert staff["outsider"].get(url).status_code == 404


def test_a_review_keeps_the_next_review_and_actions_move_without_an_end(
    staff: dict[str, Client], world: World, case: Case
) -> None:
    plans.plan_write(actor=world.caseworker, case=case, objectives="Safety; health.", next_review_on=date(2026, 4, 1))
    action = plans.plan_action_add(actor=world.caseworker, case=case, service_type="medical")
    plans.plan_review(actor=world.caseworker, case=case, changes="Nothing new", reviewed_on=date(2026, 3, 2))
    assert case.plan.next_review_on == date(2026, 4, 1)
    case.plan.refresh_from_db()
    assert case.plan.next_review_on == date(2026, 4, 1)
    page = staff["caseworker"].get(f"/cases/{case.reference}/").content.decode()
    assert f'id="action{action.pk}_actual_end" value=' not in page  # nothing pre-filled
    response = staff["caseworker"].post(
        f"/cases/{case.reference}/plan/actions/{action.pk}/", {"status": "in_progress", "actual_end": "2026-03-02"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.actual_end) == ("in_progress", None)
    with pytest.raises(ValidationError, match="Say why the action stopped"):
        plans.plan_action_update(actor=world.caseworker, action=action, status="stopped", actual_end=date(2026, 3, 2))
    with pytest.raises(PermissionDenied):
        plans.plan_action_update(actor=world.authority_member, action=action, status="stopped", stop_reason="x")
    plans.plan_action_update(
        actor=world.caseworker, action=action, status="stopped", actual_end=date(2026, 3, 2), stop_reason="She moved"
    )
    assert PlanAction.objects.get(pk=action.pk).stop_reason == "She moved"


@pytest.mark.parametrize(
    ("language", "words"),
    [("uk", "Особа"), ("ru", "Сам человек"), ("ar", "الشخص نفسه"), ("es", "La persona"), ("fr", "La personne")],  # noqa: RUF001
)
def test_the_consent_giver_reads_as_the_person_in_every_language(language: str, words: str) -> None:
    with translation.override(language):
        assert str(ConsentGiver.PERSON.label) == words
        assert str(ConsentGiver.PERSON.label) != translation.gettext("The person") or language in ("es", "fr")
