"""Translation catalogues: complete for every language they offer, and compiled without gettext.

The staff UI's strings live in `src/lantern/locale/`; an app may keep a catalogue of its own in
`src/lantern/<app>/locale/` (the portal does, in more languages than the staff UI). Strings marked in such an app
must be in its own catalogue or in the project's, for every language its catalogue has; every other string must
be in the project's catalogue for every language of the staff UI.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from django.conf import settings

from lantern.core.management.commands.compilemessages import catalogue_dirs, compile_catalogues

SRC = Path(settings.PACKAGE_DIR)
STAFF_LANGUAGES = [code for code, _ in settings.LANGUAGES if code != "en"]
PLURALS = {
    "fr": 2, "es": 2, "ar": 6, "ru": 3, "uk": 3, "ro": 3, "bg": 2, "it": 2, "de": 2, "el": 2, "nl": 2, "pt": 2,
    "tr": 2, "fa": 2, "ur": 2, "zh": 1, "vi": 1, "pl": 3, "hu": 2, "sq": 2,
}  # fmt: skip
PROJECT = SRC / "locale"
APP_DIRS = [d for d in catalogue_dirs() if d != PROJECT]


def _catalogue(locale_dir: Path, code: str) -> Catalog:
    with (locale_dir / code / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return read_po(handle, locale=code)


def _languages(locale_dir: Path) -> list[str]:
    return sorted(p.parent.parent.name for p in locale_dir.glob("*/LC_MESSAGES/django.po"))


def _ids(catalogue: Catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}


def _simple_msgids(root: Path, *, leave_out: list[Path]) -> set[str]:
    """The single-line literals marked for translation in templates and Python (a safety net for strings added
    without running `makemessages`; blocktranslate blocks are left to makemessages)."""
    found: set[str] = set()

    def kept(path: Path) -> bool:
        return not any(path.is_relative_to(d.parent) for d in leave_out)

    for template in filter(kept, root.rglob("templates/**/*.html")):
        found |= set(re.findall(r"""{%\s*translate\s+"([^"]+)"\s*%}""", template.read_text()))
        found |= set(re.findall(r"""{%\s*translate\s+'([^']+)'\s*%}""", template.read_text()))
    for module in filter(kept, root.rglob("*.py")):
        if "migrations" in module.parts:
            continue
        found |= set(re.findall(r"""\b_\(\s*"([^"\\]+)"\s*\)""", module.read_text()))
    return found


CATALOGUES = [(d, code) for d in catalogue_dirs() for code in _languages(d)]


@pytest.mark.parametrize(("locale_dir", "code"), CATALOGUES, ids=[f"{d.parent.name}-{c}" for d, c in CATALOGUES])
def test_every_message_is_translated(locale_dir: Path, code: str) -> None:
    catalogue = _catalogue(locale_dir, code)
    missing = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id)
        if isinstance(message.string, tuple):
            assert len(message.string) == PLURALS[code], message.id
    assert missing == []


@pytest.mark.parametrize("code", STAFF_LANGUAGES)
def test_every_marked_string_is_in_the_catalogue(code: str) -> None:
    assert _languages(PROJECT) == sorted(STAFF_LANGUAGES)
    missing = _simple_msgids(SRC, leave_out=APP_DIRS) - _ids(_catalogue(PROJECT, code))
    assert missing == set(), "run makemessages and translate the new strings"


def test_an_app_catalogue_has_its_own_strings() -> None:
    for locale_dir in APP_DIRS:
        languages = _languages(locale_dir)
        assert set(STAFF_LANGUAGES) <= set(languages), f"{locale_dir}: at least the staff UI's languages"
        marked = _simple_msgids(locale_dir.parent, leave_out=[])
        for code in languages:
            known = _ids(_catalogue(locale_dir, code))
            if code in STAFF_LANGUAGES:
                known |= _ids(_catalogue(PROJECT, code))
            assert marked - known == set(), f"{code}: run makemessages in {locale_dir.parent.name} and translate"


def test_catalogues_compile_with_babel_alone() -> None:
    compiled = compile_catalogues(force=True)
    assert {path.parent.parent.name for path in compiled} >= set(STAFF_LANGUAGES)
    assert all(path.stat().st_size > 1000 for path in compiled if path.is_relative_to(PROJECT))
