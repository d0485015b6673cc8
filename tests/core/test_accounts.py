"""Accounts: password rules everywhere a password is set, failed logins that keep no typed text, API tokens that
expire and need a second factor, encrypted authenticator secrets, sessions a copy of the database cannot use,
and the lifecycle of an account (change, reset, recovery codes, signing out everywhere)."""

from __future__ import annotations

import importlib
import io
import json
import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps as global_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django_otp.oath import TOTP

from lantern.core import accounts, crypto, keyrotation, services
from lantern.core.models import (
    Alert,
    ApiToken,
    AuditEvent,
    RecoveryCode,
    StaffSession,
    TotpDevice,
    User,
)
from tests.conftest import PASSWORD, World

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NEW = "a new and long passphrase 7"

WEAK = ["aaaaaaaaaaaa", "abababababab", "password1234", "123456789012", "short-1"]


@pytest.mark.parametrize("password", WEAK)
def test_weak_passwords_are_refused_when_an_account_is_created(world: World, password: str) -> None:
    with pytest.raises(ValidationError) as refused:
        services.user_create(
            actor=None, username="newcomer", organisation=world.ngo_a, role="caseworker", password=password
        )
    assert "password" in refused.value.message_dict
    assert not world.ngo_a.memberships.filter(user__username="newcomer").exists()


def test_the_console_refuses_a_weak_password_in_one_line(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("aaaaaaaaaaaa\n"))
    with pytest.raises(CommandError) as refused:
        call_command(
            "user", "create", "--username", "newcomer", "--org", world.ngo_a.name, "--role", "caseworker",
            "--password-stdin",
        )  # fmt: skip
    assert refused.value.returncode == 2
    assert "password:" in str(refused.value)
    assert "aaaaaaaaaaaa" not in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_failed_login_keeps_a_keyed_digest_of_the_typed_username_never_the_text(world: World) -> None:
    typed = "my-secret-password-in-the-wrong-box"
    Client().post("/login/", {"username": typed, "password": "whatever it is"})
    event = AuditEvent.objects.filter(action="login.failure").latest("seq")
    stored = f"{event.actor_label} {event.detail} {event.object_id}"
    assert typed not in stored
    assert event.detail["username_digest"] == services.typed_username_digest(typed)
    assert len(event.detail["username_digest"]) == 64


def test_a_wrong_second_factor_names_the_account_whose_password_was_right(world: World) -> None:
    services.login_failure_recorded(username="caseworker", reason="second_factor", user=world.caseworker)
    event = AuditEvent.objects.filter(action="login.failure").latest("seq")
    assert event.actor_id == world.caseworker.pk
    assert "username_digest" not in event.detail


def test_the_demo_passwords_pass_the_rules(world: World) -> None:
    from django.contrib.auth.password_validation import validate_password

    validate_password(PASSWORD)
    validate_password("demo-caseworker-0a1b2c3d")


# --- Helpers ------------------------------------------------------------------------------------------------


def _code(device: TotpDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _phone(user: User) -> TotpDevice:
    return TotpDevice.objects.create(user=user, name="phone", confirmed=True)


def _logged_in(username: str, device: TotpDevice, password: str = PASSWORD) -> Client:
    """A browser that logged in with the password and the current code."""
    client = Client()
    assert client.post("/login/", {"username": username, "password": password}).status_code == 302
    device.refresh_from_db()
    device.last_t = -1  # each test client logs in within the same 30 seconds: let the code serve again
    device.save(update_fields=["last_t"])
    assert client.post("/login/verify/", {"token": _code(device)}).status_code == 302
    return client


# --- Item 8: authenticator secrets and sessions at rest ---------------------------------------------------------


def test_an_authenticator_secret_is_stored_encrypted_and_survives_a_key_rotation(world: World) -> None:
    device = _phone(world.caseworker)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM core_totpdevice WHERE id = %s", [device.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("v1:")
    assert device.secret not in stored
    assert len(bytes.fromhex(device.secret)) == 20
    # `lantern keys rotate` moves it to a new key like the other personal data, and the codes still match.
    old = crypto.keyring()
    ring = crypto.Keyring(keys={"next": crypto.new_key(), **old.keys}, active_id="next")
    assert keyrotation.count_stale(ring)["core.totpdevice"] == 1
    keyrotation.rotate_to_active_key(ring=ring)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM core_totpdevice WHERE id = %s", [device.pk])
        rotated = cursor.fetchone()[0]
    assert rotated.startswith("v1:next:")
    assert crypto.decrypt(rotated, context="core.totpdevice.secret", ring=ring) == device.secret


def test_authenticators_of_django_otp_are_moved_and_encrypted_by_the_migration(world: World) -> None:
    module = importlib.import_module("lantern.core.migrations.0008_accounts")
    secret = "3132333435363738393031323334353637383930"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE otp_totp_totpdevice (id integer primary key, user_id integer, name varchar(64), "
            "confirmed bool, key varchar(80), step integer, t0 integer, digits integer, tolerance integer, "
            "drift integer, last_t integer, throttling_failure_count integer)"
        )
        cursor.execute(
            "INSERT INTO otp_totp_totpdevice VALUES (1, %s, 'phone', %s, %s, 30, 0, 6, 1, 0, -1, 0)",
            [world.caseworker.pk, True, secret],
        )
    try:
        module.move_totp_devices(global_apps, SimpleNamespace(connection=connection))
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM otp_totp_totpdevice")
            assert cursor.fetchone()[0] == 0  # no clear secret left behind
            cursor.execute("SELECT secret FROM core_totpdevice")
            assert secret not in cursor.fetchone()[0]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE otp_totp_totpdevice")
    assert TotpDevice.objects.get(user=world.caseworker).secret == secret


def test_a_session_key_copied_from_the_database_is_no_login(world: World, settings: object) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    client = Client()
    client.post("/login/", {"username": "analyst", "password": PASSWORD})
    assert client.get("/").status_code == 200
    cookie = client.cookies["sessionid"].value
    row = StaffSession.objects.get(user=world.analyst)
    assert row.session_key != cookie
    assert cookie not in row.session_key
    assert cookie not in row.session_data
    thief = Client()
    thief.cookies["sessionid"] = row.session_key  # what a copy of the database gives
    assert thief.get("/")["Location"].startswith("/login/")
    assert thief.get("/api/v1/me").status_code == 401


# --- Item 11: tokens ----------------------------------------------------------------------------------------


def test_a_token_expires_after_90_days_unless_told_otherwise_and_then_gets_401(
    world: World, time_machine: object
) -> None:
    time_machine.move_to(NOW, tick=False)  # type: ignore[attr-defined]
    _phone(world.analyst)
    token, raw = services.token_create(actor=None, user=world.analyst, name="script")
    assert token.expires_at == NOW + timedelta(days=90)
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get("/api/v1/me").status_code == 200
    time_machine.shift(timedelta(days=90, seconds=1))  # type: ignore[attr-defined]
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    with pytest.raises(ValidationError):
        services.token_create(actor=None, user=world.analyst, expires_in_days=366)


def test_a_token_is_refused_until_its_owner_has_a_second_factor(world: World) -> None:
    _, raw = services.token_create(actor=None, user=world.caseworker, name="script")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    response = client.get("/api/v1/cases")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert "two-factor" in response.json()["detail"]
    _phone(world.caseworker)
    assert client.get("/api/v1/cases").status_code == 200


def test_the_console_says_when_a_token_expires(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("token", "create", "--user", "analyst", "--expires", "30")
    token = ApiToken.objects.get(user=world.analyst)
    assert token.expires_at is not None
    assert f"expires on {token.expires_at:%Y-%m-%d}" in capsys.readouterr().err


def test_a_token_cannot_make_another_token(world: World, api_client: dict[str, Client]) -> None:
    response = api_client["caseworker"].post(
        "/api/v1/account/tokens", {"name": "forever"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert ApiToken.objects.filter(user=world.caseworker).count() == 1


def test_a_token_made_on_the_account_page_is_shown_once_with_its_expiry(world: World) -> None:
    client = _logged_in("analyst", _phone(world.analyst))
    page = client.post("/account/", {"do": "token_create", "name": "report", "expires_in_days": "30"})
    html = page.content.decode()
    token = ApiToken.objects.get(user=world.analyst)
    assert "lt_" in html
    assert f"{token.expires_at:%Y-%m-%d}" in html
    assert "lt_" not in client.get("/account/").content.decode().replace(token.prefix, "")
    refused = client.post("/account/", {"do": "token_create", "name": "x", "expires_in_days": "9999"})
    assert refused.status_code == 200
    assert ApiToken.objects.filter(user=world.analyst).count() == 1
    assert 'value="x"' in refused.content.decode()  # what was typed stays


# --- Recovery codes -----------------------------------------------------------------------------------------


def test_recovery_codes_are_kept_as_digests_shown_once_and_each_works_once(world: World) -> None:
    device = _phone(world.caseworker)
    client = _logged_in("caseworker", device)
    page = client.post("/account/", {"do": "recovery_codes"}).content.decode()
    codes = re.findall(r"<code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code>", page)
    assert len(codes) == 10
    stored = " ".join(RecoveryCode.objects.values_list("digest", flat=True))
    assert not any(code.replace("-", "") in stored or code in stored for code in codes)
    assert codes[0] not in client.get("/account/").content.decode()
    lost_phone = Client()
    lost_phone.post("/login/", {"username": "caseworker", "password": PASSWORD})
    assert lost_phone.post("/login/verify/", {"token": codes[0].upper()})["Location"] == "/"
    again = Client()
    again.post("/login/", {"username": "caseworker", "password": PASSWORD})
    assert again.post("/login/verify/", {"token": codes[0]}).status_code == 200  # spent
    assert AuditEvent.objects.filter(action="2fa.recovery_code_used", actor_id=world.caseworker.pk).count() == 1
    assert AuditEvent.objects.filter(action="2fa.recovery_codes", actor_id=world.caseworker.pk).exists()
    assert accounts.recovery_codes_left(world.caseworker) == 9


# --- Changing one's password --------------------------------------------------------------------------------


def test_changing_ones_password_needs_the_old_one_and_ends_the_other_sessions(world: World) -> None:
    device = _phone(world.supervisor)
    laptop = _logged_in("supervisor", device)
    phone = _logged_in("supervisor", device)
    url = "/account/password/"
    wrong = laptop.post(url, {"old_password": "guess", "new_password": NEW, "new_password_again": NEW})
    assert "not your current password" in wrong.content.decode()
    weak_password = "aaaaaaaaaaaa"
    weak = laptop.post(
        url, {"old_password": PASSWORD, "new_password": weak_password, "new_password_again": weak_password}
    )
    assert weak.status_code == 200
    world.supervisor.refresh_from_db()
    assert world.supervisor.check_password(PASSWORD)
    done = laptop.post(url, {"old_password": PASSWORD, "new_password": NEW, "new_password_again": NEW})
    assert done["Location"] == "/account/"
    assert laptop.get("/account/").status_code == 200  # this session goes on
    assert phone.get("/account/")["Location"].startswith("/login/")  # the other one has ended
    world.supervisor.refresh_from_db()
    assert world.supervisor.check_password(NEW)
    assert AuditEvent.objects.filter(action="password.change", actor_id=world.supervisor.pk).exists()


# --- An administrator's reset -------------------------------------------------------------------------------


def test_an_organisation_administrator_resets_a_member_who_then_chooses_a_password_and_enrols_again(
    world: World, time_machine: object
) -> None:
    time_machine.move_to(NOW, tick=False)  # type: ignore[attr-defined]
    old_phone = _phone(world.caseworker)
    her_browser = _logged_in("caseworker", old_phone)
    services.token_create(actor=None, user=world.caseworker, name="script")
    admin = _logged_in("org_admin", _phone(world.org_admin))
    page = admin.get(f"/organisations/{world.ngo_a.pk}/").content.decode()
    assert f"/members/{world.caseworker.pk}/reset/" in page
    assert f"/members/{world.org_admin.pk}/reset/" not in page  # not herself
    shown = admin.post(f"/organisations/{world.ngo_a.pk}/members/{world.caseworker.pk}/reset/").content.decode()
    temporary = re.search(r'<code dir="ltr">([^<]+)</code>', shown)
    assert temporary is not None
    assert her_browser.get("/")["Location"].startswith("/login/")  # her sessions ended
    assert not TotpDevice.objects.filter(user=world.caseworker).exists()
    assert not ApiToken.objects.filter(user=world.caseworker, revoked_at__isnull=True).exists()
    assert Alert.objects.filter(recipient=world.caseworker, kind="security").exists()
    event = AuditEvent.objects.get(action="account.reset")
    assert event.actor_id == world.org_admin.pk
    assert event.object_id == str(world.caseworker.pk)
    assert temporary.group(1) not in json.dumps(event.detail)
    # She logs in with the temporary password: a new authenticator (password asked again), then her own password.
    client = Client()
    assert client.post("/login/", {"username": "caseworker", "password": temporary.group(1)})["Location"] == (
        "/account/2fa/"
    )
    client.get("/account/2fa/")
    device = TotpDevice.objects.get(user=world.caseworker, confirmed=False)
    client.post("/account/2fa/", {"password": temporary.group(1), "token": _code(device)})
    assert client.get("/cases/")["Location"] == "/account/password/"
    assert client.get("/api/v1/me").status_code == 401
    client.post(
        "/account/password/",
        {"old_password": temporary.group(1), "new_password": NEW, "new_password_again": NEW},
    )
    assert client.get("/").status_code == 200
    world.caseworker.refresh_from_db()
    assert world.caseworker.temporary_password_until is None


def test_a_temporary_password_stops_working_after_72_hours(world: World, time_machine: object) -> None:
    time_machine.move_to(NOW, tick=False)  # type: ignore[attr-defined]
    temporary = accounts.member_reset(actor=world.org_admin, member=world.caseworker)
    time_machine.shift(timedelta(hours=72, seconds=1))  # type: ignore[attr-defined]
    client = Client()
    response = client.post("/login/", {"username": "caseworker", "password": temporary})
    assert response.status_code == 200
    assert "has expired" in response.content.decode()
    assert client.get("/")["Location"].startswith("/login/")


@pytest.mark.parametrize(
    ("admin", "member"),
    [
        ("org_admin", "org_admin"),  # herself: she changes her password instead
        ("org_admin", "coordinator"),  # a national role, elsewhere
        ("org_admin", "outsider"),  # another organisation's member
        ("outsider_admin", "caseworker"),  # another organisation's administrator
        ("supervisor", "caseworker"),  # not an administrator
        ("caseworker", "supervisor"),
    ],
)
def test_nobody_resets_an_account_she_does_not_administer(world: World, admin: str, member: str) -> None:
    assert not accounts.may_reset(world.users[admin], world.users[member])
    with pytest.raises(PermissionDenied):
        accounts.member_reset(actor=world.users[admin], member=world.users[member])
    world.users[member].refresh_from_db()
    assert world.users[member].check_password(PASSWORD)


def test_a_member_with_a_role_in_another_organisation_is_reset_only_by_a_system_administrator(world: World) -> None:
    services.membership_add(actor=None, user=world.caseworker, organisation=world.ngo_b, role="caseworker")
    assert not accounts.may_reset(world.org_admin, world.caseworker)
    assert accounts.may_reset(world.sysadmin, world.caseworker)


def test_the_reset_page_of_someone_else_is_not_found(world: World, settings: object) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    client = Client()
    client.force_login(world.outsider_admin)
    url = f"/organisations/{world.ngo_a.pk}/members/{world.caseworker.pk}/reset/"
    assert client.post(url).status_code == 404
    client.force_login(world.org_admin)
    assert client.post(f"/organisations/{world.ngo_a.pk}/members/{world.coordinator.pk}/reset/").status_code == 404
    world.caseworker.refresh_from_db()
    assert world.caseworker.temporary_password_until is None


# --- Sessions and tokens page -------------------------------------------------------------------------------


def test_signing_out_everywhere_ends_the_other_sessions_and_may_revoke_the_tokens(world: World) -> None:
    device = _phone(world.police)
    office = _logged_in("police", device)
    forgotten = _logged_in("police", device)
    services.token_create(actor=None, user=world.police, name="script")
    page = office.get("/account/").content.decode()
    assert page.count("<tr><td>") >= 3  # two sessions and a token
    assert "(this one)" in page
    office.post("/account/", {"do": "sign_out_everywhere"})
    assert forgotten.get("/")["Location"].startswith("/login/")
    assert office.get("/").status_code == 200
    assert ApiToken.objects.filter(user=world.police, revoked_at__isnull=True).count() == 1
    office.post("/account/", {"do": "sign_out_everywhere", "revoke_tokens": "on"})
    assert ApiToken.objects.filter(user=world.police, revoked_at__isnull=True).count() == 0
    assert AuditEvent.objects.filter(action="sessions.end_all", actor_id=world.police.pk).count() == 2


def test_the_account_page_is_translated_and_in_the_menu(world: World) -> None:
    client = _logged_in("analyst", _phone(world.analyst))
    assert 'href="/account/"' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "uk", "next": "/account/"})
    page = client.get("/account/").content.decode()
    assert "Ваші сеанси" in page
    assert "Вийти всюди" in page


def test_the_account_api_shows_no_session_key_and_refuses_hostile_input(world: World) -> None:
    device = _phone(world.caseworker)
    browser = _logged_in("caseworker", device)
    _logged_in("caseworker", device)
    sessions = browser.get("/api/v1/account/sessions").json()
    assert len(sessions) == 2
    assert all(len(s["id"]) == 12 for s in sessions)
    stored = set(StaffSession.objects.values_list("session_key", flat=True))
    assert browser.cookies["sessionid"].value not in json.dumps(sessions) + " ".join(stored)
    huge = browser.post(
        "/api/v1/account/tokens", {"name": "x" * 10_000, "expires_in_days": 10}, content_type="application/json"
    )
    assert huge.status_code == 422
    never = browser.post(
        "/api/v1/account/tokens", {"name": "ok", "expires_in_days": 0}, content_type="application/json"
    )
    assert never.status_code == 422
    assert not ApiToken.objects.filter(user=world.caseworker).exists()
    made = browser.post("/api/v1/account/tokens", {"name": "=cmd|' /C calc'!A0"}, content_type="application/json")
    assert made.status_code == 201
    assert made.json()["token"].startswith("lt_")
    assert made.json()["expires_at"]
    assert "token" not in browser.get("/api/v1/account/tokens").json()["items"][0]


def test_the_console_resets_an_account_and_prints_the_temporary_password_once(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("user", "reset", "--username", "sysadmin")
    printed = capsys.readouterr()
    temporary = printed.out.strip()
    world.sysadmin.refresh_from_db()
    assert world.sysadmin.check_password(temporary)
    assert world.sysadmin.temporary_password_until is not None
    assert "72 hours" in printed.err
    event = AuditEvent.objects.get(action="account.reset")
    assert event.actor_label == "console"
    with pytest.raises(CommandError) as unknown:
        call_command("user", "reset", "--username", "nobody")
    assert unknown.value.returncode == 2
