"""lantern token create|revoke"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from lantern.core.management.base import LanternCommand, UsageError
from lantern.core.models import ApiToken, User
from lantern.core.services import token_create, token_revoke


class Command(LanternCommand):
    help = "Create an API token (printed once, stored hashed) or revoke one."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = self.add_subcommands(parser)
        create = sub.add_parser("create", help="create a token for a user")
        create.add_argument("--user", required=True, help="username")
        create.add_argument("--name", default="api")
        create.add_argument(
            "--expires", type=int, default=None, metavar="DAYS", help="days until it expires (default 90, at most 365)"
        )
        revoke = sub.add_parser("revoke", help="revoke a token")
        revoke.add_argument("--prefix", required=True, help="the first characters shown when it was created")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise UsageError(f"no user named {options['user']!r}")
            token, raw = token_create(actor=None, user=user, name=options["name"], expires_in_days=options["expires"])
            assert token.expires_at is not None
            self.stderr.write(
                f"This token is shown once and expires on {token.expires_at:%Y-%m-%d %H:%M} UTC. "
                "Store it now; Lantern keeps only its hash."
            )
            self.stdout.write(raw)
        else:
            matches = list(ApiToken.objects.filter(prefix=options["prefix"], revoked_at__isnull=True)[:2])
            if len(matches) != 1:
                raise UsageError("no single active token with this prefix")
            token_revoke(actor=None, token=matches[0])
            self.stdout.write(f"revoked token {matches[0].prefix}")
