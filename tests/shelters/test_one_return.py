"""One record of a return: the shelter's repatriation screens plan, show and end the case's return plan
(cases.returns), with its rules (the destination's border, the person's own request, an open removal order); the
shelter's old repatriations are copied into return plans by shelters migration 0005."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from lantern.cases import closure, residence, returns
from lantern.cases.models import Case, ReturnPlan
from lantern.core import services as core
from lantern.core.models import AuditEvent, Organisation, User
from lantern.crisis import services as crisis
from lantern.shelters import services
from tests.conftest import World

PLAN: dict[str, Any] = {
    "country": "RO",
    "planned_on": date(2026, 3, 10),
    "risk_level": "medium",
    "risk_reasons": "The recruiter lives in her village",
    "receiving_name": "IOM Romania",
    "own_request": True,  # her identification is pending in the `case` fixture
    "own_request_text": "My mother is ill.",
}


@pytest.fixture
def logged(world: World, settings: object, shelter_staff: User) -> dict[str, Client]:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    clients = {}
    for name, user in [("caseworker", world.caseworker), ("shelter_staff", shelter_staff)]:
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


def test_the_shelter_plans_the_case_s_return_plan_and_the_caseworker_sees_it(
    world: World, case: Case, shelter: Organisation, shelter_staff: User, logged: dict[str, Client]
) -> None:
    stay = services.admit(actor=shelter_staff, case=case, shelter=shelter)
    planned = services.repatriation_plan(actor=shelter_staff, stay=stay, **PLAN)
    assert ReturnPlan.objects.get() == planned
    assert (planned.case, planned.risk_level, planned.receiving_name) == (case, "medium", "IOM Romania")
    page = logged["caseworker"].get(f"/cases/{case.reference}/").content.decode()
    assert "Voluntary return to Romania" in page
    assert "IOM Romania" in page
    # The caseworker cannot plan the same return a second time.
    with pytest.raises(ValidationError, match="already planned"):
        returns.return_plan(actor=world.caseworker, case=case, **PLAN)


def test_a_return_the_caseworker_planned_shows_on_the_residents_page_and_is_not_planned_twice(
    world: World, case: Case, shelter: Organisation, shelter_staff: User, logged: dict[str, Client]
) -> None:
    stay = services.admit(actor=shelter_staff, case=case, shelter=shelter)
    plan = returns.return_plan(actor=world.caseworker, case=case, **{**PLAN, "receiving_contact": "+40 721 000 111"})
    residents = logged["shelter_staff"].get(f"/beds/{shelter.pk}/residents/").content.decode()
    assert "2026-03-10: Planned" in residents
    # The shelter sees where and when, never what the case's organisation wrote: the request in her words, the
    # risk and why, who receives her and how to reach them.
    for written in ("My mother is ill.", "The recruiter lives in her village", "IOM Romania", "+40 721 000 111"):
        assert written not in residents
    cell = re.search(r'<td class="returns">(.*?)</td>', residents, re.S)
    assert cell is not None
    assert "Medium" not in cell.group(1)
    read = AuditEvent.objects.filter(action="shelter.residents_read").get()
    assert (read.actor_id, read.object_id) == (shelter_staff.pk, str(shelter.pk))
    assert read.detail["returns_of"] == [case.reference]
    with pytest.raises(ValidationError, match="already planned"):
        services.repatriation_plan(actor=shelter_staff, stay=stay, **PLAN)
    assert ReturnPlan.objects.count() == 1
    # A cancelled return is no longer the shelter's business.
    returns.return_cancel(actor=world.caseworker, plan=plan)
    residents = logged["shelter_staff"].get(f"/beds/{shelter.pk}/residents/").content.decode()
    assert "2026-03-10" not in residents
    assert "Cancelled" not in residents


def test_a_return_blocked_by_a_border_closure_shows_as_blocked_to_the_shelter(
    world: World, case: Case, shelter: Organisation, shelter_staff: User, logged: dict[str, Client]
) -> None:
    event = crisis.crisis_declare(actor=None, name="Floods", kind="disaster", country="RO", starts_on=date(2026, 3, 1))
    crisis.measure_add(actor=None, crisis=event, kind="border_closure", starts_on=date(2026, 3, 1), note="Shut")
    services.admit(actor=shelter_staff, case=case, shelter=shelter)
    returns.return_plan(actor=world.caseworker, case=case, **PLAN)
    residents = logged["shelter_staff"].get(f"/beds/{shelter.pk}/residents/").content.decode()
    assert "2026-03-10: Blocked by a border closure" in residents
    assert "My mother is ill." not in residents


def test_the_discharge_to_return_completes_the_case_s_plan_and_the_case_closes_as_returned(
    world: World, case: Case, shelter: Organisation, shelter_staff: User
) -> None:
    stay = services.admit(actor=shelter_staff, case=case, shelter=shelter)
    plan = services.repatriation_plan(actor=shelter_staff, stay=stay, **{**PLAN, "planned_on": date(2026, 3, 2)})
    services.discharge(actor=shelter_staff, stay=stay, destination="return")
    plan.refresh_from_db()
    assert (plan.status, plan.done_on) == (ReturnPlan.Status.DONE, date(2026, 3, 2))
    case.stage = "support"
    case.save(update_fields=["stage"])
    closure.case_close(actor=world.caseworker, case=case, code="returned")


def test_the_shelter_meets_the_open_removal_order_too(
    world: World, case: Case, shelter: Organisation, shelter_staff: User, logged: dict[str, Client]
) -> None:
    stay = services.admit(actor=shelter_staff, case=case, shelter=shelter)
    residence.removal_record(
        actor=world.caseworker, case=case, kind="removal_order", ordered_on=date(2026, 3, 1), authority="Aliens Police"
    )
    form = {**PLAN, "planned_on": "2026-03-10", "own_request": "1"}
    refused = logged["shelter_staff"].post(f"/beds/stays/{stay.pk}/repatriation/", form, follow=True)
    assert "A removal is never a voluntary return" in refused.content.decode()
    assert not ReturnPlan.objects.exists()
    logged["shelter_staff"].post(f"/beds/stays/{stay.pk}/repatriation/", {**form, "removal_confirmed": "1"})
    assert ReturnPlan.objects.get().removal_confirmed is True


def test_a_discharge_to_return_meets_the_open_removal_order_like_the_plan(
    world: World, case: Case, shelter: Organisation, shelter_staff: User, logged: dict[str, Client]
) -> None:
    stay = services.admit(actor=shelter_staff, case=case, shelter=shelter)
    services.repatriation_plan(actor=shelter_staff, stay=stay, **{**PLAN, "planned_on": date(2026, 3, 2)})
    # The order comes after the return was planned: nobody has confirmed that she herself asks to go home.
    residence.removal_record(
        actor=world.caseworker, case=case, kind="removal_order", ordered_on=date(2026, 3, 1), authority="Aliens Police"
    )
    with pytest.raises(ValidationError, match="A removal is never a voluntary return"):
        services.discharge(actor=shelter_staff, stay=stay, destination="return", own_request=True)
    refused = logged["shelter_staff"].post(
        f"/beds/stays/{stay.pk}/discharge/", {"destination": "return", "own_request": "1"}, follow=True
    )
    assert "A removal is never a voluntary return" in refused.content.decode()
    stay.refresh_from_db()
    assert stay.discharged_at is None
    assert ReturnPlan.objects.get().status == ReturnPlan.Status.PLANNED
    logged["shelter_staff"].post(
        f"/beds/stays/{stay.pk}/discharge/", {"destination": "return", "own_request": "1", "removal_confirmed": "1"}
    )
    stay.refresh_from_db()
    assert (stay.destination, ReturnPlan.objects.get().status) == ("return", ReturnPlan.Status.DONE)


def test_a_return_confirmed_despite_the_order_when_planned_needs_no_second_confirmation(
    world: World, case: Case, shelter: Organisation, shelter_staff: User
) -> None:
    stay = services.admit(actor=shelter_staff, case=case, shelter=shelter)
    residence.removal_record(
        actor=world.caseworker, case=case, kind="removal_order", ordered_on=date(2026, 3, 1), authority="Aliens Police"
    )
    plan = {**PLAN, "planned_on": date(2026, 3, 2), "removal_confirmed": True}
    services.repatriation_plan(actor=shelter_staff, stay=stay, **plan)
    services.discharge(actor=shelter_staff, stay=stay, destination="return")
    assert ReturnPlan.objects.get().status == ReturnPlan.Status.DONE


def test_the_destination_s_border_blocks_the_shelter_s_return(
    world: World, case: Case, shelter: Organisation, shelter_staff: User
) -> None:
    event = crisis.crisis_declare(actor=None, name="Floods", kind="disaster", country="RO", starts_on=date(2026, 3, 1))
    crisis.measure_add(actor=None, crisis=event, kind="border_closure", starts_on=date(2026, 3, 1), note="Shut")
    stay = services.admit(actor=shelter_staff, case=case, shelter=shelter)
    plan = services.repatriation_plan(actor=shelter_staff, stay=stay, **PLAN)
    assert plan.status == ReturnPlan.Status.BLOCKED
    with pytest.raises(ValidationError, match=r"since 2026-03-01 \(Shut\)"):
        services.discharge(actor=shelter_staff, stay=stay, destination="return")


@pytest.mark.django_db(transaction=True)
def test_the_old_repatriations_become_return_plans(world: World, case: Case, shelter: Organisation) -> None:
    stay = services.admit(actor=None, case=case, shelter=shelter)
    executor = MigrationExecutor(connection)
    before = [("shelters", "0004_residents_in_regular_beds_out_of_quarantine")]
    after = [("shelters", "0005_repatriations_into_case_return_plans")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Repatriation = old.get_model("shelters", "Repatriation")
    Repatriation.objects.create(
        stay_id=stay.pk,
        country="UA",
        planned_on=date(2026, 3, 20),
        status="blocked",
        blocked_since=date(2026, 3, 20),
        own_request=True,
        own_request_text="Home to my children.",
    )
    Repatriation.objects.create(stay_id=stay.pk, country="MD", planned_on=date(2026, 1, 5), status="cancelled")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    plans = list(ReturnPlan.objects.filter(case=case).order_by("planned_on"))
    assert [(p.country, p.status, p.risk_level) for p in plans] == [("MD", "cancelled", ""), ("UA", "blocked", "")]
    assert (plans[1].own_request, plans[1].own_request_text, plans[1].blocked_since) == (
        True,
        "Home to my children.",
        date(2026, 3, 20),
    )


def test_the_shelter_s_return_at_high_risk_is_planned_by_its_supervisor_with_the_safety_measures(
    case: Case, shelter: Organisation, shelter_staff: User
) -> None:
    stay = services.admit(actor=shelter_staff, case=case, shelter=shelter)
    high = {**PLAN, "risk_level": "high", "safety_measures": "Escorted to the plane; IOM meets her in Bucharest"}
    with pytest.raises(ValidationError, match="planned by a supervisor"):
        services.repatriation_plan(actor=shelter_staff, stay=stay, **high)
    head = core.user_create(actor=None, username="piraeus_head", organisation=shelter, role="supervisor", password=None)
    with pytest.raises(ValidationError) as refused:
        services.repatriation_plan(actor=head, stay=stay, **{**high, "safety_measures": ""})
    assert "safety_measures" in refused.value.message_dict
    plan = services.repatriation_plan(actor=head, stay=stay, **high)
    assert plan.safety_measures == high["safety_measures"]
