"""The `lantern` console command: Django's management commands with Lantern's settings."""

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
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
