"""The restore drill, as an operator runs it: demo data -> `lantern backup` -> `lantern keys backup` -> a fresh home
(and a fresh PostgreSQL database) -> `lantern keys restore` -> `lantern restore` -> every table equal, the audit
trail intact, a case readable with its personal data; and every file or target that must be refused is refused
with exit 2, one line, and nothing written."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# Its own group (one worker builds the demo home once for the module) beside the other console tests, so that the
# two run on different workers.
pytestmark = pytest.mark.xdist_group("backup")

PASSPHRASE = "four words make a passphrase\n"
READ_A_CASE = (
    "from lantern.cases.models import Case; "
    "c = Case.objects.select_related('person').order_by('pk').first(); "
    "print(c.reference, c.person.first_name, c.person.second_name, c.person.birth_date)"
)


def lantern(
    home: Path, *args: str, stdin: str = "", database_url: str = "", extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANTERN_", "DATABASE_URL", "PYTEST"))}
    env.update({"LANTERN_HOME": str(home), "LANTERN_MODE": "production", **(extra or {})})
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "lantern.cli", *args], input=stdin, capture_output=True, text=True, env=env, timeout=600
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def refused(result: subprocess.CompletedProcess[str], reason: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if "lantern.security" not in line]
    assert len(lines) == 1, result.stderr
    assert reason in lines[0], lines[0]


@dataclass
class Drill:
    source: Path
    backup: Path
    keys: Path


@pytest.fixture(scope="module")
def drill(tmp_path_factory: pytest.TempPathFactory) -> Drill:
    root = tmp_path_factory.mktemp("drill")
    source = root / "source"
    demo = lantern(source, "demo", "--no-serve", extra={"LANTERN_MODE": "demo"})
    assert demo.returncode == 0, demo.stderr
    backup = root / "lantern.backup"
    written = ok(lantern(source, "backup", "--out", str(backup)))
    assert "backup written to" in written
    keys = root / "lantern.keys"
    ok(lantern(source, "keys", "backup", "--out", str(keys), "--passphrase-stdin", stdin=PASSPHRASE))
    return Drill(source=source, backup=backup, keys=keys)


def fresh_home(drill: Drill, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    ok(lantern(home, "keys", "restore", str(drill.keys), "--passphrase-stdin", stdin=PASSPHRASE))
    return home


def rows_by_table(database: Path) -> dict[str, list[str]]:
    with contextlib.closing(sqlite3.connect(database)) as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {name: sorted(map(repr, db.execute(f'SELECT * FROM "{name}"'))) for name in names}


AUDIT_TABLES = ("core_auditevent", "core_audithead")


def events(database: Path) -> list[tuple[int, str, str]]:
    """The audit trail's (seq, action, detail) in order."""
    with contextlib.closing(sqlite3.connect(database)) as db:
        return [
            (int(r[0]), str(r[1]), str(r[2]))
            for r in db.execute("SELECT seq, action, detail FROM core_auditevent ORDER BY seq")
        ]


def backup_head(drill: Drill) -> int:
    """The audit head the drill's backup holds: its own event, in the source, is the one after."""
    created = [e for e in events(drill.source / "lantern.sqlite3") if e[1] == "backup.create"]
    assert len(created) == 1
    return created[0][0] - 1


@pytest.mark.sqlite_only  # embedded homes in subprocesses: the same on either half of the suite
def test_a_backup_is_audited_in_the_database_it_copied_without_its_path(drill: Drill) -> None:
    seq, _action, detail = next(e for e in events(drill.source / "lantern.sqlite3") if e[1] == "backup.create")
    fields = json.loads(detail)
    assert fields["bytes"] == drill.backup.stat().st_size
    assert fields["audit_head_seq"] == seq - 1
    assert fields["rows"] > 10_000
    assert fields["tables"] > 10
    assert str(drill.backup.parent) not in detail
    assert drill.backup.name not in detail
    assert "audit trail intact" in ok(lantern(drill.source, "audit", "verify"))


@pytest.mark.sqlite_only  # embedded homes in subprocesses: the same on either half of the suite
def test_the_files_are_the_owners_only(drill: Drill) -> None:
    for path in (drill.backup, drill.keys, drill.source / "keys" / "backup_key"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert not [p for p in drill.backup.parent.iterdir() if p.name.endswith(".partial")]


@pytest.mark.sqlite_only  # embedded homes in subprocesses: the same on either half of the suite
def test_restore_into_a_fresh_home_gives_every_table_back_equal(drill: Drill, tmp_path: Path) -> None:
    home = fresh_home(drill, tmp_path)
    report = ok(lantern(home, "restore", str(drill.backup)))
    assert "each table equal to the manifest" in report
    assert "audit trail intact" in report
    assert "the restore is audit event" in report
    source, restored = rows_by_table(drill.source / "lantern.sqlite3"), rows_by_table(home / "lantern.sqlite3")
    assert source.keys() == restored.keys()
    assert [name for name in source if source[name] != restored[name] and name not in AUDIT_TABLES] == []
    # every event of the backup came back; after it, the source recorded the backup, the restore recorded itself
    head = backup_head(drill)
    backed_up = events(drill.source / "lantern.sqlite3")[:head]
    restored_events = events(home / "lantern.sqlite3")
    assert restored_events[:-1] == backed_up
    assert restored_events[-1][1] == "backup.restore"
    detail = json.loads(restored_events[-1][2])
    assert detail["backup_audit_head_seq"] == len(backed_up)
    assert detail["overwritten_audit_events"] == 0
    assert sum(len(rows) for rows in restored.values()) > 10_000
    assert "audit trail intact" in ok(lantern(home, "audit", "verify"))
    case = ok(lantern(home, "shell", "-c", READ_A_CASE))
    assert case == ok(lantern(drill.source, "shell", "-c", READ_A_CASE))
    assert len(case.split()) >= 3  # a reference and a name, decrypted with the restored keys
    assert stat.S_IMODE((home / "lantern.sqlite3").stat().st_mode) == 0o600


def _empty_target(home: Path) -> None:
    database = home / "lantern.sqlite3"
    if database.exists():
        assert rows_by_table(database) == {}
    assert sorted(p.name for p in home.iterdir()) in (["keys"], ["keys", "lantern.sqlite3"])


@pytest.mark.sqlite_only  # embedded homes in subprocesses: the same on either half of the suite
def test_a_flipped_byte_a_cut_file_and_a_wrong_key_are_refused_and_nothing_is_written(
    drill: Drill, tmp_path: Path
) -> None:
    home = fresh_home(drill, tmp_path)
    content = drill.backup.read_bytes()
    flipped = bytearray(content)
    flipped[len(flipped) // 2] ^= 0x01
    cases = {
        "flipped": (bytes(flipped), "was altered"),
        "header": (content[:20] + bytes([content[20] ^ 1]) + content[21:], "was altered"),
        "cut": (content[: len(content) - 100], "truncated"),
        "cut at a chunk": (content[: len(content) // 2], "truncated"),
        "extended": (content + b"\x00", "altered (bytes follow its last chunk)"),
        "not a backup": (b"PRAGMA; DROP TABLE core_user;", "not a Lantern backup"),
    }
    for name, (data, reason) in cases.items():
        path = tmp_path / f"{name}.backup"
        path.write_bytes(data)
        refused(lantern(home, "restore", str(path)), reason)
        _empty_target(home)
    check = tmp_path / "key-check.backup"
    check.write_bytes(content[:60] + bytes([content[60] ^ 1]) + content[61:])  # the key check's last bytes
    refused(lantern(home, "restore", str(check)), "the backup file's header was altered")
    _empty_target(home)
    other_key = base64.b64encode(os.urandom(32)).decode()
    refused(lantern(home, "restore", str(drill.backup), extra={"LANTERN_BACKUP_KEY": other_key}), "wrong backup key")
    refused(lantern(home, "restore", str(tmp_path / "missing.backup")), "no such file")
    _empty_target(home)


@pytest.mark.sqlite_only  # embedded homes in subprocesses: the same on either half of the suite
def test_a_home_without_the_data_key_is_refused_naming_the_key(drill: Drill, tmp_path: Path) -> None:
    home = tmp_path / "other"
    home.mkdir(mode=0o700)
    ok(lantern(home, "keys", "init"))
    (home / "keys" / "backup_key").write_text((drill.source / "keys" / "backup_key").read_text())
    data_key_id = (drill.source / "keys" / "data_keys").read_text().split(":", 1)[0]
    refused(lantern(home, "restore", str(drill.backup)), f"the data key {data_key_id} is missing")
    _empty_target(home)


@pytest.mark.sqlite_only  # embedded homes in subprocesses: the same on either half of the suite
def test_another_key_under_the_same_id_is_found_after_loading_and_nothing_is_kept(drill: Drill, tmp_path: Path) -> None:
    home = fresh_home(drill, tmp_path)
    ring = home / "keys" / "data_keys"
    key_id = ring.read_text().split(":", 1)[0]
    ring.write_text(f"{key_id}:{base64.b64encode(os.urandom(32)).decode()}\n")
    refused(lantern(home, "restore", str(drill.backup)), f"the data key {key_id} here does not decrypt")
    _empty_target(home)


@pytest.mark.sqlite_only  # embedded homes in subprocesses: the same on either half of the suite
def test_another_index_key_is_refused_naming_it_and_nothing_is_kept(drill: Drill, tmp_path: Path) -> None:
    home = fresh_home(drill, tmp_path)
    (home / "keys" / "index_key").write_text(base64.b64encode(os.urandom(32)).decode() + "\n")
    refused(
        lantern(home, "restore", str(drill.backup)), "the blind-index key here (LANTERN_INDEX_KEY or keys/index_key)"
    )
    _empty_target(home)


@pytest.mark.sqlite_only  # embedded homes in subprocesses: the same on either half of the suite
def test_a_killed_backup_leaves_nothing_and_the_next_one_removes_what_a_kill_9_left(
    drill: Drill, tmp_path: Path
) -> None:
    home = tmp_path / "copy"
    shutil.copytree(drill.source, home, ignore=shutil.ignore_patterns("*.backup"))
    out = tmp_path / "out"
    out.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANTERN_", "DATABASE_URL", "PYTEST"))}
    env.update({"LANTERN_HOME": str(home), "LANTERN_MODE": "production"})
    for number in (signal.SIGTERM, signal.SIGINT):
        child = subprocess.Popen(
            [sys.executable, "-m", "lantern.cli", "backup", "--out", str(out / "b.backup")],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while not list(out.glob(".*.partial")) and time.monotonic() < deadline:
            time.sleep(0.01)
        child.send_signal(number)
        _, stderr = child.communicate(timeout=60)
        assert child.returncode == 128 + number, stderr
        assert "nothing was written" in stderr
        assert list(out.iterdir()) == []
        assert [p.name for p in home.iterdir() if p.name.startswith(".lantern-backup-")] == []
    # what a kill -9 leaves (a snapshot and a partial of a process that is gone) goes at the next backup
    dead = subprocess.Popen(["true"])
    dead.wait()
    snapshot = home / f".lantern-backup-{dead.pid}-abc_123"
    snapshot.mkdir()
    (snapshot / "snapshot.sqlite3").write_bytes(b"a copy of the database")
    partial = out / f".b.backup.{dead.pid}-0123abcd.partial"
    partial.write_bytes(b"")
    unrelated = out / ".notes.partial"
    unrelated.write_bytes(b"")
    ok(lantern(home, "backup", "--out", str(out / "b.backup")))
    assert not snapshot.exists()
    assert not partial.exists()
    assert unrelated.exists()


@pytest.mark.sqlite_only  # embedded homes in subprocesses: the same on either half of the suite
def test_a_target_that_holds_data_needs_force_which_says_what_it_overwrites(drill: Drill, tmp_path: Path) -> None:
    home = fresh_home(drill, tmp_path)
    ok(lantern(home, "restore", str(drill.backup)))
    before = (home / "lantern.sqlite3").read_bytes()
    refused(lantern(home, "restore", str(drill.backup)), "the target is not empty")
    assert (home / "lantern.sqlite3").read_bytes() == before
    forced = lantern(home, "restore", str(drill.backup), "--force")
    assert forced.returncode == 0, forced.stderr
    assert "--force: overwriting" in forced.stderr
    assert "users" in forced.stderr
    assert "cases" in forced.stderr
    # the first restore's own event is lost with the overwritten database: said, on standard error and in the report
    head = backup_head(drill)
    rewind = f"the audit trail goes back from {head + 1} to {head} events"
    assert rewind in forced.stderr
    assert rewind in forced.stdout
    last = events(home / "lantern.sqlite3")[-1]
    assert last[0] == head + 1
    assert last[1] == "backup.restore"
    assert json.loads(last[2])["overwritten_audit_events"] == head + 1
    assert "audit trail intact" in ok(lantern(home, "audit", "verify"))
    assert [p.name for p in home.iterdir() if ".restore-" in p.name] == []


@pytest.mark.sqlite_only  # embedded homes in subprocesses: the same on either half of the suite
def test_keys_backup_refuses_a_wrong_passphrase_and_keys_it_would_replace(drill: Drill, tmp_path: Path) -> None:
    home = tmp_path / "keyless"
    home.mkdir(mode=0o700)
    refused(
        lantern(home, "keys", "restore", str(drill.keys), "--passphrase-stdin", stdin="not the passphrase at all\n"),
        "wrong passphrase",
    )
    assert not (home / "keys").exists()
    ok(lantern(home, "keys", "init"))
    refused(
        lantern(home, "keys", "restore", str(drill.keys), "--passphrase-stdin", stdin=PASSPHRASE),
        "already holds other keys",
    )
    forced = lantern(home, "keys", "restore", str(drill.keys), "--passphrase-stdin", "--force", stdin=PASSPHRASE)
    assert forced.returncode == 0, forced.stderr
    assert "--force: replacing" in forced.stderr
    assert (home / "keys" / "data_keys").read_text() == (drill.source / "keys" / "data_keys").read_text()
    for path in (home / "keys").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    weak = {
        "short": "at least 16 characters",
        " " * 16: "blank",
        "\t" * 20: "blank",
        "a" * 16: "fewer than 8 different characters",
        "passwordpassword": "fewer than 8 different characters",
        "Password Password 1": "an attacker tries first",
        "correct horse battery staple": "an attacker tries first",
        "Secret Admin Secret Admin": "an attacker tries first",
    }
    for passphrase, reason in weak.items():
        refused(
            lantern(
                home, "keys", "backup", "--out", str(tmp_path / "k"), "--passphrase-stdin", stdin=passphrase + "\n"
            ),
            reason,
        )
    assert not (tmp_path / "k").exists()
    refused(
        lantern(home, "keys", "backup", "--out", str(drill.keys), "--passphrase-stdin", stdin=PASSPHRASE),
        "already exists",
    )


@pytest.mark.sqlite_only  # embedded homes in subprocesses: the same on either half of the suite
def test_an_older_backup_is_migrated_forward(tmp_path: Path) -> None:
    old = tmp_path / "old"
    ok(lantern(old, "keys", "init"))
    ok(lantern(old, "migrate", "--verbosity", "0"))
    # org create brings the embedded database up to date first, so simulate is taken away after it
    ok(lantern(old, "org", "create", "--name", "Safe Passage NGO", "--type", "NGO", "--country", "GR"))
    # As if simulate came with an upgrade: unapplying is refused in production (decision 0012), so this one step of
    # the setting-up runs in demo mode.
    ok(lantern(old, "migrate", "simulate", "zero", "--verbosity", "0", extra={"LANTERN_MODE": "demo"}))
    ok(lantern(old, "backup", "--out", str(tmp_path / "old.backup")))
    new = tmp_path / "new"
    new.mkdir(mode=0o700)
    (new / "keys").mkdir(mode=0o700)
    for path in (old / "keys").iterdir():
        (new / "keys" / path.name).write_text(path.read_text())
    report = ok(lantern(new, "restore", str(tmp_path / "old.backup")))
    assert "migrated forward: 1 migration (simulate.0001_runs)" in report
    assert "[X] 0001_runs" in ok(lantern(new, "showmigrations", "simulate"))


@pytest.fixture
def postgres_database() -> Iterator[str]:
    import psycopg

    base = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://")
    server, _, name = base.rpartition("/")
    target = f"{name}_drill_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{target}"')
    try:
        yield f"{server}/{target}".replace("postgresql://", "postgres://")
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


def _postgres_tables(database_url: str) -> list[str]:
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as db:
        rows = db.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
        return [str(row[0]) for row in rows]


@pytest.mark.postgres_only
def test_restore_into_a_fresh_postgresql_database_and_back(
    drill: Drill, tmp_path: Path, postgres_database: str
) -> None:
    home = fresh_home(drill, tmp_path)
    index_key = (home / "keys" / "index_key").read_text()
    (home / "keys" / "index_key").write_text(base64.b64encode(os.urandom(32)).decode() + "\n")
    refused(lantern(home, "restore", str(drill.backup), database_url=postgres_database), "the blind-index key here")
    assert _postgres_tables(postgres_database) == []  # the transaction rolled back whole
    (home / "keys" / "index_key").write_text(index_key)
    report = ok(lantern(home, "restore", str(drill.backup), database_url=postgres_database))
    assert "into PostgreSQL database" in report
    assert "each table equal to the manifest" in report
    assert "audit trail intact" in ok(lantern(home, "audit", "verify", database_url=postgres_database))
    case = ok(lantern(home, "shell", "-c", READ_A_CASE, database_url=postgres_database))
    assert case == ok(lantern(drill.source, "shell", "-c", READ_A_CASE))
    refused(lantern(home, "restore", str(drill.backup), database_url=postgres_database), "the target is not empty")
    # and back: a backup of PostgreSQL restores into SQLite with every table equal to the first
    again = tmp_path / "from-postgres.backup"
    ok(lantern(home, "backup", "--out", str(again), database_url=postgres_database))
    back = tmp_path / "back"
    back.mkdir(mode=0o700)
    (back / "keys").mkdir(mode=0o700)
    for path in (home / "keys").iterdir():
        (back / "keys" / path.name).write_text(path.read_text())
    ok(lantern(back, "restore", str(again)))
    source, restored = rows_by_table(drill.source / "lantern.sqlite3"), rows_by_table(back / "lantern.sqlite3")
    counts = {name: len(rows) for name, rows in restored.items()}
    # the backup's events, then the way back's own: the restore, the shell that read a case, the second restore
    assert counts.pop("core_auditevent") == backup_head(drill) + 3
    assert {name: len(rows) for name, rows in source.items() if name != "core_auditevent"} == counts
    assert "audit trail intact" in ok(lantern(back, "audit", "verify"))
