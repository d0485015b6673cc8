"""The simulator's page: only the national coordinator and the analyst open it; it opens on the ready pandemic wave
without and with the contingency plan, side by side with charts and the sentence; the levers write both scenarios
as TOML; a bad scenario is a form error that keeps what was typed, and changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from lantern.simulate.ready import BASELINE, ready_texts
from tests.conftest import World

PAGE = "/simulate/"


@pytest.mark.parametrize("persona", ["coordinator", "analyst"])
def test_the_coordinator_and_the_analyst_see_the_pandemic_wave_compared(persona: str, staff: dict[str, Client]) -> None:
    response = staff[persona].get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "pandemic wave: lockdown, 30% staff absence, courts closed 90 days, borders closed 120 days" in page
    assert "With the contingency plan, median wait for" in page
    assert page.count("<svg ") >= 8  # a chart per service, the shelter's three and the courts'
    assert 'id="comparison"' in page


@pytest.mark.parametrize(
    "persona", ["caseworker", "supervisor", "police", "provider", "prosecutor", "auditor", "sysadmin", "outsider"]
)
def test_nobody_else_opens_it(persona: str, staff: dict[str, Client]) -> None:
    assert staff[persona].get(PAGE).status_code == 403
    assert staff[persona].post(PAGE, {"action": "run", "scenario": ready_texts()[BASELINE]}).status_code == 403


def test_someone_not_logged_in_is_sent_to_the_login(world: World) -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_levers_write_both_scenarios_as_toml_and_run_them(staff: dict[str, Client]) -> None:
    response = staff["coordinator"].post(
        PAGE,
        {"action": "build", "per_day": "10", "lockdown_start": "30", "lockdown_days": "120", "staff_absence": "50",
         "court_closure_days": "60", "border_closure_days": "0", "remote_keep": "90", "wing_beds": "40",
         "remote_hearings": "0", "extra_legal_aid": "20"},
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert "per_day = 10.0" in page
    assert "absence = 0.5" in page
    assert "kind = &quot;remote_delivery&quot;" in page
    assert "border_closures" not in page.split('id="toml-form"')[1].split("</form>")[0].split("compare")[0]
    assert "With the contingency plan, median wait for" in page


def test_a_bad_scenario_is_a_form_error_naming_the_key_and_keeping_the_text(staff: dict[str, Client]) -> None:
    typed = ready_texts()[BASELINE].replace("places = 170", "places = -3", 1) + '\n# =HYPERLINK("x") <script>\n'
    response = staff["coordinator"].post(PAGE, {"action": "run", "scenario": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert "services[0].places" in page
    assert "places = -3" in page  # what was typed is still there
    assert "<script>" not in page.split('id="toml-form"')[1]  # escaped, never markup
    assert "With the contingency plan" not in page


def test_a_scenario_too_large_for_the_page_is_refused_with_a_reason(staff: dict[str, Client]) -> None:
    typed = (
        ready_texts()[BASELINE]
        .replace("replications = 10", "replications = 200")
        .replace("per_day = 12.0", "per_day = 4000.0")
    )
    response = staff["coordinator"].post(PAGE, {"action": "run", "scenario": typed})
    assert response.status_code == 400
    assert "lantern simulate" in response.content.decode()


def test_a_huge_text_is_refused_without_running(staff: dict[str, Client]) -> None:
    response = staff["coordinator"].post(PAGE, {"action": "run", "scenario": "# " + "x" * 10_000_000})
    assert response.status_code == 413  # over the body limit: refused before the form is read, as every page is


def test_bad_levers_keep_what_was_typed(staff: dict[str, Client]) -> None:
    response = staff["coordinator"].post(PAGE, {"action": "build", "per_day": "=1+1", "lockdown_start": "30"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="=1+1"' in page


def test_markup_in_a_scenario_name_is_shown_as_text_in_the_table_and_the_charts(staff: dict[str, Client]) -> None:
    typed = (
        ready_texts()[BASELINE]
        .replace('label = "no contingency plan"', 'label = "<img src=x onerror=alert(1)>"')
        .replace("name = ", 'name = "<script>alert(1)</script>"\n# ', 1)
    )
    response = staff["coordinator"].post(PAGE, {"action": "run", "scenario": typed, "compare": typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
