"""The public pages: no login, no cookie, nothing cached, the language in the URL (picked from the browser and
changeable), every language offered in its own name, the quick exit on every page."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from lantern.crisis.models import CrisisEvent
from tests.portal.conftest import Portal

PAGES = ["", "services/", "call-back/", "safety/"]
LANGUAGES = [code for code, _name in settings.PORTAL_LANGUAGES]


def test_the_portal_speaks_at_least_twelve_languages_besides_english_with_arabic() -> None:
    assert len(LANGUAGES) >= 13
    assert "ar" in LANGUAGES
    assert {"en", "ar", "fr", "es", "ru", "uk", "ro", "bg", "it", "de", "el", "nl", "pt"} <= set(LANGUAGES)
    assert [code for code, _ in settings.LANGUAGES] == ["en", "fr", "es", "ar", "ru", "uk"]  # the staff UI's


@pytest.mark.parametrize(
    ("header", "expected"),
    [("ar-EG,ar;q=0.9,en;q=0.5", "ar"), ("ro-RO", "ro"), ("sw,de;q=0.7", "de"), ("", "en"), ("zz", "en")],
)
def test_the_language_is_picked_from_the_browser(header: str, expected: str) -> None:
    response = Client().get("/help/", headers={"Accept-Language": header})
    assert response.status_code == 302
    assert response["Location"] == f"/help/{expected}/"
    assert "Accept-Language" in response["Vary"]
    assert not response.cookies


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_in_every_language_sets_no_cookie_and_lists_every_language_in_its_own_name(
    lang: str, portal: Portal, crisis: CrisisEvent
) -> None:
    client = Client()
    for page in PAGES:
        response = client.get(f"/help/{lang}/{page}")
        assert response.status_code == 200, page
        assert "Set-Cookie" not in response, f"/help/{lang}/{page} sets a cookie"
        assert not response.cookies
        assert response["Cache-Control"] == "no-store"
        assert response["Content-Language"] == lang
        html = response.content.decode()
        direction = "rtl" if lang == "ar" else "ltr"
        assert f'<html lang="{lang}" dir="{direction}">' in html
        for code, name in settings.PORTAL_LANGUAGES:
            link = re.search(rf'<a href="/help/{code}/{page}"[^>]*lang="{code}"[^>]*>([^<]+)</a>', html)
            assert link, (page, code)
            assert link.group(1) == name, (page, code)
        assert 'id="quick-exit"' in html
        assert f'href="{settings.LANTERN_PORTAL_EXIT_URL}"' in html
        assert 'class="skip-link" href="#main"' in html
        assert "csrfmiddlewaretoken" not in html


def test_an_unknown_address_is_the_portals_own_not_found_page_without_a_cookie(portal: Portal) -> None:
    for path, lang in (("/help/zz/", "en"), ("/help/ar/nothing/", "ar"), ("/help/fr/services/x", "fr")):
        response = Client().get(path)
        assert response.status_code == 404
        assert "Set-Cookie" not in response
        assert f'<html lang="{lang}"' in response.content.decode()
    assert "Эта страница не существует." in Client().get("/help/ru/nowhere/").content.decode()


def test_the_page_is_translated(portal: Portal) -> None:
    assert "Find help" in Client().get("/help/en/").content.decode()
    assert "Trouver de l’aide" in Client().get("/help/fr/").content.decode()  # noqa: RUF001
    assert "العثور على مساعدة" in Client().get("/help/ar/").content.decode()
    assert "Găsiți ajutor" in Client().get("/help/ro/").content.decode()


def test_the_content_security_policy_allows_this_site_only(portal: Portal) -> None:
    policy = Client().get("/help/en/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "http" not in policy


def test_the_quick_exit_goes_where_the_setting_says(portal: Portal, settings: pytest.FixtureRequest) -> None:
    settings.LANTERN_PORTAL_EXIT_URL = "https://weather.example/"  # type: ignore[attr-defined]
    assert 'href="https://weather.example/"' in Client().get("/help/en/safety/").content.decode()


def test_a_logged_in_staff_page_still_works(staff: dict[str, Client]) -> None:
    assert staff["caseworker"].get("/").status_code == 200


def test_a_failure_inside_the_portal_shows_an_error_page_without_a_cookie(
    portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the directory could not be read")

    monkeypatch.setattr("lantern.portal.views._visitor_page", broken)
    response = Client(raise_request_exception=False).get("/help/en/")
    assert response.status_code == 500
    assert "Set-Cookie" not in response
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()
