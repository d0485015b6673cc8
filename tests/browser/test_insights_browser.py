"""A national coordinator reads the dashboard and measures the effect of a crisis in a real browser: the charts are
SVG drawn by the server, every one with its table, the page asks no other site for anything, and the analysis
says in a sentence what changed."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, Request, expect

from lantern.cases.generate import Period, generate_cases
from lantern.crisis import services as crisis
from lantern.insights.refresh import refresh
from tests.browser.conftest import ARTIFACTS, follow_menu
from tests.conftest import PASSWORD, World

pytestmark = [pytest.mark.browser]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def figures(world: World) -> None:
    """Made before the browser starts (the ORM is not called while Playwright's loop runs)."""
    generate_cases(count=900, seed=11, organisations=[world.ngo_a, world.ngo_b],
                   period=Period(date(2018, 1, 1), date(2022, 12, 31)))  # fmt: skip
    crisis.crisis_declare(actor=None, name="pandemic", kind="pandemic", country="GR", starts_on=date(2020, 3, 15),
                          ends_on=date(2021, 6, 30))  # fmt: skip
    refresh()


def test_the_coordinator_reads_the_dashboard_and_the_effect_of_the_crisis(
    figures: None, live_server: object, settings: object, browser_page: Page
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
    follow_menu(page, "Indicators")
    # The first dashboard of a process draws every chart: wait for it (a busy machine is slower than 5 s).
    expect(page.get_by_role("heading", name="The national picture")).to_be_visible(timeout=30_000)
    chart = page.locator("#chart-new_cases")
    expect(chart.locator(".plot.wide svg")).to_have_count(1)
    assert chart.locator(".plot.wide svg").bounding_box()["width"] > 300  # type: ignore[index]
    chart.get_by_text("Table of this chart").click()
    expect(chart.get_by_role("table")).to_be_visible()
    expect(chart.get_by_role("rowheader", name="2020-04")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "insights-dashboard.png"), full_page=True)

    page.get_by_role("link", name="Measure the effect of a measure").click()
    page.get_by_label("Indicator").select_option("recruited_online")
    page.get_by_label("Measure or crisis").select_option(label="Start of pandemic (2020-03-15)")
    page.get_by_role("button", name="Analyse").click()
    sentence = page.locator(".sentence").inner_text()
    assert sentence.startswith("Share recruited online rose by")
    assert "after the start of the pandemic in March 2020" in sentence
    expect(page.locator("figure.chart .plot.wide svg")).to_have_count(1)  # and a narrow one for phones
    page.screenshot(path=str(ARTIFACTS / "insights-impact.png"), full_page=True)
    assert hosts == {urlparse(base).netloc}


# The new dimensions' tables, in the reader's language: the words of the options, never their codes.
DIMENSION_WORDS = {
    "en": ("New cases in the period by child or adult", "Adult", "Not asked", "With a disability", "Several groups"),
    "ar": ("طفل أم بالغ", "بالغ", "لم يُسأل", "ذوو إعاقة", "عدة فئات"),
}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_dashboard_breaks_new_cases_down_by_child_disability_and_at_risk_group(
    figures: None, live_server: object, settings: object, browser_page: Page, language: str
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    page = browser_page
    base = str(live_server)
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page.goto(f"{base}/insights/", timeout=180_000)  # the first dashboard of a process draws every chart
    expect(page.locator("html")).to_have_attribute("lang", language)
    tables = page.locator(".breakdowns")
    expect(tables.locator("table")).to_have_count(7, timeout=30_000)
    for words in DIMENSION_WORDS[language]:
        expect(tables.get_by_text(words).first).to_be_visible()  # the caption holds the dimension's name
    for code in ("not_asked", "presumed_child", "multiple", "women_and_children"):
        expect(tables.get_by_text(code, exact=True)).to_have_count(0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tables.screenshot(path=str(SCREENSHOTS / f"insights-dimensions-{language}.png"))
    page.goto(f"{base}/insights/indicators/")
    page.screenshot(path=str(SCREENSHOTS / f"insights-indicators-{language}.png"), full_page=True)
