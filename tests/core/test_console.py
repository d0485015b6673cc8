"""The console command speaks Lantern (lantern.cli, lantern.core.console): its own commands grouped, one line each;
the framework's commands that go round roles, the audit trail or encryption hidden, refused in production with the
Lantern command to use instead; the shells audited."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import get_commands

from lantern import cli
from lantern.core import console, filemodes
from lantern.core.models import AuditEvent

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
    assert set(listed) == own | {"migrate"}
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
    cli._framework_command("shell", ["lantern", "shell", "-c", "print('inside')"])
    assert "recorded in the audit trail" in capsys.readouterr().err
    event = AuditEvent.objects.filter(action="console.shell").latest("pk")
    assert event.actor_label.startswith("console:")
    assert event.detail == {"command": "shell", "with_code": True}


@pytest.mark.django_db
def test_outside_production_a_shell_is_not_audited(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "LANTERN_MODE", "test")
    cli._framework_command("dbshell", ["lantern", "dbshell"])
    assert not AuditEvent.objects.filter(action="console.shell").exists()
