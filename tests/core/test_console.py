"""The console command speaks Lantern (lantern.cli, lantern.core.console): its own commands grouped, one line each;
the framework's commands that go round roles, the audit trail or encryption hidden, refused in production with the
Lantern command to use instead; the shells audited."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands

from lantern import cli
from lantern.core import console, filemodes
from lantern.core.management.commands import dbshell, shell
from lantern.core.management.commands.migrate import BACKWARD
from lantern.core.models import AuditEvent

# Django's own commands (django.core) are replaced in lantern.core; those of the apps before it, in lantern.guard.
CORE_OWNED = {"dumpdata", "loaddata", "flush", "sqlflush", "diffsettings", "testserver", "shell", "dbshell", "migrate"}
SRC = Path(__file__).resolve().parents[2] / "src"

GROUP_TITLES = ["Set-up", "People and organisations", "Cases", "Statistics", "Operations"]


@pytest.fixture(autouse=True)
def _keep_umask(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filemodes, "private_umask", lambda: None)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        cli.main(["lantern", *argv])
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_every_lantern_command_is_in_exactly_one_group() -> None:
    own = {name for name, app in get_commands().items() if app.startswith("lantern.")}
    listed = [name for _, commands in console.GROUPS for name, _ in commands]
    assert len(listed) == len(set(listed))
    assert set(listed) == (own - console.OVERRIDDEN) | {"migrate"}
    assert [title for title, _ in console.GROUPS] == GROUP_TITLES


@pytest.mark.parametrize("argv", [[], ["--help"], ["-h"], ["help"]])
def test_the_list_shows_lantern_commands_grouped_one_line_each(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(argv, capsys)
    assert code == 0
    for title in GROUP_TITLES:
        assert f"\n{title}:\n" in out
    entries = [line.split()[0] for line in out.splitlines() if line.startswith("  ")]
    assert sorted(entries) == sorted(console.SHOWN)
    for hidden in ["createsuperuser", "changepassword", "flush", "loaddata", "dumpdata", "shell", "axes_reset"]:
        assert hidden not in entries
    assert "axes_" not in out
    assert "[django]" not in out


def test_help_commands_names_only_lantern_commands(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(["help", "--commands"], capsys)
    assert out.split() == sorted(console.SHOWN)


@pytest.mark.parametrize("argv", [["--version"], ["version"]])
def test_the_version_is_lanterns(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """A backup says "made by Lantern 0.1.0": the operator compares it with what `lantern --version` answers."""
    from lantern import __version__

    code, out, _ = _run(argv, capsys)
    assert code == 0
    assert out.startswith(f"Lantern {__version__} (Django ")


def test_help_of_one_command_still_works(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["help", "user"], capsys)
    assert code == 0
    assert "usage: lantern user" in out


@pytest.mark.django_db
@pytest.mark.parametrize("command", sorted(console.REFUSED))
def test_framework_commands_that_go_round_lantern_refuse_in_production(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(settings, "LANTERN_MODE", "production")
    events = AuditEvent.objects.count()
    code, out, err = _run([command], capsys)
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith(f"lantern {command}: not available in production; ")
    assert AuditEvent.objects.count() == events


def test_the_refusals_name_the_lantern_command() -> None:
    assert "lantern user create" in console.REFUSED["createsuperuser"]
    assert "lantern user reset" in console.REFUSED["changepassword"]
    assert "lantern import htcds" in console.REFUSED["loaddata"]
    assert "lantern export" in console.REFUSED["dumpdata"]
    assert "lantern user reset" in console.REFUSED["axes_reset_username"]


def test_outside_production_the_framework_commands_still_run() -> None:
    assert console.refusal("createsuperuser", mode="test") is None
    assert console.refusal("flush", mode="demo") is None
    assert console.refusal("migrate", mode="production") is None


@pytest.mark.django_db
def test_a_shell_in_production_is_audited_first(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The policy step alone: Django's shell closes every connection when it ends, which would end the test's
    # transaction (the shell itself runs in tests/core/test_documented_commands.py, in a process of its own).
    monkeypatch.setattr(settings, "LANTERN_MODE", "production")
    shell.Command().guard({"command": "print('inside')"})
    assert "recorded in the audit trail" in capsys.readouterr().err
    event = AuditEvent.objects.filter(action="console.shell").latest("pk")
    assert event.actor_label.startswith("console:")
    assert event.detail == {"command": "shell", "with_code": True}


@pytest.mark.django_db
def test_outside_production_a_shell_is_not_audited(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "LANTERN_MODE", "test")
    dbshell.Command().guard({})
    assert not AuditEvent.objects.filter(action="console.shell").exists()


def test_lantern_replaces_exactly_the_framework_commands_it_names() -> None:
    commands = get_commands()
    assert {name: commands[name] for name in console.OVERRIDDEN} == {
        name: "lantern.core" if name in CORE_OWNED else "lantern.guard" for name in console.OVERRIDDEN
    }
    assert {name for name, app in commands.items() if app == "lantern.guard"} == console.OVERRIDDEN - CORE_OWNED


# The same policy with Django's own entry point: `python -m django` (as `django-admin`) with Lantern's settings, in
# production, on a fresh LANTERN_HOME.
def django_admin(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANTERN_", "DATABASE_URL", "PYTEST", "DJANGO_"))}
    env.update(
        {
            "LANTERN_HOME": str(home),
            "LANTERN_MODE": "production",
            "DJANGO_SETTINGS_MODULE": "lantern.settings",
            "PYTHONPATH": str(SRC),
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "django", *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lantern-home")
    assert django_admin(path, "keys", "init").returncode == 0
    assert django_admin(path, "migrate", "--verbosity", "0").returncode == 0
    return path


def _count(home: Path, action: str) -> int:
    code = f"from lantern.core.models import AuditEvent; print(AuditEvent.objects.filter(action={action!r}).count())"
    done = django_admin(home, "shell", "-c", code)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


@pytest.mark.xdist_group("cli")
@pytest.mark.sqlite_only  # a fresh embedded home in subprocesses: the same on either half of the suite
@pytest.mark.parametrize(
    "argv",
    [
        ["dumpdata", "cases.person"],
        ["dumpdata"],
        ["loaddata", "anything.json"],
        ["flush", "--noinput"],
        ["sqlflush"],
        ["diffsettings"],
        ["testserver"],
        ["createsuperuser", "--noinput", "--username", "root", "--email", "root@example.org"],
        ["changepassword", "root"],
        ["runserver"],
        ["db_worker"],
        ["axes_reset"],
        ["axes_reset_username", "someone"],
        ["axes_reset_logs"],
    ],
)
def test_django_admin_refuses_what_lantern_refuses(home: Path, argv: list[str]) -> None:
    done = django_admin(home, *argv)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [f"lantern {argv[0]}: not available in production; {console.REFUSED[argv[0]]}"]


@pytest.mark.xdist_group("cli")
@pytest.mark.sqlite_only  # a fresh embedded home in subprocesses: the same on either half of the suite
def test_django_admin_shell_is_audited_and_flush_emptied_nothing(home: Path) -> None:
    before = _count(home, "console.shell")
    assert before >= 1  # the shell that counted recorded itself first
    assert django_admin(home, "flush", "--noinput").returncode == 2
    assert _count(home, "console.shell") == before + 1


@pytest.mark.xdist_group("cli")
@pytest.mark.sqlite_only  # a fresh embedded home in subprocesses: the same on either half of the suite
@pytest.mark.parametrize("target", [["core", "zero"], ["core", "0001"], ["cases", "zero"]])
def test_a_backward_migration_is_refused_in_production(home: Path, target: list[str]) -> None:
    done = django_admin(home, "migrate", *target, "--noinput")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [BACKWARD]
    assert "Unapplying" not in done.stdout
    assert _count(home, "console.shell") >= 1  # the audit trail is still there


@pytest.mark.xdist_group("cli")
@pytest.mark.sqlite_only  # a fresh embedded home in subprocesses: the same on either half of the suite
def test_forward_migrations_and_the_plan_still_run_in_production(home: Path) -> None:
    assert django_admin(home, "migrate", "--verbosity", "0").returncode == 0
    assert django_admin(home, "migrate", "core", "--verbosity", "0").returncode == 0
    plan = django_admin(home, "migrate", "core", "zero", "--plan")
    assert plan.returncode == 0
    assert "Undo" in plan.stdout
    missing = django_admin(home, "migrate", "core", "9999")
    assert missing.returncode == 1
    assert "Cannot find a migration matching '9999'" in missing.stderr


def test_outside_production_a_backward_migration_is_not_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from lantern.core.management.commands import migrate

    monkeypatch.setattr(settings, "LANTERN_MODE", "test")
    migrate.Command().guard({"app_label": "core", "migration_name": "zero", "database": "default"})
