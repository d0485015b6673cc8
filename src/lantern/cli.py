"""The `lantern` console command: Django's management commands with Lantern's settings.

`lantern`, `lantern --help` and `lantern help` list Lantern's own commands in groups, one line each; the framework's
commands that go round roles, the audit trail or encryption refuse in production mode, and the shells are audited
(lantern.core.console). The policy lives in the commands Lantern puts in place of the framework's, so it holds with
`django-admin` too (lantern.core.management.framework)."""

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
    if argv[1:] in (["--version"], ["version"]):
        # Django's answer would be its own version; an operator comparing a backup's "made by Lantern 0.1.0" needs ours.
        import django

        from lantern import __version__

        sys.stdout.write(f"Lantern {__version__} (Django {django.get_version()})\n")
        return
    if argv[1:] == ["help", "--commands"]:
        sys.stdout.write("\n".join(sorted(console.SHOWN)) + "\n")
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
