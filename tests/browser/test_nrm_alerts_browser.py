"""An NRM practitioner's day in a real browser, in English and in Arabic: the caseworker sees at the top of the case
that the permit runs out, and a refused removal form brings her to the field to correct, not to the top of the page;
the supervisor finds the urgent alerts first, follows one to the right section of the case, and filters the case
list by the permits running out and by the cases at high risk."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from lantern.cases import plans, residence
from lantern.cases import services as cases
from lantern.cases.models import Case, PermitStatus
from lantern.cases.validation import ContextData, PersonData
from lantern.core import services as core
from lantern.core.models import Alert
from tests.conftest import PASSWORD, World

pytestmark = [pytest.mark.browser]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def foreign_case(world: World) -> Case:
    """Made before the browser starts (the ORM is not called while Playwright's loop runs): a permit granted with
    ten days left (alerted at once), a high risk with its safety plan, and a routine alert that came later."""
    today = timezone.localdate()
    case = cases.case_register(
        actor=world.caseworker,
        organisation=world.ngo_a,
        person=PersonData(first_name="Amina", second_name="Yusuf", citizenship=["NG"]),
        context=ContextData(migration_status="irregular", exploitation_country="GR"),
        consent_to_case_management=True,
    )
    residence.permit_record(
        actor=world.caseworker,
        case=case,
        kind="victim",
        status=PermitStatus.GRANTED,
        applied_on=today - timedelta(days=20),
        granted_on=today - timedelta(days=10),
        valid_until=today + timedelta(days=10),
    )
    plans.risk_assess(
        actor=world.caseworker,
        case=case,
        risk_level="high",
        reasons="The recruiter called her twice.",
        safety_plan="A new phone; the shelter's address stays secret.",
        review_on=today + timedelta(days=7),
    )
    Alert.objects.update(created_at=timezone.now() - timedelta(hours=2))
    core.alerts_send(messages=[(world.supervisor, "The monthly figures are published.")], kind=Alert.Kind.INFO)
    return case


def _log_in(page: Page, base: str, username: str, language: str) -> None:
    def tr(msgid: str) -> str:
        with translation.override(language):
            return gettext(msgid)

    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.locator("#language-select").select_option(language)
    page.locator(".language-form button").click()
    page.get_by_label(tr("Username"), exact=True).fill(username)
    page.get_by_label(tr("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=tr("Log in")).click()
    page.wait_for_url(re.compile(r"/$"))


@pytest.mark.parametrize("language", ["en", "ar"])
def test_urgent_alerts_first_the_permit_marked_and_a_refused_form_in_view(
    world: World, foreign_case: Case, live_server: object, browser_page: Page, settings: object, language: str
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]  # the second factor has its own browser test
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    base = str(live_server)
    reference = foreign_case.reference

    def tr(msgid: str) -> str:
        with translation.override(language):
            return gettext(msgid)

    # The caseworker: the permit's mark at the top of the case.
    _log_in(page, base, "caseworker", language)
    page.goto(f"{base}/cases/{reference}/")
    warning = page.locator("#permit-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text((timezone.localdate() + timedelta(days=10)).isoformat())

    # A deportation without its day is refused: the browser lands on the missing day, the error beside it.
    page.get_by_text(tr("Record detention or a removal order"), exact=True).click()
    page.locator("#removal_kind").select_option("deportation")
    page.locator("#removal_authority").fill("Aliens Police, Attica")
    page.get_by_role("button", name=tr("Record and alert")).click()
    day = page.locator("#removal_scheduled_on")
    expect(day).to_be_focused()
    expect(day).to_be_in_viewport()
    expect(page.get_by_text(tr("Give the day the deportation is set for."))).to_be_in_viewport()
    expect(page.locator("#removal_authority")).to_have_value("Aliens Police, Attica")  # kept as typed
    if language == "en":
        page.screenshot(path=str(SCREENSHOTS / "nrm-alerts-refused-form-en.png"))
    day.fill(timezone.localdate().isoformat())
    page.get_by_role("button", name=tr("Record and alert")).click()
    expect(page.locator("#removal-warning")).to_be_visible()

    # The supervisor: urgent alerts first, each a link to its section of the case.
    _log_in(page, base, "supervisor", language)
    page.goto(f"{base}/alerts/")
    items = page.locator("ul.alerts > li")
    expect(items.first).to_contain_text(tr("Urgent"))
    expect(items.last).to_contain_text("The monthly figures are published.")
    expect(page.get_by_text("Amina")).to_have_count(0)
    if language == "en":
        page.screenshot(path=str(SCREENSHOTS / "nrm-alerts-alerts-en.png"))
    items.first.get_by_role("link").click()
    page.wait_for_url(re.compile(rf"/cases/{reference}/#removal-warning$"))
    expect(page.locator("#removal-warning")).to_be_in_viewport()

    # The case list: the counts, and the filters kept in the address as codes.
    page.goto(f"{base}/cases/")
    watch = page.locator("p.watch")
    expect(watch).to_be_visible()
    watch.locator("a[href='?permit_due=on']").click()
    page.wait_for_url(re.compile(r"\?permit_due=on$"))
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr .permit-due")).to_be_visible()
    expect(page.get_by_label(tr("Residence permit running out or expired"))).to_be_checked()
    page.get_by_label(tr("Residence permit running out or expired")).uncheck()
    page.get_by_label(tr("At high risk")).check()
    page.get_by_role("button", name=tr("Filter")).click()
    page.wait_for_url(re.compile(r"high_risk=on"))
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr").first).to_contain_text(reference)
    assert "Amina" not in page.url
    if language == "ar":
        page.screenshot(path=str(SCREENSHOTS / "nrm-alerts-case-list-ar.png"), full_page=True)
