"""Accounts: password rules everywhere a password is set, failed logins that keep no typed text, API tokens that
expire and need a second factor, encrypted authenticator secrets, sessions a copy of the database cannot use,
and the lifecycle of an account (change, reset, recovery codes, signing out everywhere)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from lantern.core import services
from lantern.core.models import AuditEvent
from tests.conftest import PASSWORD, World

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
