"""What `lantern` shows and allows: Lantern's commands grouped, one line each, and the policy for the Django and
django-axes commands that come with the framework (docs/operations.md, "The console command").

The framework's commands stay installed, and `lantern help NAME` still describes each one, but they are not in the
list a new operator reads. Those that go round roles, the audit trail or encryption (a superuser with every
permission and no organisation, a password set without the reset's second-factor rules, rows written or emptied
without their audit events, decrypted data dumped to a file, locked-out attempts erased) refuse in production mode
with one line naming what to use instead. The Python shell and the database shell stay available to the operator who
truly needs them (a repair nothing else can do) and leave an audit event first, so the trail shows that someone
worked on the data from outside Lantern.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Sequence
from typing import TextIO

# (group, [(command, one line)]). Every command of Lantern's own apps is in exactly one group
# (tests/core/test_console.py), so a new command has to say here what it is for.
GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Set-up",
        [
            ("demo", "the whole system on this machine with demo data, in one step"),
            ("keys", "create the keys of a new installation; rotate the data key; back the keys up and restore them"),
            ("migrate", "bring the database schema up to date (PostgreSQL: run it once per version)"),
            ("compilemessages", "compile the translation catalogues (no system gettext needed)"),
        ],
    ),
    (
        "People and organisations",
        [
            ("org", "create or list organisations"),
            ("user", "create a member of staff, reset a password and second factor, check roles"),
            ("token", "create an API token (shown once) or revoke one"),
        ],
    ),
    (
        "Cases",
        [
            ("import", "import cases from an HTCDS file (all rows checked first)"),
            ("export", "export cases: HTCDS with personal data, or CTDC de-identified microdata"),
            ("nrm", "a country's NRM deadlines, weekend and public holidays"),
            ("retention", "anonymise cases closed longer ago than their retention period"),
            ("referrals", "escalate unanswered referrals past their deadline"),
            ("generate", "synthetic cases for demos and analyses"),
        ],
    ),
    (
        "Statistics",
        [
            ("stats", "publish privacy-safe tables, or the k-anonymous CTDC file"),
            ("insights", "refresh the indicators' summary tables"),
            ("linkage", "privacy-preserving record linkage between organisations"),
            ("preparedness", "the preparedness gap report as PDF, and the checklist a country adapts"),
            ("simulate", "run a crisis scenario and compare it with another"),
        ],
    ),
    (
        "Operations",
        [
            ("serve", "serve Lantern with gunicorn"),
            ("worker", "run a background worker"),
            ("audit", "verify the audit trail, write a signed checkpoint, start a new audit key"),
            ("backup", "an encrypted, consistent copy of the whole database, with its manifest"),
            ("restore", "restore a backup into an empty home or database, checked table by table"),
        ],
    ),
]
SHOWN = {name for _, commands in GROUPS for name, _ in commands}

_LOCKOUT = (
    "a lockout ends by itself after LANTERN_LOGIN_LOCKOUT_MINUTES; for a forgotten password use "
    "`lantern user reset --username NAME`"
)
# Framework commands that go round Lantern's roles, audit trail or encryption: refused in production mode.
REFUSED = {
    "createsuperuser": "use `lantern user create --username NAME --org ORG --role ROLE` (a role, an organisation, "
    "two-factor authentication)",
    "changepassword": "use `lantern user reset --username NAME` (a temporary password and a new second factor)",
    "flush": "Lantern's tables are never emptied (the audit trail is append-only); restore a backup instead",
    "sqlflush": "Lantern's tables are never emptied (the audit trail is append-only); restore a backup instead",
    "loaddata": "use `lantern import htcds FILE --org ORG` (every row checked, encrypted and audited)",
    "dumpdata": "use `lantern export htcds --org ORG --out FILE` or `lantern export ctdc`, or a database backup",
    "testserver": "use `lantern serve`",
    "runserver": "use `lantern serve`",
    "db_worker": "use `lantern worker` (heartbeats, periodic jobs, the outbox)",
    "diffsettings": "it prints the secret key; use `lantern keys status`",
    "axes_reset": _LOCKOUT,
    "axes_reset_ip": _LOCKOUT,
    "axes_reset_username": _LOCKOUT,
    "axes_reset_ip_username": _LOCKOUT,
    "axes_reset_logs": "the login attempts are the record of attacks; they expire on their own",
    "axes_reset_failure_logs": "the login attempts are the record of attacks; they expire on their own",
}
# Available in production, audited before they start.
AUDITED = {"shell", "dbshell"}
# Every one of them is replaced by a Lantern command of the same name, a subclass of the framework's (in lantern.core,
# or in lantern.guard for those of the apps listed before lantern.core), so that the policy holds wherever Lantern's
# settings load: `lantern`, `django-admin`, `python -m django` (lantern.core.management.framework). `migrate` refuses
# a backward target in production.
OVERRIDDEN = set(REFUSED) | AUDITED | {"migrate"}


def refusal(command: str, *, mode: str) -> str | None:
    """The one line a refused framework command prints in production mode, or None when it may run."""
    if mode != "production" or command not in REFUSED:
        return None
    return f"lantern {command}: not available in production; {REFUSED[command]}"


def print_commands(out: TextIO = sys.stdout) -> None:
    out.write("Usage: lantern COMMAND [options]   (lantern help COMMAND for its options)\n")
    width = max(len(name) for name in SHOWN) + 2
    for group, commands in GROUPS:
        out.write(f"\n{group}:\n")
        for name, line in commands:
            out.write(f"  {name:<{width}}{line}\n")
    out.write("\nDocumentation: docs/operations.md and the page of each app in docs/.\n")


def wants_the_list(argv: Sequence[str]) -> bool:
    return list(argv[1:]) in ([], ["--help"], ["-h"], ["help"])


def console_shell_open(*, command: str, with_code: bool) -> None:
    """Record that someone opened a shell on the data from outside Lantern: who on the machine, which shell, and
    whether it ran a given command (never the command's text)."""
    from lantern.core.audit import audit_record

    audit_record(
        action="console.shell",
        actor_label=f"console:{_os_user()}"[:150],
        detail={"command": command, "with_code": with_code},
    )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
