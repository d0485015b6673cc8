"""When the database is away, a visitor of the portal gets the portal's own 503 page: in her language, in the
portal's layout with the quick exit and the emergency number, never naming the system or its staff."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client
from django.utils import translation

from lantern.portal import selectors
from tests.portal.conftest import Portal

HEADINGS = {
    "en": "This page is not available for a moment.",
    "ar": "هذه الصفحة غير متاحة مؤقتًا.",
    "bg": "Тази страница временно не е достъпна.",  # noqa: RUF001
    "uk": "Ця сторінка тимчасово недоступна.",
    "fr": "Cette page n’est pas disponible pour le moment.",  # noqa: RUF001
    "el": "Αυτή η σελίδα δεν είναι διαθέσιμη προς το παρόν.",
}


def _away(*args: object, **kwargs: object) -> None:
    raise OperationalError("server closed the connection unexpectedly")


@pytest.fixture
def database_away(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "hotlines", _away)
    monkeypatch.setattr(selectors, "crisis_banner", _away)


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("lang", list(HEADINGS))
def test_a_visitor_gets_the_portals_own_503_in_her_language(lang: str, portal: Portal, database_away: None) -> None:
    response = Client(raise_request_exception=False).get(f"/help/{lang}/")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    html = response.content.decode()
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in html
    assert f"<h1>{HEADINGS[lang]}</h1>" in html
    assert f"<title>{HEADINGS[lang]} · " in html
    text = _text(html)
    assert "Lantern" not in html
    assert "administrator" not in text.lower()
    assert "503" not in text
    assert 'id="quick-exit"' in html
    assert settings.LANTERN_PORTAL_EXIT_URL in html
    assert settings.LANTERN_PORTAL_EMERGENCY_NUMBER in text
    assert not response.cookies


def test_every_portal_language_has_the_page_translated() -> None:
    for lang, _name in settings.PORTAL_LANGUAGES:
        if lang == "en":
            continue
        with translation.override(lang):
            for msgid in (
                "This page is not available for a moment.",
                "Nothing you sent was received. Please try again in a few minutes.",
                "If you are in danger now, call %(number)s.",
            ):
                assert translation.gettext(msgid) != msgid, (lang, msgid)


def test_the_language_of_an_unknown_portal_address_comes_from_the_browser(portal: Portal, database_away: None) -> None:
    # Not a selector call of its own: the portal's "not found" draws the crisis banner, which reads the database.
    response = Client(raise_request_exception=False).get("/help/nowhere/", headers={"Accept-Language": "ar"})
    assert response.status_code == 503
    assert HEADINGS["ar"] in response.content.decode()


def test_the_portals_staff_pages_keep_the_staff_page(staff: dict[str, Client], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "intakes_visible_to", _away)
    client = staff["police"]
    client.raise_request_exception = False
    response = client.get("/help/staff/call-backs/")
    assert response.status_code == 503
    assert "Lantern cannot reach its database" in response.content.decode()
