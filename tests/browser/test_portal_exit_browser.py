"""The quick exit leaves no way back, even after a call-back request; Escape in a text field first leaves the field;
a search that finds nothing on a 360-pixel phone offers the emergency number and the hotline at the top, and the
nearest alternatives. Screenshots for docs/portal.md."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_portal_browser import EXIT_URL, _context, _watch, chromium, portal_live
from tests.portal.conftest import Portal

pytestmark = [pytest.mark.browser, pytest.mark.both_halves]

__all__ = ["chromium", "portal_live"]  # fixtures, shared with the portal's other browser tests

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def test_after_a_call_back_request_back_does_not_return_to_the_portal(
    portal_live: Portal, live_server: Any, chromium: Browser
) -> None:
    base = str(live_server)
    context = _context(chromium)
    page = context.new_page()
    outside, problems = _watch(page, base)
    page.goto("https://weather.example/before")
    page.goto(f"{base}/help/en/")
    entries = page.evaluate("history.length")
    page.get_by_role("link", name="Ask for a call-back").first.click()
    page.wait_for_url(f"{base}/help/en/call-back/")
    page.get_by_label("Your number or address").fill("+30 694 555 0177")
    page.get_by_label("When is it safe to contact you?").fill("Weekdays 10-12")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", name="Your request was sent", exact=True)).to_be_visible()
    assert page.evaluate("history.length") == entries  # the request took no entry of its own
    page.get_by_role("link", name="Leave this site quickly").click()
    page.wait_for_url(EXIT_URL)
    page.go_back()
    page.wait_for_url("https://weather.example/before")  # past the portal, not to the call-back form
    assert [url for url in outside if not url.startswith("https://weather.example/")] == []  # the neutral site only
    assert problems == []
    assert context.cookies() == []
    context.close()


def test_escape_in_a_text_field_first_leaves_the_field_then_exits(
    portal_live: Portal, live_server: Any, chromium: Browser
) -> None:
    base = str(live_server)
    context = _context(chromium)
    page = context.new_page()
    page.goto(f"{base}/help/en/call-back/")
    field = page.get_by_label("When is it safe to contact you?")
    field.fill("After 6 when he is out")
    field.press("Escape")
    assert page.url == f"{base}/help/en/call-back/"  # still here, nothing lost
    expect(field).not_to_be_focused()
    assert field.input_value() == "After 6 when he is out"
    page.keyboard.press("Escape")
    page.wait_for_url(EXIT_URL)
    context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_search_that_finds_nothing_on_a_phone_offers_help_at_the_top(
    lang: str, portal_live: Portal, live_server: Any, chromium: Browser
) -> None:
    base = str(live_server)
    context = _context(chromium, **PHONE)
    page = context.new_page()
    page.goto(f"{base}/help/{lang}/services/?region=Attica&service=legal_aid")
    emergency = page.locator(".urgent a[href='tel:112']")
    hotline = page.locator(".urgent a[href='tel:1109']")
    expect(emergency).to_be_visible()
    expect(hotline).to_be_visible()
    for link in (emergency, hotline):
        box = link.bounding_box()
        assert box is not None
        assert box["y"] < 200  # at the top of the first screen
    expect(page.locator("#none-heading")).to_be_visible()
    expect(page.locator("#alternatives-heading")).to_be_visible()
    assert "0 services" not in page.content()
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"portal-no-results-phone-{lang}.png"), full_page=True)
    context.close()
