"""Translation catalogues: complete for every language the staff UI offers, and compiled without gettext."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

from lantern.core.management.commands.compilemessages import compile_catalogues

SRC = Path(settings.PACKAGE_DIR)
LANGUAGES = [code for code, _ in settings.LANGUAGES if code != "en"]
PLURALS = {"fr": 2, "es": 2, "ar": 6, "ru": 3, "uk": 3}


def _catalogue(code: str) -> object:
    with (SRC / "locale" / code / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return read_po(handle, locale=code)


def _simple_msgids() -> set[str]:
    """The single-line literals marked for translation in templates and Python (a safety net for strings added
    without running `makemessages`; blocktranslate blocks are left to makemessages)."""
    found: set[str] = set()
    for template in SRC.rglob("templates/**/*.html"):
        found |= set(re.findall(r"""{%\s*translate\s+"([^"]+)"\s*%}""", template.read_text()))
        found |= set(re.findall(r"""{%\s*translate\s+'([^']+)'\s*%}""", template.read_text()))
    for module in SRC.rglob("*.py"):
        if "migrations" in module.parts:
            continue
        found |= set(re.findall(r"""\b_\(\s*"([^"\\]+)"\s*\)""", module.read_text()))
    return found


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_message_is_translated(code: str) -> None:
    catalogue = _catalogue(code)
    missing = []
    for message in catalogue:  # type: ignore[attr-defined]
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id)
        if isinstance(message.string, tuple):
            assert len(message.string) == PLURALS[code], message.id
    assert missing == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_marked_string_is_in_the_catalogue(code: str) -> None:
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalogue(code)}  # type: ignore[attr-defined]
    assert _simple_msgids() - ids == set(), "run makemessages and translate the new strings"


def test_catalogues_compile_with_babel_alone(tmp_path: Path, settings: pytest.FixtureRequest) -> None:
    compiled = compile_catalogues(force=True)
    assert {path.parent.parent.name for path in compiled} == set(LANGUAGES)
    assert all(path.stat().st_size > 1000 for path in compiled)
