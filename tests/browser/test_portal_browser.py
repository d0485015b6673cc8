"""The public portal in a real browser (Debian's Chromium): languages and right-to-left, the quick exit (button,
Escape key, and without JavaScript), no request to any other site and no cookie, page weight, a 320-pixel screen,
and an automated accessibility check with axe-core (vendored in tests/browser/vendor/)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from lantern.crisis.services import crisis_declare, measure_add
from tests.browser.conftest import ARTIFACTS, CHROMIUM, LAUNCH_ARGS
from tests.conftest import World
from tests.portal.conftest import Portal, portal_world

pytestmark = [pytest.mark.browser]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
EXIT_URL = "https://weather.example/today"
NEUTRAL_PAGE = "<!DOCTYPE html><html lang='en'><head><title>Weather</title></head><body><h1>Sunny</h1></body></html>"
PAGES = ["", "services/", "call-back/", "safety/"]
PAGE_BUDGET = 100 * 1024


@pytest.fixture
def portal_live(world: World, settings: Any) -> Portal:
    """Portal data with a crisis active today (a lockdown in Attica), and the quick exit pointing at a neutral site
    that the browser tests answer themselves (no network)."""
    settings.LANTERN_PORTAL_EXIT_URL = EXIT_URL
    data = portal_world(world)
    today = timezone.localdate()
    crisis = crisis_declare(
        actor=None, name="Epidemic", kind="pandemic", country="GR", starts_on=today - timedelta(days=3)
    )
    measure_add(actor=None, crisis=crisis, kind="lockdown", regions=["Attica"], starts_on=today - timedelta(days=2))
    return data


@pytest.fixture
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


def _context(browser: Browser, **options: Any) -> BrowserContext:
    context = browser.new_context(**{"locale": "en-GB", "viewport": {"width": 1000, "height": 800}, **options})
    context.route("https://weather.example/**", lambda r: r.fulfill(body=NEUTRAL_PAGE, content_type="text/html"))
    return context


def _watch(page: Page, base: str) -> tuple[list[str], list[str]]:
    """Every request the page makes that leaves the portal's own origin, and every script or CSP error."""
    outside: list[str] = []
    problems: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((base, "data:")) or r.url.startswith(EXIT_URL) else outside.append(r.url),
    )
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return outside, problems


def _axe(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}
        })"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.pages_once  # markup and layout only, nothing written: the same whatever the database
def test_the_browser_language_is_picked_the_page_turns_right_to_left_and_the_language_can_be_changed(
    portal_live: Portal, live_server: Any, chromium: Browser
) -> None:
    base = str(live_server)
    context = _context(chromium, locale="ar-EG", extra_http_headers={"Accept-Language": "ar-EG,ar;q=0.9"})
    page = context.new_page()
    outside, problems = _watch(page, base)
    page.goto(f"{base}/help/")
    expect(page).to_have_url(f"{base}/help/ar/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    expect(page.get_by_role("heading", name="يُسمح لك بمغادرة المنزل لطلب المساعدة")).to_be_visible()
    # Every language is offered in its own name, with its own lang and dir.
    languages = page.get_by_role("navigation", name="اللغات")
    assert languages.get_by_role("link", name="Ελληνικά").get_attribute("lang") == "el"
    assert languages.get_by_role("link", name="Українська").get_attribute("dir") == "ltr"
    assert languages.get_by_role("link", name="العربية").get_attribute("aria-current") == "page"
    # The quick exit sits at the start of the line in reading order: on the left in Arabic.
    box = page.locator("#quick-exit").bounding_box()
    assert box is not None
    assert box["x"] < 500
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "portal-home-ar.png"), full_page=True)

    languages.get_by_role("link", name="English").click()
    page.wait_for_url(f"{base}/help/en/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    expect(page.get_by_role("heading", name="You are allowed to leave home to get help")).to_be_visible()
    page.get_by_role("link", name="Find help", exact=True).click()
    page.wait_for_url(f"{base}/help/en/services/")
    page.get_by_role("navigation", name="Languages").get_by_role("link", name="Română").click()
    page.wait_for_url(f"{base}/help/ro/services/")
    expect(page.get_by_role("heading", name="Găsiți ajutor", exact=True)).to_be_visible()
    assert context.cookies() == []
    assert outside == []
    assert problems == []
    context.close()


@pytest.mark.both_halves  # sends a call-back request or leaves the portal: the database under it matters
def test_the_quick_exit_button_and_the_escape_key_leave_the_portal_out_of_the_back_button(
    portal_live: Portal, live_server: Any, chromium: Browser
) -> None:
    base = str(live_server)
    context = _context(chromium)
    page = context.new_page()
    _outside, problems = _watch(page, base)
    page.goto("https://weather.example/before")  # where the visitor was before the portal
    page.goto(f"{base}/help/en/")
    entries = page.evaluate("history.length")
    page.get_by_role("link", name="Find help", exact=True).click()
    page.wait_for_url(f"{base}/help/en/services/")
    page.get_by_role("link", name="Browsing safely").first.click()
    page.wait_for_url(f"{base}/help/en/safety/")
    assert page.evaluate("history.length") == entries  # the whole visit takes one entry
    page.keyboard.press("Escape")
    page.wait_for_url(EXIT_URL)
    assert page.title() == "Weather"
    page.go_back()
    page.wait_for_url("https://weather.example/before")  # back leads past the portal

    page.goto(f"{base}/help/en/call-back/")
    page.get_by_label("Your number or address").fill("+30 694 555 0177")
    page.get_by_label("Your number or address").press("Escape")  # inside a form field, the first leaves the field
    page.keyboard.press("Escape")  # and the second exits (tests/browser/test_portal_exit_browser.py)
    page.wait_for_url(EXIT_URL)

    page.goto(f"{base}/help/en/")
    page.get_by_role("link", name="Leave this site quickly").click()
    page.wait_for_url(EXIT_URL)
    page.go_back()
    assert page.url.startswith(EXIT_URL) or "/help/" not in page.url
    assert problems == []
    context.close()


@pytest.mark.pages_once  # markup and layout only, nothing written: the same whatever the database
@pytest.mark.parametrize("lang", ["en", "ar", "uk"])
def test_a_phone_is_told_what_to_tap_and_a_computer_about_the_key_and_the_voicemail_box_starts_unticked(
    lang: str, portal_live: Portal, live_server: Any, chromium: Browser
) -> None:
    base = str(live_server)
    phone = _context(chromium, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(f"{base}/help/{lang}/call-back/")
    expect(page.locator(".exit-hint-touch")).to_be_visible()
    expect(page.locator(".exit-hint-keys")).to_be_hidden()
    expect(page.locator("input[name=may_leave_message]")).not_to_be_checked()
    phone.close()
    computer = _context(chromium)
    page = computer.new_page()
    page.goto(f"{base}/help/{lang}/call-back/")
    expect(page.locator(".exit-hint-keys")).to_be_visible()
    expect(page.locator(".exit-hint-touch")).to_be_hidden()
    expect(page.locator("input[name=may_leave_message]")).not_to_be_checked()
    computer.close()


@pytest.mark.both_halves  # sends a call-back request or leaves the portal: the database under it matters
def test_without_javascript_the_quick_exit_is_a_plain_link_and_a_call_back_can_be_sent(
    portal_live: Portal, live_server: Any, chromium: Browser
) -> None:
    base = str(live_server)
    context = _context(chromium, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/help/en/call-back/")
    page.get_by_label("A text message (SMS)").check()
    page.get_by_label("Your number or address").fill("+30 694 555 0177")
    page.get_by_label("When is it safe to contact you?").fill("Weekdays 10-12")
    page.get_by_label("In which language?").select_option("uk")
    with page.expect_response(lambda r: r.request.method == "POST") as sent:
        page.get_by_role("button", name="Send the request").click()
    assert sent.value.status == 200, sent.value.text()
    expect(page.get_by_role("heading", name="Your request was sent", exact=True)).to_be_visible()
    expect(page.get_by_text("They will speak Українська.")).to_be_visible()
    assert context.cookies() == []
    page.get_by_role("link", name="Leave this site quickly").click()
    page.wait_for_url(EXIT_URL)
    context.close()


@pytest.mark.both_halves  # sends a call-back request or leaves the portal: the database under it matters
def test_no_page_asks_another_site_for_anything_sets_a_cookie_or_weighs_more_than_100_kb(
    portal_live: Portal, live_server: Any, chromium: Browser
) -> None:
    base = str(live_server)
    context = _context(chromium)
    page = context.new_page()
    outside, problems = _watch(page, base)
    weights: dict[str, int] = {}
    responses: list[Any] = []
    page.on("response", lambda r: responses.append(r))
    for lang in ("en", "ar"):
        for path in PAGES:
            responses.clear()
            page.goto(f"{base}/help/{lang}/{path}", wait_until="networkidle")
            weights[f"/help/{lang}/{path}"] = sum(len(r.body()) for r in responses if r.status < 300)
    page.goto(f"{base}/help/en/call-back/")
    page.get_by_label("Your number or address").fill("+30 694 555 0177")
    page.get_by_label("When is it safe to contact you?").fill("Weekdays 10-12")
    page.get_by_role("button", name="Send the request").click()
    page.get_by_role("heading", name="Your request was sent", exact=True).wait_for()
    print("page weights (bytes):", weights)
    assert max(weights.values()) < PAGE_BUDGET, weights
    assert min(weights.values()) > 2000  # the measure is real: every page brings its HTML, CSS and script
    assert outside == []
    assert context.cookies() == []
    assert problems == []
    context.close()


@pytest.mark.pages_once  # markup and layout only, nothing written: the same whatever the database
def test_every_page_fits_a_320_pixel_screen_and_prints(
    portal_live: Portal, live_server: Any, chromium: Browser
) -> None:
    base = str(live_server)
    context = _context(chromium, viewport={"width": 320, "height": 640})
    page = context.new_page()
    for lang in ("en", "ar", "uk"):
        for path in PAGES:
            page.goto(f"{base}/help/{lang}/{path}")
            width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert width[0] <= width[1], (lang, path, width)
    page.goto(f"{base}/help/en/")
    expect(page.get_by_role("heading", name="You are allowed to leave home to get help")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("#quick-exit")).to_be_hidden()
    expect(page.get_by_role("heading", name="Hotlines", exact=True)).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "portal-home-en-320-print.png"), full_page=True)
    context.close()


@pytest.mark.pages_once  # markup and layout only, nothing written: the same whatever the database
@pytest.mark.parametrize(("lang", "path"), [("en", ""), ("ar", ""), ("en", "call-back/"), ("ar", "call-back/")])
def test_axe_finds_no_serious_or_critical_accessibility_violation(
    lang: str, path: str, portal_live: Portal, live_server: Any, chromium: Browser
) -> None:
    context = _context(chromium, bypass_csp=True)  # axe is injected as an inline script, which the CSP refuses
    page = context.new_page()
    page.goto(f"{live_server}/help/{lang}/{path}")
    assert _axe(page) == []
    if path == "call-back/":  # and the form shown again with its errors
        with page.expect_response(lambda r: r.request.method == "POST") as sent:
            page.get_by_role("button").last.click()
        assert sent.value.status == 422
        expect(page.locator("#errors")).to_be_focused()  # read first by a screen reader
        assert _axe(page) == []
        page.goto(f"{live_server}/help/{lang}/{path}")
    page.keyboard.press("Tab")  # the skip link comes first, and shows where the focus is
    expect(page.locator(".skip-link")).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    context.close()


@pytest.mark.pages_once  # markup and layout only, nothing written: the same whatever the database
def test_screenshots_of_the_home_page_for_the_docs(portal_live: Portal, live_server: Any, chromium: Browser) -> None:
    """Writes docs/portal-home-en.png and docs/portal-home-ar.png when LANTERN_PORTAL_SCREENSHOTS names the docs
    folder (the tests never depend on the fonts a screenshot needs); otherwise into test-results/."""
    target = Path(os.environ.get("LANTERN_PORTAL_SCREENSHOTS", str(ARTIFACTS)))
    target.mkdir(exist_ok=True)
    for lang in ("en", "ar"):
        context = _context(chromium, viewport={"width": 1000, "height": 900})
        page = context.new_page()
        page.goto(f"{live_server}/help/{lang}/")
        expect(page.locator(".crisis-message")).to_have_count(3)
        page.screenshot(path=str(target / f"portal-home-{lang}.png"), full_page=True)
        context.close()
        assert (target / f"portal-home-{lang}.png").stat().st_size > 10_000
