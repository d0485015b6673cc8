"""`db_worker` refuses in production (lantern.core.console.REFUSED says what to use instead)."""

from django_tasks_db.management.commands import db_worker

from lantern.core.management.framework import Guarded


class Command(Guarded, db_worker.Command):
    lantern_command = "db_worker"
