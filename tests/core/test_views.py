"""The staff UI shell: login with a second factor, lockout, the pages by role, forms that keep what was typed,
languages and right-to-left, security headers."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import TOTP

from lantern.core import services
from lantern.core.models import AuditEvent, Organisation, TotpDevice
from tests.conftest import PASSWORD, World

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _login(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post("/login/", {"username": username, "password": password})


def _code(device: TotpDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def test_an_analyst_and_an_auditor_need_a_second_factor_too(world: World) -> None:
    for username in ("analyst", "auditor"):
        client = Client()
        assert _login(client, username)["Location"] == "/account/2fa/"
        assert client.get("/")["Location"] == "/login/verify/"


def test_a_caseworker_sets_up_two_factor_authentication_at_her_first_login(world: World, clock: object) -> None:
    client = Client()
    response = _login(client, "caseworker")
    assert response["Location"] == "/account/2fa/"
    assert client.get("/organisations/")["Location"] == "/login/verify/"  # nothing else before the second factor
    page = client.get("/account/2fa/")
    assert b"data:image/svg+xml" in page.content
    secret = re.search(rb"<code>([A-Z2-7]+)</code>", page.content)
    assert secret is not None
    device = TotpDevice.objects.get(user=world.caseworker)
    response = client.post("/account/2fa/", {"password": "not my password", "token": _code(device)})
    assert response.status_code == 200  # the password is asked again before a phone is bound to the account
    assert "not your password" in response.content.decode()
    response = client.post("/account/2fa/", {"password": PASSWORD, "token": _code(device)})
    assert response.status_code == 302
    assert client.get("/organisations/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="2fa.enrol", actor_id=world.caseworker.pk).exists()


def test_a_caseworker_with_an_authenticator_must_give_the_right_code(world: World, clock: object) -> None:
    device = TotpDevice.objects.create(user=world.caseworker, name="phone", confirmed=True)
    client = Client()
    assert _login(client, "caseworker")["Location"] == "/login/verify/"
    response = client.post("/login/verify/", {"token": "000000" if _code(device) != "000000" else "111111"})
    assert response.status_code == 200
    assert "not right" in response.content.decode()
    assert client.get("/")["Location"] == "/login/verify/"
    assert client.get("/api/v1/me").status_code == 401  # the API does not accept a half-logged-in session
    clock.shift(2)  # type: ignore[attr-defined]  # a failed code throttles the device for a second
    response = client.post("/login/verify/", {"token": _code(device)})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me").json()["second_factor_verified"] is True
    assert AuditEvent.objects.filter(action="login.failure", detail__reason="second_factor").exists()


def test_repeated_failures_lock_the_account(world: World) -> None:
    client = Client()
    for _ in range(4):
        assert _login(client, "analyst", "wrong password").status_code == 200
    assert _login(client, "analyst", "wrong password").status_code == 429  # the fifth failure locks
    response = _login(client, "analyst")  # even the right password, now
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert client.get("/").status_code == 302
    digest = services.typed_username_digest("analyst")
    assert AuditEvent.objects.filter(action="login.failure", detail__username_digest=digest).count() == 6


def test_a_wrong_password_says_so_and_keeps_the_username(world: World) -> None:
    response = _login(Client(), "analyst", "wrong password")
    html = response.content.decode()
    assert "Wrong username or password" in html
    assert 'value="analyst"' in html
    assert "wrong password" not in html


def test_the_demo_without_two_factors_says_so_on_every_page(world: World, settings: object) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    client = Client()
    assert _login(client, "caseworker")["Location"] == "/"
    assert "two-factor authentication is switched off" in client.get("/").content.decode()
    assert "two-factor authentication is switched off" in Client().get("/login/").content.decode()


def test_pages_carry_a_strict_content_security_policy(world: World) -> None:
    response = Client().get("/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "http" not in policy  # no other origin at all
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_sessions_expire_after_inactivity_and_polls_do_not_keep_them_alive(
    world: World, settings: object, time_machine: object
) -> None:
    from lantern.core.models import StaffSession as Session

    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]  # about idleness, not the second factor
    assert settings.SESSION_COOKIE_AGE == 30 * 60  # type: ignore[attr-defined]
    time_machine.move_to(NOW, tick=False)  # type: ignore[attr-defined]
    client = Client()
    _login(client, "analyst")
    expiry = Session.objects.get().expire_date
    time_machine.shift(120)  # type: ignore[attr-defined]
    client.get("/", headers={"X-Lantern-Poll": "1"})
    assert Session.objects.get().expire_date == expiry  # an automatic refresh does not count as activity
    client.get("/")
    assert Session.objects.get().expire_date > expiry
    time_machine.shift(31 * 60)  # type: ignore[attr-defined]
    assert client.get("/").status_code == 302  # idle too long: back to the login page


def test_organisation_b_cannot_open_organisation_a_in_the_ui(world: World, staff: dict[str, Client]) -> None:
    url = f"/organisations/{world.ngo_a.pk}/"
    assert staff["outsider"].get(url).status_code == 404
    assert staff["outsider_admin"].post(url, {"username": "outsider", "role": "caseworker"}).status_code == 404
    assert "Safe Passage" not in staff["outsider"].get("/organisations/").content.decode()
    assert staff["caseworker"].get(url).status_code == 200
    assert "Members" not in staff["caseworker"].get(url).content.decode()
    assert "Members" in staff["supervisor"].get(url).content.decode()


def test_a_form_with_a_wrong_field_keeps_everything_typed(world: World, staff: dict[str, Client]) -> None:
    response = staff["coordinator"].post(
        "/organisations/",
        {"name": "Hope for Tomorrow", "type": "NGO", "country": "ZZ", "region": "Epirus", "languages": "el, sq"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "“ZZ” is not a country" in html
    assert 'value="Hope for Tomorrow"' in html
    assert 'value="Epirus"' in html
    assert not Organisation.objects.filter(name="Hope for Tomorrow").exists()
    response = staff["coordinator"].post(
        "/organisations/",
        {"name": "Hope for Tomorrow", "type": "NGO", "country": "gr", "region": "Epirus", "languages": "el, sq"},
    )
    assert response.status_code == 302
    assert Organisation.objects.get(name="Hope for Tomorrow").languages == ["el", "sq"]


def test_navigation_follows_the_role(world: World, staff: dict[str, Client]) -> None:
    auditor_page = staff["auditor"].get("/").content.decode()
    caseworker_page = staff["caseworker"].get("/").content.decode()
    assert "Audit trail" in auditor_page
    assert "Audit trail" not in caseworker_page
    assert staff["caseworker"].get("/audit/").status_code == 403
    assert staff["auditor"].post("/audit/").status_code == 200


def test_the_auditor_verifies_the_chain_from_the_page(world: World, staff: dict[str, Client]) -> None:
    html = staff["auditor"].post("/audit/").content.decode()
    assert "The chain is intact" in html


def test_arabic_pages_are_right_to_left_and_translated(world: World, staff: dict[str, Client]) -> None:
    client = staff["caseworker"]
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "المنظمات" in html  # "Organisations"


@pytest.mark.parametrize(
    ("code", "word"), [("fr", "Organisations"), ("es", "Organizaciones"), ("ru", "Организации"), ("uk", "Організації")]
)
def test_the_language_switcher_changes_the_page(world: World, staff: dict[str, Client], code: str, word: str) -> None:
    client = staff["caseworker"]
    client.post("/i18n/setlang/", {"language": code, "next": "/"})
    html = client.get("/").content.decode()
    assert f'<html lang="{code}" dir="ltr">' in html
    assert word in html


def test_break_glass_from_the_ui(world: World, staff: dict[str, Client]) -> None:
    client = staff["outsider"]
    url = f"/organisations/{world.ngo_a.pk}/break-glass/"
    response = client.post(url, {"reason": "too short", "hours": 2})
    assert "at least 20 characters" in response.content.decode()
    assert "too short</textarea>" in response.content.decode()
    response = client.post(url, {"reason": "A child from this shelter is missing tonight", "hours": 2})
    assert response.status_code == 302
    assert client.get(f"/organisations/{world.ngo_a.pk}/").status_code == 200
    assert staff["analyst"].get(url).status_code == 403
