"""The national coordinator's journey in a real browser: open an assessment with a partner, fill an item (a link
that is not a web address is refused with what was typed kept), rank the gaps and add an action, compare with last
year's assessment, download the gap report as PDF, then declare a crisis and see the partner's role now."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from lantern.preparedness import pdf, services
from tests.browser.conftest import ARTIFACTS, follow_menu, log_out
from tests.conftest import PASSWORD, World

pytestmark = [pytest.mark.browser]


@pytest.fixture
def last_year(world: World) -> None:
    """Made before the browser starts (the ORM is not called while Playwright's loop runs)."""
    earlier = services.assessment_open(
        actor=world.coordinator,
        title="Greece last year",
        country="GR",
        assessed_on=timezone.localdate() - timedelta(days=365),
        contributors=[world.ngo_a],
    )
    services.item_update(actor=world.coordinator, answer=earlier.answers.get(item_id="PRO-1"), level=1)
    services.assessment_submit(actor=world.coordinator, assessment=earlier)
    services.role_set(
        actor=world.coordinator, organisation=world.ngo_a, phase="declared", duty="Keep casework going by phone"
    )


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_the_coordinators_preparedness_journey(
    world: World, last_year: None, live_server: object, settings: object, browser_page: Page
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]  # the second factor has its own browser test
    page = browser_page
    base = str(live_server)
    _login(page, base, "coordinator")
    follow_menu(page, "Preparedness")
    page.get_by_label("Title").fill("Greece this year")
    page.get_by_label("Country", exact=True).fill("GR")
    page.get_by_label("Partner organisations contributing").select_option(label="Safe Passage NGO")
    page.get_by_role("button", name="Open", exact=True).click()
    expect(page.get_by_text("Assessment opened.")).to_be_visible()
    expect(page.get_by_role("heading", name="Greece this year")).to_be_visible()

    page.get_by_role("link", name="PRO-1", exact=True).click()
    page.get_by_label("Level").select_option("3")
    page.get_by_label("Evidence", exact=True).fill("Quarantine protocol adopted in March")
    page.get_by_label("Link to the evidence").fill("javascript:alert(1)")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("A web address starting with https://")).to_be_visible()
    assert page.get_by_label("Evidence", exact=True).input_value() == "Quarantine protocol adopted in March"
    assert page.get_by_label("Level").input_value() == "3"
    page.get_by_label("Link to the evidence").fill("https://example.org/protocol")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Item saved.")).to_be_visible()

    page.get_by_role("link", name="Priorities and plan of action").click()
    page.get_by_label("Item").select_option("BUD-1")
    page.get_by_label("Action").fill("Set aside a crisis budget line")
    page.get_by_label("Owner").select_option(label="Safe Passage NGO")
    page.get_by_label("Due on").fill((timezone.localdate() + timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Action added to the plan.")).to_be_visible()
    expect(page.get_by_role("cell", name="Set aside a crisis budget line")).to_be_visible()

    page.get_by_role("link", name="Greece this year").click()
    size = page.viewport_size
    page.set_viewport_size({"width": 360, "height": 800})  # on a phone the compare row and the groups wrap
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert size is not None
    page.set_viewport_size(size)
    page.get_by_label("Compare with").select_option(index=0)
    page.get_by_role("button", name="Compare", exact=True).click()
    improved = page.locator("section", has=page.get_by_role("heading", name="What improved"))
    expect(improved).to_contain_text("PRO-1")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "preparedness-compare.png"), full_page=True)
    page.go_back()

    if pdf.available():
        with page.expect_download() as download:
            page.get_by_role("link", name="Download the report (PDF)").click()
        path = download.value.path()
        assert path is not None
        with open(path, "rb") as handle:
            assert handle.read(5) == b"%PDF-"
    else:
        expect(page.get_by_text("PDF is unavailable")).to_be_visible()

    follow_menu(page, "Crisis")
    page.get_by_label("Name").fill("Floods")
    page.locator("section.narrow").get_by_label("Country", exact=True).fill("GR")
    page.get_by_role("button", name="Declare").click()
    expect(page.get_by_text("Crisis declared: crisis mode is on.")).to_be_visible()
    log_out(page)
    _login(page, base, "supervisor")
    expect(page.get_by_role("heading", name=re.compile("Your role now"))).to_be_visible()
    expect(page.get_by_text("Keep casework going by phone")).to_be_visible()
