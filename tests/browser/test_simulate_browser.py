"""The national coordinator plans for the next crisis in a real browser: the simulator opens on the pandemic wave
without and with the contingency plan, charts drawn by the server and the sentence; a lever typed wrong is refused
with what was typed kept; corrected, both scenarios run again and their TOML is shown; in Ukrainian the page and
the sentence are translated."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, Request, expect

from tests.browser.conftest import ARTIFACTS, follow_menu
from tests.conftest import PASSWORD, World

pytestmark = [pytest.mark.browser]


def test_the_coordinator_compares_the_pandemic_wave_with_and_without_the_plan(
    world: World, live_server: object, settings: object, browser_page: Page
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]  # the second factor has its own browser test
    page = browser_page
    base = str(live_server)
    hosts: set[str] = set()

    def seen(request: Request) -> None:
        hosts.add(urlparse(request.url).netloc)

    page.on("request", seen)
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    follow_menu(page, "Simulator")
    expect(page.get_by_role("heading", name="Crisis simulator")).to_be_visible(timeout=30_000)
    expect(page.locator("#sentence")).to_contain_text("With the contingency plan, median wait for")
    expect(page.locator("figure.chart svg")).to_have_count(8)
    assert page.locator("figure.chart svg").first.bounding_box()["width"] > 300  # type: ignore[index]
    expect(page.get_by_role("table", name="The scenarios side by side")).to_contain_text("Legal aid: median wait")

    # A lever typed wrong: refused, what was typed kept
    page.get_by_label("Staff absent during the lockdown (%)").fill("150")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Run both scenarios").click()
    assert answer.value.status == 400
    expect(page.get_by_label("Staff absent during the lockdown (%)")).to_have_value("150")
    expect(page.locator("#sentence")).to_have_count(0)

    # Corrected: both scenarios written as TOML and run
    page.get_by_label("Staff absent during the lockdown (%)").fill("50")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Run both scenarios").click()
    assert answer.value.status == 200
    expect(page.locator("#sentence")).to_contain_text("With the contingency plan")
    expect(page.get_by_label("Scenario A (TOML)")).to_contain_text("absence = 0.5")
    expect(page.get_by_label("Scenario B (TOML), to compare")).to_contain_text('kind = "quarantine_wing"')
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "simulate-page.png"), full_page=True)

    # In Ukrainian
    page.locator("select[name=language]").select_option("uk")
    page.get_by_role("button", name="Change").click()
    page.goto(f"{base}/simulate/")
    expect(page.get_by_role("heading", name="Симулятор кризи")).to_be_visible(timeout=30_000)
    sentence = "З урахуванням «план дій у кризовій ситуації»"  # noqa: RUF001
    expect(page.locator("#sentence")).to_contain_text(sentence)
    assert hosts == {urlparse(base).netloc}  # nothing asked of any other site
