"""`axes_reset_username` refuses in production (lantern.core.console.REFUSED says what to use instead)."""

from axes.management.commands import axes_reset_username

from lantern.core.management.framework import Guarded


class Command(Guarded, axes_reset_username.Command):
    lantern_command = "axes_reset_username"
