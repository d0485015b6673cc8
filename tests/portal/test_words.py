"""The portal's words that could put a survivor at risk: the voicemail consent, what to say when stopped, what to tap
to leave, which history to clear, and the words one app gave another (docs/glossary.md)."""

# ruff: noqa: RUF001 (the texts are written in Cyrillic and with typographic apostrophes on purpose)
from __future__ import annotations

import html
import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext, pgettext

from lantern.portal.models import MessageText
from lantern.portal.standard_messages import STANDARD_MESSAGES
from tests.portal.conftest import Portal

PORTAL_LOCALE = Path(__file__).resolve().parents[2] / "src" / "lantern" / "portal" / "locale"

CONSENT = {
    "en": "It is safe to leave me a message or voicemail.",
    "es": "Acepto que me dejen un mensaje escrito o de voz",
    "it": "Accetto che mi lascino un messaggio scritto o vocale",
    "fr": "J’accepte qu’on me laisse un message écrit ou vocal",
    "pt": "Aceito que me deixem uma mensagem escrita ou de voz",
    "ar": "أوافق على أن تتركوا لي رسالة مكتوبة أو صوتية",
    "uk": "Мені можна залишити текстове або голосове повідомлення — це безпечно",
    "ru": "Мне можно оставить текстовое или голосовое сообщение — это безопасно",
    "bg": "Може да ми се остави писмено или гласово съобщение — това е безопасно",
}


def _checkbox(page: str) -> tuple[str, str]:
    box = re.search(r'<input[^>]*name="may_leave_message"[^>]*>', page)
    label = re.search(r'<label[^>]*for="id_may_leave_message"[^>]*>(.*?)</label>', page, re.S)
    assert box
    assert label
    return box.group(0), html.unescape(re.sub(r"<[^>]+>", "", label.group(1))).strip()


@pytest.mark.parametrize("code", sorted(CONSENT))
def test_the_voicemail_box_is_the_persons_consent_and_starts_unticked(portal: Portal, code: str) -> None:
    box, label = _checkbox(Client().get(f"/help/{code}/call-back/").content.decode())
    assert 'type="checkbox"' in box
    assert "checked" not in box
    assert label == CONSENT[code]


@pytest.mark.parametrize(
    ("code", "wrong"),
    [
        ("es", "dejarnos"),
        ("it", "lasciarci"),
        ("fr", "Vous pouvez laisser"),
        ("ru", "Вы можете"),
        ("uk", "Ви можете"),
        ("bg", "Можете да"),
    ],
)
def test_the_voicemail_box_never_reads_as_permission_for_the_reader(portal: Portal, code: str, wrong: str) -> None:
    _, label = _checkbox(Client().get(f"/help/{code}/call-back/").content.decode())
    assert wrong not in label


@pytest.mark.parametrize(
    ("code", "says"),
    [
        (
            "en",
            "If the police or officials stop you, you can say you are going to get help. You do not have to say more.",
        ),
        ("es", "Si la policía u otra autoridad le para"),
        ("fr", "En cas de contrôle par la police ou d'autres représentants des autorités"),
        ("nl", "Als de politie of een andere handhaver je staande houdt"),
        ("de", "Wenn die Polizei oder andere Behördenmitarbeiter Sie anhalten"),
        ("pt", "Se a polícia ou outra autoridade o/a mandar parar"),
        ("ar", "إذا أوقفتك الشرطة"),
        ("ro", "Dacă vă oprește poliția"),
    ],
)
def test_leaving_home_says_who_may_stop_you_and_that_you_need_say_no_more(code: str, says: str) -> None:
    _title, body = STANDARD_MESSAGES["leave_home"][code]
    assert says in body
    for anyone_or_arrest in ("أوقفك أحد", "vă oprește cineva", "Si le detienen", "Si l'on vous arrête", "aangehouden,"):
        assert anyone_or_arrest not in body
    assert STANDARD_MESSAGES["leave_home"]["en"][0] == "You are allowed to leave home to get help"


def test_the_rewording_replaces_texts_still_as_installed_and_keeps_edited_ones(db: None) -> None:
    migration = importlib.import_module("lantern.portal.migrations.0009_leave_home_wording")
    first = migration.FIRST_INSTALLED
    texts = MessageText.objects.filter(message__key="leave_home")
    for text in texts:
        text.title, text.body = first[text.language]
        text.save()
    texts.filter(language="el").update(body="Κείμενο του συντονιστή.")

    migration.reword(django_apps, None)

    assert texts.get(language="es").body == STANDARD_MESSAGES["leave_home"]["es"][1]
    assert texts.get(language="en").title == "You are allowed to leave home to get help"
    assert texts.get(language="el").body == "Κείμενο του συντονιστή."


def test_no_rewording_when_the_coordinator_changed_the_english(db: None) -> None:
    migration = importlib.import_module("lantern.portal.migrations.0009_leave_home_wording")
    texts = MessageText.objects.filter(message__key="leave_home")
    for text in texts:
        text.title, text.body = migration.FIRST_INSTALLED[text.language]
        text.save()
    texts.filter(language="en").update(body="The coordinator's own English.")

    migration.reword(django_apps, None)

    assert texts.get(language="fr").body == migration.FIRST_INSTALLED["fr"][1]


@pytest.mark.parametrize("code", ["en", "ar", "uk"])
def test_every_page_says_what_to_tap_to_leave_and_mentions_the_key_only_for_a_keyboard(
    portal: Portal, code: str
) -> None:
    page = Client().get(f"/help/{code}/").content.decode()
    with translation.override(code):
        tap = gettext("Tap the red button to leave at once.")
        key = gettext("or press the Esc key")
    assert f'<span class="exit-hint exit-hint-touch">{tap}</span>' in page
    assert f'<span class="exit-hint exit-hint-keys">{key}</span>' in page
    text = (Path(django_apps.get_app_config("portal").path) / "static" / "portal" / "portal.css").read_text()
    assert ".exit-hint-keys { display: none; }" in text
    assert "@media (hover: hover) and (pointer: fine)" in text


def test_the_safety_page_removes_this_site_from_the_history_and_says_what_to_tap(portal: Portal) -> None:
    page = Client().get("/help/en/safety/").content.decode()
    assert "Remove this site from your history" in page
    assert "Clear your history" not in page
    assert "Tap the red button at the top of every page" in page


@pytest.mark.parametrize(
    ("code", "steps"),
    [
        ("en", "On a phone: open the browser's menu (⋮ or ☰; on an iPhone, the book icon), tap History"),
        ("ar", "على الهاتف: افتح قائمة المتصفح"),
        ("ru", "нажмите «История», затем ✕"),
        ("nl", "tik op ‘Geschiedenis’"),
    ],
)
def test_the_safety_page_says_what_to_tap_on_a_phone_to_remove_this_site(portal: Portal, code: str, steps: str) -> None:
    """Deleting only these pages is advice a phone user cannot follow without the steps: the menu, History, ✕."""
    page = html.unescape(Client().get(f"/help/{code}/safety/").content.decode())
    assert steps in page


def test_the_confirmation_page_says_it_is_the_only_confirmation() -> None:
    with translation.override("en"):
        assert gettext("We send you no confirmation, by any means: this page is your only confirmation.")


@pytest.mark.parametrize(
    ("code", "context", "msgid", "right", "wrong"),
    [
        ("fr", "justice", "Hearing", "Audience", "Entendre"),
        ("ar", "justice", "Hearing", "الجلسة", "السمع"),
        ("uk", "justice", "Hearing", "Засідання", "Слух"),
        ("ru", "justice", "Hearing", "Заседание", "Слух"),
        ("es", "justice", "Hearing", "Audiencia", "Oír"),
        ("uk", "justice", "Open", "Відкрити", "Працює"),
        ("ar", "justice", "None yet.", "لا شيء بعد.", "لا توجد إحالات بعد."),
        ("ar", "portal", "Repatriation", "العودة إلى الوطن", "الإعادة إلى الوطن"),
        ("ar", "justice", "Status", "الوضع", "الحالة"),
    ],
)
def test_a_word_one_app_means_otherwise_has_its_own_context(
    code: str, context: str, msgid: str, right: str, wrong: str
) -> None:
    with translation.override(code):
        assert pgettext(context, msgid) == right
        assert pgettext(context, msgid) != wrong


def test_the_court_pages_ask_for_the_court_meaning() -> None:
    templates = Path(django_apps.get_app_config("justice").path) / "templates" / "justice"
    assert '{% translate "Hearing" context "justice" %}' in (templates / "hearing.html").read_text()
    assert '{% translate "Open" context "justice" %}' in (templates / "case.html").read_text()
    assert '{% translate "None yet." context "justice" %}' in (templates / "proceeding.html").read_text()


REFUSED = (
    "The call-back service is receiving too many requests right now. Your request was not sent: please call a hotline "
    "directly."
)


@pytest.mark.parametrize(
    ("code", "right", "wrong"),
    [
        ("nl", "Je verzoek is niet verstuurd", "Uw verzoek"),
        ("de", "ein Hilfetelefon an", "eine Hotline"),
        ("ro", "linie de ajutor", "linie de asistență"),
        ("ru", "Ваша заявка не отправлена", "Ваш запрос не отправлен"),
        ("es", "El servicio de llamadas", "devolución de llamadas"),
        ("pt", "pedidos de contacto", "chamada de retorno"),
    ],
)
def test_the_refusal_when_the_portal_takes_no_more_requests_reads_as_the_form_does(
    code: str, right: str, wrong: str
) -> None:
    """A survivor reads it, so it carries the translator note that tests/core/test_glossary.py looks for."""
    with translation.override(code):
        text = gettext(REFUSED)
    assert right in text
    assert wrong not in text
    catalogue = (
        Path(django_apps.get_app_config("portal").path) / "locale" / code / "LC_MESSAGES" / "django.po"
    ).read_text()
    entry = catalogue.split(f'msgid "{REFUSED}"')[0].rsplit("\n\n", 1)[-1]
    assert "#. Survivors read this" in entry


SOMEONE_ELSE = {
    "ar": ("إذا أجاب شخص آخر، فماذا نفعل؟", "إذا أجاب شخص آخر:"),
    "ru": ("Что нам делать, если ответит кто-то другой?", "Если ответит кто-то другой:"),
    "uk": ("Що нам робити, якщо відповість хтось інший?", "Якщо відповість хтось інший:"),
    "bg": ("Какво да направим, ако отговори някой друг?", "Ако отговори някой друг:"),
    "el": ("Τι να κάνουμε αν απαντήσει κάποιος άλλος;", "Αν απαντήσει κάποιος άλλος:"),
    "ro": ("Ce să facem dacă răspunde altcineva?", "Dacă răspunde altcineva:"),
}


@pytest.mark.parametrize("code", sorted(SOMEONE_ELSE))
def test_what_to_do_if_someone_else_answers_joins_the_options_that_follow(portal: Portal, code: str) -> None:
    """The options are infinitives ("Hang up without saying anything"): the form asks a question, and the page after
    sending lists the choice after a colon, never "we will: To hang up" or "they will: ... we"."""
    form, sent = SOMEONE_ELSE[code]
    with translation.override(code):
        assert gettext("If someone else answers, we will:") == form
        assert gettext("If someone else answers, they will:") == sent
    assert form in html.unescape(Client().get(f"/help/{code}/call-back/").content.decode())


@pytest.mark.parametrize(
    ("code", "right", "wrong"),
    [("fr", "Demander un rappel", "rappelé"), ("it", "Chiedi una richiamata", "richiamato")],
)
def test_asking_for_a_call_back_is_not_written_for_a_man(portal: Portal, code: str, right: str, wrong: str) -> None:
    page = html.unescape(Client().get(f"/help/{code}/").content.decode())
    assert right in page
    assert wrong not in page


def test_the_mediator_helps_her_communicate_in_romanian_without_a_masculine_participle() -> None:
    with translation.override("ro"):
        text = gettext("A mediator who knows your culture and helps you be understood.")
    assert text == "Un mediator care vă cunoaște cultura și vă ajută să comunicați."


@pytest.mark.parametrize("code", sorted(p.parent.parent.name for p in PORTAL_LOCALE.glob("*/LC_MESSAGES/django.po")))
@pytest.mark.parametrize(
    "msgid",
    [
        "They will speak %(language)s.",
        "This message is not available in your language yet: it is shown in %(language)s.",
        "This translation may be out of date: the text in %(language)s was changed since.",
    ],
)
def test_a_language_name_comes_after_a_colon_never_inside_the_sentence(code: str, msgid: str) -> None:
    """The name is written in its own language and never inflected ("Русский", "English"): «Ils vous parleront en
    Русский» or «на языке English» read wrong, «Langue de l'appel : Русский.» reads right."""
    with translation.override(code):
        text = gettext(msgid) % {"language": "Русский"}
    assert re.search(r":\s*\u2068?Русский\u2069?\.$", text), text
