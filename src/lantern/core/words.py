"""Words for codes that have no model field to say them (`in_person` in a JSON list): tables that apps register in
their AppConfig.ready, read by the `words` template filter (`{{ offering.delivery_modes|words:"delivery_mode" }}`),
so a page shows "In person" in the reader's language and never the code."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

TABLES: dict[str, Callable[[], Mapping[str, Any]]] = {}


def register(name: str, table: Callable[[], Mapping[str, Any]]) -> None:
    """A table of code -> label (a lazy translation), under a name (once: ready() may run more than once)."""
    TABLES.setdefault(name, table)


def word(table: str, code: str) -> str:
    """The label of a code in the reader's language; the code itself when the table does not know it."""
    source = TABLES.get(table)
    return str(source().get(code, code)) if source is not None else code


def staff_name(user: Any) -> str:
    """How a member of staff is named on every page (the assign menu, the timeline, the lists): the full name, the
    username only when no name was given."""
    return str(user.get_full_name() or user.get_username())
