"""The base of Lantern's console commands: bad arguments exit 2 with one line that says why, and a command that
uses the database finds its schema up to date (the embedded database is migrated there and then, as `lantern demo`
does; PostgreSQL is migrated by the operator, so the command refuses and says so)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser, handle_default_options
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


class UsageError(CommandError):
    def __init__(self, message: str) -> None:
        super().__init__(message, returncode=2)


def validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())
    return " ".join(exc.messages)


def schema_up_to_date(stderr: Any = None) -> None:
    """Apply the migrations the embedded (SQLite) database lacks; on PostgreSQL, refuse with one line (exit 2).

    A new LANTERN_HOME has no database at all: SQLite creates the file here, PostgreSQL has its own owner role that
    runs `lantern migrate` once per version (docs/operations.md), deliberately, before the processes restart."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "sqlite":
        Path(connection.settings_dict["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    executor = MigrationExecutor(connection)
    if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    if connection.vendor != "sqlite":
        raise UsageError("the database schema is not up to date: run `lantern migrate`")
    call_command("migrate", interactive=False, verbosity=0)
    if stderr is not None:
        stderr.write("brought the embedded database up to date (lantern migrate)")


class _OneLineParser(CommandParser):
    def error(self, message: str) -> NoReturn:
        if self.called_from_command_line:
            sys.stderr.write(f"{self.prog}: {message} (see --help)\n")
            sys.exit(2)
        raise CommandError(f"Error: {message}", returncode=2)


class LanternCommand(BaseCommand):
    def uses_database(self, options: dict[str, Any]) -> bool:
        """Whether this run reads or writes the database (then its schema is brought up to date first). Commands
        that work on files or keys alone say no, so that they run before the database exists."""
        return True

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = _OneLineParser  # same state, one-line errors
        parser.prog = f"lantern {subcommand}"
        return parser

    def add_subcommands(self, parser: CommandParser) -> Any:
        """Sub-commands (`lantern org create`) whose parsers keep the one-line errors."""
        return parser.add_subparsers(dest="action", required=True, parser_class=_OneLineParser)

    def run_from_argv(self, argv: list[str]) -> None:
        # Django's own version prints "CommandError: ..."; Lantern names the command instead.
        self._called_from_command_line = True
        parser = self.create_parser(argv[0], argv[1])
        options = parser.parse_args(argv[2:])
        cmd_options = vars(options)
        args = cmd_options.pop("args", ())
        handle_default_options(options)
        try:
            if self.uses_database(cmd_options):
                schema_up_to_date(self.stderr)
            self.execute(*args, **cmd_options)
        except CommandError as exc:
            if options.traceback:
                raise
            sys.stderr.write(f"lantern {argv[1]}: {exc}\n")
            sys.exit(exc.returncode)
        except ImproperlyConfigured as exc:
            # A key or a setting the operator has to provide ("run `lantern keys init`"): said in one line.
            if options.traceback:
                raise
            sys.stderr.write(f"lantern {argv[1]}: {exc}\n")
            sys.exit(2)
        finally:
            connections.close_all()

    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)
        except ValidationError as exc:
            raise UsageError(validation_message(exc)) from None
