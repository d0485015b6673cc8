"""Who holds a case: the caseworker who registers it at once, a caseworker who takes an unassigned one, and the
supervisor who gives it to anyone of the organisation who holds cases."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from lantern.cases import services
from lantern.cases.models import Case
from lantern.cases.selectors import CaseFilters, case_list
from lantern.cases.validation import PersonData
from lantern.core.models import AuditEvent
from tests.conftest import World


def test_the_caseworker_who_registers_a_case_holds_it_and_sees_it_in_assigned_to_me(world: World, case: Case) -> None:
    assert case.assigned_to == world.caseworker
    mine = case_list(world.caseworker, CaseFilters(assigned_to_me=True))
    assert list(mine.values_list("reference", flat=True)) == [case.reference]
    kinds = list(case.timeline.values_list("kind", flat=True))
    assert kinds == ["register", "assign"]
    assert AuditEvent.objects.filter(action="case.assign", object_id=case.reference).exists()


def test_a_first_responders_case_waits_for_a_caseworker(world: World, clock: object) -> None:
    case = services.case_register(actor=world.police, organisation=world.police_unit, person=PersonData())
    assert case.assigned_to is None
    assert list(case.timeline.values_list("kind", flat=True)) == ["register"]


def test_a_caseworker_takes_an_unassigned_case_but_not_a_colleagues(world: World, case: Case) -> None:
    services.case_assign(actor=world.supervisor, case=case, assignee=None)
    services.case_take(actor=world.caseworker, case=case)
    case.refresh_from_db()
    assert case.assigned_to == world.caseworker

    services.case_assign(actor=world.supervisor, case=case, assignee=world.supervisor)
    with pytest.raises(ValidationError):
        services.case_take(actor=world.caseworker, case=case)
    case.refresh_from_db()
    assert case.assigned_to == world.supervisor
    with pytest.raises(PermissionDenied):
        services.case_take(actor=world.outsider, case=case)
    with pytest.raises(PermissionDenied):
        services.case_assign(actor=world.caseworker, case=case, assignee=world.caseworker)


def test_the_supervisor_assigns_to_a_colleague_from_the_case_page(
    staff: dict[str, Client], world: World, case: Case
) -> None:
    url = f"/cases/{case.reference}/"
    page = staff["supervisor"].get(url).content.decode()
    assert 'name="assignee"' in page
    assert f'<option value="{world.supervisor.pk}"' in page
    assert f'value="{world.outsider.pk}"' not in page  # another organisation's caseworker is no choice

    response = staff["supervisor"].post(url + "assign/", {"assignee": world.supervisor.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == world.supervisor
    assert "Assigned: supervisor" in staff["supervisor"].get(url).content.decode()

    refused = staff["supervisor"].post(url + "assign/", {"assignee": world.outsider.pk})
    assert refused.status_code == 422
    case.refresh_from_db()
    assert case.assigned_to == world.supervisor


def test_the_caseworker_sees_assign_to_me_only_on_an_unassigned_case(
    staff: dict[str, Client], world: World, case: Case
) -> None:
    url = f"/cases/{case.reference}/"
    client = staff["caseworker"]
    assert "Assign to me" not in client.get(url).content.decode()  # she holds it already
    assert 'name="assignee"' not in client.get(url).content.decode()
    services.case_assign(actor=world.supervisor, case=case, assignee=None)
    assert "Assign to me" in client.get(url).content.decode()
    assert client.post(url + "assign-to-me/").status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == world.caseworker
    # Only a supervisor gives a case to someone else: the form's URL does not exist for her.
    assert client.post(url + "assign/", {"assignee": world.supervisor.pk}).status_code == 404
    case.refresh_from_db()
    assert case.assigned_to == world.caseworker


@pytest.mark.parametrize("persona", ["outsider", "police", "provider"])
def test_others_cannot_assign_or_take(staff: dict[str, Client], world: World, case: Case, persona: str) -> None:
    services.case_assign(actor=world.supervisor, case=case, assignee=None)
    url = f"/cases/{case.reference}/"
    assert staff[persona].post(url + "assign-to-me/").status_code == 404
    assert staff[persona].post(url + "assign/", {"assignee": world.caseworker.pk}).status_code == 404
    case.refresh_from_db()
    assert case.assigned_to is None
