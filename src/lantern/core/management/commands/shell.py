"""`shell` in production leaves an audit event (console.shell) before it opens (lantern.core.management.framework)."""

from django.core.management.commands import shell

from lantern.core.management.framework import AuditedShell


class Command(AuditedShell, shell.Command):
    lantern_command = "shell"
