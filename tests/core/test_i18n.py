"""Translation catalogues: complete for every language they offer, compiled without gettext, valid for gettext's
own checker, and never at odds with each other.

The staff UI's strings live in `src/lantern/locale/`; an app may keep a catalogue of its own in
`src/lantern/<app>/locale/` (the portal does, in more languages than the staff UI). Strings marked in such an app
must be in its own catalogue or in the project's, for every language its catalogue has; every other string must
be in the project's catalogue for every language of the staff UI.

Django merges every catalogue of a language into one, the project's winning: a msgid that two catalogues translate
differently shows one app the other's word ("Hearing" as the sense on a court page). An app that means something
else by the same English gives it a context (`pgettext`, `{% translate "..." context "..." %}`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

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


MsgKey = tuple[str | None, str]  # (context, msgid)


def _ids(catalogue: Catalog) -> set[MsgKey]:
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalogue if m.id}


TEMPLATE_MARKS = [
    r"""{%\s*translate\s+"(?P<id>[^"]+)"(?:\s+context\s+"(?P<ctx>[^"]+)")?\s*(?:as\s+\w+\s*)?%}""",
    r"""{%\s*translate\s+'(?P<id>[^']+)'(?:\s+context\s+'(?P<ctx>[^']+)')?\s*(?:as\s+\w+\s*)?%}""",
]
PYTHON_MARKS = [
    r"""\b_\(\s*"(?P<id>[^"\\]+)"\s*\)""",
    r"""\bpgettext(?:_lazy)?\(\s*"(?P<ctx>[^"\\]+)",\s*"(?P<id>[^"\\]+)"\s*\)""",
]


def _simple_msgids(root: Path, *, leave_out: list[Path]) -> set[MsgKey]:
    """The single-line literals marked for translation in templates and Python, with their context (a safety net for
    strings added without running `makemessages`; blocktranslate blocks are left to makemessages)."""
    found: set[MsgKey] = set()

    def kept(path: Path) -> bool:
        return not any(path.is_relative_to(d.parent) for d in leave_out)

    def marks(patterns: list[str], text: str) -> set[MsgKey]:
        return {(m.groupdict().get("ctx"), m.group("id")) for pattern in patterns for m in re.finditer(pattern, text)}

    for template in filter(kept, root.rglob("templates/**/*.html")):
        found |= marks(TEMPLATE_MARKS, template.read_text())
    for module in filter(kept, root.rglob("*.py")):
        if "migrations" in module.parts:
            continue
        found |= marks(PYTHON_MARKS, module.read_text())
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


def test_the_marks_are_read_with_their_context() -> None:
    template = """{% translate "Open" %} {% translate "Open" context "justice" %}
    {% translate 'Hearing' context 'justice' %}"""
    assert {(m.groupdict().get("ctx"), m.group("id")) for p in TEMPLATE_MARKS for m in re.finditer(p, template)} == {
        (None, "Open"),
        ("justice", "Open"),
        ("justice", "Hearing"),
    }
    module = '_("Case") + pgettext("notify", "Case") + pgettext_lazy("portal", "Repatriation")'
    assert {(m.groupdict().get("ctx"), m.group("id")) for p in PYTHON_MARKS for m in re.finditer(p, module)} == {
        (None, "Case"),
        ("notify", "Case"),
        ("portal", "Repatriation"),
    }


@pytest.mark.parametrize("code", sorted({c for _, c in CATALOGUES}))
def test_no_msgid_is_translated_differently_by_two_catalogues_that_both_load(code: str) -> None:
    """Every catalogue of a language loads together (Django merges them, the project's first): one msgid, in one
    context, has one translation in all of them."""
    seen: dict[MsgKey, dict[str, object]] = {}
    for locale_dir in catalogue_dirs():
        if not (locale_dir / code / "LC_MESSAGES" / "django.po").exists():
            continue
        for message in _catalogue(locale_dir, code):
            if message.id:
                key = (message.context, message.id if isinstance(message.id, str) else message.id[0])
                seen.setdefault(key, {})[locale_dir.parent.name] = message.string
    clashes = {key: where for key, where in seen.items() if len({str(s) for s in where.values()}) > 1}
    assert clashes == {}, "give one of them a context (pgettext) or the same words"


PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|{(\w+)}")


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


@pytest.mark.parametrize(("locale_dir", "code"), CATALOGUES, ids=[f"{d.parent.name}-{c}" for d, c in CATALOGUES])
def test_placeholders_are_kept_and_plural_forms_are_complete(locale_dir: Path, code: str) -> None:
    """A translation keeps every placeholder of its English (a plural form may leave the number out, as Arabic's
    "one" and "two" do, but the forms together use them all), and a catalogue says it has the plural forms of its
    language."""
    catalogue = _catalogue(locale_dir, code)
    assert catalogue.num_plurals == PLURALS[code], "Plural-Forms header"
    wrong = []
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.id, str):
            if _placeholders(str(message.string)) != _placeholders(message.id):
                wrong.append(message.id)
            continue
        english = _placeholders(message.id[0]) | _placeholders(message.id[1])
        forms = [_placeholders(s) for s in message.string or ()]
        if any(not f <= english for f in forms) or set().union(*forms) != english:
            wrong.append(message.id[0])
    assert wrong == []


COUNTED = re.compile(r"%\((n|number|count|days)\)[sd] (?!of\b)[a-z]+s\b")


@pytest.mark.parametrize(("locale_dir", "code"), CATALOGUES, ids=[f"{d.parent.name}-{c}" for d, c in CATALOGUES])
def test_a_counted_noun_is_a_plural_message(locale_dir: Path, code: str) -> None:
    """ "%(n)s events" needs every plural form of the language (Arabic has six): it is an ngettext message."""
    singular = {m.id for m in _catalogue(locale_dir, code) if isinstance(m.id, str) and COUNTED.search(m.id)}
    assert singular == set()


MSGFMT = shutil.which("msgfmt")


@pytest.mark.skipif(
    MSGFMT is None and os.environ.get("CI", "").lower() != "true",
    reason="SKIPPED: gettext's msgfmt is not installed (apt-get install gettext); ./lantern.sh test installs it",
)
@pytest.mark.parametrize(("locale_dir", "code"), CATALOGUES, ids=[f"{d.parent.name}-{c}" for d, c in CATALOGUES])
def test_gettext_checks_every_catalogue(locale_dir: Path, code: str) -> None:
    """`msgfmt --check`: format strings that match their English (a literal "95%" in a python-format entry breaks
    the page that shows it), headers, plural forms."""
    assert MSGFMT is not None, "msgfmt is required with CI=true"
    po = locale_dir / code / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        [MSGFMT, "--check", "--output-file=/dev/null", str(po)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_words_shared_by_two_meanings_have_each_their_own_translation() -> None:
    """A discharge to the family is not a relative (the relationship code), and one defendant's outcome pending is
    said in the singular, not like the backlog's pending hearings: each has its own context, in every language."""
    from django.utils.translation import pgettext

    from lantern.cases.codes import Relationship
    from lantern.shelters.models import Destination

    for language in ("ar", "es", "fr", "ru", "uk"):
        with translation.override(language):
            assert str(Destination.FAMILY.label) != "Family", language
            assert pgettext("defendant outcome", "Pending") != "Pending", language
    with translation.override("uk"):
        assert str(Destination.FAMILY.label) == "Сім’я"  # noqa: RUF001
        assert str(Relationship.FAMILIAL.label) == "Родич"
        assert pgettext("defendant outcome", "Pending") == "Очікується"
        assert gettext("Pending") == "Очікують"  # the backlog's column: hearings, plural


SURVIVORS_READ = "Survivors read this"


def _staff_texts(code: str) -> list[tuple[str, str]]:
    """(msgid, translation) of every staff-facing entry of the language's catalogues (survivors' texts left out)."""
    texts = []
    for locale_dir in catalogue_dirs():
        if not (locale_dir / code / "LC_MESSAGES" / "django.po").exists():
            continue
        for message in _catalogue(locale_dir, code):
            if not message.id or any(SURVIVORS_READ in c for c in message.auto_comments):
                continue
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            texts += [(msgid, str(s)) for s in strings]
    return texts


def test_the_ukrainian_staff_ui_says_one_word_for_a_case_and_for_its_person() -> None:
    """docs/glossary.md: a case is one word (not two on one page), its person one word; first responders are not
    a calque; one apostrophe, U+2019."""
    case = re.compile(r"\bcases?\b", re.IGNORECASE)
    texts = _staff_texts("uk")
    case_word = re.compile(r"(?<!на )(?<!\w)[Вв]ипад(ок|ку|ки|ків)(?!\w)")  # "на випадок": "in case of"
    assert not [(i, t) for i, t in texts if case.search(i) and case_word.search(t)]
    assert not [(i, t) for i, t in texts if re.search(r"\bperson\b", i) and re.search(r"(?<!\w)[Лл]юдин", t)]
    assert not [t for _, t in texts if "реагувальник" in t]
    assert not [t for _, t in texts if "Посвідка спливає" in t]
    for locale_dir in catalogue_dirs():  # the apostrophe in survivors' texts too
        po = locale_dir / "uk" / "LC_MESSAGES" / "django.po"
        if po.exists():
            assert not re.search(r"[\u0400-\u04ff]['\u02bc][\u0400-\u04ff]", po.read_text(encoding="utf-8")), po


def test_the_arabic_staff_ui_says_one_word_for_an_interpreter() -> None:
    assert not [t for _, t in _staff_texts("ar") if "شفوي" in t]
