"""`testserver` refuses in production (lantern.core.management.framework): a development server on a test database."""

from django.core.management.commands import testserver

from lantern.core.management.framework import Guarded


class Command(Guarded, testserver.Command):
    lantern_command = "testserver"
