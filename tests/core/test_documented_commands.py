"""Every console command the documentation shows works on a fresh install: a new LANTERN_HOME with the embedded
database, in production mode, each command run as an operator runs it (a new process). The first command that needs
the database migrates it (as `lantern demo` does); on PostgreSQL a command refuses with one line instead.

STEPS is the list of what is run; the test fails when README.md or docs/*.md show a command it does not cover."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from lantern.core.management import base
from lantern.core.management.base import UsageError, schema_up_to_date
from tests.publication.helpers import records_csv

ROOT = Path(__file__).resolve().parents[2]
ORG = "Safe Passage NGO"


@dataclass(frozen=True)
class Step:
    argv: tuple[str, ...]
    exit_code: int = 0
    stdin: str = ""


# {home} is the fresh LANTERN_HOME. In the order an operator meets them: keys, then the commands of the pages
# that show them, the first of which (the one docs/publication.md shows first) finds no database at all.
STEPS = [
    Step(("keys", "init")),
    Step(
        (
            "stats",
            "publish",
            "--input",
            "{home}/ctdc.csv",
            "--by",
            "yearOfRegistration,gender,ageBroad",
            "--k",
            "11",
            "--out",
            "{home}/table.csv",
        )
    ),
    Step(
        (
            "stats",
            "publish",
            "--input",
            "{home}/ctdc.csv",
            "--by",
            "gender,citizenship",
            "--epsilon",
            "0.25",
            "--dataset",
            "CTDC 2024",
            "--out",
            "{home}/t.csv",
        )
    ),
    Step(("stats", "ctdc", "--out", "{home}/ctdc-k11.csv")),
    Step(("migrate",)),
    Step(
        (
            "org",
            "create",
            "--name",
            ORG,
            "--type",
            "NGO",
            "--country",
            "GR",
            "--region",
            "Attica",
            "--languages",
            "el,en",
        )
    ),
    Step(
        ("user", "create", "--username", "maria", "--org", ORG, "--role", "caseworker", "--password-stdin"),
        stdin="a long passphrase nobody guesses 42\n",
    ),
    Step(
        ("user", "create", "--username", "integration-bot", "--org", ORG, "--role", "caseworker", "--password-stdin"),
        stdin="another long passphrase nobody guesses 43\n",
    ),
    Step(("user", "reset", "--username", "maria")),
    Step(("user", "check-roles", "--json")),
    Step(("token", "create", "--user", "integration-bot", "--name", "hotline bridge", "--expires", "90")),
    Step(("token", "revoke", "--prefix", "lt_AbCdEfG"), exit_code=2),  # no such token: one line
    Step(("generate", "--cases", "60", "--seed", "7", "--org", ORG)),
    Step(("export", "ctdc", "--out", "{home}/export-ctdc.csv")),
    Step(("export", "htcds", "--org", ORG, "--out", "{home}/cases.csv")),
    Step(("import", "htcds", "{home}/cases.csv", "--org", ORG, "--dry-run")),
    Step(("insights", "refresh")),
    Step(("insights", "refresh", "--full")),
    Step(("retention", "apply")),
    Step(("referrals", "escalate")),
    Step(("audit", "verify")),
    Step(("audit", "anchor", "--out", "{home}/anchor.txt")),
    Step(("audit", "verify", "--since", "{home}/anchor.txt")),
    Step(("audit", "new-key")),
    Step(("nrm", "profile", "--country", "GR")),
    Step(("nrm", "profile", "--country", "GR", "--child-reasonable-grounds-days", "3", "--guardian-within-days", "3")),
    Step(("nrm", "profile", "--country", "GR", "--child-consent-by-guardian", "yes")),
    Step(("backup", "--out", "{home}/lantern.backup")),
    Step(
        ("keys", "backup", "--out", "{home}/lantern.keys", "--passphrase-stdin"), stdin="four words make a passphrase\n"
    ),
    Step(("keys", "restore", "{home}/lantern.keys", "--passphrase-stdin"), stdin="four words make a passphrase\n"),
    Step(("restore", "{home}/lantern.backup", "--check")),
    Step(("restore", "{home}/lantern.backup"), exit_code=2),  # this home holds data: refused without --force
    Step(("keys", "status")),
    Step(("keys", "rotate", "--new-key")),
    Step(("keys", "rotate")),
    Step(("linkage", "secret", "--out", "{home}/shared.key")),
    Step(
        (
            "linkage",
            "encode",
            "--secret-file",
            "{home}/shared.key",
            "--input",
            "{home}/police.csv",
            "--out",
            "{home}/police.enc",
        )
    ),
    Step(("linkage", "encode", "--secret-file", "{home}/shared.key", "--org", ORG, "--out", "{home}/ngo.enc")),
    Step(("linkage", "match", "{home}/police.enc", "{home}/ngo.enc", "--out", "{home}/links.csv")),
    Step(("preparedness", "checklist", "--export", "{home}/checklist.toml")),
    Step(("preparedness", "checklist", "--load", "{home}/checklist.toml", "--country", "GR")),
    # No assessment yet, or no Pango for the PDF on this machine: one line and exit 2 either way.
    Step(("preparedness", "report", "--latest", "--country", "GR", "--out", "{home}/report.pdf"), exit_code=2),
    Step(("simulate", str(ROOT / "src/lantern/simulate/scenarios/pandemic_wave.toml"), "--json")),
    Step(("compilemessages", "--quiet")),
    Step(("help", "user")),
    Step(("help", "createsuperuser")),
    Step(("createsuperuser",), exit_code=2),  # refused in production, naming `lantern user create`
    Step(("shell", "-c", "pass")),  # audited in production, then runs
]
# Shown in the documentation but not run here, and why.
NOT_RUN = {
    ("demo", None): "serves until stopped; tests/insights/test_demo.py loads its data",
    ("test", None): "./lantern.sh test is this test suite",
    ("serve", None): "serves until stopped",
    ("worker", None): "works until stopped; tests/core/test_worker.py runs it",
    ("dbshell", None): "interactive; audited as the shell is (tests/core/test_console.py)",
}


def documented_commands() -> set[tuple[str, str | None]]:
    """(command, sub-command or None) of every `lantern ...` or `./lantern.sh ...` in code blocks and code spans."""
    found: set[tuple[str, str | None]] = set()
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        spans = [
            line.strip() for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.S) for line in block.splitlines()
        ]
        spans += re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.S))
        for span in spans:
            match = re.match(r"(?:\S*/)?lantern(?:\.sh)? ([a-z][a-z_-]*)(?: ([a-z][a-z_-]*))?", span)
            if match:
                found.add((match.group(1), match.group(2)))
    return found


def _covered(command: tuple[str, str | None]) -> bool:
    name, sub = command
    if command in NOT_RUN:
        return True
    return any(step.argv[0] == name and (sub is None or step.argv[1:2] == (sub,)) for step in STEPS)


def test_every_documented_command_is_in_the_list() -> None:
    shown = documented_commands()
    assert ("stats", "publish") in shown, "the scan found nothing: the pattern is broken"
    assert sorted(c for c in shown if not _covered(c)) == []


def _fresh_home(home: Path) -> dict[str, str]:
    (home / "ctdc.csv").write_bytes(records_csv(rows=300))
    with (home / "police.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["record_id", "prs_FirstName", "prs_SecondName", "prs_Birthdate"])
        writer.writerow(["p1", "Ana", "Pop", "1990-04-02"])
        writer.writerow(["p2", "Ion", "Marin", "1985-11-20"])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANTERN_", "DATABASE_", "PYTEST"))}
    return {**env, "LANTERN_HOME": str(home), "LANTERN_MODE": "production", "PYTHONPATH": str(ROOT / "src")}


@pytest.mark.sqlite_only  # fresh embedded homes in subprocesses: the same whichever database the suite runs on
def test_every_documented_command_works_on_a_fresh_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    env = _fresh_home(home)
    failures = []
    for step in STEPS:
        argv = [arg.replace("{home}", str(home)) for arg in step.argv]
        done = subprocess.run(
            [sys.executable, "-m", "lantern.cli", *argv],
            env=env,
            input=step.stdin,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        errors = [line for line in done.stderr.splitlines() if line.startswith(f"lantern {argv[0]}:")]
        if "Traceback" in done.stderr or done.returncode != step.exit_code:
            failures.append(f"lantern {' '.join(argv)}: exit {done.returncode}\n{done.stderr[-2000:]}")
        elif done.returncode == 2 and len(errors) != 1:
            failures.append(f"lantern {' '.join(argv)}: exit 2 without its one line\n{done.stderr[-2000:]}")
    assert failures == []


@pytest.mark.django_db
def test_the_embedded_database_is_migrated_by_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []
    monkeypatch.setattr(base.MigrationExecutor, "migration_plan", lambda self, targets: [("a migration", False)])
    monkeypatch.setattr(base, "call_command", lambda name, **options: ran.append(name))
    monkeypatch.setattr(connection, "vendor", "sqlite")
    schema_up_to_date()
    assert ran == ["migrate"]


@pytest.mark.django_db
def test_postgresql_is_not_migrated_by_a_command_but_refused_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []
    monkeypatch.setattr(base.MigrationExecutor, "migration_plan", lambda self, targets: [("a migration", False)])
    monkeypatch.setattr(base, "call_command", lambda name, **options: ran.append(name))
    monkeypatch.setattr(connection, "vendor", "postgresql")
    with pytest.raises(UsageError, match=r"run `lantern migrate`") as refused:
        schema_up_to_date()
    assert refused.value.returncode == 2
    assert ran == []


@pytest.mark.django_db
def test_an_up_to_date_database_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []
    monkeypatch.setattr(base, "call_command", lambda name, **options: ran.append(name))
    schema_up_to_date()
    assert ran == []
