"""Registering a case in a real browser: a wrong answer keeps what was typed; the case page follows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS
from tests.conftest import PASSWORD, World

pytestmark = [pytest.mark.browser]


def test_a_caseworker_registers_a_case_and_corrects_a_wrong_country(
    world: World, live_server: object, browser_page: Page, settings: object
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]  # the second factor has its own browser test
    page = browser_page
    base = str(live_server)
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill("caseworker")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Cases").click()
    page.get_by_role("link", name="Register a case").click()

    page.get_by_label("First name").fill("Elena")
    page.get_by_label("Family name").fill("Ionescu")
    page.get_by_label("Citizenship").fill("RO, XX")
    page.get_by_label("Sexual exploitation").check()
    page.get_by_label("Exploited in a private home").check()
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_text("“XX” is not a country")).to_be_visible()
    assert page.get_by_label("First name").input_value() == "Elena"
    expect(page.get_by_label("Sexual exploitation")).to_be_checked()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "register-error.png"), full_page=True)

    page.get_by_label("Citizenship").fill("RO")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(r"/cases/LT-[0-9A-Z]{4}-[0-9A-Z]{4}/$"))
    expect(page.get_by_text("Elena Ionescu")).to_be_visible()
    expect(page.get_by_text("Exploited in a private home")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "case-page.png"), full_page=True)
    assert Path(ARTIFACTS / "case-page.png").stat().st_size > 10_000
