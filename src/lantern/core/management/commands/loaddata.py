"""`loaddata` refuses in production (lantern.core.management.framework): rows written without their checks, encryption
or audit events."""

from django.core.management.commands import loaddata

from lantern.core.management.framework import Guarded


class Command(Guarded, loaddata.Command):
    lantern_command = "loaddata"
