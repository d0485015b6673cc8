"""Migration 0009 left "if anyone stops you" and "if you are arrested" live in two cases, the second silently:

- the English had been edited before the upgrade (the demo does): 0009 then replaced nothing, in any language;
- only a translation had been edited: 0009 replaced the English and the other texts but kept the revision, so the
  edited translation still showed as written from the current English and the translation status called it up to
  date.

This one replaces, field by field, every title and body still word for word as first installed (or as 0009 wrote
it, where the translator reworded it since: fr, de, nl), whatever happened to the English. If any text is left
neither replaced nor equal to the standard text, the message's revision is raised: the replaced texts are marked as
written from it, every text not replaced keeps its older revision and shows as out of date in the translation
status, and the national coordinators are alerted. A database where every text is the standard one is left as it
is."""

import importlib

from django.conf import settings
from django.db import migrations
from django.utils import translation
from django.utils.translation import gettext

FIRST_INSTALLED = importlib.import_module("lantern.portal.migrations.0009_leave_home_wording").FIRST_INSTALLED

KEY = "leave_home"

# The bodies migration 0009 wrote, reworded since by the translator (her finding 10): replaced like first texts.
WRITTEN_BY_0009 = {
    "fr": "Les règles du confinement et du couvre-feu vous permettent de sortir pour demander de l'aide, consulter "
    "un médecin ou fuir la violence ou l'exploitation. En cas de contrôle par la police ou par d'autres agents, vous "
    "pouvez dire que vous allez chercher de l'aide. Vous n'avez pas à en dire plus.",
    "de": "Die Regeln zu Lockdown und Ausgangssperre erlauben Ihnen, das Haus zu verlassen, um Hilfe zu holen, zum "
    "Arzt zu gehen oder Gewalt und Ausbeutung zu entkommen. Wenn die Polizei oder eine Behörde Sie anhält, können Sie "
    "sagen, dass Sie Hilfe holen. Mehr müssen Sie nicht sagen.",
    "nl": "Ook tijdens een lockdown of avondklok mag je naar buiten om hulp te halen, naar een dokter te gaan of te "
    "ontsnappen aan geweld of uitbuiting. Als de politie of een andere overheidsdienst je staande houdt, kun je "
    "zeggen dat je hulp gaat halen. Meer hoef je niet te zeggen.",
}


def _replaceable(language: str) -> tuple[set[str], set[str]]:
    first = FIRST_INSTALLED.get(language)
    titles = {first[0]} if first else set()
    bodies = {first[1]} if first else set()
    if language in WRITTEN_BY_0009:
        bodies.add(WRITTEN_BY_0009[language])
    return titles, bodies


def reword_and_flag(apps, schema_editor):
    from lantern.portal.standard_messages import STANDARD_MESSAGES

    CrisisMessage = apps.get_model("portal", "CrisisMessage")
    MessageText = apps.get_model("portal", "MessageText")
    message = CrisisMessage.objects.filter(key=KEY).first()
    if message is None:
        return
    standard = STANDARD_MESSAGES[KEY]
    texts = list(MessageText.objects.filter(message=message))
    replaced, kept = [], []
    for text in texts:
        titles, bodies = _replaceable(text.language)
        new_title, new_body = standard.get(text.language, (text.title, text.body))
        changed = False
        if text.title in titles and text.title != new_title:
            text.title, changed = new_title, True
        if text.body in bodies and text.body != new_body:
            text.body, changed = new_body, True
        if changed:
            replaced.append(text)
        if (text.title, text.body) != standard.get(text.language):
            kept.append(text)
    if not kept:
        for text in replaced:
            MessageText.objects.filter(pk=text.pk).update(title=text.title, body=text.body)
        return
    # Some text is not the standard one: a new revision, which only the replaced and standard texts are written from.
    message.revision += 1
    message.save(update_fields=["revision"])
    kept_pks = {text.pk for text in kept}
    for text in texts:
        fields = {"title": text.title, "body": text.body}
        if text.pk not in kept_pks or text.language == "en":
            fields["source_revision"] = message.revision
        MessageText.objects.filter(pk=text.pk).update(**fields)
    _alert_coordinators(apps, message, sorted(text.language for text in kept))


def _alert_coordinators(apps, message, languages: list[str]) -> None:
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Alert = apps.get_model("core", "Alert")
    coordinators = User.objects.filter(is_active=True, memberships__role="national_coordinator").distinct()
    alerts = []
    for user in coordinators:
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            text = gettext(
                "The standard crisis message about leaving home to get help was reworded: it now says that the "
                "police or officials may stop a person, never anyone. Your own texts were kept (%(languages)s): "
                "check them, they show as out of date in the translation status."
            ) % {"languages": ", ".join(languages)}
        alerts.append(
            Alert(recipient=user, kind="info", text=text[:500], object_type="portal.crisismessage", object_id=str(message.pk))
        )
    Alert.objects.bulk_create(alerts)


class Migration(migrations.Migration):
    dependencies = [("portal", "0009_leave_home_wording"), ("core", "0004_outbox")]

    operations = [migrations.RunPython(reword_and_flag, migrations.RunPython.noop)]
