"""The coordinator's and the analyst's dashboards as they read them, in English and in Arabic, on a screen and on a
phone: charts at the page's width with their titles, legends and the measures' numbers written whole, the tables
in words with age bands in age order; for the analyst, withheld months drawn as gaps with a note saying why, shares
over a protected count written "withheld" (never "<11"), and a region where everything is withheld said so in
words. Screenshots for docs/insights.md."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from lantern.cases.generate import Period, generate_cases
from lantern.crisis import services as crisis
from lantern.insights import charts
from lantern.insights.refresh import refresh
from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS
from tests.conftest import PASSWORD, World

# The drawing of the charts, whatever the database (the figures are tested on both): once, in the SQLite half.
pytestmark = [pytest.mark.browser, pytest.mark.pages_once]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MEASURES = [
    ("lockdown", date(2020, 3, 16)),
    ("school_closure", date(2020, 3, 16)),
    ("border_closure", date(2020, 3, 20)),
    ("court_suspension", date(2020, 3, 23)),
    ("shelter_intake_freeze", date(2020, 4, 1)),
    ("movement_restriction", date(2020, 5, 4)),
    ("curfew", date(2020, 11, 7)),
    ("business_closure", date(2020, 11, 14)),
]


@pytest.fixture
def figures(world: World) -> None:
    """Made before the browser starts (the ORM is not called while Playwright's loop runs)."""
    generate_cases(count=2400, seed=11, organisations=[world.ngo_a, world.ngo_b],
                   period=Period(date(2018, 1, 1), date(2022, 12, 31)))  # fmt: skip
    pandemic = crisis.crisis_declare(actor=None, name="pandemic", kind="pandemic", country="GR",
                                     starts_on=date(2020, 3, 15), ends_on=date(2021, 6, 30))  # fmt: skip
    for kind, starts_on in MEASURES:
        crisis.measure_add(actor=None, crisis=pandemic, kind=kind, starts_on=starts_on)
    refresh()
    charts.forget_rendered()


@pytest.fixture
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


def _page(chromium: Browser, base: str, lang: str, width: int, username: str) -> Page:
    context = chromium.new_context(
        locale=lang, extra_http_headers={"Accept-Language": lang}, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/")
    return page


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_coordinator_reads_every_chart_whole_on_a_screen_and_on_a_phone(
    lang: str, figures: None, live_server: Any, settings: Any, chromium: Browser
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # the second factor has its own browser test
    base = str(live_server)
    page = _page(chromium, base, lang, 1280, "coordinator")
    page.goto(f"{base}/insights/?start=2018-01&end=2022-12")
    expect(page.locator("h1")).to_be_visible(timeout=60_000)
    main_width = page.locator("main").bounding_box()["width"]  # type: ignore[index]
    for figure in page.locator("figure.chart").all():
        # Every chart has its visible title, drawn or not.
        expect(figure.locator("figcaption .chart-title")).to_be_visible()
        plot = figure.locator(".plot.wide svg")
        if plot.count():
            assert plot.bounding_box()["width"] > 0.85 * main_width  # type: ignore[index]
            expect(figure.locator(".plot.narrow")).to_be_hidden()
    # The measures are numbered on the charts and written whole once; close ones share one label.
    expect(page.locator(".measures li")).to_have_count(len(MEASURES))
    new_cases = page.locator("#chart-new_cases")
    expect(new_cases.locator(".plot.wide svg text", has_text="1\u20134")).to_have_count(1)
    # Whole legend texts, written in the page.
    homes = page.locator("#chart-online_private_home .legend li")
    expect(homes).to_have_count(2)
    if lang == "en":
        expect(homes.nth(1)).to_have_text("Share exploited in private homes")
        expect(page.locator(".measures li").first).to_contain_text("Lockdown")
    # Age bands in age order, in the breakdown table.
    ages = page.locator(".breakdowns table").nth(1).locator("tbody th").all_inner_texts()
    assert ages[:3] == ["0-8", "9-17", "18-20"], ages
    new_cases.locator("details summary").click()
    expect(new_cases.get_by_role("columnheader").nth(1)).to_have_text("Domestic" if lang == "en" else "داخلي")
    _shot(page, f"insights-dashboard-{lang}")
    page.set_viewport_size({"width": 360, "height": 800})
    expect(new_cases.locator(".plot.narrow svg")).to_be_visible()
    expect(new_cases.locator(".plot.wide")).to_be_hidden()
    box = new_cases.locator(".plot.narrow svg").bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 360
    _shot(page, f"insights-dashboard-{lang}-360")
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_analyst_sees_gaps_where_months_are_withheld_and_is_told_why(
    lang: str, figures: None, live_server: Any, settings: Any, chromium: Browser
) -> None:
    settings.LANTERN_REQUIRE_2FA = False
    base = str(live_server)
    page = _page(chromium, base, lang, 1280, "analyst")
    page.goto(f"{base}/insights/?start=2018-01&end=2022-12")
    expect(page.locator("h1")).to_be_visible(timeout=60_000)
    # Withheld months break the lines, and the chart says why.
    expect(page.locator("figure.chart .gaps").first).to_be_visible()
    share = page.locator("#chart-online_private_home")
    share.locator("details summary").click()
    cells = share.locator("tbody td").all_inner_texts()
    assert "<11" not in cells
    if lang == "en":
        assert "withheld" in cells
        expect(share.locator(".gaps")).to_contain_text("A line never joins the months on either side of a gap")
    _shot(page, f"insights-analyst-{lang}")
    page.set_viewport_size({"width": 360, "height": 800})
    _shot(page, f"insights-analyst-{lang}-360")
    # A region and a month where every figure is withheld: said in words, no empty charts.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/insights/?start=2022-12&end=2022-12&region=Epirus")
    expect(page.locator("p.withheld[role=status]")).to_be_visible()
    if lang == "en":
        expect(page.locator("p.withheld[role=status]")).to_contain_text(
            "Every figure for Epirus in this period is withheld"
        )
    expect(page.locator("figure.chart .plot")).to_have_count(0)
    _shot(page, f"insights-analyst-withheld-{lang}")
    page.context.close()
