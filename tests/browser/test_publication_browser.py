"""Publishing statistics in a real browser: an analyst ticks the dimensions by their labels, a wrong extra column
keeps what was chosen, then the release page shows the chart (an SVG served by Lantern itself: no request leaves the
server) and says which dimension it leaves out, the rendered methodology note, and only the non-empty rows of the
table with a download of all of it; in English and in Arabic (right to left). Screenshots go to docs/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, expect

from tests.browser.conftest import follow_menu
from tests.conftest import PASSWORD, World
from tests.publication.helpers import records_csv

pytestmark = [pytest.mark.browser]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


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
    follow_menu(page, "Publish statistics")

    upload = page.get_by_label("An uploaded CSV of de-identified records (for example a CTDC file)")
    upload.check()
    # the radio button sits beside its label, on the same line
    radio, text = upload.bounding_box(), page.get_by_text("An uploaded CSV of de-identified records").bounding_box()
    assert radio is not None
    assert text is not None
    assert abs(radio["y"] - text["y"]) < 20  # same line
    assert text["x"] - 1 <= radio["x"] <= text["x"] + 40  # at the start of its label, not a column away
    page.get_by_label("CSV file (up to 20 MB)").set_input_files(str(source))
    page.get_by_label("Year of registration").check()
    page.get_by_label("Sex").check()
    page.get_by_label("Citizenship").check()
    page.get_by_label("Other columns of an uploaded file (optional, comma-separated)").fill("region")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "publication-form-en.png"), full_page=True)
    page.get_by_role("button", name="Publish the table").click()
    expect(page.get_by_text("no column 'region' in the file")).to_be_visible()
    expect(page.get_by_label("Citizenship")).to_be_checked()  # what was chosen is kept

    page.get_by_label("CSV file (up to 20 MB)").set_input_files(str(source))
    page.get_by_label("Other columns of an uploaded file (optional, comma-separated)").fill("")
    page.get_by_role("button", name="Publish the table").click()
    page.wait_for_url(f"{base}/insights/publication/*/")
    chart = page.get_by_role("img", name="Bar chart of the published counts")
    assert chart.evaluate("image => image.complete && image.naturalWidth > 100")
    expect(page.get_by_text("The chart shows Year of registration, Sex and leaves out Citizenship")).to_be_visible()
    expect(page.get_by_role("heading", name="Method: small-cell suppression, k = 11")).to_be_visible()
    expect(page.get_by_role("link", name="Download the whole table (CSV)")).to_be_visible()
    counts = page.locator("table").last.locator("tbody tr td:last-child").all_inner_texts()
    assert counts
    assert "0" not in counts
    page.screenshot(path=str(SCREENSHOTS / "publication-release-en.png"), full_page=True)

    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change").click()
    page.wait_for_selector("html[dir=rtl]")
    expect(page.get_by_role("link", name="تنزيل الجدول كاملًا (CSV)")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "publication-release-ar.png"), full_page=True)
    assert elsewhere == []
