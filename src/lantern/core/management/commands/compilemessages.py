"""lantern compilemessages: compiles the gettext catalogues with Babel, so no system gettext is needed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.apps import apps
from django.conf import settings
from django.core.management.base import CommandParser

from lantern.core.management.base import LanternCommand


def catalogue_dirs() -> list[Path]:
    """The project's catalogue (LOCALE_PATHS) and those of the apps that keep their own (`<app>/locale/`)."""
    dirs = [Path(d) for d in settings.LOCALE_PATHS]
    for app in apps.get_app_configs():
        if app.name.startswith("lantern.") and (Path(app.path) / "locale").is_dir():
            dirs.append(Path(app.path) / "locale")
    return dirs


def compile_catalogues(*, force: bool = False) -> list[Path]:
    compiled = []
    for locale_dir in catalogue_dirs():
        for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            with po_path.open("rb") as po_file:
                catalogue = read_po(po_file, locale=po_path.parent.parent.name)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalogue)
            compiled.append(mo_path)
    return compiled


class Command(LanternCommand):
    help = "Compile the translation catalogues (.po to .mo) without system gettext."

    def uses_database(self, options: dict[str, Any]) -> bool:
        return False  # catalogues only: it runs before the database exists

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="compile even when up to date")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        compiled = compile_catalogues(force=options["force"])
        if not options["quiet"]:
            self.stdout.write(f"compiled {len(compiled)} catalogue(s)")
