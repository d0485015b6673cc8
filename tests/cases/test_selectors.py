"""Who sees which cases (cases/selectors.py through the permission module), and lists without N+1."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from lantern.cases import services
from lantern.cases.models import Case
from lantern.cases.selectors import CaseFilters, case_get_for_user, case_list, deadline_counts
from lantern.cases.validation import PersonData
from lantern.core.services import break_glass_open
from tests.conftest import World

SEES_A = {"caseworker", "supervisor"}


@pytest.mark.parametrize(
    "persona",
    ["caseworker", "supervisor", "org_admin", "police", "provider", "prosecutor", "coordinator", "analyst", "auditor",
     "sysadmin", "outsider", "outsider_admin"],
)  # fmt: skip
def test_cases_of_organisation_a_are_seen_by_its_caseworkers_and_supervisors_only(
    world: World, case: Case, persona: str
) -> None:
    user = world.users[persona]
    listed = set(case_list(user).values_list("reference", flat=True))
    assert (case.reference in listed) is (persona in SEES_A)
    if persona in SEES_A:
        assert case_get_for_user(user, case.reference).pk == case.pk
    else:
        with pytest.raises(Http404):
            case_get_for_user(user, case.reference)


@pytest.fixture
def police_colleague(world: World) -> object:
    from lantern.core.services import user_create

    return user_create(
        actor=None, username="police2", organisation=world.police_unit, role="first_responder", password=None
    )


def test_first_responders_see_only_what_they_registered(world: World, clock: object, police_colleague: object) -> None:
    mine = services.case_register(actor=world.police, organisation=world.police_unit, person=PersonData())
    theirs = services.case_register(actor=police_colleague, organisation=world.police_unit, person=PersonData())  # type: ignore[arg-type]
    assert list(case_list(world.police).values_list("reference", flat=True)) == [mine.reference]
    with pytest.raises(Http404):
        case_get_for_user(world.police, theirs.reference)


def test_break_glass_opens_one_case_to_someone_outside(world: World, case: Case) -> None:
    with pytest.raises(Http404):
        case_get_for_user(world.outsider, case.reference)
    break_glass_open(actor=world.outsider, obj=case, reason="The person called our hotline in distress", hours=1)
    assert case_get_for_user(world.outsider, case.reference) == case
    assert case.reference not in set(case_list(world.outsider).values_list("reference", flat=True))


def test_filters(world: World, case: Case) -> None:
    other = services.case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData())
    services.case_assign(actor=world.supervisor, case=other, assignee=world.caseworker)
    services.assessment_record(actor=world.caseworker, case=case, kind="needs", needs=["medical"])
    services.case_refer_to_authority(
        actor=world.caseworker, case=case, referred_on=date(2026, 2, 20), consent_given=True
    )
    caseworker = world.caseworker

    def refs(**filters: object) -> list[str]:
        return list(case_list(caseworker, CaseFilters(**filters)).values_list("reference", flat=True))  # type: ignore[arg-type]

    assert refs() == [other.reference, case.reference]
    # Both are hers: she registered them (and the supervisor gave her `other` again, most recently).
    assert refs(assigned_to_me=True) == [other.reference, case.reference]
    assert refs(recently_assigned_to_me=True) == [other.reference, case.reference]
    assert refs(reference=case.reference[3:7].lower()) == [case.reference]  # a part of the reference
    assert refs(unmet_needs=True) == [case.reference]
    assert refs(stage="referred") == [case.reference]
    assert refs(overdue=True) == [case.reference]  # due 27 February, today is 2 March
    assert refs(reference=case.reference.lower()) == [case.reference]
    assert deadline_counts(world.supervisor) == {"overdue": 1, "soon_due": 0}


def test_a_list_page_costs_the_same_number_of_queries_for_3_or_30_cases(world: World, clock: object) -> None:
    def page_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            rows = list(case_list(world.caseworker)[:50])
            for row in rows:
                _ = (row.reference, row.organisation_id, row.assigned_to and row.assigned_to.username)
        return len(queries)

    for _ in range(3):
        case = services.case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData())
        services.case_assign(actor=world.supervisor, case=case, assignee=world.caseworker)
    few = page_queries()
    for _ in range(27):
        case = services.case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData())
        services.case_assign(actor=world.supervisor, case=case, assignee=world.supervisor)
    assert page_queries() == few
