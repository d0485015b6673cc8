"""The base of Lantern's console commands: bad arguments exit 2 with one line that says why."""

from __future__ import annotations

import sys
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser, handle_default_options
from django.db import connections


class UsageError(CommandError):
    def __init__(self, message: str) -> None:
        super().__init__(message, returncode=2)


def validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items())
    return " ".join(exc.messages)


class _OneLineParser(CommandParser):
    def error(self, message: str) -> NoReturn:
        if self.called_from_command_line:
            sys.stderr.write(f"{self.prog}: {message} (see --help)\n")
            sys.exit(2)
        raise CommandError(f"Error: {message}", returncode=2)


class LanternCommand(BaseCommand):
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
            self.execute(*args, **cmd_options)
        except CommandError as exc:
            if options.traceback:
                raise
            sys.stderr.write(f"lantern {argv[1]}: {exc}\n")
            sys.exit(exc.returncode)
        finally:
            connections.close_all()

    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)
        except ValidationError as exc:
            raise UsageError(validation_message(exc)) from None
