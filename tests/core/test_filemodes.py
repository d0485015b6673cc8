"""LANTERN_HOME and what is in it are the owner's only, also when they were made with laxer modes."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from lantern.core.filemodes import secure_home, sqlite_path

SRC = Path(__file__).resolve().parents[2] / "src"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_lax_home_is_made_private_and_each_fix_is_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    home = tmp_path / "var"
    (home / "keys").mkdir(parents=True)
    (home / "notifications").mkdir()
    database = home / "lantern.sqlite3"
    files = [database, home / "lantern.sqlite3-wal", home / "lantern.sqlite3-shm", home / "keys" / "data_keys",
             home / "notifications" / "delivery-0000000001.json", home / "demo-credentials.txt"]  # fmt: skip
    for path in files:
        path.write_text("x")
        path.chmod(0o644)
    for directory in (home, home / "keys", home / "notifications"):
        directory.chmod(0o755)
    caplog.set_level(logging.WARNING, logger="lantern.security")

    fixed = secure_home(home, database)

    assert _mode(home) == _mode(home / "keys") == _mode(home / "notifications") == 0o700
    assert {_mode(path) for path in files} == {0o600}
    assert set(fixed) == {*files, home, home / "keys", home / "notifications"}
    assert sum("readable by other accounts" in r.getMessage() for r in caplog.records) == len(fixed)
    assert secure_home(home, database) == []  # a second start has nothing to say


def test_a_new_sqlite_database_and_its_write_ahead_log_are_owner_only(tmp_path: Path) -> None:
    home = tmp_path / "fresh"
    database = home / "lantern.sqlite3"
    old = os.umask(0o022)  # the shell's usual umask: without the fix SQLite makes the files 0644
    try:
        secure_home(home, database)
        connection = sqlite3.connect(database)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE t (x)")
        connection.execute("INSERT INTO t VALUES (1)")
        connection.commit()
        assert (home / "lantern.sqlite3-wal").exists()
        assert _mode(database) == _mode(home / "lantern.sqlite3-wal") == _mode(home / "lantern.sqlite3-shm") == 0o600
        assert _mode(home) == 0o700
        connection.close()
    finally:
        os.umask(old)


@pytest.mark.sqlite_only  # a fresh embedded home in a subprocess: the same on either half of the suite
def test_a_lantern_command_makes_its_home_private_and_writes_owner_only_files(tmp_path: Path) -> None:
    """A first start under the shell's usual umask 022: the console command sets umask 077 and the start makes the
    home and the database file private, so whatever it writes is too."""
    home = tmp_path / "home"
    environment = {**os.environ, "PYTHONPATH": str(SRC), "LANTERN_HOME": str(home), "LANTERN_MODE": "demo"}
    environment.pop("DATABASE_URL", None)
    lantern = [sys.executable, "-c", "from lantern.cli import main; main()"]
    write = f"open({str(home / 'export.csv')!r}, 'w').close()"
    subprocess.run([*lantern, "shell", "-c", write], check=True, env=environment, preexec_fn=lambda: os.umask(0o022))
    assert _mode(home) == 0o700
    assert _mode(home / "lantern.sqlite3") == _mode(home / "export.csv") == 0o600


def test_only_a_database_on_disk_is_looked_after() -> None:
    assert sqlite_path({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}) is None
    assert sqlite_path({"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "lantern"}}) is None
    assert sqlite_path({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "/x/l.sqlite3"}}) == Path(
        "/x/l.sqlite3"
    )
