"""The review's fixes in a real browser (Chromium), in English and Arabic (right to left): a case the police
registered says nobody holds it yet and is handed over, with consent and after a confirmation, to an NGO whose
supervisor finds it unassigned; routing says in words why each service is offered (no score); the same need sent
again to the same provider while the first referral is open is refused, saying where the open one is. Screenshots go
to docs/screenshots/; every page passes axe-core (no serious or critical violation)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from lantern.cases import services as cases
from lantern.cases.models import Case
from lantern.providers.services import offering_save
from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS, log_out
from tests.conftest import PASSWORD, World, labour_context, maria

pytestmark = [pytest.mark.browser]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
REFUSED = {
    "en": "Athens Legal Aid Clinic already has an open referral",
    "ar": "لدى Athens Legal Aid Clinic إحالة مفتوحة",
}


@pytest.fixture
def page() -> Iterator[Page]:
    """A staff page whose context lets axe-core be injected (the staff pages' CSP refuses inline scripts)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("LANTERN_CHROMIUM", CHROMIUM), args=LAUNCH_ARGS
        )
        context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900}, bypass_csp=True)
        yield context.new_page()
        context.close()
        browser.close()


def _axe(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        })"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")


def _language(page: Page, code: str) -> None:
    page.locator("#language-select").select_option(code)
    page.locator(".language-form button").click()
    page.wait_for_selector(f"html[lang={code}]")


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


@pytest.fixture
def police_case(world: World) -> Case:
    """Maria, registered by the police unit's first responder, who consented to be referred to Safe Passage NGO.
    Created before the browser starts: Playwright's event loop forbids the ORM in the test's thread."""
    case = cases.case_register(
        actor=world.police,
        organisation=world.police_unit,
        person=maria(),
        context=labour_context(),
        identified_on=date(2026, 2, 16),
        consent_to_case_management=True,
    )
    cases.consent_give(
        actor=world.police, case=case, purpose="referral", recipient=world.ngo_a, given_on=date(2026, 2, 17)
    )
    return case


def test_the_police_hands_a_case_over_to_an_ngo_whose_supervisor_finds_it(
    police_case: Case, live_server: object, settings: object, page: Page
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    base = str(live_server)
    case = police_case
    _login(page, base, "police")
    page.goto(f"{base}/cases/{case.reference}/")
    expect(page.locator("#nobody-holds")).to_contain_text("Nobody holds this case yet")
    hand_over = page.locator("#hand-over")
    expect(hand_over).to_have_attribute("open", "")
    assert _axe(page) == []
    _shot(page, "handover-police-case-en.png")
    _language(page, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#nobody-holds")).to_contain_text("لا أحد يتولى هذه الحالة بعد")
    assert _axe(page) == []
    _shot(page, "handover-police-case-ar.png")
    _language(page, "en")

    hand_over.get_by_label("Hand the case over to").select_option(label="Safe Passage NGO (consent recorded)")
    hand_over.get_by_role("button", name="Hand the case over").click()
    expect(page.get_by_role("heading", name=f"Hand {case.reference} over to Safe Passage NGO?")).to_be_visible()
    assert _axe(page) == []
    _shot(page, "handover-confirm-en.png")
    page.get_by_role("button", name="Yes, hand the case over").click()
    page.wait_for_url(f"{base}/cases/")
    expect(page.get_by_text("The case is handed over to Safe Passage NGO.")).to_be_visible()
    expect(page.get_by_text(case.reference)).to_have_count(0)  # the police no longer see it
    log_out(page)

    _login(page, base, "supervisor")
    page.goto(f"{base}/cases/")
    row = page.locator("tr", has_text=case.reference)
    expect(row).to_contain_text("—")  # unassigned, for her to give to a caseworker
    row.get_by_role("link", name=case.reference).click()
    expect(page.locator("ol.timeline")).to_contain_text("Handed over to another organisation: Safe Passage NGO")
    expect(page.locator("#nobody-holds")).to_have_count(0)
    assert _axe(page) == []
    _shot(page, "handover-received-en.png")
    _language(page, "ar")
    expect(page.locator("ol.timeline")).to_contain_text("سُلِّمت إلى منظمة أخرى")
    _shot(page, "handover-received-ar.png")


@pytest.fixture
def referable(world: World, case: Case) -> Case:
    """Maria's case at Safe Passage NGO, with her consent to a referral to the legal aid clinic, which offers legal
    counselling in Attica in Greek and English."""
    offering_save(
        actor=None,
        organisation=world.legal_aid,
        service_type="legal_counselling",
        regions=["Attica"],
        languages=["el", "en", "ro"],
        delivery_modes=["in_person"],
        weekly_capacity=4,
    )
    cases.consent_give(
        actor=world.caseworker, case=case, purpose="referral", recipient=world.legal_aid, given_on=date(2026, 2, 20)
    )
    return case


@pytest.mark.parametrize("language", ["en", "ar"])
def test_routing_says_why_and_a_second_referral_while_the_first_is_open_is_refused(
    referable: Case, live_server: object, settings: object, page: Page, language: str
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    base = str(live_server)
    case = referable
    _login(page, base, "caseworker")
    refer = f"{base}/referrals/case/{case.reference}/?service_type=legal_counselling&region=Attica"
    page.goto(refer)
    offered = page.locator("ol.candidates > li", has_text="Athens Legal Aid Clinic")
    expect(offered).to_contain_text("Why it is offered:")
    expect(offered).to_contain_text("operating normally")
    expect(offered).to_contain_text("speaks the person's language (Romanian)")
    expect(offered).to_contain_text("works in the region where the person is helped (Attica)")
    assert not re.search(r"\bscore\b", page.locator("main").inner_text(), re.IGNORECASE)
    offered.get_by_role("button", name="Send the referral").click()
    page.wait_for_url(f"{base}/cases/{case.reference}/")

    page.goto(refer)
    if language == "ar":
        _language(page, "ar")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        offered = page.locator("ol.candidates > li", has_text="Athens Legal Aid Clinic")
        expect(offered).to_contain_text("لماذا تُعرض:")
    assert _axe(page) == []
    _shot(page, f"routing-reasons-{language}.png")
    offered.locator('button[type="submit"]').click()
    refused = page.locator(".message-error").first
    expect(refused).to_contain_text(REFUSED[language])
    assert _axe(page) == []
    _shot(page, f"referral-refused-twice-{language}.png")
