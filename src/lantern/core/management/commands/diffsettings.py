"""`diffsettings` refuses in production (lantern.core.management.framework): it prints the secret key."""

from django.core.management.commands import diffsettings

from lantern.core.management.framework import Guarded


class Command(Guarded, diffsettings.Command):
    lantern_command = "diffsettings"
