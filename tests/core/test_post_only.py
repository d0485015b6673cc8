"""No "HTTP ERROR 405" in the staff pages: every address a form posts to answers a GET (a reload after a refused
form was shown again on the action's address, or a language switch from there) by going back to its page with
303 See Other (core/views.py `post_only`). The language switch returns to the page the person was on, and only
to a page of this site."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from lantern.crisis import services as crisis
from tests.conftest import World

# A value for each kind of path parameter: the redirect is decided before any object is looked up.
SAMPLES = {"int": "1", "str": "LT-TEST-0000", "slug": "x", "path": "x", "referral_id": "0" * 32}
REGEX_SAMPLES = {"lang": "en", "language": "el", "message_id": "1"}


def _sample(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "1"), route)


def _from_regex(regex: str) -> str | None:
    if "(?P<rest>" in regex:
        return None  # the portal's catch-all "not found"
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: REGEX_SAMPLES.get(m.group(1), "1"), regex)
    return path.lstrip("^").rstrip("$").replace("\\", "")


def addresses(
    patterns: Sequence[URLPattern | URLResolver] | None = None, prefix: str = "/"
) -> Iterator[tuple[str, object]]:
    """Every address of the URL conf with a sample value for its parameters, and its view."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        raw = str(entry.pattern)
        part = _from_regex(raw) if raw.startswith("^") else _sample(raw)
        if part is None:
            continue
        if isinstance(entry, URLResolver):
            if part.startswith("api/"):
                continue  # the API answers 405 with a problem+json, as an API should
            yield from addresses(entry.url_patterns, prefix + part)
        elif isinstance(entry, URLPattern):
            yield prefix + part, entry.callback


@pytest.fixture
def coordinator(world: World, settings: object) -> Client:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    client = Client(raise_request_exception=False)
    client.force_login(world.coordinator)
    return client


def test_the_walk_finds_the_post_only_addresses() -> None:
    found = {path for path, view in addresses() if getattr(view, "post_only", False)}
    assert "/crisis/1/measures/" in found
    assert "/cases/LT-TEST-0000/consents/" in found
    assert len(found) >= 30


def test_no_address_answers_a_get_with_405(coordinator: Client) -> None:
    refused = []
    for path, view in addresses():
        response = coordinator.get(path)
        if response.status_code == 405:
            refused.append(path)
        if getattr(view, "post_only", False):
            assert response.status_code == 303, path
            page = response["Location"]
            assert not getattr(resolve(page).func, "post_only", False), (path, page)
    assert refused == []


@pytest.mark.parametrize(
    ("action", "page"),
    [
        ("/cases/LT-TEST-0000/consents/", "/cases/LT-TEST-0000/"),
        ("/cases/LT-TEST-0000/consents/3/withdraw/", "/cases/LT-TEST-0000/"),
        ("/crisis/3/measures/", "/crisis/"),
        ("/crisis/measures/5/end/", "/crisis/"),
        ("/justice/hearing/4/cancel/", "/justice/hearing/4/"),
        ("/services/2/status/", "/services/"),
    ],
)
def test_a_get_of_an_action_goes_back_to_its_page(coordinator: Client, action: str, page: str) -> None:
    response = coordinator.get(action)
    assert (response.status_code, response["Location"]) == (303, page)


def test_reloading_a_refused_measure_goes_back_to_the_crisis_page(coordinator: Client, world: World) -> None:
    floods = crisis.crisis_declare(
        actor=None, name="Floods", kind="disaster", country="GR", regions=["Thessaly"], starts_on=date(2026, 1, 1)
    )
    action = f"/crisis/{floods.pk}/measures/"
    refused = coordinator.post(action, {f"crisis-{floods.pk}-kind": "curfew", f"crisis-{floods.pk}-regions": "Crete"})
    assert refused.status_code == 422
    # The browser is left on the action's address; a reload, or the language switch's `next`, is a GET there.
    switched = coordinator.post("/i18n/setlang/", {"language": "fr", "next": action})
    assert switched["Location"] == action
    again = coordinator.get(action)
    assert (again.status_code, again["Location"]) == (303, "/crisis/")
    page = coordinator.get("/crisis/")
    assert page.status_code == 200
    assert 'lang="fr"' in page.content.decode()


def test_the_language_switch_returns_to_the_page(coordinator: Client) -> None:
    response = coordinator.post("/i18n/setlang/", {"language": "uk", "next": "/beds/?region=Attica"})
    assert response["Location"] == "/beds/?region=Attica"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "uk"


@pytest.mark.parametrize("target", ["//evil.example", "https://evil", "\\\\evil", "/\\evil", "http:///evil.example"])
def test_the_language_switch_never_leaves_the_site(coordinator: Client, target: str) -> None:
    response = coordinator.post("/i18n/setlang/", {"language": "fr", "next": target})
    assert response.status_code == 302
    location = response["Location"]
    assert "evil" not in location
    assert location.startswith("/")
    assert not location.startswith("//")
