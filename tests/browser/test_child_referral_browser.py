"""A provider reads a referral of a child in a real browser, in English and in Arabic: the page says it is a child
(or presumed one) and whether a guardian is appointed, never who (docs/screenshots/referral-child-*.png)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lantern.cases.codes import MinorityBasis
from lantern.cases.models import Case
from lantern.providers.models import Offering
from lantern.referrals.models import Referral
from lantern.referrals.services import referral_create
from tests.conftest import PASSWORD, World

pytestmark = [pytest.mark.browser]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def child_referral(world: World, consented_case: Case, offers: dict[str, Offering]) -> Referral:
    """Made before the browser starts: a presumed child, no guardian yet, referred for legal counselling."""
    referral = referral_create(
        actor=world.caseworker, case=consented_case, recipient=world.legal_aid, service_type="legal_counselling",
        offering=offers["legal"],
    )  # fmt: skip
    Case.objects.filter(pk=consented_case.pk).update(is_minor=True, minority_basis=MinorityBasis.PRESUMED)
    return referral


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_provider_reads_that_a_child_is_referred(
    child_referral: Referral, live_server: object, settings: object, browser_page: Page, language: str
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    page = browser_page
    base = str(live_server)
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill("provider")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page.goto(f"{base}/referrals/{child_referral.public_id}/")
    expect(page.locator(".child-age")).to_have_text("Presumed child" if language == "en" else "يُفترض أنه طفل")
    expect(page.locator(".child-guardian")).to_have_text("Not appointed yet" if language == "en" else "لم يُعيَّن بعد")
    page.screenshot(path=str(SCREENSHOTS / f"referral-child-{language}.png"), full_page=True)
