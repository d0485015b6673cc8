"""`dbshell` in production leaves an audit event (console.shell) before it opens (lantern.core.management.framework)."""

from django.core.management.commands import dbshell

from lantern.core.management.framework import AuditedShell


class Command(AuditedShell, dbshell.Command):
    lantern_command = "dbshell"
