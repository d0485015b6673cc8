"""`runserver` refuses in production (lantern.core.console.REFUSED says what to use instead)."""

from django.contrib.staticfiles.management.commands import runserver

from lantern.core.management.framework import Guarded


class Command(Guarded, runserver.Command):
    lantern_command = "runserver"
