"""Closing, following up, reopening and a return, in a real browser, in English and Arabic, wide and on a phone: the
caseworker tries to close a case with a referral still open and is refused in words; the supervisor closes it all
the same with a reason, into follow-up; the caseworker reopens it (trafficked again); a voluntary return is planned
for a person who never stayed in a shelter."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext, pgettext
from playwright.sync_api import Page, expect

from lantern.cases import services as cases
from lantern.cases.models import Case
from lantern.cases.validation import PersonData
from lantern.providers.models import Offering
from lantern.referrals import services as referrals
from tests.browser.test_return_safeguards_browser import SCREENSHOTS
from tests.conftest import PASSWORD, World, maria

pytestmark = [pytest.mark.browser]

ROMANIA = {"en": "Romania", "ar": "رومانيا"}


@pytest.fixture
def two_cases(world: World, offers: dict[str, Offering]) -> tuple[Case, Case]:
    """Made before the browser starts (the ORM is not called while Playwright's loop runs): Maria with a referral
    still open; Ana, who never stayed in a shelter, for the return."""
    today = timezone.localdate()
    held = cases.case_register(
        actor=world.caseworker,
        organisation=world.ngo_a,
        person=maria(),
        identified_on=today - timedelta(days=30),
        consent_to_case_management=True,
    )
    cases.consent_give(actor=world.caseworker, case=held, purpose="referral", recipient=world.legal_aid,
                       given_on=today - timedelta(days=20))  # fmt: skip
    referrals.referral_create(actor=world.caseworker, case=held, recipient=world.legal_aid,
                              service_type="legal_counselling")  # fmt: skip
    other = cases.case_register(
        actor=world.caseworker,
        organisation=world.ngo_a,
        person=PersonData(first_name="Ana", second_name="Stoica", citizenship=["RO"]),
        identified_on=today - timedelta(days=10),
        consent_to_case_management=True,
    )
    return held, other


def _log_in(page: Page, base: str, username: str, language: str, tr: object) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.locator("#language-select").select_option(language)
    page.locator(".language-form button").click()
    page.get_by_label(tr("Username"), exact=True).fill(username)  # type: ignore[operator]
    page.get_by_label(tr("Password"), exact=True).fill(PASSWORD)  # type: ignore[operator]
    page.get_by_role("button", name=tr("Log in")).click()  # type: ignore[operator]


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_close_refused_overridden_followed_up_reopened_and_a_return(
    two_cases: tuple[Case, Case], live_server: object, browser_page: Page, settings: object, language: str, width: int
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    held, other = two_cases
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    base = str(live_server)
    suffix = f"{language}-{width}"

    def tr(msgid: str) -> str:
        with translation.override(language):
            return gettext(msgid)

    with translation.override(language):
        open_referral = ngettext(
            "%(n)d referral is still open: cancel it or record that the service was delivered.",
            "%(n)d referrals are still open: cancel them or record that the services were delivered.",
            1,
        ) % {"n": 1}
        reopened = pgettext("timeline", "Reopened")
    case_url = f"{base}/cases/{held.reference}/"

    _log_in(page, base, "caseworker", language, tr)
    page.goto(case_url)
    closing = page.locator("section.closure")
    closing.get_by_text(tr("Close the case"), exact=True).click()
    expect(closing.get_by_text(open_referral).first).to_be_visible()
    form = closing.locator(f"form[action='/cases/{held.reference}/close/']")
    form.locator("select[name=code]").select_option("goals_met")
    form.get_by_role("button", name=tr("Close"), exact=True).click()
    expect(page.locator(".form-errors").get_by_text(open_referral, exact=False)).to_be_visible()
    assert page.locator("textarea[name=override_reason]").count() == 0  # a caseworker does not override
    page.locator("section.closure").screenshot(path=str(SCREENSHOTS / f"closure-refused-{suffix}.png"))

    _log_in(page, base, "supervisor", language, tr)
    page.goto(case_url)
    closing = page.locator("section.closure")
    closing.get_by_text(tr("Close the case"), exact=True).click()
    form = closing.locator(f"form[action='/cases/{held.reference}/close/']")
    form.locator("select[name=code]").select_option("goals_met")
    form.locator("input[name=follow_up_on]").fill(timezone.localdate().isoformat())
    form.locator("textarea[name=override_reason]").fill("She moved to Crete; the clinic closes the referral itself.")
    form.get_by_role("button", name=tr("Close"), exact=True).click()
    expect(page.locator("section.closure form[action$='/follow-up/']")).to_be_visible()
    page.locator("section.closure").screenshot(path=str(SCREENSHOTS / f"closure-follow-up-{suffix}.png"))

    _log_in(page, base, "caseworker", language, tr)
    page.goto(f"{base}/cases/")
    expect(page.locator("p.follow-ups a")).to_be_visible()  # her list says a follow-up is due
    page.goto(case_url)
    closing = page.locator("section.closure")
    closing.get_by_text(tr("Reopen the case"), exact=True).click()
    form = closing.locator(f"form[action='/cases/{held.reference}/reopen/']")
    form.locator("select[name=code]").select_option("re_trafficked")
    form.locator("textarea[name=reason]").fill("Found again by the labour inspection in Piraeus.")
    form.get_by_role("button", name=tr("Reopen"), exact=True).click()
    expect(page.locator("ul.closure-history").get_by_text(reopened, exact=False)).to_be_visible()
    page.locator("section.closure").screenshot(path=str(SCREENSHOTS / f"closure-reopened-{suffix}.png"))

    page.goto(f"{base}/cases/{other.reference}/")
    closing = page.locator("section.closure")
    closing.get_by_text(tr("Plan a voluntary return"), exact=True).click()
    form = closing.locator(f"form[action='/cases/{other.reference}/returns/']")
    country = form.get_by_role("combobox").first
    country.click()
    country.press_sequentially(ROMANIA[language][:4])
    option = page.get_by_role("option", name=re.compile(rf"^{re.escape(ROMANIA[language])}(\s|$)")).first
    expect(option).to_be_visible()
    option.click()
    form.locator("input[name=planned_on]").fill((timezone.localdate() + timedelta(days=14)).isoformat())
    form.locator("select[name=risk_level]").select_option("low")
    form.locator("input[name=receiving_name]").fill("eLiberare, Bucharest")
    form.locator("input[name=own_request]").check()
    form.locator("textarea[name=own_request_text]").fill("I want to go home to my mother.")
    form.get_by_role("button", name=tr("Plan the return"), exact=True).click()
    expect(page.locator("section.closure ul.returns li").first).to_be_visible()
    page.locator("section.closure").screenshot(path=str(SCREENSHOTS / f"closure-return-{suffix}.png"))
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is wider than the screen by {overflow}px"
