"""What a survivor's phone shows, and what the public portal says, checked against docs/glossary.md in every language.

A trafficker may read the phone or stand beside the person. The glossary's word table lists, per language, the words
that must never be where a phone shows them (the subject and whole text of a text message, the subject and first
line of an e-mail) and the words the public portal never says. This test reads that table, so a translator who
adds a word there makes every template and catalogue answer for it.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

from lantern.notify import messages
from lantern.portal.standard_messages import STANDARD_MESSAGES

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "docs" / "glossary.md"
PORTAL_LOCALE = Path(settings.PACKAGE_DIR) / "portal" / "locale"
SURVIVOR_NOTE = "Survivors read this"


def _plain(text: str) -> str:
    """Lower case, without accents or Arabic vowel marks, so that "Víctima" and "victima" are one word."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _pattern(term: str, code: str) -> re.Pattern[str]:
    words = _plain(term).split()
    if code == "ar":  # Arabic attaches the article and prepositions to the word: match anywhere
        return re.compile(r"\s+".join(re.escape(w.rstrip("*")) for w in words))
    parts = [re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) + r"(?!\w)" for w in words]
    return re.compile(r"(?<!\w)" + r"\s+".join(parts))


def _glossary() -> dict[str, tuple[list[str], list[str]]]:
    text = GLOSSARY.read_text(encoding="utf-8")
    table = text.split("<!-- words:start -->")[1].split("<!-- words:end -->")[0]
    rows: dict[str, tuple[list[str], list[str]]] = {}
    for line in table.strip().splitlines()[2:]:
        code, phone, portal = (cell.strip() for cell in line.strip().strip("|").split("|"))
        rows[code] = ([w.strip() for w in phone.split(",")], [w.strip() for w in portal.split(",")])
    return rows


WORDS = _glossary()


def _found(text: str, terms: list[str], code: str) -> list[str]:
    plain = _plain(text)
    return [term for term in terms if _pattern(term, code).search(plain)]


def test_the_glossary_covers_every_language_a_survivor_may_read() -> None:
    portal_codes = {code for code, _ in settings.PORTAL_LANGUAGES}
    assert set(messages.languages()) <= set(WORDS)
    assert portal_codes <= set(WORDS)
    for code, (phone, portal) in WORDS.items():
        assert set(portal) <= set(phone) or code == "ar", code


def test_the_matching_reads_words_as_the_glossary_says() -> None:
    assert _found("Your court hearing", ["court*"], "en") == ["court*"]
    assert _found("Votre audience du 12 mars", ["audience*"], "fr") == ["audience*"]
    assert _found("Víctima de trata", ["victima*", "trata"], "es") == ["victima*", "trata"]
    assert _found("tratamiento médico", ["trata"], "es") == []
    assert _found("Ваш социальный работник", ["социальн* работник*"], "ru") == ["социальн* работник*"]
    assert _found("جلستك في المحكمة", ["محكمة"], "ar") == ["محكمة"]


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("ar", "أُحيل ملفك للنيابة"),
        ("ar", "موعدك مع المدعي العام"),
        ("ar", "موعدك للمدعي العام"),
        ("ar", "أمام القاضي"),
        ("en", "The traffickers were charged"),
        ("en", "The judge will see you"),
        ("en", "Your trial starts"),
        ("en", "You are a witness"),
        ("fr", "Convocation à la gendarmerie"),
        ("fr", "Le juge d'instruction"),
        ("it", "I carabinieri ti cercano"),
        ("it", "Il giudice ti aspetta"),
        ("it", "Le polizie locali"),
        ("pt", "O juiz marcou"),
        ("pt", "A PSP ligou"),
        ("pt", "A GNR ligou"),
        ("pt", "As policias"),
        ("es", "La Guardia Civil le llamará"),
        ("es", "El juez le espera"),
        ("de", "Die Richterin erwartet Sie"),
        ("ro", "Jandarmeria vă caută"),
        ("ru", "Следователь позвонит"),
        ("uk", "Слідчий зателефонує"),
        ("bg", "Следователят ще ви потърси"),
    ],
)
def test_the_word_table_catches_what_the_translator_found_missing(code: str, text: str) -> None:
    """Her review: the article listed with the Arabic word, "traffickers", the words of judges, trials, witnesses
    and of the other police forces (gendarmerie, carabinieri, Guardia Civil, GNR and PSP, investigators)."""
    assert _found(text, WORDS[code][0], code) != [], (code, text)


def test_the_portal_column_catches_traffickers() -> None:
    assert _found("Help for people escaping traffickers", WORDS["en"][1], "en") == ["traffick*"]


FACTS = messages.HearingFacts(
    starts_at=datetime(2026, 4, 14, 7, 30, tzinfo=UTC),
    new_starts_at=datetime(2026, 9, 21, 8, 0, tzinfo=UTC),
    court="Court of First Instance",
    time_zone="Europe/Athens",
    mode="remote",
)


@pytest.mark.parametrize("code", messages.languages())
def test_what_a_phone_shows_of_a_message_says_nothing_of_courts_or_services(code: str) -> None:
    """The text message is shown whole; an e-mail shows its subject and its first line before it is opened."""
    phone = WORDS[code][0] + WORDS["en"][0]
    for kind in messages.HEARING_KINDS:
        subject, text = messages.render(language=code, kind=kind, detail="minimal", facts=FACTS)
        assert _found(subject, phone, code) == [], (kind, subject)
        assert _found(text, phone, code) == [], (kind, text)
        subject, text = messages.render(language=code, kind=kind, detail="detailed", facts=FACTS)
        first_line = text.split("\n", 1)[0]
        assert _found(subject, phone, code) == [], (kind, subject)
        assert _found(first_line, phone, code) == [], (kind, first_line)
        assert "\n\n" in text, "the details come after the neutral first line"


@pytest.mark.parametrize("code", messages.languages())
def test_a_message_calls_the_support_worker_what_the_glossary_calls_them(code: str) -> None:
    glossary = GLOSSARY.read_text(encoding="utf-8")
    row = next(line for line in glossary.splitlines() if line.startswith(f"| {code} | ") and "|" in line[6:])
    support_worker = row.split("|")[2].strip()
    words = [w for w in re.findall(r"\w+", _plain(support_worker)) if len(w) > 3]
    _, text = messages.render(language=code, kind="hearing.cancelled", detail="minimal", facts=None)
    assert any(word in _plain(text) for word in words), (support_worker, text)


PORTAL_CODES = sorted(p.parent.parent.name for p in PORTAL_LOCALE.glob("*/LC_MESSAGES/django.po"))


def _survivor_entries(code: str) -> list[tuple[str, str]]:
    with (PORTAL_LOCALE / code / "LC_MESSAGES" / "django.po").open("rb") as handle:
        catalogue = read_po(handle, locale=code)
    out = []
    for message in catalogue:
        if message.id and any(SURVIVOR_NOTE in c for c in message.auto_comments):
            strings = [str(s) for s in message.string] if isinstance(message.string, tuple) else [str(message.string)]
            ids = [str(i) for i in message.id] if isinstance(message.id, tuple | list) else [str(message.id)]
            out += [(ids[0], s) for s in [*ids, *strings]]
    return out


@pytest.mark.parametrize("code", PORTAL_CODES)
def test_the_public_portal_never_names_trafficking_victims_or_social_workers(code: str) -> None:
    entries = _survivor_entries(code)
    assert len(entries) > 200, "the survivor-facing strings carry their translator note"
    words = WORDS[code][1] + WORDS["en"][1]
    wrong = {msgid: _found(text, words, code) for msgid, text in entries if _found(text, words, code)}
    assert wrong == {}
    for texts in STANDARD_MESSAGES.values():
        title, body = texts[code]
        assert _found(title + " " + body, words, code) == [], title


def _demo_public_names() -> list[str]:
    """The organisation names the portal shows from the demo directory: every hotline (its card on every page, the
    call-back form and its confirmation) and every organisation with a public offer."""
    from lantern.core import demo as core_demo
    from lantern.core.models import OrganisationType
    from lantern.portal import demo as portal_demo
    from lantern.referrals import demo as referrals_demo

    hotlines = {name for name, kind, *_ in core_demo.ORGANISATIONS if kind == OrganisationType.HOTLINE}
    public = {offer[0] for offer in referrals_demo.OFFERS if offer[-1]} | {name for name, _ in portal_demo.PUBLIC}
    return sorted(hotlines | public)


def test_the_names_the_portal_shows_from_the_demo_directory_say_none_of_the_portal_words() -> None:
    """An organisation name is data, not a catalogue string, and shows on every page in every language: the demo's
    hotline is a "National Helpline", never a "Trafficking Hotline"."""
    names = _demo_public_names()
    assert "National Helpline" in names
    wrong = {name: found for name in names for code in WORDS if (found := _found(name, WORDS[code][1], code))}
    assert wrong == {}


def test_every_survivor_facing_portal_string_has_a_translator_note() -> None:
    """The strings of the visitor's pages (not the staff pages of the call-back inbox) say who reads them."""
    marked: set[str] = set()
    for template in (Path(settings.PACKAGE_DIR) / "portal" / "templates" / "portal").glob("*.html"):
        if template.name.startswith("staff_"):
            continue
        marked |= set(re.findall(r"""{%\s*translate\s+"([^"]+)"(?:\s+context\s+"[^"]+")?\s*%}""", template.read_text()))
    labels = (Path(settings.PACKAGE_DIR) / "portal" / "labels.py").read_text()
    marked |= set(re.findall(r"""\b(?:_|pgettext_lazy\("portal",)\s*\(?\s*"([^"\\]+)"\s*\)""", labels))
    with (PORTAL_LOCALE / "fr" / "LC_MESSAGES" / "django.po").open("rb") as handle:
        catalogue = read_po(handle, locale="fr")
    noted = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalogue
        if m.id and any(SURVIVOR_NOTE in c for c in m.auto_comments)
    }
    assert marked - noted == set()
