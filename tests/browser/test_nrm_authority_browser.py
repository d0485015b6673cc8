"""The competent authority's journey in a real browser: the caseworker refers the case (refused without consent or a
legal basis, then with the person's consent), a member of the authority opens it from the list of referred cases (its
reference a link for her) and decides, negatively, with reasons and the day and language the decision was served in;
the list and the case page then say "negative" in words and with a sign, not "pending" nor by colour alone, and the
caseworker, alerted, reads it on the case page. In English and in Arabic (right to left); screenshots go to
docs/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from lantern.cases.models import Case
from lantern.cases.services import case_register
from lantern.cases.validation import PersonData
from lantern.core import codes
from tests.conftest import PASSWORD, World

pytestmark = [pytest.mark.browser]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
REASONS = "Recruited online with a false job offer; her passport was taken and her wages withheld."
# What the caseworker reads once the decision is recorded, in the page's language.
SERVED_IN_ROMANIAN = {"en": "in Romanian", "ar": "الرومانية"}
DECISION_RECORDED = {"en": "Decision recorded.", "ar": "تم تسجيل القرار."}
NEGATIVE = {"en": "Negative", "ar": "سلبي"}
PENDING = {"en": "Pending", "ar": "قيد الانتظار"}
NOT_REACHED = {"en": "Does not apply (reasonable grounds negative)", "ar": "لا ينطبق (قرار الأسباب المعقولة سلبي)"}


@pytest.fixture
def maria_case(world: World) -> Case:
    """Made before the browser starts (the ORM is not called while Playwright's loop runs)."""
    return case_register(
        actor=world.caseworker,
        organisation=world.ngo_a,
        person=PersonData(first_name="Maria", second_name="Popescu", primary_language="ro"),
    )


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def _log_out(page: Page) -> None:
    """Through the top bar's menu, in any language (the shared helper finds the button by its English name)."""
    page.locator(".topbar-end details.menu > summary").click()
    page.locator("form[action='/logout/'] button").click()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_authority_decides_and_the_caseworker_reads_the_decision(
    maria_case: Case, live_server: object, settings: object, browser_page: Page, language: str
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]  # the second factor has its own browser test
    page = browser_page
    base = str(live_server)
    case_url = f"{base}/cases/{maria_case.reference}/"
    today = timezone.localdate().isoformat()
    page.goto(f"{base}/login/")
    page.locator("#language-select").select_option(language)
    page.locator(".language-form button").click()
    if language == "ar":
        page.wait_for_selector("html[dir=rtl]")

    # The caseworker refers the case: without consent or a legal basis it is refused, what she chose kept.
    _login(page, base, "caseworker")
    page.goto(case_url)
    authority = page.locator("section.nrm-authority")
    authority.locator("summary").first.click()
    authority.locator("form[action$='/refer/'] button[type=submit]").click()
    expect(page.locator("#id_legal_basis-error")).to_be_visible()
    page.locator("#id_consent_given").check()
    page.locator("section.nrm-authority form[action$='/refer/'] button[type=submit]").click()
    expect(page.locator("section.nrm-authority")).to_contain_text("National Identification Panel")
    _log_out(page)

    # A member of the authority opens it from the list of referred cases and decides.
    _login(page, base, "authority_member")
    page.goto(f"{base}/cases/nrm/")
    expect(page.get_by_text(maria_case.reference)).to_be_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"nrm-referred-cases-{language}.png"), full_page=True)
    row = page.locator("tbody tr").filter(has_text=maria_case.reference)
    expect(row.locator(".standing-pending")).to_have_count(2)  # nothing decided yet, said in words
    row.get_by_role("link", name=maria_case.reference).click()  # she may open it: the reference is a link
    page.wait_for_url(case_url)
    expect(page.get_by_text("Maria Popescu")).to_be_visible()  # the file the authority needs
    decide = page.locator("section.nrm-authority details").last
    decide.locator("summary").click()
    page.locator("#id_kind").select_option("reasonable_grounds")
    page.locator("#id_outcome").select_option("negative")
    page.locator("#id_served_on").fill(today)
    page.locator("#id_served_language").fill("ro")
    page.locator("#id_served_language").press("Escape")  # the picker's list closes, the code typed stays
    page.locator("section.nrm-authority form[action$='/decisions/'] button[type=submit]").click()
    expect(page.locator("#id_reasons-error")).to_be_visible()  # the reasons are required: the form comes back
    # what was typed is kept, shown as the language's name in the page's language
    assert page.locator("#id_served_language").input_value() == codes.language_name("ro", language)
    page.locator("#id_reasons").fill(REASONS)
    page.locator("section.nrm-authority form[action$='/decisions/'] button[type=submit]").click()
    expect(page.get_by_text(DECISION_RECORDED[language])).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / f"nrm-authority-decision-{language}.png"), full_page=True)
    # The list says where the decision stands: negative, with a sign; no conclusive decision is awaited after it.
    page.goto(f"{base}/cases/nrm/")
    row = page.locator("tbody tr").filter(has_text=maria_case.reference)
    expect(row.locator(".standing-negative")).to_contain_text(NEGATIVE[language])
    expect(row.locator(".standing-negative .standing-sign")).to_have_text("✗")
    expect(row.locator(".standing-not_reached")).to_contain_text(NOT_REACHED[language])
    page.screenshot(path=str(SCREENSHOTS / f"nrm-referred-cases-decided-{language}.png"), full_page=True)
    _log_out(page)

    # The caseworker reads the decision, its reasons, when and in which language it was served.
    _login(page, base, "caseworker")
    page.goto(case_url)
    section = page.locator("section.nrm-authority")
    expect(section).to_contain_text(REASONS)
    expect(section).to_contain_text(SERVED_IN_ROMANIAN[language])
    expect(section.locator("form[action$='/decisions/']")).to_have_count(0)  # she does not decide
    expect(page.locator("dl.facts .standing-negative")).to_contain_text(NEGATIVE[language])  # not "pending"
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"nrm-caseworker-reads-decision-{language}.png"), full_page=True)

    # She was alerted: the reference and the decision, no name.
    page.goto(f"{base}/alerts/")
    alert = page.locator("main").get_by_text(maria_case.reference)
    expect(alert.first).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Popescu")
    page.screenshot(path=str(SCREENSHOTS / f"nrm-decision-alert-{language}.png"), full_page=True)
