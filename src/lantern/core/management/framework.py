"""Lantern's policy on the framework's own commands, enforced wherever Lantern's settings load.

`lantern dumpdata`, `django-admin dumpdata` and `python -m django dumpdata` with DJANGO_SETTINGS_MODULE=lantern.settings
all find the command by name among the installed apps, and an app's command replaces django.core's. lantern.core
therefore ships commands named like Django's (dumpdata, loaddata, flush, sqlflush, diffsettings, testserver, shell,
dbshell, migrate) that subclass Django's own: in production they refuse in one line (exit 2), audit the shell before it
opens, or refuse a backward migration; otherwise they are Django's command unchanged (lantern.core.console)."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from lantern.core import console


class Refused(Exception):
    """A framework command Lantern does not run here; its message is the one line to print."""


def production() -> bool:
    return bool(settings.LANTERN_MODE == "production")


class Guarded(BaseCommand):
    """Mixed in before Django's command class: the policy runs in execute() (the command line and call_command
    alike), and on the command line a refusal is one line naming the Lantern command, exit 2."""

    lantern_command = ""

    def guard(self, options: dict[str, Any]) -> None:
        line = console.refusal(self.lantern_command, mode=settings.LANTERN_MODE)
        if line is not None:
            raise Refused(line)

    def execute(self, *args: Any, **options: Any) -> Any:
        self.guard(options)
        return super().execute(*args, **options)

    def run_from_argv(self, argv: list[str]) -> None:
        try:
            if console.refusal(self.lantern_command, mode=settings.LANTERN_MODE) is not None:
                self.guard({})  # before the arguments are parsed: `loaddata` alone is refused, not explained
            super().run_from_argv(argv)
        except Refused as exc:
            sys.stderr.write(f"{exc}\n")  # Django's run_from_argv has closed the connections it used
            sys.exit(2)


class AuditedShell(Guarded):
    """The Python shell and the database shell: in production an audit event first (console.shell); no audit key or
    an old schema, no shell either."""

    def guard(self, options: dict[str, Any]) -> None:
        if not production():
            return
        from lantern.core.management.base import schema_up_to_date

        try:
            schema_up_to_date()
            console.console_shell_open(command=self.lantern_command, with_code=bool(options.get("command")))
        except (ImproperlyConfigured, CommandError) as exc:
            raise Refused(f"lantern {self.lantern_command}: {exc}") from None
        sys.stderr.write(f"lantern {self.lantern_command}: recorded in the audit trail (console.shell)\n")
