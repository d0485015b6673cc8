"""The settings module (src/lantern/settings.py) and its environment helpers (src/lantern/env.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from lantern import env


@pytest.mark.parametrize(("raw", "value"), [("true", True), ("1", True), ("Off", False), ("no", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch: pytest.MonkeyPatch, raw: str, value: bool) -> None:
    monkeypatch.setenv("LANTERN_X", raw)
    assert env.env_bool("LANTERN_X", not value) is value


@pytest.mark.parametrize(
    ("helper", "raw", "message"),
    [
        (lambda: env.env_bool("LANTERN_X", True), "maybe", "must be one of true/false"),
        (lambda: env.env_int("LANTERN_X", 1), "ten", "must be a whole number"),
        (lambda: env.env_int("LANTERN_X", 1, minimum=5), "2", "at least 5"),
        (lambda: env.env_choice("LANTERN_X", "a", ("a", "b")), "c", "must be one of a, b"),
    ],
)
def test_env_helpers_fail_loudly_on_a_bad_value(
    monkeypatch: pytest.MonkeyPatch, helper: object, raw: str, message: str
) -> None:
    monkeypatch.setenv("LANTERN_X", raw)
    with pytest.raises(ImproperlyConfigured, match=message):
        helper()  # type: ignore[operator]


def test_passwords_are_hashed_with_argon2() -> None:
    from lantern import settings as lantern_settings

    assert lantern_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def _import_settings(**variables: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LANTERN_", "DATABASE_URL", "PYTEST"))}
    return subprocess.run(
        [sys.executable, "-c", "import lantern.settings"],
        env={**clean, **variables},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"LANTERN_REQUIRE_2FA": "false"}, "refused in production"),
        ({"LANTERN_DEBUG": "true"}, "only be switched on in demo or test mode"),
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "SQLite or PostgreSQL"),
        ({"LANTERN_SESSION_IDLE_MINUTES": "soon"}, "must be a whole number"),
        ({"LANTERN_MODE": "staging"}, "must be one of production, demo, test"),
    ],
)
def test_unsafe_or_wrong_production_settings_refuse_to_load(variables: dict[str, str], message: str) -> None:
    result = _import_settings(**variables)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_defaults_are_safe() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import lantern.settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.LANTERN_REQUIRE_2FA, s.DATABASES['default']['ENGINE'])",
        ],
        env={k: v for k, v in os.environ.items() if not k.startswith(("LANTERN_", "DATABASE_URL", "PYTEST"))},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["False", "True", "True", "True", "django.db.backends.sqlite3"]


def test_the_test_run_uses_test_mode() -> None:
    assert settings.LANTERN_MODE == "test"
