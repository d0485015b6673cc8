"""A removal is never a voluntary return: a return planned while an order is open needs the person's confirmed wish;
closing as "returned" needs a return that took place; a removal recorded as carried out ends the warning and the
closure hold, cancels a return still planned and lets the case close as "removed by the authorities"."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from lantern.cases import closure, residence, returns
from lantern.cases.codes import ClosureReason
from lantern.cases.models import Case, Closure, RemovalRisk, ReturnPlan, Stage
from lantern.core.models import AuditEvent
from lantern.crisis import services as crisis
from tests.conftest import World

# Her identification is pending in the `case` fixture: a return only at her own request, in her words.
PLAN: dict[str, Any] = {
    "country": "RO",
    "planned_on": date(2026, 3, 20),
    "risk_level": "low",
    "receiving_name": "eLiberare Bucharest",
    "own_request": True,
    "own_request_text": "I want to go home to my mother",
}
OVERRIDE = "She went home by bus with her sister; the receiving organisation confirmed it by telephone"


def _order(world: World, case: Case, kind: str = "removal_order") -> RemovalRisk:
    return residence.removal_record(
        actor=world.caseworker,
        case=case,
        kind=kind,
        ordered_on=date(2026, 3, 1),
        authority="Aliens Police Directorate",
        scheduled_on=date(2026, 3, 15) if kind == "deportation" else None,
    )


def test_a_return_while_a_removal_order_is_open_needs_her_confirmed_wish(world: World, case: Case) -> None:
    _order(world, case)
    with pytest.raises(ValidationError) as refused:
        returns.return_plan(actor=world.caseworker, case=case, **PLAN)
    words = refused.value.message_dict["removal_confirmed"][0]
    assert "Removal order of 2026-03-01" in words
    assert "A removal is never a voluntary return" in words
    assert not ReturnPlan.objects.exists()

    plan = returns.return_plan(actor=world.caseworker, case=case, **PLAN, removal_confirmed=True)
    assert plan.removal_confirmed is True
    event = AuditEvent.objects.filter(action="case.return_plan").get()
    assert event.detail["despite_orders"] == ["removal_order"]


def test_a_return_without_an_open_order_records_no_confirmation(world: World, case: Case) -> None:
    risk = _order(world, case)
    residence.removal_resolve(actor=world.caseworker, risk=risk, resolution="withdrawn", resolved_on=date(2026, 3, 2))
    plan = returns.return_plan(actor=world.caseworker, case=case, **PLAN, removal_confirmed=True)
    assert plan.removal_confirmed is False
    assert AuditEvent.objects.get(action="case.return_plan").detail["despite_orders"] == []


def test_the_case_page_shows_the_order_and_refuses_in_words(world: World, case: Case, staff: dict[str, Client]) -> None:
    _order(world, case, kind="deportation")
    page = staff["caseworker"]
    html = page.get(f"/cases/{case.reference}/").content.decode()
    assert 'id="return-orders"' in html
    assert "deportation set for 2026-03-15" in html
    form = {
        "country": "RO",
        "planned_on": "2026-03-20",
        "risk_level": "low",
        "receiving_name": "eLiberare Bucharest",
        "own_request": "on",
        "own_request_text": "I want to go home to my mother",
    }
    refused = page.post(f"/cases/{case.reference}/returns/", form)
    assert refused.status_code == 422
    body = refused.content.decode()
    assert "A removal is never a voluntary return" in body
    assert "I want to go home to my mother" in body  # the form keeps what was typed
    assert not ReturnPlan.objects.exists()
    done = page.post(f"/cases/{case.reference}/returns/", {**form, "removal_confirmed": "on"})
    assert done.status_code == 302
    html = page.get(f"/cases/{case.reference}/").content.decode()
    assert "at the person&#x27;s own confirmed wish" in html or "at the person's own confirmed wish" in html


def test_closing_as_returned_needs_a_return_that_took_place(world: World, case: Case) -> None:
    case.stage = Stage.SUPPORT
    case.save(update_fields=["stage"])
    with pytest.raises(ValidationError, match="No return to the country of origin has taken place") as raised:
        closure.case_close(actor=world.caseworker, case=case, code=ClosureReason.RETURNED)
    assert "ask a supervisor" in str(raised.value)
    plan = returns.return_plan(actor=world.caseworker, case=case, **PLAN)
    returns.return_cancel(actor=world.caseworker, plan=plan)
    with pytest.raises(ValidationError, match="No return to the country of origin has taken place"):
        closure.case_close(actor=world.caseworker, case=case, code=ClosureReason.RETURNED)
    # The supervisor may close all the same, with her reason kept (the record may be elsewhere).
    closure.case_close(actor=world.supervisor, case=case, code=ClosureReason.RETURNED, override_reason=OVERRIDE)
    closing = Closure.objects.get(case=case)
    assert (closing.overridden, closing.override_reason) == (["return_not_done"], OVERRIDE)


def test_closing_as_returned_after_the_return_is_accepted(world: World, case: Case) -> None:
    case.stage = Stage.SUPPORT
    case.save(update_fields=["stage"])
    plan = returns.return_plan(actor=world.caseworker, case=case, **{**PLAN, "planned_on": date(2026, 3, 2)})
    returns.return_done(actor=world.caseworker, plan=plan, done_on=date(2026, 3, 2))
    closure.case_close(actor=world.caseworker, case=case, code=ClosureReason.RETURNED)
    case.refresh_from_db()
    assert (case.stage, case.closure_code) == (Stage.CLOSED, "returned")


def test_a_removal_carried_out_ends_the_warning_and_the_hold_and_the_case_closes_as_removed(
    world: World, case: Case, staff: dict[str, Client]
) -> None:
    case.stage = Stage.SUPPORT
    case.save(update_fields=["stage"])
    risk = _order(world, case)
    plan = returns.return_plan(actor=world.caseworker, case=case, **PLAN, removal_confirmed=True)
    with pytest.raises(ValidationError, match="No removal is recorded as carried out"):
        closure.case_close(actor=world.caseworker, case=case, code=ClosureReason.REMOVED)
    assert "removal" in closure.open_matters(case)

    page = staff["caseworker"]
    response = page.post(
        f"/cases/{case.reference}/removal/{risk.pk}/resolve/",
        {"resolution": "carried_out", "resolved_on": "2026-03-02"},
    )
    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.resolution, risk.resolved_on) == ("carried_out", date(2026, 3, 2))
    html = page.get(f"/cases/{case.reference}/").content.decode()
    assert 'id="removal-warning"' not in html
    assert "Removal carried out" in html
    plan.refresh_from_db()
    assert plan.status == ReturnPlan.Status.CANCELLED  # she is gone, and not by her choice
    assert closure.open_matters(case) == {}
    event = AuditEvent.objects.get(action="case.removal_resolve")
    assert (event.detail["resolution"], event.detail["returns_cancelled"]) == ("carried_out", 1)

    closure.case_close(actor=world.caseworker, case=case, code=ClosureReason.REMOVED)
    case.refresh_from_db()
    assert (case.stage, case.closure_code) == (Stage.CLOSED, "removed")


def test_detention_is_not_carried_out(world: World, case: Case) -> None:
    risk = _order(world, case, kind="detention")
    with pytest.raises(ValidationError, match="Detention ends by release"):
        residence.removal_resolve(
            actor=world.caseworker, risk=risk, resolution="carried_out", resolved_on=date(2026, 3, 2)
        )
    risk.refresh_from_db()
    assert risk.resolution == ""


def test_a_removal_is_not_carried_out_before_its_order(world: World, case: Case) -> None:
    risk = _order(world, case)
    with pytest.raises(ValidationError, match="before the order"):
        residence.removal_resolve(
            actor=world.caseworker, risk=risk, resolution="carried_out", resolved_on=date(2026, 2, 27)
        )


def test_a_closure_in_the_country_she_leaves_blocks_the_return_and_is_named(world: World, case: Case) -> None:
    event = crisis.crisis_declare(
        actor=None, name="Pandemic", kind="pandemic", country="GR", starts_on=date(2026, 3, 1)
    )
    crisis.measure_add(actor=None, crisis=event, kind="border_closure", starts_on=date(2026, 3, 1), note="Flights")
    plan = returns.return_plan(actor=world.caseworker, case=case, **PLAN)
    assert plan.status == ReturnPlan.Status.BLOCKED
    assert "A border closure in Greece has been in force since 2026-03-01 (Flights)" in returns.blocked_words(plan)


# --- A return at high risk ------------------------------------------------------------------------------------

HIGH: dict[str, Any] = {**PLAN, "risk_level": "high", "risk_reasons": "The recruiter lives in her village"}
MEASURES = "Met at the airport by the receiving organisation; a safe house for the first month"


def test_a_return_at_high_risk_is_refused_to_a_caseworker_in_words(world: World, case: Case) -> None:
    with pytest.raises(ValidationError) as refused:
        returns.return_plan(actor=world.caseworker, case=case, **HIGH, safety_measures=MEASURES)
    assert refused.value.message_dict["risk_level"] == [
        "A return at high risk is planned by a supervisor, with the safety measures written."
    ]
    assert not ReturnPlan.objects.exists()


def test_a_supervisor_plans_a_return_at_high_risk_only_with_the_safety_measures_encrypted(
    world: World, case: Case
) -> None:
    with pytest.raises(ValidationError) as refused:
        returns.return_plan(actor=world.supervisor, case=case, **HIGH, safety_measures="   ")
    assert "safety_measures" in refused.value.message_dict
    assert not ReturnPlan.objects.exists()
    plan = returns.return_plan(actor=world.supervisor, case=case, **HIGH, safety_measures=MEASURES)
    assert ReturnPlan.objects.get(pk=plan.pk).safety_measures == MEASURES
    with connection.cursor() as cursor:
        cursor.execute("SELECT safety_measures FROM cases_returnplan WHERE id = %s", [plan.pk])
        assert "airport" not in str(cursor.fetchone()[0])


def test_safety_measures_are_not_kept_for_a_return_at_low_risk(world: World, case: Case) -> None:
    plan = returns.return_plan(actor=world.caseworker, case=case, **PLAN, safety_measures="Not needed")
    assert plan.safety_measures == ""


def test_the_page_and_the_api_refuse_a_caseworker_s_return_at_high_risk(
    world: World, case: Case, staff: dict[str, Client], api_client: dict[str, Client]
) -> None:
    form = {**HIGH, "planned_on": "2026-03-20", "own_request": "on", "safety_measures": MEASURES}
    refused = staff["caseworker"].post(f"/cases/{case.reference}/returns/", form)
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "A return at high risk is planned by a supervisor, with the safety measures written." in page
    assert MEASURES.split(";")[0] in page  # the form keeps what was typed
    body = {**HIGH, "planned_on": "2026-03-20", "safety_measures": MEASURES}
    answer = api_client["caseworker"].post(
        f"/api/v1/cases/{case.reference}/returns", body, content_type="application/json"
    )
    assert answer.status_code in (400, 422)
    assert answer["Content-Type"].startswith("application/problem+json")
    planned = api_client["supervisor"].post(
        f"/api/v1/cases/{case.reference}/returns", body, content_type="application/json"
    )
    assert planned.status_code == 201
    assert ReturnPlan.objects.get().safety_measures == MEASURES
