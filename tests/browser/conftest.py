"""Browser fixtures: Debian's Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

CHROMIUM = os.environ.get("LANTERN_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-results"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page() -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        context = browser.new_context(locale="en-GB", viewport={"width": 1100, "height": 800})
        page = context.new_page()
        yield page
        context.close()
        browser.close()


def follow_menu(page: Page, name: str) -> None:
    """Follow a link of the top bar, opening its "More" menu first when the link is in it."""
    nav = page.get_by_role("navigation", name="Main")
    link = nav.get_by_role("link", name=name, include_hidden=True).first
    if not link.is_visible():
        nav.locator("details.menu > summary").click()
    link.click()


def log_out(page: Page) -> None:
    page.locator(".topbar-end details.menu > summary").click()
    page.get_by_role("button", name=re.compile("Log out")).click()
