"""A prosecutor records the outcome of a trial on its page, in English and in Arabic: she opens the form under the
defendant, chooses a conviction, is asked once more (an outcome cannot be changed), confirms, and the proceeding is
closed; the compensation awarded, the part paid and what is still owed are written as her language writes amounts.
Screenshots for docs/justice.md."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from lantern.cases.services import case_register
from lantern.cases.validation import PersonData
from lantern.justice import services
from lantern.justice.models import Defendant
from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS
from tests.conftest import PASSWORD, World
from tests.justice.helpers import Justice, justice_setup

pytestmark = [pytest.mark.browser]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WORDS = {
    "en": {"closed": "Closed on", "conviction": "Conviction", "owed": "still owed"},
    "ar": {"closed": "أُغلق في", "conviction": "إدانة", "owed": "لا يزال مستحقًا"},
}


@pytest.fixture
def justice(world: World) -> tuple[Justice, Defendant]:
    """Made before the browser starts (the ORM is not called while Playwright's loop runs)."""
    case = case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData(first_name="Ana"))
    data = justice_setup(world, case)
    prosecutor = world.prosecutor
    defendant = services.defendant_add(actor=prosecutor, proceeding=data.proceeding)
    claim = services.compensation_claim(
        actor=prosecutor, proceeding=data.proceeding, payer="offender", claimed=Decimal("20000"), currency="EUR"
    )
    claim = services.compensation_award(actor=prosecutor, compensation=claim, awarded=Decimal("15000"))
    services.compensation_pay(actor=prosecutor, compensation=claim, amount=Decimal("5000"))
    services.compensation_claim(
        actor=prosecutor, proceeding=data.proceeding, payer="state_fund", claimed=Decimal("10000"), currency="EUR"
    )
    services.legal_representative_set(actor=prosecutor, proceeding=data.proceeding, organisation=world.legal_aid)
    services.protective_measure_add(actor=prosecutor, proceeding=data.proceeding, kind="video_interview")
    services.protective_measure_add(
        actor=prosecutor, proceeding=data.proceeding, kind="witness_protection", status="requested"
    )
    return data, defendant


@pytest.fixture
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


def _sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/login/")
    page.locator("input[name=username]").fill("prosecutor")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_prosecutor_records_a_conviction_and_the_proceeding_closes(
    lang: str, justice: tuple[Justice, Defendant], live_server: Any, settings: Any, chromium: Browser
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # the second factor has its own browser test
    data, defendant = justice
    words = WORDS[lang]
    base = str(live_server)
    context = chromium.new_context(
        locale=lang, extra_http_headers={"Accept-Language": lang}, viewport={"width": 1200, "height": 900}
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    _sign_in(page, base)
    page.goto(f"{base}/justice/proceeding/{data.proceeding.pk}/")
    if lang == "ar":
        assert page.locator("html").get_attribute("dir") == "rtl"
    expect(page.locator("main")).to_contain_text(words["owed"])
    assert "Ana" not in page.content()
    outcome_form = page.locator(f"form[action='/justice/defendant/{defendant.pk}/outcome/']")
    page.locator("details", has=outcome_form).locator("summary").click()
    outcome_form.locator("select").select_option("conviction")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"justice-redress-form-{lang}.png"), full_page=True)
    outcome_form.locator("button[type=submit]").click()

    # Asked once more: nothing is written before the confirmation.
    expect(page.locator("section.confirm h1")).to_contain_text(words["conviction"])
    page.screenshot(path=str(SCREENSHOTS / f"justice-redress-confirm-{lang}.png"))
    page.locator("section.confirm button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/justice/proceeding/{data.proceeding.pk}/$"))
    expect(page.locator(".closed-note")).to_contain_text(words["closed"])
    page.screenshot(path=str(SCREENSHOTS / f"justice-redress-{lang}.png"), full_page=True)
    assert problems == [], problems
    context.close()
