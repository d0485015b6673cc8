"""The assistance plan in a real browser, in English and in Arabic, at 1280 and 360 px: the caseworker writes a plan
with two actions, records the person's agreement through an interpreter (refused until one is assigned), records
that she declines a service, and records a high risk, shown with its safety plan missing until she writes it; the
case page then shows the agreed plan, the declined service and the risk in red."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from lantern.cases import services as cases
from lantern.cases.models import Case
from lantern.cases.validation import PersonData
from tests.conftest import PASSWORD, World

pytestmark = [pytest.mark.browser]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def open_case(world: World) -> Case:
    """Made before the browser starts (the ORM is not called while Playwright's loop runs)."""
    return cases.case_register(
        actor=world.caseworker,
        organisation=world.ngo_a,
        person=PersonData(first_name="Olena", second_name="Bondar", primary_language="uk", interpreter_needed=True),
        consent_to_case_management=True,
    )


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("en", 360), ("ar", 1280), ("ar", 360)])
def test_the_caseworker_plans_assistance_with_the_person(
    world: World, open_case: Case, live_server: object, browser_page: Page, settings: object, language: str, width: int
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]  # the second factor has its own browser test
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    base = str(live_server)

    def tr(msgid: str) -> str:
        with translation.override(language):
            return gettext(msgid)

    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.locator("#language-select").select_option(language)
    page.locator(".language-form button").click()
    page.get_by_label(tr("Username"), exact=True).fill("caseworker")
    page.get_by_label(tr("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=tr("Log in")).click()
    page.goto(f"{base}/cases/{open_case.reference}/")

    plan = page.locator("#plan")
    plan.get_by_label(tr("Objectives, as agreed with the person"), exact=True).fill(
        "A safe place to live; her wages claimed."
    )
    plan.get_by_role("button", name=tr("Save the plan")).click()
    expect(page.get_by_text(tr("Draft: the person has not agreed to it yet."))).to_be_visible()

    for service in ("safe_accommodation", "legal_counselling"):
        plan = page.locator("#plan")
        plan.get_by_text(tr("Add an action"), exact=True).click()
        plan.locator("#action_service_type").select_option(service)
        plan.locator("#action_planned_end").fill((timezone.localdate() + timedelta(days=30)).isoformat())
        plan.get_by_role("button", name=tr("Add the action")).click()
        expect(page.get_by_text(tr("Action added to the plan."))).to_be_visible()

    # Through an interpreter: refused in words while none is assigned, then recorded once one is.
    plan = page.locator("#plan")
    plan.get_by_text(tr("Record the person's agreement"), exact=True).click()
    plan.locator("#agree_agreed_how").select_option("interpreter")
    plan.get_by_role("button", name=tr("Record the agreement")).click()
    expect(page.locator("#agree_agreed_how-error")).to_be_visible()
    expect(page.locator("#agree_agreed_how")).to_have_value("interpreter")
    plan = page.locator("#plan")
    plan.get_by_text(tr("Assign a mediator or an interpreter"), exact=True).click()
    plan.locator("#mediator_kind").select_option("interpreter")
    plan.locator("#mediator_staff").select_option(str(world.supervisor.pk))
    plan.locator("#mediator_from_on").fill(timezone.localdate().isoformat())
    plan.get_by_role("button", name=tr("Assign"), exact=True).click()
    expect(page.get_by_text(tr("Assignment recorded."))).to_be_visible()
    plan = page.locator("#plan")
    plan.get_by_text(tr("Record the person's agreement"), exact=True).click()
    plan.locator("#agree_agreed_how").select_option("interpreter")
    plan.get_by_role("button", name=tr("Record the agreement")).click()
    expect(page.get_by_text(tr("The person's agreement is recorded."))).to_be_visible()

    plan = page.locator("#plan")
    plan.get_by_text(tr("The person declines a service"), exact=True).click()
    plan.locator("#decline_service_type").select_option("psychological")
    plan.locator("#decline_reason").fill("Not now.")
    plan.get_by_role("button", name=tr("Record that she declines")).click()
    expect(page.get_by_text(tr("The service the person declined is recorded."))).to_be_visible()

    # A high risk is recorded before its safety plan: missing, in red, until it is written.
    page.get_by_text(tr("Risk assessment"), exact=True).click()
    page.locator("#id_risk_level").select_option("high")
    page.locator("#id_notes").fill("The recruiter called her new number.")
    page.get_by_role("button", name=tr("Save the risk")).click()
    expect(page.get_by_text(tr("Risk assessment recorded."))).to_be_visible()
    expect(page.locator("#safety-plan-missing")).to_have_text(tr("safety plan missing"))
    safety = page.locator("#safety-plan")
    safety.locator("#safety_safety_plan").fill("New phone number; an escort to appointments.")
    safety.locator("#safety_review_on").fill((timezone.localdate() + timedelta(days=7)).isoformat())
    safety.get_by_role("button", name=tr("Save the safety plan")).click()
    expect(page.get_by_text(tr("Safety plan saved."))).to_be_visible()
    expect(page.locator("#safety-plan-missing")).to_have_count(0)

    plan = page.locator("#plan")
    expect(plan.get_by_text("New phone number; an escort to appointments.")).to_be_visible()
    expect(plan.locator("strong.overdue")).to_have_text(tr("High"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1  # nothing wider than the screen
    plan.screenshot(path=str(SCREENSHOTS / f"assistance-plan-{language}-{width}.png"))
