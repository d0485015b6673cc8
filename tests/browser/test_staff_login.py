"""The staff UI in a real browser (Debian's Chromium driven by Playwright): first login with two-factor set-up,
the language switcher with a right-to-left page, and no Content Security Policy violation on the way."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS
from tests.conftest import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.both_halves]


def test_a_caseworker_logs_in_sets_up_two_factors_and_reads_the_ui_in_arabic(
    world: World, live_server: object, browser_page: Page
) -> None:
    page = browser_page
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    base = str(live_server)

    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill("caseworker")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.wait_for_url(re.compile(r"/account/2fa/$"))
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    # The authenticator app reads the key the page shows; so does the test (and touches no database meanwhile).
    key = base64.b32decode(page.locator(".secret code").inner_text())
    code = f"{TOTP(key).token():06d}"
    page.get_by_label("Your password, once more").fill(PASSWORD)  # asked again before a phone is bound
    page.get_by_label("Six-digit code from your authenticator app").fill(code)
    page.get_by_role("button", name="Turn on").click()

    page.wait_for_url(f"{base}/")
    expect(page.get_by_role("heading", name="Welcome, caseworker")).to_be_visible()
    expect(page.get_by_role("link", name="Safe Passage NGO")).to_be_visible()

    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change").click()
    page.wait_for_selector("html[dir=rtl]")
    assert page.locator("html").get_attribute("lang") == "ar"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "staff-home-ar.png"), full_page=True)

    assert problems == [], problems  # no CSP violation, no script error


def test_the_api_documentation_renders_from_lantern_alone(live_server: object, browser_page: Page) -> None:
    page = browser_page
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(str(live_server)) or request.url.startswith("data:")
            else outside.append(request.url)
        ),
    )
    page.goto(f"{live_server}/api/v1/docs")
    page.get_by_text("/api/v1/organisations", exact=True).first.wait_for()
    assert outside == []
    assert problems == [], problems
