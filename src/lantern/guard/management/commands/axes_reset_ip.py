"""`axes_reset_ip` refuses in production (lantern.core.console.REFUSED says what to use instead)."""

from axes.management.commands import axes_reset_ip

from lantern.core.management.framework import Guarded


class Command(Guarded, axes_reset_ip.Command):
    lantern_command = "axes_reset_ip"
