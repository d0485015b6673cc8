"""Lists in running text, joined the way the reader's language joins them: Arabic, Persian and Urdu with the Arabic
comma ("، "), Chinese with the enumeration comma ("、"), every other language of Lantern with ", "."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import get_language

SEPARATORS = {"ar": "، ", "fa": "، ", "ur": "، ", "zh": "、"}


def separator(language: str | None = None) -> str:
    code = (language or get_language() or "en").split("-")[0].lower()
    return SEPARATORS.get(code, ", ")


def join(items: Iterable[object], language: str | None = None) -> str:
    """The items as text, in order, in the active language (or `language`)."""
    return separator(language).join(str(item) for item in items)
