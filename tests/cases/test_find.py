"""Finding a case: by part of its reference, by the person's exact name inside one's own organisation (through the
blind index), the count on the list, the list as a formula-safe CSV, and printing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lantern.cases import services
from lantern.cases.models import Case
from lantern.cases.selectors import CaseFilters, case_list
from lantern.cases.validation import PersonData
from lantern.core import services as core_services
from lantern.core.models import AuditEvent
from lantern.core.roles import Role
from tests.conftest import PASSWORD, World, maria


def test_part_of_the_reference_finds_the_case(staff: dict[str, Client], case: Case) -> None:
    part = case.reference[3:7].lower()
    html = staff["caseworker"].get("/cases/", {"reference": part}).content.decode()
    assert case.reference in html
    assert "1 case" in html
    assert case.reference not in staff["outsider"].get("/cases/", {"reference": part}).content.decode()


def test_the_exact_name_finds_the_case_in_ones_own_organisation_only(
    staff: dict[str, Client], world: World, case: Case
) -> None:
    twin = services.case_register(actor=world.outsider, organisation=world.ngo_b, person=maria())
    response = staff["caseworker"].post("/cases/find-by-name/", {"name": "  MARÍA  popescu "})
    html = response.content.decode()
    assert response.status_code == 200
    assert case.reference in html
    assert twin.reference not in html
    assert "1 case" in html
    elsewhere = staff["outsider"].post("/cases/find-by-name/", {"name": "Maria Popescu"}).content.decode()
    assert twin.reference in elsewhere
    assert case.reference not in elsewhere
    # A part of a name is not a name: nothing is scanned.
    assert case.reference not in staff["caseworker"].post("/cases/find-by-name/", {"name": "Maria"}).content.decode()
    event = AuditEvent.objects.filter(action="case.search_name").latest("seq")
    assert "Maria" not in str(event.detail)
    assert "Popescu" not in str(event.detail)


def test_the_name_search_reads_the_index_never_the_encrypted_names(world: World, case: Case) -> None:
    with CaptureQueriesContext(connection) as captured:
        found = list(case_list(world.caseworker, CaseFilters(name="Maria Popescu")))
    assert found == [case]
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "name_index" in sql
    assert '"cases_person"."first_name"' not in sql  # (the assignee's name, a member of staff, may be read)
    assert '"cases_person"."second_name"' not in sql
    assert "Maria" not in sql  # only the keyed hash travels to the database


@pytest.mark.parametrize("persona", ["police", "provider", "analyst", "coordinator"])
def test_roles_that_do_not_hold_cases_cannot_search_by_name(staff: dict[str, Client], case: Case, persona: str) -> None:
    response = staff[persona].post("/cases/find-by-name/", {"name": "Maria Popescu"})
    assert response.status_code == 403
    assert case.reference not in response.content.decode()


def test_a_provider_cannot_search_cases_at_all(staff: dict[str, Client], case: Case) -> None:
    assert staff["provider"].get("/cases/", {"reference": case.reference}).status_code == 403
    assert staff["provider"].get("/cases/export.csv").status_code == 403


def test_the_name_search_is_post_only(staff: dict[str, Client], case: Case) -> None:
    response = staff["caseworker"].get("/cases/find-by-name/", {"name": "Maria Popescu"})
    assert response.status_code == 302
    assert response["Location"] == "/cases/"


def test_the_list_as_csv_is_formula_safe_audited_and_holds_no_personal_data(
    staff: dict[str, Client], world: World, case: Case
) -> None:
    hostile = core_services.user_create(
        actor=None, username="@cmd", organisation=world.ngo_a, role=Role.CASEWORKER, password=PASSWORD
    )
    services.case_assign(actor=world.supervisor, case=case, assignee=hostile)
    response = staff["supervisor"].get("/cases/export.csv", {"reference": case.reference[3:7]})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Reference"
    assert rows[1][0] == case.reference
    assert rows[1][1] == "Identified"
    assert rows[1][6] == "'@cmd"  # neutralised: a spreadsheet shows it as text
    assert "Maria" not in response.content.decode()
    event = AuditEvent.objects.filter(action="case.list_export").latest("seq")
    assert event.actor_label == "supervisor"
    assert event.detail["rows"] == 1


@pytest.mark.parametrize("persona", ["police", "provider", "analyst", "coordinator", "auditor"])
def test_roles_that_may_not_export_the_list_are_refused(staff: dict[str, Client], case: Case, persona: str) -> None:
    response = staff[persona].get("/cases/export.csv")
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="case.list_export").exists()


def test_the_list_page_counts_and_costs_the_same_for_3_or_30_cases(
    staff: dict[str, Client], world: World, clock: object
) -> None:
    def queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = staff["supervisor"].get("/cases/")
        return len(captured), response.content.decode()

    for _ in range(3):
        services.case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData())
    queries()  # the first request of a session reads what later ones find cached
    few, html = queries()
    assert "3 cases" in html
    for _ in range(27):
        services.case_register(actor=world.supervisor, organisation=world.ngo_a, person=PersonData())
    many, html = queries()
    assert "30 cases" in html
    assert many == few


def test_a_printed_case_leaves_out_the_banner_the_menus_and_the_buttons() -> None:
    css = (Path(__file__).resolve().parents[2] / "src/lantern/core/static/lantern/lantern.css").read_text()
    printed = css[css.rindex("@media print") :]
    for selector in (".banner", ".actions", "button", "a.button", ".messages"):
        assert selector in printed


def test_a_name_too_long_is_refused_with_the_form_shown_again(staff: dict[str, Client], case: Case) -> None:
    response = staff["caseworker"].post("/cases/find-by-name/", {"name": "x" * 100_000})
    assert response.status_code == 422
    assert case.reference not in response.content.decode()
    assert not AuditEvent.objects.filter(action="case.search_name").exists()
