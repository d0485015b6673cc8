"""Every staff page, for every role of a demo-like world, in a real browser (Debian's Chromium): axe-core finds no
serious or critical accessibility violation, the top bar holds one line at 1280 pixels, and no page scrolls
sideways on a 360-pixel phone (tables stack or scroll inside their own box). One test: the world is loaded once.

The world is `lantern demo`'s, with fewer synthetic cases: each role logs in once (one browser, one context per
role) and walks the pages of its menu, a case, a referral and a shelter. A page's template is checked by axe the
first time it is met; the widths on every page of every role. Then the provider's inbox and the supervisor's
next steps are photographed at both widths, in English and in Arabic (`LANTERN_SCREENSHOTS` names the folder;
test-results/ by default)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect, sync_playwright

from lantern.cases.models import Case
from lantern.core.demo import load_demo
from lantern.core.models import Organisation, User
from lantern.referrals.models import Referral, Status
from tests.browser.conftest import ARTIFACTS, CHROMIUM, LAUNCH_ARGS
from tests.conftest import PASSWORD

# The markup of every page, whatever the database: once, in the SQLite half (the journeys run on both).
pytestmark = [pytest.mark.browser, pytest.mark.pages_once]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WIDE = ViewportSize(width=1280, height=800)
PHONE = ViewportSize(width=360, height=740)
DEMO_CASES = 60  # the demo generates 3,000 for its analyses; the pages need only a few of each kind
NOT_OURS = ("/api/v1/docs",)  # the vendored API explorer: its own page, not the staff UI
ROLES = [
    "caseworker", "supervisor", "orgadmin", "police", "provider", "prosecutor", "clerk", "coordinator", "analyst",
    "auditor", "sysadmin", "hotline", "shelter",
]  # fmt: skip


@pytest.fixture
def demo(db: None, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """What `lantern demo` loads, with fewer synthetic cases; every login's password is the tests' one. Returns
    the pages every role adds to its menu: a case, a referral (accepted, so its next steps show) and a shelter."""
    settings.LANTERN_REQUIRE_2FA = False
    settings.LANTERN_HOME = tmp_path
    monkeypatch.setattr("lantern.cases.demo.SYNTHETIC_CASES", DEMO_CASES)
    load_demo(tmp_path / "demo-credentials.txt")
    for config in apps.get_app_configs():  # as `lantern demo` does
        if config.name.startswith("lantern.") and config.name != "lantern.core":
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError:
                continue
            module.load()
    shelter = Organisation.objects.get(name="Thessaloniki Women's Shelter")
    shelter_staff = User.objects.filter(memberships__organisation=shelter).order_by("pk").first()
    assert shelter_staff is not None
    shelter_staff.username = "shelter"
    shelter_staff.save(update_fields=["username"])
    for user in User.objects.all():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    case = Case.objects.filter(assigned_to__username="caseworker").order_by("identified_on").first()
    assert case is not None
    referral = Referral.objects.get(recipient__name="Athens Legal Aid Clinic", status=Status.PENDING)
    return {
        "case": f"/cases/{case.reference}/",
        "referral": f"/referrals/{referral.public_id}/",
        "shelter": f"/shelters/{shelter.pk}/residents/",
    }


@pytest.fixture
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


def _login(browser: Browser, base: str, username: str, *, language: str = "en") -> tuple[BrowserContext, Page]:
    # axe is injected as a script of its own, which the Content Security Policy would refuse.
    context = browser.new_context(locale="en-GB", viewport=WIDE, bypass_csp=True)
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/")
    return context, page


def _axe(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}
        })"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


ONE_LINE = """() => {
    const items = [...document.querySelectorAll('.topbar .brand, .mainnav > ul > li, .topbar-end > *')];
    const tops = items.map(e => e.getBoundingClientRect().top);
    return Math.max(...tops) - Math.min(...tops);
}"""
SIDEWAYS = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# What sticks out on the right (or the left, right to left): named in the failure, to know what to fix.
OUTSIDE = """() => [...document.querySelectorAll('body *:not(.skip-link)')]
    .filter(e => { const r = e.getBoundingClientRect(); return r.width && (r.right > innerWidth + 1 || r.left < -1); })
    .slice(0, 4).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : ''))"""


def _menu(page: Page) -> list[str]:
    """The pages of the role's top bar, the "More" menu's included."""
    hrefs = page.eval_on_selector_all(".mainnav a[href]", "links => links.map(a => a.getAttribute('href'))")
    return [h for h in hrefs if h.startswith("/") and h not in NOT_OURS]


def _check(page: Page, base: str, path: str, *, axe: bool, problems: list[str]) -> None:
    page.set_viewport_size(WIDE)
    response = page.goto(f"{base}{path}")
    assert response is not None
    if response.status >= 400:  # a page of the walk this role may not open (a case of another organisation)
        return
    if axe:
        found = _axe(page)
        if found:
            problems.append(f"{path}: {found}")
    if page.locator(".topbar").count():
        spread = page.evaluate(ONE_LINE)
        if spread > 12:
            problems.append(f"{path}: the top bar takes more than one line at 1280 px ({spread:.0f} px)")
    for viewport in (WIDE, PHONE):
        page.set_viewport_size(viewport)
        scroll, inner = page.evaluate(SIDEWAYS)
        if scroll > inner:
            problems.append(f"{path}: {scroll} px wide in a {inner} px window ({page.evaluate(OUTSIDE)})")


def test_every_page_of_every_role_passes_axe_and_fits_1280_and_360_pixels(
    demo: dict[str, str], live_server: Any, chromium: Browser
) -> None:
    base = str(live_server)
    problems: list[str] = []
    checked: set[str] = set()
    for username in ROLES:
        context, page = _login(chromium, base, username)
        pages = ["/", *_menu(page), *demo.values(), "/account/"]
        for path in dict.fromkeys(pages):
            template = re.sub(r"/[0-9a-f]{32}/|/LT-[0-9A-Z-]+/|/\d+/", "/<id>/", path)
            _check(page, base, path, axe=template not in checked, problems=problems)
            checked.add(template)
        context.close()
    assert problems == [], "\n".join(problems)
    # The same world, loaded once: the screenshots of the docs, and the right-to-left layout.
    _photograph(chromium, base, demo)


def _photograph(chromium: Browser, base: str, demo: dict[str, str]) -> None:
    """The provider's inbox and an accepted referral, the supervisor's next steps, the case list and the case page
    on a phone, in English and in Arabic (docs/referrals-and-crisis.md, docs/case-registry.md)."""
    target = Path(os.environ.get("LANTERN_SCREENSHOTS", str(ARTIFACTS)))
    target.mkdir(parents=True, exist_ok=True)
    for language in ("en", "ar"):
        context, page = _login(chromium, base, "provider", language=language)
        page.goto(f"{base}{demo['referral']}")
        if language == "en":  # accepted once; the Arabic page shows it accepted
            page.locator("form[action$='/accept/'] button").click()
        expect(page.locator(".next-steps")).to_be_visible()
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        for name, viewport in (("1280", WIDE), ("360", PHONE)):
            page.set_viewport_size(viewport)
            page.screenshot(path=str(target / f"referral-accepted-{language}-{name}.png"), full_page=True)
        page.goto(f"{base}/referrals/")
        for name, viewport in (("1280", WIDE), ("360", PHONE)):
            page.set_viewport_size(viewport)
            page.screenshot(path=str(target / f"referral-inbox-{language}-{name}.png"), full_page=True)
        context.close()

        context, page = _login(chromium, base, "supervisor", language=language)
        for name, viewport in (("1280", WIDE), ("360", PHONE)):
            page.set_viewport_size(viewport)
            page.screenshot(path=str(target / f"supervisor-next-steps-{language}-{name}.png"), full_page=True)
        page.set_viewport_size(PHONE)
        page.goto(f"{base}/cases/")
        page.screenshot(path=str(target / f"case-list-{language}-360.png"), full_page=True)
        page.goto(f"{base}{demo['case']}")
        page.screenshot(path=str(target / f"case-page-{language}-360.png"), full_page=True)
        page.set_viewport_size(WIDE)
        page.locator(".mainnav details.menu > summary").click()
        page.screenshot(path=str(target / f"top-bar-more-{language}-1280.png"))
        context.close()
