"""The `lantern` console command, run as a person runs it: a real process on a fresh embedded database."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

# Real processes on fresh embedded homes: the suite's database is not in them, so they run in the SQLite half alone.
pytestmark = [pytest.mark.xdist_group("cli"), pytest.mark.sqlite_only]


def lantern(home: Path, *args: str, stdin: str = "", mode: str = "production") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANTERN_", "DATABASE_URL", "PYTEST"))}
    env.update({"LANTERN_HOME": str(home), "LANTERN_MODE": mode})
    return subprocess.run(
        [sys.executable, "-m", "lantern.cli", *args], input=stdin, capture_output=True, text=True, env=env, timeout=120
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lantern-home")
    assert lantern(path, "keys", "init").returncode == 0
    assert lantern(path, "migrate", "--verbosity", "0").returncode == 0
    return path


def test_keys_are_created_once_and_readable_by_the_owner_only(home: Path) -> None:
    for name in ("secret_key", "data_keys", "index_key"):
        assert stat.S_IMODE((home / "keys" / name).stat().st_mode) == 0o600
    assert stat.S_IMODE((home / "keys").stat().st_mode) == 0o700
    again = lantern(home, "keys", "init")
    assert again.stdout.strip() == "all keys already exist"


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["org", "create", "--name", "X", "--type", "Bogus", "--country", "GR"], "invalid choice: 'Bogus'"),
        (["org", "create", "--name", "X", "--type", "NGO", "--country", "XX"], "Not ISO 3166 country codes: XX"),
        (
            ["org", "create", "--name", "X", "--type", "NGO", "--country", "GR", "--languages", "zz"],
            "Not ISO 639 language codes: zz",
        ),
        (["org", "create", "--type", "NGO"], "required: --name"),
        (["org"], "required: action"),
        (["user", "create", "--username", "u", "--org", "Nowhere", "--role", "caseworker"], "no organisation named"),
        (["user", "create", "--username", "u", "--org", "Nowhere", "--role", "king"], "invalid choice: 'king'"),
        (["token", "create", "--user", "nobody"], "no user named"),
        (["keys", "rotate", "--batch-size", "0"], "--batch-size must be at least 1"),
    ],
)
def test_bad_arguments_exit_2_with_one_line_that_says_why(home: Path, args: list[str], reason: str) -> None:
    result = lantern(home, *args)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert reason in result.stderr


def test_an_organisation_a_user_and_a_token_from_the_console(home: Path) -> None:
    created = lantern(home, "org", "create", "--name", "Console NGO", "--type", "NGO", "--country", "gr",
                      "--region", "Crete", "--languages", "el,en")  # fmt: skip
    assert created.returncode == 0, created.stderr
    duplicate = lantern(home, "org", "create", "--name", "console ngo", "--type", "NGO", "--country", "GR")
    assert duplicate.returncode == 2
    assert "already exists" in duplicate.stderr
    user = lantern(home, "user", "create", "--username", "nadia", "--org", "Console NGO", "--role", "caseworker",
                   "--password-stdin", stdin="a long enough passphrase 77\n")  # fmt: skip
    assert user.returncode == 0, user.stderr
    weak = lantern(home, "user", "create", "--username", "weak", "--org", "Console NGO", "--role", "caseworker",
                   "--password-stdin", stdin="123\n")  # fmt: skip
    assert weak.returncode == 2
    assert "password" in weak.stderr
    token = lantern(home, "token", "create", "--user", "nadia", "--expires", "30")
    assert token.returncode == 0
    assert re.fullmatch(r"lt_[A-Za-z0-9_-]{40,}", token.stdout.strip())
    assert "shown once" in token.stderr
    with sqlite3.connect(home / "lantern.sqlite3") as db:
        digests = [row[0] for row in db.execute("SELECT digest FROM core_apitoken")]
    assert token.stdout.strip() not in " ".join(digests)  # stored hashed


def test_audit_verify_names_the_row_someone_changed(home: Path) -> None:
    lantern(home, "org", "create", "--name", "Audit NGO", "--type", "NGO", "--country", "GR")
    assert lantern(home, "audit", "verify").returncode == 0
    with sqlite3.connect(home / "lantern.sqlite3") as db:
        seq = db.execute("SELECT MAX(seq) FROM core_auditevent").fetchone()[0]
        db.execute("UPDATE core_auditevent SET actor_label = 'nobody' WHERE seq = ?", (seq,))
    result = lantern(home, "audit", "verify")
    assert result.returncode == 1
    assert f"row {seq}" in result.stderr
    with sqlite3.connect(home / "lantern.sqlite3") as db:
        db.execute("UPDATE core_auditevent SET actor_label = 'console' WHERE seq = ?", (seq,))
    assert lantern(home, "audit", "verify").returncode == 0


def test_keys_rotate_adds_a_key_and_rewrites_values_under_it(home: Path) -> None:
    before = (home / "keys" / "data_keys").read_text().splitlines()
    result = lantern(home, "keys", "rotate", "--new-key")
    assert result.returncode == 0, result.stderr
    after = (home / "keys" / "data_keys").read_text().splitlines()
    assert len(after) == len(before) + 1
    assert after[1:] == before  # the new key is first (active); the old ones stay to read old values
    assert stat.S_IMODE((home / "keys" / "data_keys").stat().st_mode) == 0o600


def test_production_refuses_to_start_without_two_factor_authentication(home: Path) -> None:
    env_home = str(home)
    result = subprocess.run(
        [sys.executable, "-m", "lantern.cli", "check"],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], "LANTERN_HOME": env_home, "LANTERN_REQUIRE_2FA": "false"},
        timeout=60,
    )
    assert result.returncode != 0
    assert "LANTERN_REQUIRE_2FA=false is refused in production" in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_demo_comes_up_with_a_worker_and_a_working_login(tmp_path: Path) -> None:
    first = lantern(tmp_path, "demo", "--no-serve", mode="demo")
    assert first.returncode == 0, first.stderr
    assert "DEMO ONLY" in first.stdout
    second = lantern(tmp_path, "demo", "--no-serve", mode="demo")  # running it twice is safe
    assert second.returncode == 0, second.stderr
    password = re.search(r"^\s+caseworker\s+(\S+)", second.stdout, re.MULTILINE)
    assert password is not None
    assert password.group(1) in first.stdout  # the same demo passwords
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANTERN_", "DATABASE_URL", "PYTEST"))}
    env.update({"LANTERN_HOME": str(tmp_path)})
    server = subprocess.Popen(
        [sys.executable, "-m", "lantern.cli", "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        health = None
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
                    health = response.status
                    break
            except (OSError, urllib.error.HTTPError):
                time.sleep(0.25)
        assert health == 200
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"{base}/login/").read().decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert csrf is not None
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": csrf.group(1), "username": "caseworker", "password": password.group(1)}
        ).encode()
        request = urllib.request.Request(f"{base}/login/", data=form, headers={"Referer": base})  # noqa: S310
        home_page = opener.open(request).read()
        assert "Safe Passage NGO" in home_page.decode()
        assert "two-factor authentication is switched off" in home_page.decode()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
