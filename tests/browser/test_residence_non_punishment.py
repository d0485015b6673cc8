"""A foreign victim in a real browser, in English and in Ukrainian, on a wide screen and a phone: the caseworker
records a permit running out soon (and sees the alert the periodic job raises), a removal order (red at the top of
the case until resolved), a lockdown-breach fine and a non-punishment request, granted: the fine is waived."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext
from playwright.sync_api import Page, expect

from lantern.cases import residence
from lantern.cases import services as cases
from lantern.cases.models import Case
from lantern.cases.validation import ContextData, PersonData
from tests.conftest import PASSWORD, World

pytestmark = [pytest.mark.browser]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def foreign_case(world: World) -> Case:
    """Made before the browser starts (the ORM is not called while Playwright's loop runs)."""
    case = cases.case_register(
        actor=world.caseworker,
        organisation=world.ngo_a,
        person=PersonData(first_name="Amina", second_name="Yusuf", citizenship=["NG"]),
        context=ContextData(migration_status="irregular", exploitation_country="GR"),
        consent_to_case_management=True,
    )
    return cases.case_assign(actor=world.supervisor, case=case, assignee=world.caseworker)


def _in_a_thread(call: object) -> None:
    """Run the periodic job as the worker would: in its own thread, with its own connection."""

    def run() -> None:
        try:
            call()  # type: ignore[operator]
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("language", ["en", "uk"])
def test_a_permit_running_out_a_removal_order_and_a_fine_waived(
    world: World,
    foreign_case: Case,
    live_server: object,
    browser_page: Page,
    settings: object,
    language: str,
    width: int,
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]  # the second factor has its own browser test
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    base = str(live_server)
    today = timezone.localdate()

    def tr(msgid: str) -> str:
        with translation.override(language):
            return gettext(msgid)

    page.goto(f"{base}/login/")
    page.locator("#language-select").select_option(language)
    page.locator(".language-form button").click()
    page.get_by_label(tr("Username"), exact=True).fill("caseworker")
    page.get_by_label(tr("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=tr("Log in")).click()
    page.wait_for_url(re.compile(r"/$"))
    case_url = f"{base}/cases/{foreign_case.reference}/"
    page.goto(case_url)

    # A temporary permit as a victim, running out in ten days.
    page.get_by_text(tr("Record a residence permit"), exact=True).click()
    page.locator("#permit_kind").select_option("victim")
    page.locator("#permit_status").select_option("granted")
    page.locator("#permit_applied_on").fill((today - timedelta(days=20)).isoformat())
    page.locator("#permit_granted_on").fill((today - timedelta(days=10)).isoformat())
    page.locator("#permit_valid_until").fill((today + timedelta(days=10)).isoformat())
    page.get_by_role("button", name=tr("Save the permit")).click()
    expect(page.get_by_text(tr("Residence permit recorded."))).to_be_visible()
    with translation.override(language):
        granted = pgettext("permit", "Granted")
    expect(page.locator("#residence-heading + h3 + ul li").first).to_contain_text(granted)

    _in_a_thread(residence.permits_alert_expiry)
    page.goto(f"{base}/alerts/")
    expect(page.get_by_text(foreign_case.reference).first).to_be_visible()
    expect(page.get_by_text("Amina")).to_have_count(0)  # the alert never names the person

    # A removal order: alerted at once, red at the top of the case.
    page.goto(case_url)
    page.get_by_text(tr("Record detention or a removal order"), exact=True).click()
    page.locator("#removal_kind").select_option("removal_order")
    page.locator("#removal_authority").fill("Aliens Police, Attica")
    page.get_by_role("button", name=tr("Record and alert")).click()
    expect(page.get_by_text(tr("Recorded: the caseworker and the supervisors are alerted."))).to_be_visible()
    warning = page.locator("#removal-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(tr("Removal order"))

    # A lockdown-breach fine, a non-punishment request, granted: the fine is waived.
    page.get_by_text(tr("Record a charge or a fine"), exact=True).click()
    page.locator("#charge_kind").select_option("fine")
    page.locator("#charge_offence").select_option("lockdown")
    page.locator("#charge_authority").fill("Attica Police")
    page.locator("#charge_amount").fill("300")
    page.locator("#charge_currency").fill("EUR")
    page.get_by_role("button", name=tr("Save the charge")).click()
    expect(page.get_by_text(tr("Charge or fine recorded."))).to_be_visible()
    page.get_by_text(tr("Request non-punishment"), exact=True).click()
    request_form = page.locator("form[action$='/request/']")
    request_form.locator("[name=addressed_to]").fill("Attica Police Directorate")
    request_form.locator("[name=grounds]").fill(
        "She was sent out to sell goods during the lockdown; she could not refuse."
    )
    request_form.get_by_role("button", name=tr("Save the request")).click()
    expect(page.get_by_text(tr("Non-punishment request recorded."))).to_be_visible()
    decide_form = page.locator("form[action$='/decide/']")
    decide_form.locator("[name=outcome]").select_option("granted")
    decide_form.get_by_role("button", name=tr("Record the outcome")).click()
    expect(page.get_by_text(tr("Outcome recorded."))).to_be_visible()
    expect(page.locator("#np-heading ~ ul").first).to_contain_text(tr("Fine waived"))

    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, "the page fits the screen"
    page.locator("#removal-warning").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"residence-removal-{language}-{width}.png"))
    page.locator("#residence-heading").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"residence-permits-{language}-{width}.png"))
    page.locator("#np-heading").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"residence-non-punishment-{language}-{width}.png"))
