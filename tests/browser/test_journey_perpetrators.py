"""The journey and the perpetrators of a case, in a real browser, in English and in Arabic, on a desktop and on a
phone: a caseworker records the route from Romania through Bulgaria (a last day before the first is refused, and
what she typed stays), then the recruiter, and reads both in words; at 360 px nothing runs off the screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext
from playwright.sync_api import Page, expect

from lantern.cases.models import Case
from tests.conftest import PASSWORD, World

pytestmark = [pytest.mark.browser]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _log_in(page: Page, base: str, username: str, language: str, tr: Callable[[str], str]) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.locator("#language-select").select_option(language)
    page.locator(".language-form button").click()
    page.get_by_label(tr("Username"), exact=True).fill(username)
    page.get_by_label(tr("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=tr("Log in")).click()


def _fits(page: Page) -> None:
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, (scroll, inner)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_caseworker_records_the_journey_and_the_recruiter(
    world: World, case: Case, live_server: object, browser_page: Page, settings: object, language: str
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    page = browser_page
    base = str(live_server)

    def tr(msgid: str, context: str = "") -> str:
        with translation.override(language):
            return pgettext(context, msgid) if context else gettext(msgid)

    page.set_viewport_size({"width": 1280, "height": 900})
    _log_in(page, base, "caseworker", language, tr)
    page.goto(f"{base}/cases/{case.reference}/")
    journey = page.locator("#journey")
    expect(journey.get_by_text(tr("No step of the journey recorded yet."))).to_be_visible()

    journey.get_by_text(tr("Add a step of the journey"), exact=True).click()
    journey.get_by_label(tr("What happened there"), exact=True).select_option("Transit")
    journey.get_by_label(tr("Country"), exact=True).fill("BG")
    journey.get_by_label(tr("City or town"), exact=True).fill("Ruse")
    journey.get_by_label(tr("From"), exact=True).fill("2026-01-10")
    journey.get_by_label(tr("Until (if it lasted)"), exact=True).fill("2026-01-05")
    journey.get_by_label(tr("How the person travelled"), exact=True).select_option("Road")
    journey.get_by_label(tr("Border crossing"), exact=True).select_option("Irregular")
    journey.get_by_role("button", name=tr("Save the step")).click()
    journey = page.locator("#journey")
    expect(journey.get_by_text(tr("Before the first day."))).to_be_visible()
    expect(journey.get_by_label(tr("City or town"), exact=True)).to_have_value("Ruse")  # what she typed stays
    journey.get_by_label(tr("Until (if it lasted)"), exact=True).fill("2026-01-12")
    journey.get_by_role("button", name=tr("Save the step")).click()
    expect(page.get_by_text(tr("Step of the journey recorded."))).to_be_visible()
    steps = page.locator("#journey ol.journey-steps")
    expect(steps.get_by_text(tr("Transit", "journey"), exact=True)).to_be_visible()
    expect(steps).to_contain_text(tr("By road (bus, car, lorry)"))
    expect(steps).to_contain_text(tr("Crossed a border irregularly"))
    expect(steps).to_contain_text("2026-01-10")

    people = page.locator("#perpetrators")
    people.get_by_text(tr("Add a perpetrator"), exact=True).click()
    people.get_by_label(tr("Recruiter or intermediary"), exact=True).check()
    people.get_by_label(tr("Transporter"), exact=True).check()
    people.get_by_label(tr("Relationship to the person"), exact=True).select_option("Acquaintance")
    people.get_by_label(tr("Sex or gender"), exact=True).select_option("Masculine")
    people.get_by_label(tr("Age (about)"), exact=True).select_option("30-38")
    people.get_by_role("button", name=tr("Save the perpetrator")).click()
    expect(page.get_by_text(tr("Perpetrator recorded."))).to_be_visible()
    listed = page.locator("#perpetrators ol.perpetrator-list")
    expect(listed).to_contain_text(tr("Acquaintance or friend", "relationship to the victim"))
    expect(listed).to_contain_text(tr("Recruiter or intermediary"))
    assert "RecruiterOrIntermediary" not in listed.inner_text()
    _fits(page)
    page.locator("#journey").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"journey-{language}-1280.png"), full_page=True)

    page.set_viewport_size({"width": 360, "height": 800})
    page.reload()
    _fits(page)
    page.locator("#journey").screenshot(path=str(SCREENSHOTS / f"journey-{language}-360.png"))
    page.locator("#perpetrators").screenshot(path=str(SCREENSHOTS / f"journey-perpetrators-{language}-360.png"))
