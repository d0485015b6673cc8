"""A prosecutor postpones a hearing in a real browser: a new date before the hearing is refused with what was typed
kept; the corrected one postpones it and schedules the hearing at the new date."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from lantern.cases.services import case_register
from lantern.cases.validation import PersonData
from lantern.justice import services
from tests.browser.conftest import ARTIFACTS
from tests.conftest import PASSWORD, World
from tests.justice.helpers import Justice, justice_setup

pytestmark = [pytest.mark.browser]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def justice(world: World) -> Justice:
    """Made before the browser starts (the ORM is not called while Playwright's loop runs)."""
    case = case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData(first_name="Ana"))
    return justice_setup(world, case)


def test_a_prosecutor_postpones_a_hearing_and_corrects_a_wrong_date(
    justice: Justice, live_server: object, settings: object, browser_page: Page
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]  # the second factor has its own browser test
    local = justice.hearing.starts_at.astimezone(ZoneInfo("Europe/Athens"))
    page = browser_page
    base = str(live_server)
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill("prosecutor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Hearings").first.click()
    page.get_by_role("link", name=local.strftime("%Y-%m-%d %H:%M")).click()
    page.wait_for_url(re.compile(rf"/justice/hearing/{justice.hearing.pk}/$"))

    too_early = (local - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_text("Postpone", exact=True).first.click()
    page.get_by_label("Reason").select_option("witness_unavailable")
    page.get_by_label("New date and time (if known)").fill(too_early)
    page.get_by_role("button", name="Postpone").click()
    expect(page.get_by_text("must be later than")).to_be_visible()
    assert page.get_by_label("New date and time (if known)").input_value() == too_early
    assert page.get_by_label("Reason").input_value() == "witness_unavailable"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "justice-postpone-error.png"), full_page=True)

    later = (local + timedelta(days=21)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("New date and time (if known)").fill(later)
    page.get_by_role("button", name="Postpone").click()
    expect(page.get_by_text("Hearing postponed: the survivor and their caseworker will be told.")).to_be_visible()
    expect(page.get_by_text("A witness could not attend")).to_be_visible()
    expect(page.get_by_role("link", name=(local + timedelta(days=21)).strftime("%Y-%m-%d %H:%M"))).to_be_visible()
    assert "Ana" not in page.content()


@pytest.fixture
def closed(justice: Justice, world: World) -> Justice:
    """The proceeding concluded (made before the browser starts): its future hearings are cancelled by Lantern."""
    services.legal_representative_set(
        actor=world.prosecutor, proceeding=justice.proceeding, organisation=None, lawyer="Eleni Kosta"
    )
    defendant = services.defendant_add(actor=world.prosecutor, proceeding=justice.proceeding)
    services.defendant_outcome(actor=world.prosecutor, defendant=defendant, outcome="conviction")
    return justice


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_concluded_proceeding_shows_its_representative_and_its_hearings_cancelled(
    closed: Justice, live_server: object, settings: object, browser_page: Page, language: str
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    page = browser_page
    base = str(live_server)
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill("prosecutor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page.goto(f"{base}/justice/case/{closed.proceeding.case.reference}/")
    expect(page.locator(".closed-note")).to_be_visible()
    expect(page.get_by_text("Eleni Kosta")).to_be_visible()
    concluded = "Proceeding concluded" if language == "en" else "انتهت الإجراءات"
    expect(page.get_by_text(f"({concluded})")).to_have_count(2)
    page.screenshot(path=str(SCREENSHOTS / f"justice-proceeding-concluded-{language}.png"), full_page=True)
