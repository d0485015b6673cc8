"""`sqlflush` refuses in production (lantern.core.management.framework): the SQL that empties every table,
the append-only audit trail with them."""

from django.core.management.commands import sqlflush

from lantern.core.management.framework import Guarded


class Command(Guarded, sqlflush.Command):
    lantern_command = "sqlflush"
