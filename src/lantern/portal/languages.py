"""The portal's languages (settings.PORTAL_LANGUAGES, more than the staff UI's), and the pick from the browser."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation.trans_real import parse_accept_lang_header

# The language crisis messages are written in first, and the one a missing translation falls back to.
SOURCE = "en"


def codes() -> list[str]:
    return [code for code, _name in settings.PORTAL_LANGUAGES]


def name_of(code: str) -> str:
    return dict(settings.PORTAL_LANGUAGES).get(code, code)


def is_rtl(code: str) -> bool:
    return code.split("-")[0] in settings.LANGUAGES_BIDI


def choices() -> list[dict[str, str]]:
    """Every portal language, named in itself, with the attributes its link needs."""
    return [{"code": c, "name": n, "dir": "rtl" if is_rtl(c) else "ltr"} for c, n in settings.PORTAL_LANGUAGES]


def from_accept_language(header: str) -> str:
    """The visitor's first language the portal has (a regional variant counts for its language); else English."""
    known = set(codes())
    for tag, _quality in parse_accept_lang_header(header[:500]):
        tag = tag.lower()
        for candidate in (tag, tag.split("-")[0]):
            if candidate in known:
                return candidate
    return SOURCE
