"""A case's whole journey in a real browser (Debian's Chromium), as the people who do each step: the caseworker
registers it (one wrong answer first: the form keeps what was typed), changes it, finds it in "Assigned to me",
records the person's consent and refers her to a shelter that is operating with free beds; the shelter accepts and
admits her; her supervisor sees the bed taken on the beds board. The key steps again in Arabic (right to left) and
in Ukrainian (dates). Every page passes axe-core with no serious or critical violation. Screenshots of the key
pages go to docs/screenshots/ (docs/case-registry.md shows them)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from lantern.providers.services import offering_save
from lantern.shelters.services import room_add
from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS, follow_menu
from tests.conftest import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.both_halves]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
REFERENCE = re.compile(r"/cases/(LT-[0-9A-Z]{4}-[0-9A-Z]{4})/$")


@pytest.fixture
def journey(world: World, settings: Any) -> World:
    """The shelter of the world's personas, operating, with free beds and an offer of safe accommodation in Attica."""
    settings.LANTERN_REQUIRE_2FA = False  # the second factor has its own browser test
    room_add(actor=None, shelter=world.shelter, name="Rose", wing="regular", restriction="women", beds=2)
    room_add(actor=None, shelter=world.shelter, name="Quiet", wing="quarantine", restriction="mixed", beds=1)
    offering_save(
        actor=None, organisation=world.shelter, service_type="safe_accommodation", regions=["Attica"],
        languages=["el", "en", "ro"], delivery_modes=["in_person"], weekly_capacity=3,
    )  # fmt: skip
    return world


@pytest.fixture
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


def _as(browser: Browser, base: str, username: str, language: str = "en") -> tuple[BrowserContext, Page]:
    """A browser of its own for one person, logged in, reading the staff pages in `language`."""
    context = browser.new_context(
        locale=language,
        extra_http_headers={"Accept-Language": language},
        viewport={"width": 1280, "height": 900},
        bypass_csp=True,  # axe-core is injected as an inline script, which the CSP refuses
    )
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}/")
    return context, page


def _axe(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}
        })"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _register(page: Page, base: str, *, wrong_citizenship: str) -> str:
    """Fill the register form with one wrong answer, check that it is kept, correct it; returns the reference."""
    page.goto(f"{base}/cases/new/")
    page.locator("#id_first_name").fill("Elena")
    page.locator("#id_second_name").fill("Ionescu")
    page.locator("#id_birth_date").fill("2004-05-17")
    page.locator("#id_gender").select_option("Feminine")
    page.locator("#id_primary_language").fill("ro")
    page.locator("#id_citizenship").fill(wrong_citizenship)
    page.locator("input[name=forms_of_exploitation][value=ForcedLabour]").check()
    page.locator("#id_forced_labour_industry").select_option("A")
    page.locator("#id_exploitation_country").fill("GR")
    page.locator("#id_exploitation_region").fill("Attica")
    consent = page.locator("#id_consent_to_case_management")
    expect(consent).not_to_be_checked()  # never ticked in advance: the person says yes
    consent.check()
    page.locator("form.wide-form button[type=submit]").click()
    expect(page.locator(".field-invalid #id_citizenship")).to_be_visible()
    assert page.locator("#id_first_name").input_value() == "Elena"
    assert page.locator("#id_birth_date").input_value() == "2004-05-17"
    assert page.locator("#id_citizenship").input_value() == wrong_citizenship
    expect(page.locator("input[name=forms_of_exploitation][value=ForcedLabour]")).to_be_checked()
    expect(page.locator("#id_consent_to_case_management")).to_be_checked()
    page.locator("#id_citizenship").fill("RO")
    page.locator("form.wide-form button[type=submit]").click()
    page.wait_for_url(REFERENCE)
    match = REFERENCE.search(page.url)
    assert match is not None
    return match.group(1)


def _edit(page: Page, base: str, reference: str) -> None:
    page.goto(f"{base}/cases/{reference}/edit/")
    assert page.locator("#id_birth_date").input_value() == "2004-05-17"  # an ISO value, shown in any language
    page.locator("#id_second_name").fill("Ionescu-Pop")
    page.locator("#id_risk_level").select_option("high")
    page.locator("form.wide-form button[type=submit]").click()
    page.wait_for_url(f"{base}/cases/{reference}/")


def test_a_case_from_registration_to_a_shelter_bed_in_english(
    journey: World, live_server: Any, chromium: Browser
) -> None:
    base = str(live_server)
    context, page = _as(chromium, base, "caseworker")
    follow_menu(page, "Cases")
    page.get_by_role("link", name="Register a case").click()
    reference = _register(page, base, wrong_citizenship="RO, XX")
    expect(page.get_by_text("Elena Ionescu")).to_be_visible()
    expect(page.locator("dd", has_text="Agriculture, forestry and fishing")).to_be_visible()
    expect(page.locator("dd", has_text="caseworker").first).to_be_visible()  # she holds the case she registered
    assert _axe(page) == []

    page.get_by_role("link", name="Change the case").click()
    assert _axe(page) == []
    _shot(page, "case-edit-en")
    _edit(page, base, reference)
    expect(page.get_by_text("Details changed: Family name, Risk level")).to_be_visible()
    expect(page.locator("dd", has_text="High").first).to_be_visible()

    page.goto(f"{base}/cases/?assigned_to_me=on")
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    expect(page.locator(".list-count")).to_contain_text("1 case")
    assert _axe(page) == []
    _shot(page, "case-list-en")

    page.goto(f"{base}/cases/{reference}/")
    page.get_by_label("Purpose").select_option("referral")
    page.get_by_label("Organisation (for a referral)").select_option(label="Safe Roof Shelter")
    page.get_by_role("button", name="Record consent").click()
    expect(page.get_by_text("Consent recorded.")).to_be_visible()
    page.get_by_role("link", name="Refer to a service").click()
    page.get_by_label("Service needed").select_option("safe_accommodation")
    page.get_by_label("Region").fill("Attica")
    page.get_by_role("button", name="Find providers").click()
    page.get_by_role("button", name="Send the referral").click()
    page.wait_for_url(f"{base}/cases/{reference}/")
    referrals = page.locator("section.case-referrals")
    expect(referrals.get_by_text("Safe Roof Shelter")).to_be_visible()
    expect(referrals.get_by_text("Waiting for an answer")).to_be_visible()
    _shot(page, "case-page-en")
    context.close()

    context, page = _as(chromium, base, "shelter_worker")
    page.goto(f"{base}/referrals/")
    page.locator("tr", has_text=reference).get_by_role("link", name=reference).click()
    page.get_by_role("button", name="Accept").click()
    page.get_by_role("link", name="Admit").click()
    room = page.get_by_label("Room")
    room.select_option(room.locator("option", has_text="Rose").get_attribute("value"))
    page.get_by_role("button", name="Admit").click()
    expect(page.get_by_text(f"Admitted: {reference}.")).to_be_visible()
    context.close()

    context, page = _as(chromium, base, "supervisor")
    follow_menu(page, "Beds")
    expect(page.locator("tr", has_text="Safe Roof Shelter").locator("td").nth(4)).to_have_text("1 / 3")
    page.goto(f"{base}/cases/{reference}/")
    expect(page.locator("section.case-referrals").get_by_text("Accepted")).to_be_visible()
    expect(page.get_by_text("Admitted to a shelter").first).to_be_visible()
    context.close()


def test_registering_and_changing_a_case_in_arabic_right_to_left(
    journey: World, live_server: Any, chromium: Browser
) -> None:
    base = str(live_server)
    context, page = _as(chromium, base, "caseworker", "ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    reference = _register(page, base, wrong_citizenship="RO, XX")
    _shot(page, "case-registered-ar")
    _edit(page, base, reference)
    assert page.locator("html").get_attribute("dir") == "rtl"
    expect(page.locator("dd", has_text="رومانيا")).to_be_visible()  # Romania, in the reader's language
    assert _axe(page) == []
    _shot(page, "case-page-ar")
    context.close()


def test_registering_and_changing_a_case_in_ukrainian_keeps_the_dates(
    journey: World, live_server: Any, chromium: Browser
) -> None:
    base = str(live_server)
    context, page = _as(chromium, base, "caseworker", "uk")
    reference = _register(page, base, wrong_citizenship="RO, ZZ")
    _edit(page, base, reference)
    expect(page.locator("dd", has_text="2004-05-17")).to_be_visible()
    expect(page.locator("dd", has_text="Румунія")).to_be_visible()
    page.goto(f"{base}/cases/{reference}/edit/")
    assert page.locator("#id_identified_on").input_value() != ""  # an ISO value that the date input shows
    _shot(page, "case-edit-uk")
    context.close()
