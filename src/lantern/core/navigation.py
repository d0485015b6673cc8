"""The staff UI's main navigation. Apps add their entries when they load (in AppConfig.ready), so core never
imports an app to its right."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    visible: Callable[[Any], bool]
    count: Callable[[Any], int] | None = None
    count_label: str | Promise = ""  # what the number counts, for screen readers
    order: int = 50


ENTRIES: list[NavEntry] = []


def register(entry: NavEntry) -> None:
    if all(existing.url_name != entry.url_name for existing in ENTRIES):
        ENTRIES.append(entry)
        ENTRIES.sort(key=lambda e: e.order)
