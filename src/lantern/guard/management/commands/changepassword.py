"""`changepassword` refuses in production (lantern.core.console.REFUSED says what to use instead)."""

from django.contrib.auth.management.commands import changepassword

from lantern.core.management.framework import Guarded


class Command(Guarded, changepassword.Command):
    lantern_command = "changepassword"
