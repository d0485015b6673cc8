"""`dumpdata` refuses in production (lantern.core.management.framework): it would write decrypted personal data to a
file, unaudited."""

from django.core.management.commands import dumpdata

from lantern.core.management.framework import Guarded


class Command(Guarded, dumpdata.Command):
    lantern_command = "dumpdata"
