"""`migrate`: Django's command, except that in production a target that would unapply migrations is refused.

`lantern migrate core zero` drops every table of the app, the append-only audit trail with them; a backward
migration is never how Lantern goes back (a backup is restored instead: docs/operations.md). A plain `lantern migrate`
(forward) and `--plan` are unchanged."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.commands import migrate
from django.db import connections
from django.db.migrations.exceptions import AmbiguityError
from django.db.migrations.executor import MigrationExecutor

from lantern.core.management.framework import Guarded, Refused, production

BACKWARD = "lantern migrate: backward migrations are refused in production: restore a backup instead"


class Command(Guarded, migrate.Command):
    lantern_command = "migrate"

    def guard(self, options: dict[str, Any]) -> None:
        if production() and not options.get("plan") and _unapplies(options):
            raise Refused(BACKWARD)


def _unapplies(options: dict[str, Any]) -> bool:
    """Whether the named target (APP MIGRATION, or APP zero) would unapply a migration. A target Django cannot
    resolve is left to Django, which says so."""
    app_label, name = options.get("app_label"), options.get("migration_name")
    if not app_label or not name:
        return False
    executor = MigrationExecutor(connections[options.get("database") or "default"])
    try:
        apps.get_app_config(app_label)
        target = (app_label, None if name == "zero" else executor.loader.get_migration_by_prefix(app_label, name).name)
    except (LookupError, AmbiguityError):
        return False
    if target[1] is not None and target not in executor.loader.graph.nodes and target in executor.loader.replacements:
        target = executor.loader.replacements[target].replaces[-1]  # a partly applied squash: as Django does
    return any(backwards for _, backwards in executor.migration_plan([target]))
