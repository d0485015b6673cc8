"""A shelter worker discharges a resident whose identification is still pending, in a real browser, in English and
Arabic: a discharge to return without her own request is refused with the reason; with the tick and her words it
is done."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from lantern.cases import services as cases
from lantern.core import services as core
from lantern.shelters import services
from lantern.shelters.models import Stay
from tests.conftest import PASSWORD, World, maria

pytestmark = [pytest.mark.browser]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def stay(world: World) -> Stay:
    """Made before the browser starts (the ORM is not called while Playwright's loop runs)."""
    shelter = core.organisation_create(
        actor=None, name="Piraeus Shelter", type="Shelter", country="GR", region="Attica", languages=["el", "en"]
    )
    core.user_create(actor=None, username="piraeus", organisation=shelter, role="service_provider", password=PASSWORD)
    services.room_add(actor=None, shelter=shelter, name="W", wing="regular", restriction="women", beds=2)
    case = cases.case_register(
        actor=world.caseworker,
        organisation=world.ngo_a,
        person=maria(),
        identified_on=date(2026, 2, 16),
        consent_to_case_management=True,
    )
    return services.admit(actor=None, case=case, shelter=shelter)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_discharge_to_return_waits_for_her_own_request(
    stay: Stay, live_server: object, browser_page: Page, settings: object, language: str
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    page = browser_page
    base = str(live_server)

    def tr(msgid: str) -> str:
        with translation.override(language):
            return gettext(msgid)

    page.goto(f"{base}/login/")
    page.locator("#language-select").select_option(language)
    page.locator(".language-form button").click()
    page.get_by_label(tr("Username"), exact=True).fill("piraeus")
    page.get_by_label(tr("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=tr("Log in")).click()
    page.goto(f"{base}/beds/{stay.shelter_id}/residents/")
    discharge = page.locator(f"form[action='/beds/stays/{stay.pk}/discharge/']")
    discharge.locator("select[name=destination]").select_option("return")
    discharge.get_by_role("button", name=tr("Discharge")).click()
    with translation.override(language):
        pending = gettext(
            "The person's identification is not completed yet (the reasonable-grounds decision is awaited): no "
            "return is planned before then, unless it is their own informed request (tick it and write the "
            "request in their words)."
        )
    expect(page.get_by_text(pending, exact=False)).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / f"shelter-return-refused-{language}.png"), full_page=True)
    discharge = page.locator(f"form[action='/beds/stays/{stay.pk}/discharge/']")
    discharge.locator("select[name=destination]").select_option("return")
    discharge.locator("input[name=own_request]").check()
    discharge.locator("input[name=own_request_text]").fill("I want to go home to my mother.")
    discharge.get_by_role("button", name=tr("Discharge")).click()
    expect(page.locator(f"form[action='/beds/stays/{stay.pk}/discharge/']")).to_have_count(0)
