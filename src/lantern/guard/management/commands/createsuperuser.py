"""`createsuperuser` refuses in production (lantern.core.console.REFUSED says what to use instead)."""

from django.contrib.auth.management.commands import createsuperuser

from lantern.core.management.framework import Guarded


class Command(Guarded, createsuperuser.Command):
    lantern_command = "createsuperuser"
