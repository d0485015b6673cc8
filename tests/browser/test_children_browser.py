"""An unaccompanied girl of uncertain age, in a real browser, in English and in Ukrainian: registered as "may be a
child", she is treated as one; a guardian is appointed, her age assessed as a range (15 to 19: the lower end
decides), her views heard, her best interests assessed and a return determined by a named body (a determination
without one is refused, what was typed kept); the guardian consents to her referral to a shelter, whose admission
page counts the free beds of each room, refuses the women's room (a room for adults) and says why, admits her to the
children's room, and plans the return."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from playwright.sync_api import Page, expect

from lantern.core import codes
from lantern.core import services as core
from lantern.core.models import Organisation
from lantern.providers.services import offering_save
from lantern.shelters.models import Room
from lantern.shelters.services import room_add
from tests.conftest import PASSWORD, World

pytestmark = [pytest.mark.browser]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@dataclass
class ChildrenShelter:
    shelter: Organisation
    women: Room
    children: Room


@pytest.fixture
def children_shelter(world: World) -> ChildrenShelter:
    """Made before the browser starts (the ORM is not called while Playwright's loop runs)."""
    shelter = core.organisation_create(
        actor=None, name="Safe Harbour Shelter", type="Shelter", country="GR", region="Attica", languages=["el", "uk"]
    )
    core.user_create(actor=None, username="harbour", organisation=shelter, role="service_provider", password=PASSWORD)
    offering_save(
        actor=None,
        organisation=shelter,
        service_type="safe_accommodation",
        regions=["Attica"],
        delivery_modes=["in_person"],
        weekly_capacity=4,
    )
    women = room_add(actor=None, shelter=shelter, name="Rose", wing="regular", restriction="women", beds=2)
    children = room_add(actor=None, shelter=shelter, name="Olive", wing="regular", restriction="children", beds=2)
    return ChildrenShelter(shelter=shelter, women=women, children=children)


def _log_in(page: Page, base: str, username: str, language: str, tr: Callable[[str], str]) -> None:
    """Log in after choosing the page's language with the selector every page has."""
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.locator("#language-select").select_option(language)
    page.locator(".language-form button").click()
    page.get_by_label(tr("Username"), exact=True).fill(username)
    page.get_by_label(tr("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=tr("Log in")).click()


@pytest.mark.parametrize("language", ["en", "uk"])
def test_an_unaccompanied_child_from_registration_to_a_planned_return(
    world: World,
    children_shelter: ChildrenShelter,
    live_server: object,
    browser_page: Page,
    settings: object,
    language: str,
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]  # the second factor has its own browser test
    page = browser_page
    base = str(live_server)

    def tr(msgid: str) -> str:
        """The label as the page shows it in this language."""
        with translation.override(language):
            return gettext(msgid)

    _log_in(page, base, "caseworker", language, tr)
    page.goto(f"{base}/cases/new/")
    page.get_by_label(tr("First name"), exact=True).fill("Daria")
    page.get_by_label(tr("Citizenship"), exact=True).fill("UA")
    page.get_by_label(tr("May be a child (age uncertain)"), exact=True).check()
    page.get_by_label(tr("Who cares for the child now"), exact=True).select_option("unaccompanied")
    page.get_by_label(tr("The person agrees that we keep this case to help them"), exact=True).check()
    page.get_by_role("button", name=tr("Register")).click()
    page.wait_for_url(re.compile(r"/cases/LT-[0-9A-Z]{4}-[0-9A-Z]{4}/$"))
    case_url = page.url
    expect(page.get_by_text(tr("Presumed a child until an age assessment says otherwise"))).to_be_visible()

    page.get_by_text(tr("Appoint a guardian"), exact=True).click()
    page.get_by_label(tr("Guardian's name"), exact=True).fill("Eleni Georgiou")
    page.get_by_label(tr("Appointed by (authority)"), exact=True).fill("Public Prosecutor for Minors")
    page.get_by_role("button", name=tr("Save the guardian")).click()
    expect(page.get_by_text(tr("Guardian recorded."))).to_be_visible()

    page.get_by_text(tr("Record an age assessment"), exact=True).click()
    page.get_by_label(tr("Method"), exact=True).select_option("interview")
    # No method gives one age: the range is recorded, and its lower end decides (the benefit of the doubt).
    page.get_by_label(tr("Age found: from"), exact=True).fill("15")
    page.get_by_label(tr("Age found: to"), exact=True).fill("19")
    page.get_by_label(tr("Role of the assessor"), exact=True).select_option("panel")
    page.get_by_role("button", name=tr("Save the assessment")).click()
    expect(page.get_by_text(tr("From an age assessment"))).to_be_visible()
    expect(
        page.get_by_text(tr("between %(lower)s and %(upper)s years old") % {"lower": 15, "upper": 19})
    ).to_be_visible()

    page.get_by_text(tr("Record the child's views"), exact=True).click()
    page.get_by_label(tr("About"), exact=True).select_option("durable_solution")
    page.get_by_label(tr("What the child said"), exact=True).fill("I want to go home to my grandmother.")
    page.get_by_role("button", name=tr("Save the views")).click()

    # Each step names the body that took it: an organisation of the directory, or a body named in words.
    panel = "Child protection panel of Attica"
    page.get_by_text(tr("Best-interests assessment or determination"), exact=True).click()
    page.get_by_label(tr("Step"), exact=True).select_option("determination")
    page.get_by_label(tr("Durable solution (a determination)"), exact=True).select_option("return")
    page.get_by_label(tr("Reasons"), exact=True).fill("Safe return to the grandmother.")
    page.get_by_role("button", name=tr("Save the step")).click()
    # refused, what was typed kept: no body named (and no assessment before it)
    expect(
        page.get_by_text(
            tr("Name the body that assessed or determined: an organisation of the directory, or its name.")
        )
    ).to_be_visible()
    expect(page.get_by_label(tr("Reasons"), exact=True)).to_have_value("Safe return to the grandmother.")
    for kind, solution, body, reasons in [
        ("assessment", "", world.ngo_a.name, "Family traced; home visited."),
        ("determination", "return", panel, "Safe return to the grandmother."),
    ]:
        if page.get_by_label(tr("Step"), exact=True).is_hidden():
            page.get_by_text(tr("Best-interests assessment or determination"), exact=True).click()
        page.get_by_label(tr("Step"), exact=True).select_option(kind)
        page.get_by_label(tr("Durable solution (a determination)"), exact=True).select_option(solution)
        if body == panel:
            page.get_by_label(tr("Assessed or determined by (an organisation)"), exact=True).select_option("")
            page.get_by_label(tr("Or the body that did, by name"), exact=True).fill(body)
        else:
            page.get_by_label(tr("Assessed or determined by (an organisation)"), exact=True).select_option(label=body)
            page.get_by_label(tr("Or the body that did, by name"), exact=True).fill("")
        page.get_by_label(tr("Reasons"), exact=True).fill(reasons)
        page.get_by_role("button", name=tr("Save the step")).click()
        expect(page.get_by_text(tr("Best-interests step recorded."))).to_be_visible()
    expect(page.get_by_text(tr("Best-interests determination")).first).to_be_visible()
    expect(page.get_by_text(tr("by %(body)s") % {"body": panel}, exact=False)).to_be_visible()

    # The guardian consents to the referral to the shelter.
    page.get_by_label(tr("Purpose"), exact=True).select_option("referral")
    page.get_by_label(tr("Organisation (for a referral)"), exact=True).select_option(label="Safe Harbour Shelter")
    page.get_by_label(tr("Given by"), exact=True).select_option("guardian")
    page.get_by_role("button", name=tr("Record consent")).click()
    expect(page.get_by_text(tr("Consent recorded."))).to_be_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"child-case-page-{language}.png"), full_page=True)

    page.get_by_role("link", name=tr("Refer to a service")).click()
    page.get_by_label(tr("Service needed"), exact=True).select_option("safe_accommodation")
    page.get_by_role("button", name=tr("Find providers")).click()
    page.get_by_role("button", name=tr("Send the referral")).click()
    page.wait_for_url(case_url)
    reference = case_url.rstrip("/").rsplit("/", 1)[1]

    _log_in(page, base, "harbour", language, tr)
    page.goto(f"{base}/referrals/")
    page.get_by_role("row").filter(has_text=reference).get_by_role("link", name=reference).click()
    page.get_by_role("button", name=tr("Accept")).click()
    page.get_by_role("link", name=tr("Admit"), exact=True).click()
    expect(
        page.get_by_text(tr("A child (or a person presumed to be a child): only a room for children."))
    ).to_be_visible()
    # Each room says how many of its beds are free now.
    with translation.override(language):
        two_free = ngettext("%(n)s free bed", "%(n)s free beds", 2) % {"n": 2}
    expect(page.locator("#room option").filter(has_text="Olive")).to_contain_text(two_free)
    expect(page.locator("table.rooms tr").filter(has_text="Olive")).to_contain_text("2")
    page.get_by_label(tr("Room"), exact=True).select_option(str(children_shelter.women.pk))
    page.get_by_role("button", name=tr("Admit")).click()
    expect(page.get_by_role("alert").filter(has_text="Rose")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / f"child-adult-room-refused-{language}.png"), full_page=True)

    page.get_by_label(tr("Room"), exact=True).select_option(str(children_shelter.children.pk))
    page.get_by_role("button", name=tr("Admit")).click()
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row.get_by_text("Olive-1")).to_be_visible()
    # The shelter plans the case's return plan: within two years, with the risk assessed and who receives her.
    planned = (timezone.localdate() + timedelta(days=40)).isoformat()
    row.get_by_label(tr("Country"), exact=True).fill("UA")
    row.get_by_label(tr("Planned on"), exact=True).fill(planned)
    row.get_by_label(tr("Risk of the return (assessed before it)"), exact=True).select_option("low")
    row.get_by_label(tr("Receiving organisation (not in the directory)"), exact=True).fill("Children's service, Lviv")
    row.get_by_role("button", name=tr("Plan a return")).click()
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row.get_by_text(f"{codes.country_name('UA', language)} {planned}")).to_be_visible()
