"""Words, not codes: every page a role reaches from its menu, with demo-like data in it (a case, offers, a referral,
a crisis, a delivery), shows statuses, urgencies, modes, forms of exploitation, languages, citizenship and
countries by their names in the reader's language, and no raw code as visible text."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from lantern.cases.models import Case
from lantern.crisis import services as crisis
from lantern.providers.models import Offering
from lantern.referrals import services as referrals
from tests.conftest import World

# Codes in the data below that a page would show if it printed the stored value instead of its label.
RAW_CODES = [
    "in_person", "ForcedLabour", "ForcedBegging", "SexualExploitation", "ThroughOnlineSocialNetworks",
    "caseworker_only", "legal_counselling", "safe_accommodation", "in_progress",
    "Feminine", "recruited_online_in_crisis", "GR", "RO", "MD", "ro", "el", "bin",
]  # fmt: skip
HIDDEN = re.compile(r"<(script|style|datalist|select|code|head)\b.*?</\1>", re.S | re.I)
TAG = re.compile(r"<[^>]+>")


def visible_text(html: str) -> str:
    """What a reader sees: no markup, no scripts, no datalists (the picker's codes), no case references."""
    return TAG.sub(" ", HIDDEN.sub(" ", html))


def raw_codes_in(html: str) -> list[str]:
    text = visible_text(html)
    return [code for code in RAW_CODES if re.search(rf"(?<![\w/-]){re.escape(code)}(?![\w/-])", text)]


def menu_links(html: str) -> list[str]:
    nav = html.split("<nav", 1)[1].split("</nav>", 1)[0] if "<nav" in html else ""
    return sorted({href for href in re.findall(r'href="(/[^"#?]*)"', nav) if not href.startswith("/static/")})


@pytest.fixture
def demo_like(world: World, consented_case: Case, offers: dict[str, Offering]) -> Case:
    Case.objects.filter(pk=consented_case.pk).update(forms_of_exploitation=["ForcedLabour", "ForcedBegging"])
    person = consented_case.person
    person.primary_language, person.other_languages = "bin", ["ro", "el"]
    person.save(update_fields=["primary_language", "other_languages"])
    referrals.referral_create(
        actor=world.caseworker, case=consented_case, recipient=world.legal_aid, service_type="legal_counselling",
        urgency="urgent",
    )  # fmt: skip
    crisis.crisis_declare(
        actor=None, name="Heatwave", kind="disaster", country="GR", regions=["Attica"], starts_on=date(2026, 2, 1)
    )
    return consented_case


@pytest.mark.parametrize(
    "persona", ["caseworker", "supervisor", "police", "provider", "coordinator", "analyst", "org_admin"]
)
def test_no_page_of_a_role_shows_a_raw_code(staff: dict[str, Client], demo_like: Case, persona: str) -> None:
    client = staff[persona]
    home = client.get("/", follow=True).content.decode()
    pages = ["/", *menu_links(home)]
    if persona in ("caseworker", "supervisor"):
        pages.append(f"/cases/{demo_like.reference}/")
    found = {}
    for url in pages:
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            codes = raw_codes_in(response.content.decode())
            if codes:
                found[url] = codes
    assert len(pages) >= 3, pages  # the menu was found
    assert found == {}


def test_the_case_page_says_languages_countries_and_channels_in_words(
    staff: dict[str, Client], demo_like: Case
) -> None:
    client = staff["caseworker"]
    html = visible_text(client.get(f"/cases/{demo_like.reference}/").content.decode())
    assert "Bini, Romanian, Greek" in html
    assert "Recruited in Romania" in html or "Romania" in html.split("Recruited in", 1)[1][:80]
    assert "Greece" in html.split("Exploited in", 1)[1][:80]
    assert "Messaging app" in html
    client.post("/i18n/setlang/", {"language": "uk", "next": "/"})
    html = visible_text(client.get(f"/cases/{demo_like.reference}/").content.decode())
    assert "біні, румунська, грецька" in html
    assert "Румунія" in html
    assert "Греція" in html
