"""Registering a case with the searchable pickers, in English and in Arabic (right to left): type "Gree" and choose
Greece, type "Edo" and choose the language; the case page then says the countries and languages in words.
Screenshots of the open picker and of the case page go to docs/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from lantern.cases.models import Case
from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS
from tests.conftest import PASSWORD, World

pytestmark = [pytest.mark.browser]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"

# What the person types and chooses in each language, and what the case page then says.
JOURNEYS: dict[str, dict[str, str]] = {
    "en": {"register": "Register a case", "greece": "Greece", "romania": "Romania", "edo": "Bini",
           "citizenship": "Citizenship", "main_language": "Main language", "exploitation": "Country of exploitation",
           "button": "Register", "seen": "Bini"},
    "ar": {"register": "تسجيل حالة", "greece": "اليونان", "romania": "رومانيا", "edo": "البينية",
           "citizenship": "الجنسية", "main_language": "اللغة الرئيسية", "exploitation": "بلد الاستغلال",
           "button": "تسجيل", "seen": "البينية"},
}  # fmt: skip


def _axe(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa"]}})"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _pick(page: Page, label: str, typed: str, choice: str) -> None:
    field = page.get_by_role("combobox", name=label, exact=True)
    field.click()
    field.press_sequentially(typed)
    option = page.get_by_role("option", name=re.compile(rf"^{re.escape(choice)}(\s|$)"))
    expect(option.first).to_be_visible()
    option.first.click()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_registering_a_case_with_the_pickers(
    world: World, live_server: object, settings: object, language: str
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]  # the second factor has its own browser test
    words = JOURNEYS[language]
    base = str(live_server)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        # The English journey runs under the site's CSP (picker.js is served from the site itself); the Arabic one
        # lets axe-core be injected, which the CSP would refuse.
        context = browser.new_context(
            locale="en-GB", viewport={"width": 1100, "height": 900}, bypass_csp=language != "en"
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/login/")
        page.get_by_label("Username").fill("caseworker")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        if language != "en":
            page.locator("#language-select").select_option(language)
            page.locator(".language-form button").click()
            page.wait_for_load_state()
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
        page.goto(f"{base}/cases/new/")
        page.locator("#id_first_name").fill("Efe")

        _pick(page, words["citizenship"], words["romania"][:4], words["romania"])
        _pick(page, words["main_language"], "Edo", words["edo"])
        field = page.get_by_role("combobox", name=words["exploitation"], exact=True)
        field.click()
        field.press_sequentially(words["greece"][:4])
        expect(
            page.get_by_role("option", name=re.compile(rf"^{re.escape(words['greece'])}(\s|$)")).first
        ).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / f"picker-country-{language}.png"))
        if language != "en":
            assert _axe(page) == []
        page.get_by_role("option", name=re.compile(rf"^{re.escape(words['greece'])}(\s|$)")).first.click()
        assert field.input_value() == words["greece"]
        page.get_by_role("button", name=words["button"], exact=True).click()
        page.wait_for_url(re.compile(r"/cases/LT-[0-9A-Z]{4}-[0-9A-Z]{4}/$"))
        expect(page.get_by_text(words["seen"], exact=False).first).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / f"picker-case-page-{language}.png"), full_page=True)
        assert errors == []
        context.close()
        browser.close()
    case = Case.objects.select_related("person").get()
    assert (case.exploitation_country, case.person.citizenship, case.person.primary_language) == ("GR", ["RO"], "bin")
