"""Publishing statistics in a real browser: an analyst uploads a CSV, a wrong column keeps what was typed, then the
result page shows the chart (an SVG served by Lantern itself: no request leaves the server), its table, the note."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, expect

from tests.browser.conftest import ARTIFACTS
from tests.conftest import PASSWORD, World
from tests.publication.helpers import records_csv

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_an_analyst_publishes_a_suppressed_table_and_sees_its_chart(
    world: World, live_server: object, browser_page: Page, settings: object, tmp_path: Path
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    page = browser_page
    base = str(live_server)
    elsewhere: list[str] = []

    def watch(request: Request) -> None:
        if not request.url.startswith(base) and not request.url.startswith("data:"):
            elsewhere.append(request.url)

    page.on("request", watch)
    source = tmp_path / "ctdc.csv"
    source.write_bytes(records_csv())
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill("analyst")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Publish statistics").click()

    page.get_by_label("An uploaded CSV of de-identified records (for example a CTDC file)").check()
    page.get_by_label("CSV file (up to 20 MB)").set_input_files(str(source))
    page.get_by_label("Dimensions (column names, comma-separated)").fill("citizenship, sex")
    page.get_by_role("button", name="Publish the table").click()
    expect(page.get_by_text("no column 'sex' in the file")).to_be_visible()
    assert page.get_by_label("Dimensions (column names, comma-separated)").input_value() == "citizenship, sex"

    page.get_by_label("CSV file (up to 20 MB)").set_input_files(str(source))
    page.get_by_label("Dimensions (column names, comma-separated)").fill("citizenship, gender")
    page.get_by_role("button", name="Publish the table").click()
    page.wait_for_url(f"{base}/insights/publication/*/")
    chart = page.get_by_role("img", name="Bar chart of the published counts")
    assert chart.evaluate("image => image.complete && image.naturalWidth > 100")
    expect(page.get_by_text("The chart as a table")).to_be_visible()
    expect(page.get_by_text("Method: small-cell suppression, k = 11")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "publication-release.png"), full_page=True)
    assert elsewhere == []
