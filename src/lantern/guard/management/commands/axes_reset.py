"""`axes_reset` refuses in production (lantern.core.console.REFUSED says what to use instead)."""

from axes.management.commands import axes_reset

from lantern.core.management.framework import Guarded


class Command(Guarded, axes_reset.Command):
    lantern_command = "axes_reset"
