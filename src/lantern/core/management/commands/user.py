"""lantern user create|check-roles|reset"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import CommandParser

from lantern.core.accounts import TEMPORARY_PASSWORD_HOURS, member_reset
from lantern.core.management.base import LanternCommand, UsageError
from lantern.core.models import Organisation, User
from lantern.core.roles import Role
from lantern.core.services import memberships_outside_role_matrix, user_create


class Command(LanternCommand):
    help = "Create a member of staff with a first role, or list memberships the role matrix does not allow."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = self.add_subcommands(parser)
        create = sub.add_parser("create", help="create a user")
        create.add_argument("--username", required=True)
        create.add_argument("--org", required=True, help="the organisation's name")
        create.add_argument(
            "--role",
            required=True,
            choices=Role.values,
            metavar="ROLE",
            help="one of: " + ", ".join(Role.values),
        )
        create.add_argument("--email", default="")
        create.add_argument("--work-phone", default="", help="shown to the providers this person refers to")
        create.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from standard input (without it the account cannot log in)",
        )
        check = sub.add_parser(
            "check-roles",
            help="list memberships whose role their organisation's type does not allow (they grant nothing)",
        )
        check.add_argument("--json", action="store_true")

        reset = sub.add_parser(
            "reset", help="reset a user's password and second factor; prints a temporary password, once"
        )
        reset.add_argument("--username", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "check-roles":
            self._check_roles(as_json=options["json"])
            return
        if options["action"] == "reset":
            member = User.objects.filter(username=options["username"], is_active=True).first()
            if member is None:
                raise UsageError(f"no active user named {options['username']!r}")
            temporary = member_reset(actor=None, member=member)
            self.stderr.write(
                f"Temporary password for {member.username}, shown once; it works for {TEMPORARY_PASSWORD_HOURS} hours "
                "and only to choose a new password. Hand it over by phone or in person."
            )
            self.stdout.write(temporary)
            return
        organisation = Organisation.objects.filter(name=options["org"]).first()
        if organisation is None:
            raise UsageError(f"no organisation named {options['org']!r} (see `lantern org list`)")
        password = None
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise UsageError("no password on standard input")
        user = user_create(
            actor=None,
            username=options["username"],
            organisation=organisation,
            role=options["role"],
            password=password,
            email=options["email"],
            work_phone=options["work_phone"],
        )
        self.stdout.write(f"created user {user.username} ({options['role']} at {organisation.name})")

    def _check_roles(self, *, as_json: bool) -> None:
        rows = [
            {
                "membership": m.pk,
                "username": m.user.username,
                "role": m.role,
                "organisation": m.organisation.name,
                "organisation_type": m.organisation.type,
            }
            for m in memberships_outside_role_matrix()
        ]
        if as_json:
            self.stdout.write(json.dumps(rows))
            return
        for row in rows:
            where = f"{row['organisation']} ({row['organisation_type']})"
            self.stdout.write(f"{row['membership']:>6}  {row['username']}  {row['role']}  {where}")
        self.stdout.write(f"{len(rows)} membership(s) outside the role matrix; they grant nothing until removed")
