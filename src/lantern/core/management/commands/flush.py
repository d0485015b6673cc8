"""`flush` refuses in production (lantern.core.management.framework): it empties every table, the append-only audit
trail with them."""

from django.core.management.commands import flush

from lantern.core.management.framework import Guarded


class Command(Guarded, flush.Command):
    lantern_command = "flush"
