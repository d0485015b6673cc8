"""lantern preparedness report --assessment ID|--latest [--country CC] [--language LL] --out FILE.pdf
lantern preparedness checklist --export FILE | --load FILE --country CC"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandParser
from django.db import connection
from django.utils import translation

from lantern.core.management.base import LanternCommand, UsageError, validation_message
from lantern.preparedness import checklist, pdf, report, services
from lantern.preparedness.models import Assessment


class Command(LanternCommand):
    help = "The preparedness gap report as PDF, and the checklist a country adapts."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = self.add_subcommands(parser)
        out = sub.add_parser("report", help="write the gap report of an assessment as PDF")
        which = out.add_mutually_exclusive_group(required=True)
        which.add_argument("--assessment", type=int, metavar="ID", help="the assessment's id")
        which.add_argument("--latest", action="store_true", help="the latest assessment (of --country if given)")
        out.add_argument("--country", default="", help="with --latest: ISO 3166 code, e.g. GR")
        out.add_argument("--language", default=settings.LANGUAGE_CODE, help="language of the report, e.g. ar")
        out.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
        copy = sub.add_parser("checklist", help="export the checklist to adapt it, or load a country's copy")
        what = copy.add_mutually_exclusive_group(required=True)
        what.add_argument("--export", metavar="FILE", help="write the current checklist (TOML)")
        what.add_argument("--load", metavar="FILE", help="load an adapted copy (TOML) for --country")
        copy.add_argument("--country", default="", help="ISO 3166 code, e.g. GR")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "report":
            self._report(options)
        else:
            self._checklist(options)

    def _require_schema(self) -> None:
        """On a database that was never migrated the first query fails with "no such table"; say what to run."""
        tables = set(connection.introspection.table_names())
        if any(m._meta.db_table not in tables for m in apps.get_app_config("preparedness").get_models()):
            raise UsageError(
                "the database has no preparedness tables yet: run `lantern migrate` first"
                " (or `lantern demo --no-serve` for the demonstration data)"
            )

    def _report(self, options: dict[str, Any]) -> None:
        self._require_schema()
        language = options["language"]
        if language not in dict(settings.LANGUAGES):
            raise UsageError(f"unknown language {language!r} (known: {', '.join(dict(settings.LANGUAGES))})")
        out = Path(options["out"])
        if out.suffix.lower() != ".pdf" or not out.parent.is_dir():
            raise UsageError(f"--out must name a .pdf file in an existing folder: {out}")
        if options["assessment"] is not None:
            assessment = Assessment.objects.filter(pk=options["assessment"]).first()
            if assessment is None:
                raise UsageError(f"no assessment {options['assessment']}")
        else:
            latest = Assessment.objects.order_by("-assessed_on", "-pk")
            if options["country"]:
                latest = latest.filter(country=options["country"].upper())
            assessment = latest.first()
            if assessment is None:
                raise UsageError("no assessment yet")
        if not pdf.available():
            raise UsageError("PDF is unavailable: install WeasyPrint's system library (Pango)")
        with translation.override(language):
            body = services.report_export(actor=None, assessment=assessment, context=report.report_context(assessment))
        out.write_bytes(body)
        self.stdout.write(f"wrote {out} ({len(body):,} bytes): {assessment.title}")

    def _checklist(self, options: dict[str, Any]) -> None:
        country = options["country"].upper()
        if options["export"]:
            if country:
                self._require_schema()
            current = services.checklist_current(country=country) if country else None
            text = current.source if current else checklist.BUILT_IN.read_text("utf-8")
            Path(options["export"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {options['export']}")
            return
        if not country:
            raise UsageError("--load needs --country")
        path = Path(options["load"])
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
        self._require_schema()
        try:
            version = services.checklist_load(actor=None, country=country, source=path.read_text(encoding="utf-8"))
        except (ValidationError, UnicodeDecodeError) as exc:
            raise UsageError(validation_message(exc) if isinstance(exc, ValidationError) else "not UTF-8") from None
        self.stdout.write(f"loaded checklist {version.version} for {country}")
