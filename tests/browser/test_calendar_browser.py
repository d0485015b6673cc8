"""A court clerk finds next week's hearing in her court's calendar with the keyboard alone, in English and in Arabic
(right to left: Monday on the right), then opens the month; screenshots for docs/justice.md."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from lantern.cases.services import case_register
from lantern.cases.validation import PersonData
from tests.browser.conftest import ARTIFACTS, CHROMIUM, LAUNCH_ARGS
from tests.conftest import PASSWORD, World
from tests.justice.helpers import Justice, justice_setup

pytestmark = [pytest.mark.browser]

WORDS = {
    "en": {"calendar": "Calendar", "next": "Next week", "month": "Month", "monday": "Monday"},
    "ar": {"calendar": "التقويم", "next": "الأسبوع التالي", "month": "شهر", "monday": "الاثنين"},
}


@pytest.fixture
def justice(world: World) -> Justice:
    """Made before the browser starts (the ORM is not called while Playwright's loop runs); the clerk signs in."""
    case = case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData(first_name="Ana"))
    data = justice_setup(world, case)
    data.clerk.set_password(PASSWORD)
    data.clerk.save(update_fields=["password"])
    return data


@pytest.fixture
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


def _sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/login/")
    page.locator("input[name=username]").fill("clerk")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_clerk_finds_next_weeks_hearing_in_the_calendar_with_the_keyboard(
    lang: str, justice: Justice, live_server: Any, settings: Any, chromium: Browser
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # the second factor has its own browser test
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
    page.goto(f"{base}/justice/")
    page.get_by_role("link", name=words["calendar"], exact=True).click()
    page.wait_for_url(re.compile(r"/justice/calendar/"))
    if lang == "ar":
        assert page.locator("html").get_attribute("dir") == "rtl"
        columns = page.locator("table.calendar thead th")
        first, last = columns.first.bounding_box(), columns.last.bounding_box()
        assert first is not None
        assert last is not None
        assert first["x"] > last["x"]  # Monday on the right
    expect(page.locator("table.calendar thead th").first).to_have_text(words["monday"])

    # The keyboard alone: to "next week", then to the hearing, as any link
    page.get_by_role("link", name=words["next"]).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"day="))
    hearing = page.locator(f"a[href='/justice/hearing/{justice.hearing.pk}/']")
    expect(hearing).to_be_visible()
    expect(hearing).to_contain_text(justice.proceeding.case.reference)
    assert "Ana" not in page.content()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"justice-calendar-week-{lang}.png"), full_page=True)
    hearing.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/justice/hearing/{justice.hearing.pk}/$"))

    page.go_back()
    page.get_by_role("link", name=words["month"], exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"view=month"))
    expect(page.locator(f"a[href='/justice/hearing/{justice.hearing.pk}/']")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / f"justice-calendar-month-{lang}.png"), full_page=True)
    assert problems == [], problems
    context.close()
