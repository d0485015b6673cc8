"""The `lantern` console command: Django's management commands with Lantern's settings.

`lantern`, `lantern --help` and `lantern help` list Lantern's own commands in groups, one line each; the framework's
commands that go round roles, the audit trail or encryption refuse in production mode, and the shells are audited
(lantern.core.console)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    from lantern.core.filemodes import private_umask

    private_umask()  # the database, its -wal, keys and exports this process writes are the owner's only
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
    if len(argv) > 1 and argv[1] == "demo":
        # The demo runs on the embedded database with two-factor authentication off (a banner says so on every
        # page). Production settings refuse both; they have to be chosen before the settings load.
        os.environ.setdefault("LANTERN_MODE", "demo")
        os.environ.setdefault("LANTERN_REQUIRE_2FA", "false")
    from lantern.core import console

    if console.wants_the_list(argv):
        console.print_commands(sys.stdout)
        return
    if argv[1:] == ["help", "--commands"]:
        sys.stdout.write("\n".join(sorted(console.SHOWN)) + "\n")
        return
    command = argv[1] if len(argv) > 1 else ""
    if command in console.REFUSED or command in console.AUDITED:
        _framework_command(command, argv)
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


def _framework_command(command: str, argv: list[str]) -> None:
    """Refuse a framework command that goes round Lantern in production, or audit a shell before it opens."""
    import django
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from lantern.core import console

    django.setup()
    line = console.refusal(command, mode=settings.LANTERN_MODE)
    if line is not None:
        sys.stderr.write(line + "\n")
        sys.exit(2)
    if command not in console.AUDITED or settings.LANTERN_MODE != "production":
        return
    from lantern.core.management.base import UsageError, schema_up_to_date

    try:
        schema_up_to_date()
        console.console_shell_open(command=command, arguments=argv[2:])
    except (ImproperlyConfigured, UsageError) as exc:  # no audit key or an old schema: no shell either
        sys.stderr.write(f"lantern {command}: {exc}\n")
        sys.exit(2)
    sys.stderr.write(f"lantern {command}: recorded in the audit trail (console.shell)\n")


if __name__ == "__main__":
    main()
